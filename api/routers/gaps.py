"""``/api/gaps``: the gap report (JSON, CSV, XLSX, Markdown, HTML), its summary, and what-if."""

from __future__ import annotations

import json

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from tanbiao.errors import FilterError, TooLarge, WhatIfError
from tanbiao.services.filters import search
from tanbiao.services.gaps import FILTERS, changes_of
from tanbiao.services.reports import FORMATS, MEDIA_TYPES, render

from ..models import GapChange, GapItem, GapSummary, Proposal, WhatIfResult
from ..rowresponse import disposition, rows_response, table_format
from ..service import service
from ..workers import call_job, run_isolated

__all__ = ["router"]

router = APIRouter(tags=["gaps"])


def _gap_format(accept: str) -> str:
    for media, fmt in (("text/html", "html"), ("text/csv", "csv"), ("text/markdown", "md"),
                       ("spreadsheetml", "xlsx")):
        if media in accept and "application/json" not in accept:
            return fmt
    return "json"


def _values():
    return Query(None, description="one or more values (repeat the parameter): several mean either")


@router.get("/api/gaps", response_model=list[GapItem],
            summary="Gap analysis: a verdict with evidence for every priority item",
            description="Filters (each may be repeated — `direction=2.1&direction=2.2` means either): direction, "
                        "aspect (name or framework code), industry (as written or its concept: 有色 and 有色金属 are "
                        "one), coverage (covered|partial|gap), status (best status, or none), source (document key), "
                        "code (an industry code of the item's subject or of a broader concept — GB/T 4754 C3011, "
                        "ISIC 2394 or NACE 23.51 find the 建材 items, coded C30 / 23). Formats: json (default), csv, "
                        "csv-bom (CSV for Excel), xlsx, md, html — `?format=` or Accept. Unknown filter values get 400 "
                        "with the allowed ones.",
            responses={200: {"content": {media: {} for media in MEDIA_TYPES.values() if media != "application/json"}}})
async def gaps(request: Request, direction: list[str] | None = _values(), aspect: list[str] | None = _values(),
               industry: list[str] | None = _values(), coverage: list[str] | None = _values(),
               status: list[str] | None = _values(), source: list[str] | None = _values(),
               code: list[str] | None = _values(),
               q: str | None = Query(None, description="text search over the items (item, subject, standards, "
                                                       "explanation)"),
               format: str | None = None) -> Response:
    unknown = sorted(set(request.query_params) - set(FILTERS) - {"format", "q"})
    if unknown:
        raise FilterError(f"unknown parameter(s) {', '.join(unknown)}; filters are {', '.join(FILTERS)}, q and "
                          "format")
    fmt = format or _gap_format(request.headers.get("accept", ""))
    if fmt not in FORMATS:
        raise FilterError(f"format '{fmt}' is not one of {', '.join(FORMATS)}")
    report, summ = await service(request).gaps()
    rows = report.filtered(direction=direction, aspect=aspect, industry=industry, coverage=coverage,
                           status=status, source=source, code=code)
    rows = search(rows, q)
    if fmt == "json":
        return Response(report.to_json(rows), media_type="application/json")
    return Response(render(rows, summ, fmt, site=True), media_type=MEDIA_TYPES[fmt], headers=disposition(fmt, "gaps"))


@router.get("/api/gaps/changes", response_model=list[GapChange],
            summary="What the update records changed: verdicts from the documents alone and now",
            description="For every item whose verdict (coverage or best status) the update records moved: the "
                        "verdict the documents alone give (`before`: the 2023 draft and the 2024 guide, no update "
                        "records), the verdict now (`after`) and the records about the standards that decide it. "
                        "Empty for a build without update records. Filter: direction. Formats: json (default), csv, "
                        "csv-bom, xlsx — `?format=` or Accept.",
            responses={200: {"content": {"text/csv": {}, "application/vnd.openxmlformats-officedocument"
                                                                   ".spreadsheetml.sheet": {}}}})
async def gaps_changes(request: Request, direction: str | None = Query(
        None, description="方向编号 / direction code, e.g. 2.1 or 2024"), format: str | None = None) -> Response:
    unknown = sorted(set(request.query_params) - {"direction", "format"})
    if unknown:
        raise FilterError(f"unknown parameter(s) {', '.join(unknown)}; this route takes direction and format")
    fmt = table_format(request)
    report, summ = await service(request).gaps()
    rows = changes_of(report, summ, [direction] if direction else None)
    return rows_response(rows, fmt, "gap-changes", sheet="changes 变化")


@router.post("/api/gaps/what-if", response_model=WhatIfResult,
             summary="Which items would change verdict with proposed standards",
             description="Body: a JSON list of proposals, or CSV (`Content-Type: text/csv`) in the update-file "
                         "format — number, title, status, position (sub-category notation or label), subjects "
                         "(concept ids or labels, `|`-separated; default: the concepts the title names), "
                         "replaces … Computed on a private copy of the build (the build's own derivation stages "
                         "run again on it); the served store is not touched.",
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": {"type": "array", "items": Proposal.model_json_schema()},
                                      "example": [{"number": "T/XXXX 001-2099", "status": "制定中", "position": "2.1",
                                                   "title": "温室气体 产品碳足迹 量化方法与要求 水泥产品"}]},
                 "text/csv": {"schema": {"type": "string"},
                              "example": "number,title,status,position,subjects\n"
                                         "T/XXXX 002-2099,某新标准,已发布,5.1,cement\n"}}}})
async def gaps_what_if(request: Request) -> dict | Response:
    from tanbiao.services.whatif import rows_to_csv, what_if  # noqa: I001

    svc = service(request)
    body = await request.body()  # at most TANBIAO_MAX_BODY_BYTES (the limits middleware)
    media = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
    try:
        text = body.decode("utf-8-sig")
        if media in ("text/csv", "application/csv"):
            proposals = text
        elif media == "application/json":
            proposals = rows_to_csv(json.loads(text))
        else:
            return JSONResponse({"detail": "send the proposals as application/json (a list) or text/csv"},
                                status_code=415)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise WhatIfError(f"the body is not valid {media}: {exc}") from None
    rows = proposals.count("\n")
    if rows > svc.settings.whatif_max_rows + 1:
        raise TooLarge(f"{rows - 1} proposals; a what-if request takes at most {svc.settings.whatif_max_rows}")
    build_dir = await run_in_threadpool(svc.build_dir)
    s = svc.settings
    return await run_in_threadpool(lambda: run_isolated(call_job, what_if, build_dir, proposals,
                                                        timeout=s.whatif_timeout, memory=s.whatif_memory))


@router.get("/api/gaps/summary", response_model=GapSummary,
            summary="Coverage counts and progress against the targets")
async def gaps_summary(request: Request) -> dict:
    if request.query_params:
        raise FilterError(f"/api/gaps/summary covers every item and takes no parameters (got "
                          f"{', '.join(sorted(request.query_params))}); filter the items with /api/gaps")
    return (await service(request).gaps())[1]
