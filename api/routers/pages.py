"""Linked-data pages: every IRI of the graph answered at its own path, the home page, downloads and the ontology.

``https://w3id.org/tanbiao/standard/GB-T-32151.1-2015`` is served at ``/standard/GB-T-32151.1-2015`` of this
server: HTML for browsers (bilingual, with the source quote, mappings and gap verdicts), Turtle, JSON-LD or
N-Triples by ``Accept`` (or ``?format=turtle|jsonld|ntriples|html``). What the server says about a resource is the
catalogue query ``queries/entity.rq``, so a remote store answers the same. An IRI the graph does not have gets a
404 page that says where to look instead.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cached_property, lru_cache
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from tanbiao.loaders import namespaces as ns
from tanbiao.loaders.resources import ontology_version

from tanbiao.services.catalogue import bind, catalogue
from tanbiao.templating import templates

from .. import negotiation as neg
from ..service import service
from ..workers import QueryRequest

__all__ = ["router", "not_found_handler", "ENTITY_ROOTS", "local_path"]

# the first path segment of every IRI the build mints (the registry in loaders/namespaces.py)
ENTITY_ROOTS = tuple(ns.ROOTS)
PAGE = {"text/html": "html", "application/xhtml+xml": "html", **neg.GRAPHS}
DOWNLOADS = {"tanbiao.ttl": "Turtle", "tanbiao.nt": "N-Triples", "tanbiao.trig": "TriG (named graphs)",
             "tanbiao.jsonld": "JSON-LD", "validation-report.ttl": "SHACL report (Turtle)"}
RDFLIB_FORMATS = {"turtle": "turtle", "jsonld": "json-ld", "ntriples": "nt", "rdfxml": "xml"}
LABELS = (SKOS.prefLabel, RDFS.label, DCTERMS.title)
MATCHES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)
CURIES = {**{str(v): k for k, v in ns.PREFIXES.items()}, "http://rdfs.org/ns/void#": "void",
          "http://rdf-vocabulary.ddialliance.org/xkos#": "xkos"}

_CODE = re.compile(r"[A-Z]?\d[\d.]*")  # framework notations (2.1.3) and industry codes (C3011, 24.10)


def _label(g: Graph, node, lang: str = "zh") -> str:
    for p in LABELS:
        for o in g.objects(node, p):
            if isinstance(o, Literal) and (o.language or "") == lang:
                return str(o)
    if lang == "zh":  # labels without a language (numbers, codes)
        for p in (*LABELS, SKOS.notation, DCTERMS.identifier):
            for o in g.objects(node, p):
                if isinstance(o, Literal) and not o.language:
                    return str(o)
    return ""


def _curie(iri: str) -> str:
    for base, prefix in sorted(CURIES.items(), key=lambda kv: -len(kv[0])):
        if iri.startswith(base) and iri != base:
            return f"{prefix}:{iri[len(base):]}"
    return iri


def local_path(iri: str) -> str | None:
    """The path on this server for an IRI of the graph or of the ontology (``None`` for an external IRI)."""
    if iri.startswith(str(ns.TB)):
        return "/def"
    minted = ns.parse(iri)
    return minted.path if minted else None


class _View:
    """What the entity template needs, read from the describe graph."""

    def __init__(self, g: Graph, iri: str):
        self.g, self.node = g, URIRef(iri)

    def link(self, node) -> dict:
        if isinstance(node, Literal):
            return {"text": str(node), "lang": node.language or "", "href": None}
        zh, en = _label(self.g, node, "zh"), _label(self.g, node, "en")
        code = self.g.value(node, SKOS.notation)
        text = zh or en or _curie(str(node))
        if code is not None and _CODE.fullmatch(str(code)) and str(code) not in text:
            text = f"{code} {text}"
        return {"text": text, "en": en if zh else "", "href": local_path(str(node)) or str(node),
                "external": local_path(str(node)) is None, "iri": str(node)}

    def predicate(self, p) -> dict:
        return {"zh": _label(self.g, p, "zh"), "en": _label(self.g, p, "en"), "curie": _curie(str(p)),
                "href": local_path(str(p)) or str(p)}

    @cached_property
    def properties(self) -> list[dict]:
        rows: dict[str, dict] = {}
        for p, o in sorted(self.g.predicate_objects(self.node), key=lambda po: (str(po[0]), str(po[1]))):
            if p in MATCHES or p == RDF.type:
                continue
            row = rows.setdefault(str(p), {"predicate": self.predicate(p), "values": []})
            row["values"].append(self.link(o))
        return sorted(rows.values(), key=lambda r: (r["predicate"]["zh"] == "", r["predicate"]["curie"]))

    @cached_property
    def types(self) -> list[dict]:
        return [self.link(t) for t in sorted(self.g.objects(self.node, RDF.type), key=str)]

    @cached_property
    def mappings(self) -> list[dict]:
        return [{"match": _curie(str(p)), **self.link(o)}
                for p in MATCHES for o in sorted(self.g.objects(self.node, p), key=str)]

    @cached_property
    def sources(self) -> list[dict]:
        out = []
        for loc in sorted(self.g.objects(self.node, ns.TB.sourceLocation), key=str):
            quote_ = self.g.value(loc, ns.TB.quote)
            out.append({"quote": str(quote_ or ""), "line": str(self.g.value(loc, ns.TB.lineNumber) or ""),
                        "section": str(self.g.value(loc, ns.TB.section) or ""),
                        "document": self.link(self.g.value(loc, ns.TB.inDocument)) if self.g.value(
                            loc, ns.TB.inDocument) else None, "href": local_path(str(loc))})
        return out

    @cached_property
    def incoming(self) -> list[dict]:
        rows: dict[str, dict] = {}
        for s, p in self.g.subject_predicates(self.node):
            if s == self.node:
                continue
            row = rows.setdefault(str(p), {"predicate": self.predicate(p), "values": []})
            row["values"].append(self.link(s))
        for r in rows.values():
            r["values"].sort(key=lambda v: v["text"])
        return sorted(rows.values(), key=lambda r: r["predicate"]["curie"])


def _verdicts(report, iri: str, g: Graph) -> dict | None:
    """The gap verdicts that concern the entity: its own (item), the items it covers (standard), the items about it
    (concept), or the items of a direction / framework node, with counts."""
    if report is None:
        return None
    node = URIRef(iri)
    rows: list[dict] = []
    title = ""
    if (node, RDF.type, ns.TB.PriorityItem) in g:
        rows, title = [r for r in report.items if r["iri"] == iri], "本条目的缺口分析 / Gap verdict of this item"
    elif (node, RDF.type, ns.TB.Standard) in g:
        number = str(g.value(node, DCTERMS.identifier) or "")
        rows = [r for r in report.items if any(s["number"] == number for s in r["standards"])]
        title = "该标准覆盖的重点条目 / Priority items this standard covers (fully or partly)"
    elif (node, RDF.type, ns.TB.PriorityDirection) in g:
        code = str(g.value(node, SKOS.notation) or "")
        rows, title = [r for r in report.items if r["direction"] == code], "该方向的条目 / Items of this direction"
    elif str(node).startswith(str(ns.framework_scheme())):
        code = str(g.value(node, SKOS.notation) or "")
        rows = [r for r in report.items if code and (r["aspect_node"]["notation"] + ".").startswith(code + ".")]
        title = "该节点下的重点条目 / Priority items in this part of the framework"
    else:
        rows = [r for r in report.items if (r["subject"] or {}).get("iri") == iri]
        title = "以此为主题的重点条目 / Priority items about this concept"
    if not rows:
        return None
    counts = {c: sum(1 for r in rows if r["coverage"] == c) for c in ("covered", "partial", "gap")}
    return {"title": title, "rows": rows, "counts": counts}


def _choose(request: Request) -> tuple[str, str]:
    return neg.choose(request.headers.get("accept") or "text/html", PAGE, "html",
                      request.query_params.get("format"))


router = APIRouter(include_in_schema=False)



def render(name: str, status: int = 200, **ctx) -> HTMLResponse:
    return HTMLResponse(templates().get_template(name).render(version=ontology_version(), **ctx),
                        status_code=status, headers={"Vary": "Accept"})

def build_dir(request: Request) -> Path:
    return Path(service(request).settings.build_dir)

def summary(request: Request) -> dict:
    path = build_dir(request) / "summary.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}

version = ontology_version

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

@router.get("/downloads", include_in_schema=False)
async def downloads(request: Request) -> Response:
    files = []
    for name, kind in DOWNLOADS.items():
        path = build_dir(request) / name
        if path.is_file():
            stem, ext = name.split(".", 1)
            stat = path.stat()
            files.append({"name": f"{stem}-{version()}.{ext}", "kind": kind, "bytes": stat.st_size,
                          "sha256": _sha256(path, stat.st_mtime_ns, stat.st_size)})
    return render("downloads.html", files=files, summary=summary(request))

@router.get("/downloads/{name}", include_in_schema=False)
async def download(name: str, request: Request) -> Response:
    m = re.fullmatch(r"(tanbiao|validation-report)-(?P<v>[^/]+?)\.(ttl|nt|trig|jsonld)", name)
    if not m or m.group("v") != version():
        return not_found(request, f"/downloads/{name}", hint=f"this server has version {version()}")
    path = build_dir(request) / f"{m.group(1)}.{m.group(3)}"
    media = {"ttl": "text/turtle", "nt": "application/n-triples", "trig": "application/trig",
             "jsonld": "application/ld+json"}[m.group(3)]
    return FileResponse(path, media_type=media, filename=name)

@router.get("/def", include_in_schema=False)
async def ontology(request: Request) -> Response:
    try:
        fmt, media = _choose(request)
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

async def entity(request: Request) -> Response:
    raw = request.scope.get("raw_path", b"").decode("ascii", "replace") or quote(request.url.path)
    iri = ns.BASE + raw.lstrip("/")
    if (moved := await _standard_of_number(request, iri)) is not None:
        return RedirectResponse(moved + (f"?{request.url.query}" if request.url.query else ""), status_code=303)
    try:
        fmt, media = _choose(request)
    except neg.NotAcceptable as exc:
        return Response(str(exc) + "\n", status_code=406, media_type="text/plain")
    svc = service(request)
    text = bind(catalogue()["entity"], {"entity": iri})
    res = await svc.run(QueryRequest(text, graph_format="ntriples", max_bytes=svc.settings.max_result_bytes))
    if res.status != 200:
        return Response(res.body, status_code=res.status, media_type="text/plain")
    g = Graph().parse(data=res.body.decode("utf-8"), format="nt")
    if not any(g.predicate_objects(URIRef(iri))) and not any(g.subject_predicates(URIRef(iri))):
        return not_found(request, raw)
    if fmt != "html":
        for prefix, namespace in ns.PREFIXES.items():
            g.bind(prefix, namespace)
        body = g.serialize(format=RDFLIB_FORMATS[fmt], encoding="utf-8")
        return Response(body, media_type=f"{media}; charset=utf-8", headers={"Vary": "Accept"})
    view = _View(g, iri)
    report, _ = await svc.gaps()
    node = URIRef(iri)
    alternates = [(label, f"{raw}?format={f}") for label, f in (("Turtle", "turtle"), ("JSON-LD", "jsonld"),
                                                                ("N-Triples", "ntriples"))]
    return render("entity.html", iri=iri, path=raw, zh=_label(g, node, "zh"), en=_label(g, node, "en"),
                  view=view, verdicts=_verdicts(report, iri, g), alternates=alternates,
                  definition=[view.link(o) for o in g.objects(node, SKOS.definition)])

async def _standard_of_number(request: Request, iri: str) -> str | None:
    """The path of the standard a number names, for ``/number/<n>`` and ``/standard/<n>`` when ``n`` is a number
    of a standard keyed by another one (a plan number later published); None otherwise."""
    minted = ns.parse(iri)
    if minted is None or minted.root not in ("number", "standard") or "/" in minted.rest:
        return None
    number = ns.BASE + "number/" + minted.rest
    rows = await service(request).select(bind(catalogue()["standard-by-number"], {"number": number}))
    target = local_path(rows[0]["std"]) if rows else None
    return target if target and ns.BASE + target.lstrip("/") != iri else None


def not_found(request: Request, path: str, hint: str = "") -> Response:
    accept = request.headers.get("accept") or ""
    message = f"{path} is not a resource of this graph" + (f" ({hint})" if hint else "")
    if "text/html" not in accept and accept not in ("", "*/*"):
        return Response(message + "\n", status_code=404, media_type="text/plain")
    number = path.rsplit("/", 1)[-1]
    return render("not-found.html", 404, path=path, hint=hint, number=number, roots=ENTITY_ROOTS)

for root in ENTITY_ROOTS:
    router.add_api_route(f"/{root}/{{rest:path}}", entity, methods=["GET"], include_in_schema=False)
for root in ns.SELF_ROOTS:
    router.add_api_route(f"/{root}", entity, methods=["GET"], include_in_schema=False)


async def not_found_handler(request: Request, exc) -> Response:
    detail = getattr(exc, "detail", "")
    if request.url.path.startswith(("/api/", "/sparql")) or (detail and detail != "Not Found"):
        return await http_exception_handler(request, exc)
    return not_found(request, request.url.path)


@lru_cache(maxsize=32)
def _sha256(path: Path, mtime_ns: int, size: int) -> str:
    """A dump's digest, read once per version of the file (the key holds its modification time and size)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
