"""The SPARQL editor page: ``/editor`` (a vendored YASGUI on ``static/editor.html``) and the ``/static`` folder.

Everything the page needs is served by this server; it makes no request to any other origin.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

__all__ = ["STATIC_DIR", "mount_editor"]

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def mount_editor(app: FastAPI) -> None:
    """Serve the editor at ``/editor`` and the static files at ``/static`` (both left out of the OpenAPI schema)."""
    editor = STATIC_DIR / "editor.html"

    @app.get("/editor", include_in_schema=False)
    async def editor_page() -> FileResponse:
        return FileResponse(editor, media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
