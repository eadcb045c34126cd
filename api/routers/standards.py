"""``/api/standards``: the standards list, and one standard by any number it is known by."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from tanbiao.errors import FilterError, NotFound
from tanbiao.services import rows as tables
from tanbiao.services.filters import search
from tanbiao.services.lookup import find_standards
from tanbiao.services.rows import MEDIA_TYPES, STANDARD_FILTERS

from ..models import Standard
from ..rowresponse import rows_response, table_format
from ..service import service

__all__ = ["router"]

router = APIRouter(tags=["standards"])


def _values(what: str):
    return Query(None, description=f"{what}; repeat the parameter for several (either matches)")


@router.get("/api/standards", response_model=list[Standard], summary="The standards list (JSON, CSV or XLSX)",
            description="Fields: number, title (as printed), status, category, position {notation, label}, … "
                        "Filters, each repeatable (several values mean either), unknown values get 400 with the "
                        "allowed ones: status, position, category, level, aspect, year; q searches the text. "
                        "`?format=csv` (or `Accept: text/csv`), `csv-bom` (CSV for Excel), `xlsx`.",
            responses={200: {"content": {"text/csv": {}, MEDIA_TYPES["xlsx"]: {}}}})
async def standards(request: Request,
                    status: list[str] | None = _values("status as printed (已发布), in English or its code"),
                    position: list[str] | None = _values("sub-category, by code (2.1) or name (温室气体核算)"),
                    category: list[str] | None = _values("category, by name (核算与核查) or code (2)"),
                    level: list[str] | None = _values("level: national or industry"),
                    aspect: list[str] | None = _values("aspect (产品碳足迹核算)"),
                    year: list[str] | None = _values("year of the number"),
                    q: str | None = Query(None, description="text search (number, title, subjects …)"),
                    format: str | None = Query(None, description="json, csv, csv-bom or xlsx")) -> Response:
    unknown = sorted(set(request.query_params) - set(STANDARD_FILTERS) - {"q", "format"})
    if unknown:
        raise FilterError(f"unknown parameter(s) {', '.join(unknown)}; filters are "
                          f"{', '.join(STANDARD_FILTERS)}, q and format")
    fmt = table_format(request)
    rows = await service(request).call(tables.standards)
    rows = search(tables.filter_standards(rows, status=status, position=position, category=category, level=level,
                                          aspect=aspect, year=year), q)
    return rows_response(rows, fmt, "standards", sheet="standards 标准")


@router.get("/api/standards/{number:path}", response_model=Standard,
            summary="One standard by any number it is known by, in any common spelling",
            description="e.g. `/api/standards/GB/T 32151.1-2015`, `gb/t32151.1—2015`, `ＧＢ／Ｔ 32151.1-2015`, "
                        "`GB-T-32151.1-2015` or `/api/standards/2021-1715T-SH`. A published number without its "
                        "year (`GB/T 32151.1`) answers when it names one standard; else 404 lists the candidates.")
async def standard(number: str, request: Request) -> Response:
    fmt = table_format(request)
    rows = await service(request).call(tables.standards)
    match, _ = find_standards(rows, number)
    if len(match) != 1:
        hint = f"; candidates: {', '.join(r['number'] for r in match)}" if match else " (see /api/standards)"
        raise NotFound(f"no standard is known by the number '{number.strip()}'{hint}")
    if fmt != "json":
        return rows_response(match, fmt, "standard")
    return JSONResponse(match[0])
