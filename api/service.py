"""What the routers share: settings, the backend, and the services running over it.

``service(request)`` is the dependency every router uses. Queries go to the backend in a worker thread (the
backends block); the gap report is computed once per data version by the domain service
(``tanbiao.services.gaps``) with a ``Select`` that calls the backend — the same code the CLI runs locally.
Every SPARQL text from a client passes the gate first (``gate.py``), in a worker thread too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from tanbiao.errors import QueryError
from tanbiao.services import gaps as gap_service
from tanbiao.services.catalogue import as_of
from tanbiao.services.gaps import GapReport

from . import gate
from .backends import Backend, rows_from_json
from .config import Settings
from .workers import QueryRequest, QueryResult, QueryTimeout, check_job, run_isolated

__all__ = ["Service", "service"]

T = TypeVar("T")
CHECK_SECONDS = 5.0  # the gate's parse of a text with SERVICE/LOAD, counted from the request's arrival


class Service:
    def __init__(self, settings: Settings, backend: Backend):
        bad = [a for a in settings.service_allowlist if gate.normalise(a) is None]
        if bad:
            raise ValueError(f"TANBIAO_SERVICE_ALLOWLIST: {', '.join(bad)} is not a plain http(s) endpoint IRI")
        self.settings, self.backend = settings, backend
        self._gaps: tuple[Any, tuple[GapReport, dict]] | None = None
        self._gaps_lock = asyncio.Lock()

    @property
    def sealed(self) -> bool:
        """The query workers cannot reach the network (the embedded backend with seccomp)."""
        return bool(getattr(self.backend, "sealed", False))

    def base_url(self, request: Request) -> str:
        """This server's public base: TANBIAO_BASE_URL, else the address it listens on (never the Host header)."""
        if self.settings.base_url:
            return self.settings.base_url.rstrip("/").removesuffix("/sparql")
        host, port = request.scope.get("server") or ("127.0.0.1", 8000)
        host = f"[{host}]" if ":" in str(host) else host
        return f"http://{host}:{port}"

    def gate(self, text: str, update: bool, request: Request) -> gate.Decision:
        """Where a client's SPARQL text may run (raises the 4xx the gate decides); call it in a worker thread."""
        no_network = getattr(self.backend, "no_network", "")  # embedded without seccomp: why
        return gate.check(text, update=update, base_iri=self.base_url(request) + "/sparql",
                          allowlist=self.settings.service_allowlist, max_bytes=self.settings.max_query_bytes,
                          parse=self._parse, sealed=self.sealed, disabled=no_network)

    def _parse(self, text: str, kind: str, base: str) -> dict:
        check = getattr(self.backend, "check", None)
        try:
            if check is not None:
                return check(text, kind, base, timeout=CHECK_SECONDS)
            return run_isolated(check_job, text, kind, base, timeout=CHECK_SECONDS)
        except QueryTimeout:  # rdflib is slow on some nestings: what it cannot check in time is not checked
            return {"calls": [], "tree": 0, "error": f"the check took more than {CHECK_SECONDS} s"}

    def build_dir(self) -> Path:
        """The build folder of the data this request sees (the store's version, for the embedded backend)."""
        of_backend = getattr(self.backend, "build_dir", None)
        return Path(of_backend()) if of_backend is not None else Path(self.settings.build_dir).resolve()

    async def run(self, req: QueryRequest) -> QueryResult:
        return await run_in_threadpool(self.backend.query, req)

    def select_sync(self, text: str, visitor: bool = False) -> list[dict]:
        """A SELECT on the backend, from a worker thread (what the domain services call). The server's own queries
        get the internal limits; ``visitor``: a query a request shaped (a catalogue query with its parameters)
        gets a visitor's limits, like /sparql."""
        limits = ({"max_bytes": self.settings.max_result_bytes} if visitor else
                  {"max_bytes": self.settings.internal_max_bytes, "timeout": self.settings.internal_timeout})
        res = self.backend.query(QueryRequest(text, **limits))
        if res.status != 200:
            raise QueryError(res.body.decode("utf-8", "replace"))
        return rows_from_json(res.body)

    async def select(self, text: str, visitor: bool = False) -> list[dict]:
        return await run_in_threadpool(self.select_sync, text, visitor)

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(select, *args)`` — a domain service over this backend — in a worker thread."""
        return await run_in_threadpool(fn, self.select_sync, *args)

    async def gaps(self) -> tuple[GapReport, dict]:
        """The gap report of the request's data version and its summary (computed once per version)."""
        async with self._gaps_lock:
            version = await run_in_threadpool(self._version)
            if self._gaps is None or self._gaps[0] != version:
                self._gaps = (version, await run_in_threadpool(self._compute_gaps))
            return self._gaps[1]

    def _version(self) -> Any:
        served = getattr(self.backend, "served", None)
        return served.get() if served is not None else None

    def _compute_gaps(self) -> tuple[GapReport, dict]:
        report = gap_service.gap_report(self.select_sync)
        return report, {**gap_service.summary(report, self.select_sync), "as_of": as_of(self.select_sync)}

    def data_changed(self) -> None:
        self._gaps = None


def service(request: Request) -> Service:
    """The app's shared service (a FastAPI dependency)."""
    return request.app.state.service
