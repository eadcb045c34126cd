"""The SPARQL editor page: ``/editor`` (a vendored YASGUI on ``static/editor.html``), what it completes from
(``/editor/vocabulary``: the graph's prefixes, classes and properties), and the ``/static`` folder.

Everything the page needs is served by this server; it makes no request to any other origin.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from tanbiao.services.catalogue import catalogue
from tanbiao.sparqlerrors import KNOWN_PREFIXES

from ..service import service

__all__ = ["STATIC_DIR", "mount_editor"]

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def mount_editor(app: FastAPI) -> None:
    """Serve the editor at ``/editor`` and the static files at ``/static`` (both left out of the OpenAPI schema)."""
    editor = STATIC_DIR / "editor.html"

    @app.get("/editor", include_in_schema=False)
    async def editor_page() -> FileResponse:
        return FileResponse(editor, media_type="text/html; charset=utf-8")

    @app.get("/editor/vocabulary", include_in_schema=False)
    async def editor_vocabulary(request: Request) -> JSONResponse:
        """Prefixes (the graph's own and the vocabularies it uses), classes and properties of the data."""
        rows = await service(request).select(catalogue()["vocabulary"].text)
        terms = {kind: [{"iri": r["term"], "zh": r["zh"] or "", "en": r["en"] or ""}
                        for r in rows if r["kind"] == kind] for kind in ("class", "property")}
        return JSONResponse({"prefixes": KNOWN_PREFIXES, "classes": terms["class"],
                             "properties": terms["property"]})

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
