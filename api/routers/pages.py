"""Linked-data pages: every IRI of the graph answered at its own path, the home page, downloads and the ontology.

``https://w3id.org/tanbiao/standard/GB-T-32151.1-2015`` is served at ``/standard/GB-T-32151.1-2015`` of this
server: HTML for browsers (bilingual, with the source quote, mappings and gap verdicts), Turtle, JSON-LD or
N-Triples by ``Accept`` (or ``?format=turtle|jsonld|ntriples|html``). What the server says about a resource is the
catalogue query ``queries/entity.rq``, so a remote store answers the same. An IRI the graph does not have gets a
404 page that says where to look instead.
"""

from __future__ import annotations

import re
from functools import cached_property
from urllib.parse import quote, unquote

from fastapi import APIRouter, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import RedirectResponse, Response
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from tanbiao.loaders import namespaces as ns

from tanbiao.services import lookup
from tanbiao.services import rows as tables
from tanbiao.services.catalogue import bind, catalogue

from .. import negotiation as neg
from ..html import ENTITY_ROOTS, choose_page, not_found, render
from ..service import service
from ..workers import QueryRequest

__all__ = ["router", "not_found_handler", "ENTITY_ROOTS", "local_path", "number_redirect"]

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

    def __init__(self, g: Graph, iri: str, items: dict[str, dict] | None = None):
        """``items``: the gap report's rows by item IRI (an item is named with its direction and aspect)."""
        self.g, self.node, self.items = g, URIRef(iri), items or {}

    def link(self, node) -> dict:
        if isinstance(node, Literal):
            return {"text": str(node), "lang": node.language or "", "href": None}
        zh, en = _label(self.g, node, "zh"), _label(self.g, node, "en")
        code = self.g.value(node, SKOS.notation)
        text = zh or en or _curie(str(node))
        if code is not None and _CODE.fullmatch(str(code)) and str(code) not in text:
            text = f"{code} {text}"
        item = self.items.get(str(node))
        context = f"{item['direction']} · {item['aspect']}" if item else ""  # 钢铁 ×5 -> 2.1 · 产品碳足迹核算 …
        return {"text": text, "en": en if zh else "", "href": local_path(str(node)) or str(node),
                "external": local_path(str(node)) is None, "iri": str(node), "context": context,
                "sort": (tuple(int(x) for x in item["direction"].split(".") if x.isdigit()), item["index"]) if item
                else ()}

    def predicate(self, p) -> dict:
        return {"zh": _label(self.g, p, "zh"), "en": _label(self.g, p, "en"), "curie": _curie(str(p)),
                "href": local_path(str(p)) or str(p)}

    @cached_property
    def properties(self) -> list[dict]:
        rows: dict[str, dict] = {}
        quoted = {" ".join(s["quote"].split()) for s in self.sources}
        for p, o in sorted(self.g.predicate_objects(self.node), key=lambda po: (str(po[0]), str(po[1]))):
            if p in MATCHES or p == RDF.type:
                continue
            if isinstance(o, Literal) and " ".join(str(o).split()) in quoted:
                continue  # the text is the source quote shown above (a direction's description)
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
            r["values"].sort(key=lambda v: (v["sort"], v["text"]))
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
        numbers = {str(n) for n in g.objects(node, DCTERMS.identifier)}  # a plan number and the published one
        rows = [r for r in report.items if any(s["number"] in numbers for s in r["standards"])]
        title = "该标准覆盖的重点条目 / Priority items this standard covers (fully or partly)"
    elif (node, RDF.type, ns.TB.PriorityDirection) in g:
        code = str(g.value(node, SKOS.notation) or "")
        rows, title = [r for r in report.items if r["direction"] == code], "该方向的条目 / Items of this direction"
    elif str(node).startswith(str(ns.framework_scheme())):
        code = str(g.value(node, SKOS.notation) or "")
        rows = [r for r in report.items if code and (r["aspect_node"]["notation"] + ".").startswith(code + ".")]
        title = "该节点下的重点条目 / Priority items in this part of the framework"
    else:
        rows = [r for r in report.items if any(s["iri"] == iri for s in r["subjects"])]
        title = "以此为主题的重点条目 / Priority items about this concept"
    if not rows:
        return None
    counts = {c: sum(1 for r in rows if r["coverage"] == c) for c in ("covered", "partial", "gap")}
    return {"title": title, "rows": rows, "counts": counts}


router = APIRouter(include_in_schema=False)



async def entity(request: Request) -> Response:
    raw = request.scope.get("raw_path", b"").decode("ascii", "replace") or quote(request.url.path)
    iri = ns.BASE + raw.lstrip("/")
    if (moved := await _standard_of_number(request, iri)) is not None:
        return RedirectResponse(moved + (f"?{request.url.query}" if request.url.query else ""), status_code=303)
    try:
        fmt, media = choose_page(request)
    except neg.NotAcceptable as exc:
        return Response(str(exc) + "\n", status_code=406, media_type="text/plain")
    svc = service(request)
    text = bind(catalogue()["entity"], {"entity": iri})
    res = await svc.run(QueryRequest(text, graph_format="ntriples", max_bytes=svc.settings.max_result_bytes))
    if res.status != 200:
        return Response(res.body, status_code=res.status, media_type="text/plain")
    g = Graph().parse(data=res.body.decode("utf-8"), format="nt")
    if not any(g.predicate_objects(URIRef(iri))) and not any(g.subject_predicates(URIRef(iri))):
        return await number_redirect(request, raw.split("/", 2)[-1]) or not_found(request, raw)
    if fmt != "html":
        for prefix, namespace in ns.PREFIXES.items():
            g.bind(prefix, namespace)
        body = g.serialize(format=RDFLIB_FORMATS[fmt], encoding="utf-8")
        return Response(body, media_type=f"{media}; charset=utf-8", headers={"Vary": "Accept"})
    report, _ = await svc.gaps()
    view = _View(g, iri, {r["iri"]: r for r in report.items})
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


for root in ENTITY_ROOTS:
    router.add_api_route(f"/{root}/{{rest:path}}", entity, methods=["GET"], include_in_schema=False)
for root in ns.SELF_ROOTS:
    router.add_api_route(f"/{root}", entity, methods=["GET"], include_in_schema=False)


async def not_found_handler(request: Request, exc) -> Response:
    detail = getattr(exc, "detail", "")
    if request.url.path.startswith(("/api/", "/sparql")) or (detail and detail != "Not Found"):
        return await http_exception_handler(request, exc)
    return await number_redirect(request, request.url.path) or not_found(request, request.url.path)


async def number_redirect(request: Request, text: str) -> Response | None:
    """A redirect (301) to the standard a path names by one of its numbers (any spelling), or None."""
    text = unquote(text).strip("/")
    if not text or len(text) > 80:
        return None
    found, exact = lookup.find_standards(await service(request).call(tables.standards), text)
    if len(found) != 1 or not exact:
        return None
    target = local_path(found[0]["iri"])
    if not target or target.rstrip("/") == request.url.path.rstrip("/"):
        return None
    return RedirectResponse(target + (f"?{request.url.query}" if request.url.query else ""), status_code=301)


