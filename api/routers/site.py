"""The site's own pages: home (figure 1, coverage per direction), the framework figures, versioned downloads
with checksums and a ``latest`` alias, and the ontology (``/def``: pyLODE's documentation in the site's frame,
or the ontology graph as RDF)."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, PlainTextResponse, Response
from tanbiao.loaders import namespaces as ns

from .. import negotiation as neg
from ..html import build_dir, choose_page, not_found, render, summary, version
from ..service import service
from ..workers import QueryRequest

__all__ = ["router", "DOWNLOADS"]

router = APIRouter(include_in_schema=False)
DOWNLOADS = {"tanbiao.ttl": "Turtle", "tanbiao.nt": "N-Triples", "tanbiao.trig": "TriG (named graphs)",
             "tanbiao.jsonld": "JSON-LD", "validation-report.ttl": "SHACL report (Turtle)"}


@router.get("/", include_in_schema=False)
async def home(request: Request) -> Response:
    svc = service(request)
    figure = build_dir(request) / "figures" / "figure-1.svg"
    report, summ = await svc.gaps()
    s = summary(request)
    directions = sorted(summ["by_direction"].items(), key=lambda kv: [int(p) if p.isdigit() else 0
                                                                      for p in kv[0].split(".")])
    return render("home.html", summary=s, gaps=summ, directions=directions,
                  figure=figure.read_text(encoding="utf-8") if figure.is_file() else "",
                  figures=[f"figure-{i}.svg" for i in range(2, 7)])

@router.get("/figures/{name}", include_in_schema=False)
async def figure(name: str, request: Request) -> Response:
    path = build_dir(request) / "figures" / name
    if not re.fullmatch(r"figure-\d+\.svg", name) or not path.is_file():
        return not_found(request, f"/figures/{name}")
    return FileResponse(path, media_type="image/svg+xml")

def _dump(request: Request, name: str) -> dict:
    path = build_dir(request) / name
    stem, ext = name.split(".", 1)
    stat = path.stat()
    return {"name": f"{stem}-{version()}.{ext}", "latest": f"{stem}-latest.{ext}", "kind": DOWNLOADS[name],
            "bytes": stat.st_size, "sha256": _sha256(path, stat.st_mtime_ns, stat.st_size), "path": path}


@router.get("/downloads", include_in_schema=False)
async def downloads(request: Request) -> Response:
    files = [_dump(request, name) for name in DOWNLOADS if (build_dir(request) / name).is_file()]
    return render("downloads.html", files=files, summary=summary(request))


@router.get("/downloads/{name}", include_in_schema=False)
async def download(name: str, request: Request) -> Response:
    """A dump by its versioned name, by its stable ``-latest`` alias (the current version, named in
    Content-Location), or its SHA-256 checksum file (``….sha256``, the format ``sha256sum -c`` reads)."""
    m = re.fullmatch(r"(tanbiao|validation-report)-(?P<v>[^/]+?)\.(ttl|nt|trig|jsonld)(?P<sum>\.sha256)?", name)
    if not m or m.group("v") not in (version(), "latest") or not (build_dir(request) / f"{m.group(1)}.{m.group(3)}"
                                                                  ).is_file():
        return not_found(request, f"/downloads/{name}", hint=f"this server has version {version()}")
    dump = _dump(request, f"{m.group(1)}.{m.group(3)}")
    headers = {"Content-Location": f"/downloads/{dump['name']}{m.group('sum') or ''}"}
    if m.group("sum"):
        return PlainTextResponse(f"{dump['sha256']}  {dump['name']}\n", headers=headers)
    media = {"ttl": "text/turtle", "nt": "application/n-triples", "trig": "application/trig",
             "jsonld": "application/ld+json"}[m.group(3)]
    return FileResponse(dump["path"], media_type=media, filename=dump["name"], headers=headers)


@router.get("/def", include_in_schema=False)
async def ontology(request: Request) -> Response:
    try:
        fmt, media = choose_page(request)
    except neg.NotAcceptable as exc:
        return Response(str(exc) + "\n", status_code=406, media_type="text/plain")
    if fmt == "html":
        path = build_dir(request) / "ontology.html"
        return FileResponse(path, media_type="text/html; charset=utf-8", headers={"Vary": "Accept"})
    text = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{ns.graph('ontology')}> {{ ?s ?p ?o }} }}"
    return await _graph(request, text, fmt, media)

async def _graph(request: Request, text: str, fmt: str, media: str) -> Response:
    svc = service(request)
    res = await svc.run(QueryRequest(text, graph_format=fmt, max_bytes=svc.settings.max_result_bytes))
    if res.status != 200:
        return Response(res.body, status_code=res.status, media_type="text/plain")
    return Response(res.body, media_type=f"{media}; charset=utf-8", headers={"Vary": "Accept"})


@lru_cache(maxsize=32)
def _sha256(path: Path, mtime_ns: int, size: int) -> str:
    """A dump's digest, read once per version of the file (the key holds its modification time and size)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
