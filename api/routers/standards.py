"""``/api/standards``: the standards list, and one standard by any number it is known by."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from tanbiao.errors import NotFound
from tanbiao.services import rows as tables

from ..models import Standard
from ..rowresponse import rows_response, table_format
from ..service import service

__all__ = ["router"]

router = APIRouter(tags=["standards"])


@router.get("/api/standards", response_model=list[Standard], summary="The standards list (JSON or CSV)",
            description="Fields: number, title (as printed), status, category, position {notation, label}, … "
                        "`?format=csv` or `Accept: text/csv` for CSV.")
async def standards(request: Request) -> Response:
    fmt = table_format(request)
    rows = await service(request).call(tables.standards)
    return rows_response(rows, fmt, "standards")


@router.get("/api/standards/{number:path}", response_model=Standard,
            summary="One standard by any number it is known by",
            description="e.g. `/api/standards/GB/T 32151.1-2015` or `/api/standards/2021-1715T-SH`.")
async def standard(number: str, request: Request) -> Response:
    fmt = table_format(request)
    rows = await service(request).call(tables.standards)
    wanted = number.strip()
    match = [r for r in rows if wanted in r["identifiers"] or r["iri"].rsplit("/", 1)[-1] == wanted]
    if not match:
        raise NotFound(f"no standard is known by the number '{wanted}' (see /api/standards)")
    if fmt == "csv":
        return rows_response(match, "csv", "standard")
    return JSONResponse(match[0])
