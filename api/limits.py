"""Limits on what one client can make the server do: URL and body size, slow clients, abandoned requests.

* ``Limits`` (ASGI middleware, the outermost one): a path + query string longer than ``max_url_bytes`` gets 414,
  a body larger than ``max_body_bytes`` 413 (by ``Content-Length`` or while it streams), a body that pauses
  longer than ``header_timeout`` 408. It reads the body before the app runs (so no route reads an unbounded
  one), gives every request a ``workers.Control`` (arrival time, cancel flag), and sets the cancel flag when the
  client disconnects, which stops the request's query in its worker.
* ``SlowClients`` (the HTTP protocol ``tanbiao serve`` runs uvicorn with): a connection that takes longer than
  ``header_timeout`` to send its request headers is closed (uvicorn itself has no such limit).
"""

from __future__ import annotations

import asyncio
import contextlib

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from .workers import CONTROL, Control

__all__ = ["Limits", "SlowClients", "slow_clients"]


async def _plain(send, status: int, message: str) -> None:
    body = (message + "\n").encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class Limits:
    def __init__(self, app, max_url_bytes: int = 8192, max_body_bytes: int = 1_000_000, body_timeout: float = 10.0):
        self.app, self.max_url, self.max_body, self.body_timeout = app, max_url_bytes, max_body_bytes, body_timeout

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        url = len(scope.get("raw_path") or scope["path"].encode()) + len(scope.get("query_string", b""))
        if url > self.max_url:
            return await _plain(send, 414, f"the URL is {url} bytes long; the limit is {self.max_url} bytes "
                                           "(send a long query with POST)")
        length = dict(scope.get("headers", [])).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_body:
            return await _plain(send, 413, f"the request body is {int(length)} bytes; the limit is {self.max_body}")
        body = bytearray()
        while True:
            try:
                message = await asyncio.wait_for(receive(), self.body_timeout)
            except asyncio.TimeoutError:
                return await _plain(send, 408, f"the request body paused for more than {self.body_timeout:g} s")
            if message["type"] == "http.disconnect":
                return None
            body += message.get("body", b"")
            if len(body) > self.max_body:
                return await _plain(send, 413, f"the request body is larger than the limit of {self.max_body} bytes")
            if not message.get("more_body"):
                break
        control = Control()
        gone = asyncio.Event()

        async def watch() -> None:  # the client's disconnect cancels the request's work
            while (await receive())["type"] != "http.disconnect":
                pass
            control.cancel.set()
            gone.set()

        sent = False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            await gone.wait()
            return {"type": "http.disconnect"}

        watcher = asyncio.create_task(watch())
        token = CONTROL.set(control)
        try:
            await self.app(scope, replay, send)
        finally:
            CONTROL.reset(token)
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher


class SlowClients(H11Protocol):
    """uvicorn's h11 protocol with a deadline for the request headers (each request on a connection)."""

    header_timeout = 10.0

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._waiting_since = self.loop.time()
        self._timer = self.loop.call_later(self.header_timeout, self._check)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._waiting_since = self.loop.time()

    def _check(self) -> None:
        if self.transport.is_closing():
            return
        waiting = self.cycle is None or self.cycle.response_complete
        if waiting and self.conn.their_state in (h11.IDLE, h11.DONE, h11.MUST_CLOSE):
            late = self.loop.time() - self._waiting_since
            if late >= self.header_timeout:
                self.transport.close()
                return
            self._timer = self.loop.call_later(self.header_timeout - late + 0.05, self._check)
            return
        self._timer = self.loop.call_later(self.header_timeout, self._check)

    def connection_lost(self, exc) -> None:
        self._timer.cancel()
        super().connection_lost(exc)


def slow_clients(header_timeout: float) -> type[SlowClients]:
    return type("SlowClients", (SlowClients,), {"header_timeout": header_timeout})
