"""The README's tour runs as written: every command of its block, in a scratch folder laid out like a checkout (the
session's build as data/build, .venv/bin/tanbiao running this interpreter's tanbiao), against `tanbiao serve` on a
free port instead of 8000. The `make` lines are left out (they install; CI runs `make test` itself)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from conftest import ROOT, free_port, wait_until_up


def _tour() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## A tour\n.*?```sh\n(.*?)```", text, re.S).group(1)
    commands, current = [], ""
    for line in block.splitlines():
        current = f"{current}\n{line}" if current else line
        if current.count("'") % 2 == 0:  # a quoted argument may span lines
            commands.append(current)
            current = ""
    return [c for c in commands if c.strip()]


@pytest.fixture(scope="module")
def checkout(built, tmp_path_factory):
    """A folder laid out like the repository for the tour's relative paths."""
    home = tmp_path_factory.mktemp("readme")
    (home / ".venv" / "bin").mkdir(parents=True)
    wrapper = home / ".venv" / "bin" / "tanbiao"
    wrapper.write_text(f"#!/bin/sh\nexec {sys.executable} -m tanbiao \"$@\"\n", encoding="utf-8")
    wrapper.chmod(0o755)
    (home / "data").mkdir()
    (home / "data" / "build").symlink_to(built.out)
    (home / "data" / "sources").symlink_to(ROOT / "data" / "sources")
    (home / "queries").symlink_to(ROOT / "queries")
    return home


def test_tour_commands_run_as_written(checkout, tmp_path):
    commands = _tour()
    assert len(commands) > 12 and any("serve &" in c for c in commands)
    port = free_port()
    env = {**os.environ, "TANBIAO_STORE_DIR": str(tmp_path / "store"), "TANBIAO_BUILD_DIR": "data/build"}
    server = None
    outputs: dict[str, str] = {}
    try:
        for command in commands:
            if command.startswith("make "):
                continue
            run = command.replace("localhost:8000", f"localhost:{port}")
            if "serve &" in run:
                server = subprocess.Popen(run.split("&")[0].split() + ["--port", str(port)], cwd=checkout, env=env,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                wait_until_up(f"http://127.0.0.1:{port}/health", process=server)
                continue
            r = subprocess.run(["bash", "-c", run], cwd=checkout, env=env, capture_output=True, timeout=300)
            assert r.returncode == 0, (command, r.stderr.decode(errors="replace")[-2000:])
            outputs[command.split("#")[0].strip()] = r.stdout.decode(errors="replace")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    said = "\n".join(outputs.values())
    assert "HTTP/1.1 301" in said  # the number typed as a path
    assert '"query":"gb/t32151"' in said and "GB/T 32151.1-2015" in said  # search without the year
    assert "standards-about-concept" not in said and "SJ/T 11735-2019" in said  # the catalogue query answered
    assert "建材" in said and "┃" in said  # gaps --code C3011 as a text table
    assert (checkout / "gaps.xlsx").read_bytes()[:2] == b"PK"
    assert (checkout / "gaps.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert "filter-coverage" in (checkout / "gaps.html").read_text(encoding="utf-8")
