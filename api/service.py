"""What the routers share: settings, the backend, and the services running over it.

``service(request)`` is the dependency every router uses. Queries go to the backend in a worker thread (the
backends block); the gap report is computed once per data version by the domain service
(``tanbiao.services.gaps``) with a ``Select`` that calls the backend — the same code the CLI runs locally.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from tanbiao.errors import QueryError
from tanbiao.services import gaps as gap_service
from tanbiao.services.catalogue import as_of
from tanbiao.services.gaps import GapReport
from tanbiao.sparqltext import remote_targets

from .backends import Backend, rows_from_json
from .config import Settings
from .workers import QueryRequest, QueryResult

__all__ = ["Service", "service"]

T = TypeVar("T")


class Service:
    def __init__(self, settings: Settings, backend: Backend):
        self.settings, self.backend = settings, backend
        self._gaps: tuple[GapReport, dict] | None = None
        self._gaps_lock = asyncio.Lock()

    def refused_targets(self, text: str) -> list[str]:
        allowed = self.settings.service_allowlist
        return [t for t in remote_targets(text) if not any(t.startswith(a) for a in allowed) or t.startswith("?")]

    async def run(self, req: QueryRequest) -> QueryResult:
        return await run_in_threadpool(self.backend.query, req)

    def select_sync(self, text: str) -> list[dict]:
        """A SELECT on the backend, from a worker thread (what the domain services call)."""
        res = self.backend.query(QueryRequest(text, max_bytes=self.settings.max_result_bytes))
        if res.status != 200:
            raise QueryError(res.body.decode("utf-8", "replace"))
        return rows_from_json(res.body)

    async def select(self, text: str) -> list[dict]:
        return await run_in_threadpool(self.select_sync, text)

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(select, *args)`` — a domain service over this backend — in a worker thread."""
        return await run_in_threadpool(fn, self.select_sync, *args)

    async def gaps(self) -> tuple[GapReport, dict]:
        """The gap report of the current data and its summary (computed once, recomputed after an update)."""
        async with self._gaps_lock:
            if self._gaps is None:
                self._gaps = await run_in_threadpool(self._compute_gaps)
            return self._gaps

    def _compute_gaps(self) -> tuple[GapReport, dict]:
        report = gap_service.gap_report(self.select_sync)
        return report, {**gap_service.summary(report, self.select_sync), "as_of": as_of(self.select_sync)}

    def data_changed(self) -> None:
        self._gaps = None


def service(request: Request) -> Service:
    """The app's shared service (a FastAPI dependency)."""
    return request.app.state.service
