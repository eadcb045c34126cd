"""A throw-away Virtuoso Open Source server on loopback for the tests (Debian package ``virtuoso-opensource``,
installed by ``make setup``).

    with VirtuosoServer() as vt:          # scratch database in a temp dir, two free ports, 127.0.0.1 only
        vt.sparql_url, vt.graph_store_url   # …/sparql and …/sparql-graph-crud (updates granted to SPARQL)

The packaged ``virtuoso.ini`` is copied line by line (it has duplicate keys, which configparser refuses) with the
database, log and lock files in the temp dir, both ports on 127.0.0.1, and the settings below. The server is a
child of this process, online when its log says "HTTP/WebDAV server online" and "Server online at"; it is stopped
by PID (SIGTERM, then SIGKILL) and the temp dir removed when the ``with`` block ends, and also when it fails to
start (the error then carries the tail of its log).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

__all__ = ["VirtuosoError", "VirtuosoServer", "PACKAGED_INI", "GRANTS", "READ_ONLY"]

PACKAGED_INI = Path("/usr/share/virtuoso-opensource-7/virtuoso.ini")
VIRTUOSO_T, ISQL = "virtuoso-t", "isql-vt"
# the Graph Store endpoint /sparql-graph-crud answers 403 until the anonymous SPARQL user may update
GRANTS = ('GRANT SPARQL_UPDATE TO "SPARQL"', 'GRANT EXECUTE ON DB.DBA.SPARQL_INSERT_DICT_CONTENT TO "SPARQL"',
          "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7)")
# a read-only replica: both are needed (with the grant revoked alone, an INSERT through /sparql still succeeds)
READ_ONLY = ('REVOKE SPARQL_UPDATE FROM "SPARQL"', "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 1)")
ONLINE = ("HTTP/WebDAV server online", "Server online at")
PORT_TAKEN = re.compile(r"address already in use|failed .*listen|unable to (bind|listen)", re.I)


class VirtuosoError(RuntimeError):
    pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ini_set(lines: list[str], section: str, key: str, value: str) -> list[str]:
    """``key = value`` in ``[section]``: every occurrence replaced (comments kept), appended when absent."""
    out: list[str] = []
    current, done = None, False
    for line in lines:
        header = re.match(r"^\s*\[([^\]]+)\]", line)
        if header:
            if current == section and not done:
                out.append(f"{key} = {value}")
                done = True
            current = header.group(1).strip()
        elif current == section and re.match(rf"^\s*{re.escape(key)}\s*=", line, re.I):
            if not done:
                out.append(f"{key} = {value}")
            done = True
            continue
        out.append(line)
    if not done:
        out += ([] if current == section else [f"[{section}]"]) + [f"{key} = {value}"]
    return out


class VirtuosoServer:
    def __init__(self, result_max_rows: int = 1_000_000, query_timeout_s: int = 60, startup_timeout: float = 60.0):
        # [SPARQL] ResultSetMaxRows: the packaged 10000 cuts larger results short (HTTP 200, only an
        # X-SPARQL-MaxRows header says so); MaxQueryExecutionTime: a runaway query gets 500 SR171
        self.result_max_rows, self.query_timeout_s = result_max_rows, query_timeout_s
        self.startup_timeout = startup_timeout
        self.dir: Path | None = None
        self.proc: subprocess.Popen | None = None
        self.sql_port = self.http_port = 0
        self.timings: dict[str, float] = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql_url(self) -> str:
        return self.url + "/sparql"

    @property
    def graph_store_url(self) -> str:
        return self.url + "/sparql-graph-crud"

    def log_tail(self, n: int = 40) -> str:
        assert self.dir is not None
        try:
            return "\n".join((self.dir / "virtuoso.log").read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    def _write_ini(self) -> Path:
        assert self.dir is not None
        d = self.dir
        (d / "vad").mkdir(exist_ok=True)  # an empty VAD folder: the Conductor is not installed (0.6 s less)
        settings = {
            ("Database", "DatabaseFile"): d / "virtuoso.db", ("Database", "ErrorLogFile"): d / "virtuoso.log",
            ("Database", "LockFile"): d / "virtuoso.lck", ("Database", "TransactionFile"): d / "virtuoso.trx",
            ("Database", "xa_persistent_file"): d / "virtuoso.pxa",
            ("TempDatabase", "DatabaseFile"): d / "virtuoso-temp.db",
            ("TempDatabase", "TransactionFile"): d / "virtuoso-temp.trx",
            ("Parameters", "ServerPort"): f"127.0.0.1:{self.sql_port}",
            ("HTTPServer", "ServerPort"): f"127.0.0.1:{self.http_port}",
            ("Parameters", "DirsAllowed"): f"., {d}", ("Parameters", "VADInstallDir"): f"{d}/vad/",
            # else the service description names http://localhost:8890/sparql whatever the port
            ("URIQA", "DefaultHost"): f"127.0.0.1:{self.http_port}",
            ("SPARQL", "ResultSetMaxRows"): self.result_max_rows,
            ("SPARQL", "MaxQueryExecutionTime"): self.query_timeout_s,
        }
        lines = PACKAGED_INI.read_text().splitlines()
        for (section, key), value in settings.items():
            lines = ini_set(lines, section, key, str(value))
        ini = d / "virtuoso.ini"
        ini.write_text("\n".join(lines) + "\n")
        return ini

    def start(self) -> VirtuosoServer:
        missing = [b for b in (VIRTUOSO_T, ISQL) if shutil.which(b) is None] + \
            ([str(PACKAGED_INI)] if not PACKAGED_INI.is_file() else [])
        if missing:
            raise VirtuosoError(f"Virtuoso is not installed ({', '.join(missing)} missing): `make setup` installs "
                                "it (apt-get install virtuoso-opensource)")
        t0 = time.monotonic()
        self.dir = Path(tempfile.mkdtemp(prefix="tanbiao-virtuoso-"))
        for attempt in range(3):  # a free port can be taken between choosing it and binding it: new ports
            self.sql_port = _free_port()
            self.http_port = _free_port()
            while self.http_port == self.sql_port:
                self.http_port = _free_port()
            for f in self.dir.iterdir():
                shutil.rmtree(f) if f.is_dir() else f.unlink()
            ini = self._write_ini()
            with open(self.dir / "stdout.log", "wb") as out:
                self.proc = subprocess.Popen([VIRTUOSO_T, "-c", str(ini), "+foreground"], cwd=self.dir,
                                             stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                             start_new_session=True)
            try:
                self._wait_online()
                break
            except VirtuosoError as exc:
                tail = self.log_tail()
                self._stop_process()
                if attempt < 2 and PORT_TAKEN.search(tail):
                    continue
                shutil.rmtree(self.dir, ignore_errors=True)
                raise VirtuosoError(f"{exc}\n--- {self.dir}/virtuoso.log (last lines) ---\n{tail}") from None
        self.timings["start"] = time.monotonic() - t0
        try:
            self.isql(";\n".join(GRANTS) + ";")
        except VirtuosoError:
            self.stop()
            raise
        return self

    def _wait_online(self) -> None:
        assert self.proc is not None and self.dir is not None
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise VirtuosoError(f"virtuoso-t exited with {self.proc.returncode} during start-up")
            with contextlib.suppress(OSError):
                log = (self.dir / "virtuoso.log").read_text(errors="replace")
                if all(marker in log for marker in ONLINE):
                    return
            time.sleep(0.1)
        raise VirtuosoError(f"virtuoso-t was not online after {self.startup_timeout:g} s")

    def _stop_process(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.proc.pid, signal.SIGTERM)  # "quick shutdown": exits within a second or two
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        t0 = time.monotonic()
        self._stop_process()
        self.timings["stop"] = time.monotonic() - t0
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> VirtuosoServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def isql(self, sql: str, timeout: float = 120.0) -> str:
        """SQL statements as dba through isql-vt. It exits 0 even when a statement fails, so its output is
        searched for '*** Error'."""
        r = subprocess.run([ISQL, f"127.0.0.1:{self.sql_port}", "dba", "dba", "VERBOSE=OFF", "BANNER=OFF",
                            "PROMPT=OFF", "ERRORS=STDERR"], input=sql + "\nEXIT;\n", capture_output=True, text=True,
                           timeout=timeout)
        if r.returncode != 0 or "*** Error" in r.stderr + r.stdout:
            raise VirtuosoError(f"isql-vt failed ({r.returncode}): {(r.stderr or r.stdout).strip()}")
        return r.stdout

