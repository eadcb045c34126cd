"""``/docs`` (Swagger UI) and ``/redoc`` (ReDoc) from assets vendored in ``api/static/`` (``swagger-ui/``, ``redoc/``,
each with its licence and README): the pages work offline, and no request leaves this server."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from tanbiao.templating import templates

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _page(kind: str, title: str) -> HTMLResponse:
    return HTMLResponse(templates().get_template("api-docs.html").render(kind=kind, title=title))


@router.get("/docs")
async def swagger_ui() -> HTMLResponse:
    return _page("swagger", "tanbiao 碳标 API — Swagger UI")


@router.get("/redoc")
async def redoc() -> HTMLResponse:
    return _page("redoc", "tanbiao 碳标 API — ReDoc")
