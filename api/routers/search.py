"""``/search``: the search box of every page (numbers in any common spelling, titles, concept labels and synonyms,
framework nodes, directions; zh or en). A number typed as a path is sent on by ``pages.number_redirect``."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from tanbiao.services import lookup

from ..html import render
from ..service import service
from .pages import local_path

__all__ = ["router"]

router = APIRouter(tags=["search"])


@router.get("/search", summary="Search numbers (any spelling), titles, concepts, framework nodes and directions",
            description="HTML for browsers (a query that names one standard by its number goes straight to its "
                        "page), JSON with `format=json` or `Accept: application/json`.",
            responses={200: {"description": "the matches: an HTML page, or JSON",
                             "content": {"text/html": {"schema": {"type": "string"}}, "application/json": {}}},
                       303: {"description": "a number naming one standard: its page"}})
async def search(request: Request, q: str = Query("", description="a number, title, concept label, zh or en"),
                 format: str | None = Query(None, description="html or json")) -> Response:
    result = await service(request).call(lookup.search, q)
    wants_json = format == "json" or (format is None and "application/json" in request.headers.get("accept", ""))
    if wants_json:
        return JSONResponse(asdict(result))
    if result.exact_number and len(result.exact) == 1:
        return RedirectResponse(local_path(result.exact[0]["iri"]) or result.exact[0]["iri"], status_code=303)
    return render("search.html", query=result.query, result=result, href=lambda iri: local_path(iri) or iri)
