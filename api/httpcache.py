"""What a mature server does around every GET route, as one ASGI middleware (the routes stay as they are):

* ``HEAD`` on every GET route: the request runs as a GET and the body is dropped (the headers, ``Content-Length``
  included, are the GET's);
* validators: every successful GET gets a weak ``ETag`` (from the SHA-256 of its body, unless the route set one,
  as ``FileResponse`` does; weak because the gzip-encoded body shares it) and ``Last-Modified`` (when the data
  last changed: the build, or the last SPARQL update);
  ``If-None-Match`` / ``If-Modified-Since`` that still hold get ``304 Not Modified`` with no body;
* ``Cache-Control: no-cache`` unless the route said otherwise: caches may keep a response but ask again, so a
  304 saves the transfer and an update is never hidden.

Compression is Starlette's ``GZipMiddleware``, mounted outside this one (``api/app.py``).
"""

from __future__ import annotations

import hashlib
from email.utils import formatdate, parsedate_to_datetime

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["HttpCache"]


def _matches(if_none_match: str, etag: str) -> bool:
    if if_none_match.strip() == "*":
        return True
    tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    return etag.removeprefix("W/") in tags


def _not_modified_since(if_modified_since: str, last_modified: float) -> bool:
    try:
        since = parsedate_to_datetime(if_modified_since).timestamp()
    except (TypeError, ValueError):
        return False
    return int(last_modified) <= since


class HttpCache:
    """``modified()`` returns the time (seconds since the epoch) the data last changed."""

    def __init__(self, app: ASGIApp, modified) -> None:
        self.app, self.modified = app, modified

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        request = Headers(scope=scope)
        start: Message = {}
        chunks: list[bytes] = []
        mode = "buffer"  # buffer (hash the body) | pass (send as it comes) | drop (a 304 went out instead)

        async def respond(status: int, headers: MutableHeaders, body: bytes) -> None:
            await send({**start, "status": status, "headers": headers.raw})
            await send({"type": "http.response.body", "body": b"" if head or status == 304 else body})

        async def capture(message: Message) -> None:
            nonlocal start, mode
            if message["type"] == "http.response.start":
                start = message
                headers = MutableHeaders(raw=list(message["headers"]))
                if message["status"] != 200:
                    mode = "pass"
                    await send(message)
                elif "etag" in headers:  # a file: its own validator, its body streamed
                    self._validators(headers)
                    if self._fresh(request, headers):
                        mode = "drop"
                        await respond(304, self._bare(headers), b"")
                    else:
                        mode = "pass"
                        await send({**message, "headers": headers.raw})
                return
            if mode == "drop":
                return
            if mode == "pass":
                await send({**message, "body": b"" if head else message.get("body", b"")}
                           if message["type"] == "http.response.body" else message)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                body = b"".join(chunks)
                headers = MutableHeaders(raw=list(start["headers"]))
                headers["etag"] = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
                self._validators(headers)
                if self._fresh(request, headers):
                    await respond(304, self._bare(headers), b"")
                else:
                    await respond(200, headers, body)

        await self.app({**scope, "method": "GET"}, receive, capture)

    def _validators(self, headers: MutableHeaders) -> None:
        if not headers["etag"].startswith("W/"):  # weak: the same for the gzip-encoded body (GZipMiddleware)
            headers["etag"] = "W/" + headers["etag"]
        if "last-modified" not in headers:
            headers["last-modified"] = formatdate(self.modified(), usegmt=True)
        if "cache-control" not in headers:
            headers["cache-control"] = "no-cache"

    def _fresh(self, request: Headers, headers: MutableHeaders) -> bool:
        """The client's copy is still current (If-None-Match wins over If-Modified-Since, RFC 9110 13.2.2)."""
        if "if-none-match" in request:
            return _matches(request["if-none-match"], headers["etag"])
        if "if-modified-since" in request:
            lm = parsedate_to_datetime(headers["last-modified"]).timestamp()
            return _not_modified_since(request["if-modified-since"], lm)
        return False

    @staticmethod
    def _bare(headers: MutableHeaders) -> MutableHeaders:
        """The headers of a 304: the validators and caching headers, no body headers."""
        keep = ("etag", "last-modified", "cache-control", "vary", "content-location", "expires", "date")
        return MutableHeaders(raw=[(k, v) for k, v in headers.raw if k.decode("latin-1").lower() in keep])
