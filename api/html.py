"""What every HTML page of the server shares: rendering a template of the one Jinja environment with the site's
context, the build folder, its summary, page negotiation and the helpful 404."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from tanbiao.loaders import namespaces as ns
from tanbiao.loaders.resources import ontology_version

from tanbiao.templating import templates

from . import negotiation as neg
from .service import service

__all__ = ["ENTITY_ROOTS", "PAGE", "render", "build_dir", "summary", "choose_page", "not_found", "version"]

# the first path segment of every IRI the build mints (the registry in loaders/namespaces.py)
ENTITY_ROOTS = tuple(ns.ROOTS)
PAGE = {"text/html": "html", "application/xhtml+xml": "html", **neg.GRAPHS}
version = ontology_version


def render(name: str, status: int = 200, **ctx) -> HTMLResponse:
    return HTMLResponse(templates().get_template(name).render(version=ontology_version(), **ctx),
                        status_code=status, headers={"Vary": "Accept"})


def build_dir(request: Request) -> Path:
    return Path(service(request).settings.build_dir)


def summary(request: Request) -> dict:
    path = build_dir(request) / "summary.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def choose_page(request: Request) -> tuple[str, str]:
    """(format, media type) of a page: HTML for browsers, an RDF format by Accept or ``?format=``."""
    return neg.choose(request.headers.get("accept") or "text/html", PAGE, "html",
                      request.query_params.get("format"))


def not_found(request: Request, path: str, hint: str = "") -> Response:
    accept = request.headers.get("accept") or ""
    message = f"{path} is not a resource of this graph" + (f" ({hint})" if hint else "")
    if "text/html" not in accept and accept not in ("", "*/*"):
        return Response(message + "\n", status_code=404, media_type="text/plain")
    number = path.rsplit("/", 1)[-1]
    return render("not-found.html", 404, path=path, hint=hint, number=number, roots=ENTITY_ROOTS)
