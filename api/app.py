"""The HTTP application: settings and backend in, routers mounted, errors mapped once.

Routers (``api/routers/``) are thin: they negotiate formats, check the request and call a domain service
(``tanbiao.services``) or hand a ``QueryRequest`` to the backend. Every ``TanbiaoError`` a route raises becomes
one response here: plain text on ``/sparql`` (the protocol's habit), ``{"detail": …}`` JSON elsewhere, with the
error's ``http_status``.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from tanbiao.loaders.resources import ontology_version

from tanbiao.errors import TanbiaoError

from . import openapi
from .backends import Backend, make_backend
from .config import Settings, settings_from_env
from .httpcache import HttpCache
from .limits import Limits
from .models import Health
from .routers import catalogue, docs, gaps, pages, search, site, sparql, standards
from .routers.editor import mount_editor
from .service import Service, service

__all__ = ["create_app"]

log = logging.getLogger("tanbiao.api")


async def _error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TanbiaoError)
    message = "\n".join([str(exc), *exc.details])
    if request.url.path.startswith("/sparql"):
        return PlainTextResponse(message + "\n", status_code=exc.http_status, headers=exc.headers)
    return JSONResponse({"detail": message}, status_code=exc.http_status, headers=exc.headers)


def data_modified(app: FastAPI, settings: Settings) -> float:
    """When the served data last changed: the last SPARQL update, else the build (its summary file)."""
    updated = getattr(app.state, "data_modified", 0.0)
    summary = settings.build_dir / "summary.json"
    return max(updated, summary.stat().st_mtime if summary.is_file() else 0.0)


async def _warm(svc: Service) -> None:
    """Compute the gap report once at start-up (pages and /api/gaps read it); a failure is only logged here and
    reported to whoever asks for the report."""
    try:
        await svc.gaps()
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # noqa: BLE001 — start-up must not fail on it: the request that needs it will
        log.warning("the gap report could not be computed at start-up: %s", exc)


def create_app(settings: Settings | None = None, backend: Backend | None = None) -> FastAPI:
    settings = settings or settings_from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.service = Service(settings, backend or make_backend(settings))
        # the gap report, before the first visitor asks (its queries run like any other; a request waits for it)
        warm = asyncio.create_task(_warm(app.state.service)) if settings.warm_gaps else None
        yield
        if warm is not None:
            warm.cancel()
        app.state.service.backend.close()

    app = FastAPI(
        title="tanbiao 碳标 API",
        version=ontology_version(),
        description="SPARQL endpoint and query catalogue over the knowledge graph of China's industrial "
                    "carbon-peak / carbon-neutrality standards system (工业领域碳达峰碳中和标准体系).",
        lifespan=lifespan, docs_url=None, redoc_url=None,  # served from vendored assets (routers/docs.py)
    )
    app.add_middleware(HttpCache, modified=lambda: data_modified(app, settings))
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
                       allow_headers=["*"], expose_headers=["Content-Type", "ETag", "Last-Modified"])
    app.add_middleware(Limits, max_url_bytes=settings.max_url_bytes, max_body_bytes=settings.max_body_bytes,
                       body_timeout=settings.header_timeout)  # added last: the outermost layer
    app.add_exception_handler(TanbiaoError, _error)
    app.add_exception_handler(404, pages.not_found_handler)

    @app.get("/health", include_in_schema=False, response_model=Health)
    async def health(request: Request) -> dict:
        return {"status": "ok", "backend": service(request).backend.name}

    for router in (sparql.router, catalogue.router, standards.router, gaps.router, site.router, docs.router,
                   search.router):
        app.include_router(router)
    mount_editor(app)
    app.include_router(pages.router)  # last: its routes catch every path under the IRI roots
    openapi.install(app)
    return app
