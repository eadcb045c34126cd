"""What the security tests share: loopback listeners that record every connection, and servers under attack."""

from __future__ import annotations

import contextlib
import socket
import threading
import time

import pytest

SECRET = b"INTERNAL-SECRET-7f3a: db_password=hunter2"
RESULT = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"remote"}}]}}'


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection (even one that sends nothing) and answers
    ``response`` (or nothing at all when ``response`` is None: a server that hangs)."""

    def __init__(self, response: bytes | None, port: int = 0):
        self.response = response
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.seen: list[bytes] = []
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(3)
        data = b""
        with contextlib.suppress(OSError):
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
        self.seen.append(data.split(b"\r\n", 1)[0] or b"(TCP connect only)")
        with contextlib.suppress(OSError):
            if self.response is None:
                time.sleep(5)
            else:
                conn.sendall(self.response)
        conn.close()

    def take(self) -> list[bytes]:
        time.sleep(0.05)
        seen, self.seen = self.seen, []
        return seen

    def close(self) -> None:
        self._stop = True
        self._thread.join(timeout=2)
        self.sock.close()


def http_response(status: str, body: bytes, ctype: str = "text/plain", extra: str = "") -> bytes:
    return (f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n{extra}"
            "Connection: close\r\n\r\n").encode() + body


def port_pair() -> tuple[int, int]:
    """Two free ports A and A·10+1 (so the victim's port starts with the allowed one's, as 3030 / 30301)."""
    for a in range(3030, 6500, 7):
        try:
            with socket.socket() as s1, socket.socket() as s2:
                s1.bind(("127.0.0.1", a))
                s2.bind(("127.0.0.1", a * 10 + 1))
                return a, a * 10 + 1
        except OSError:
            continue
    raise RuntimeError("no free port pair")


@pytest.fixture(scope="package")
def listeners():
    """The internal victim (answers 500 with a secret) and the allow-listed endpoint (answers one solution)."""
    allowed_port, victim_port = port_pair()
    victim = Listener(http_response("500 Internal Server Error", SECRET), victim_port)
    allowed = Listener(http_response("200 OK", RESULT, "application/sparql-results+json"), allowed_port)
    yield victim, allowed
    victim.close()
    allowed.close()
