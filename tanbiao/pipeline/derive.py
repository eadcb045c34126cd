"""Derived links: what needs the whole graph, written into the named graph ``…/graph/links``.

The links stage is a pure function of the other named graphs, so it can be re-run on any copy of a build
(what-if does): it clears ``links`` and derives, in this order,

1. **update resolution** — every record of the update graphs, in the order of its ``issued`` date (then file
   and line), names one standard: by its number or by the plan number it ``replaces``; a record about a standard
   the graph does not know adds it (to the update file's own graph). ``links`` gets ``tb:recordFor`` and
   ``tb:recordSequence`` (the order the records apply in);
2. **standards' aspects** — the topic a standard's title places it in (``data/curated/aspect-rules.csv``);
3. **the CONSTRUCT queries** of ``queries/build/`` in name order, each seeing what the ones before added: the
   current status (latest record, else the status the guide listed), the 2024 products' aspect, …
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from tanbiao.errors import CuratedDataError
from tanbiao.loaders import namespaces as ns
from tanbiao.loaders.base import Curated
from tanbiao.loaders.curated import read_csv
from tanbiao.loaders.graphing import add_number, new_graph, zh
from tanbiao.loaders.namespaces import TB
from tanbiao.loaders.numbers import PUBLISHED, parse_number
from tanbiao.loaders.resources import curated_file, query_dir
from tanbiao.loaders.text import normalise, normalise_title

from .context import BuildContext

__all__ = ["LINKS", "derive_links", "resolve_updates", "standard_aspects", "build_as_of"]

LINKS = "links"

_PREFIXES = """PREFIX tb: <https://w3id.org/tanbiao/def#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def derive_links(ctx: BuildContext, curated: Curated) -> int:
    """(Re-)derive ``…/graph/links``; returns its size. The update files' reports receive the records' problems."""
    ctx.clear(LINKS)
    resolve_updates(ctx, curated)
    if as_of := build_as_of(ctx):
        ctx.add(LINKS, _as_of_graph(as_of))
    ctx.extend(LINKS, standard_aspects(ctx))
    for path in sorted((query_dir() / "build").glob("*.rq")):
        ctx.extend(LINKS, ctx.construct(path.read_text(encoding="utf-8")))
    return sum(1 for _ in ctx.store.quads_for_pattern(None, None, None, ox.NamedNode(str(ns.graph(LINKS)))))


def build_as_of(ctx: BuildContext) -> str | None:
    """The build's as-of date, from the data: the latest ``tb:asOf`` of the update files, else the latest issue
    date of the documents (never the clock)."""
    links = ns.graph(LINKS)
    for query in (f"SELECT (MAX(?d) AS ?d) WHERE {{ ?doc tb:asOf ?d FILTER (?doc != <{links}>) }}",
                  "SELECT (MAX(?d) AS ?d) WHERE { ?doc a tb:SourceDocument ; dcterms:issued ?d "
                  "FILTER (DATATYPE(?d) = <http://www.w3.org/2001/XMLSchema#date>) }"):
        rows = ctx.select(_PREFIXES + query)
        if rows and rows[0]["d"]:
            return str(rows[0]["d"])
    return None


def _as_of_graph(as_of: str) -> Graph:
    g = new_graph()
    g.add((ns.graph(LINKS), TB.asOf, Literal(as_of, datatype=XSD.date)))
    return g


# --- update records ---------------------------------------------------------------------------------------------


@dataclass
class _Record:
    iri: str
    key: str  # the update graph it is in
    order: tuple  # (issued, file index, line)
    number: str
    replaces: str | None
    status: str
    title: str | None
    position: str | None
    line: int
    subjects: list[str]
    issuer: str | None = None


def _records(ctx: BuildContext) -> list[_Record]:
    out: list[_Record] = []
    for index, key in enumerate(ctx.update_reports):
        graph = f"<{ns.graph(key)}>"
        subjects: dict[str, list[str]] = {}
        for r in ctx.select(f"{_PREFIXES}SELECT ?rec ?s WHERE {{ GRAPH {graph} {{ ?rec tb:recordSubject ?s }} }}"):
            subjects.setdefault(r["rec"], []).append(r["s"])
        text = f"""{_PREFIXES}SELECT ?rec ?number ?replaces ?status ?title ?position ?issued ?issuer ?line WHERE {{
          GRAPH {graph} {{
            ?rec a tb:UpdateRecord ; tb:recordNumber ?number ; tb:recordStatus ?status ; tb:sourceLocation ?loc .
            ?loc tb:lineNumber ?line .
            OPTIONAL {{ ?rec tb:replaces ?replaces }} OPTIONAL {{ ?rec tb:recordTitle ?title }}
            OPTIONAL {{ ?rec tb:recordPosition ?position }} OPTIONAL {{ ?rec dcterms:issued ?issued }}
            OPTIONAL {{ ?rec dcterms:publisher ?issuer }}
          }} }}"""
        for r in ctx.select(text):
            out.append(_Record(r["rec"], key, (r["issued"] or "", index, r["line"]), r["number"], r["replaces"],
                               r["status"], r["title"], r["position"], r["line"], sorted(subjects.get(r["rec"], [])),
                               r["issuer"]))
    return sorted(out, key=lambda r: r.order)


def resolve_updates(ctx: BuildContext, curated: Curated) -> None:
    """Name a standard for every update record (creating the new ones in the record's own graph).

    ``replaces`` a plan number: the record's number and the plan number name one standard. ``replaces`` a
    published number: the record is about a new edition or standard that replaces the older one — ``links``
    gets ``dcterms:replaces`` / ``dcterms:isReplacedBy``, and a new standard takes the older one's position."""
    if not ctx.update_reports:
        return
    by_identifier: dict[str, str] = {r["id"]: r["std"] for r in ctx.select(
        f"{_PREFIXES}SELECT ?std ?id WHERE {{ ?std a tb:Standard ; dcterms:identifier ?id }}")}
    identifiers: dict[str, set[str]] = {}
    for number, known in by_identifier.items():
        identifiers.setdefault(known, set()).add(number)
    placed: dict[str, tuple[str, str]] = {r["std"]: (r["pos"], r["cat"]) for r in ctx.select(
        f"{_PREFIXES}SELECT ?std ?pos ?cat WHERE {{ ?std a tb:Standard ; tb:position ?pos ; tb:category ?cat }}")}
    subcats: dict[str, tuple[str, str]] = {}
    for r in ctx.select(f"{_PREFIXES}SELECT ?node ?notation ?label ?category WHERE {{ ?node a tb:SubCategory ; "
                        "skos:notation ?notation ; skos:prefLabel ?label ; skos:broader ?category }"):
        subcats[r["notation"]] = subcats[r["label"]] = (r["node"], r["category"])
    links = new_graph()
    added: dict[str, Graph] = {}
    for seq, rec in enumerate(_records(ctx), start=1):
        report = ctx.update_reports[rec.key]
        std: str | None = by_identifier.get(rec.number)
        older: str | None = None
        if rec.replaces is not None:
            if parse_number(rec.replaces).kind != PUBLISHED:
                std = std or by_identifier.get(rec.replaces)
                if std is None:
                    report.warning(rec.line, f"replaces '{rec.replaces}', which no standard of the graph is known "
                                             f"by; {rec.number} is loaded as a new standard")
            else:
                older = by_identifier.get(rec.replaces)
                if older is None:
                    report.warning(rec.line, f"replaces '{rec.replaces}', which is not in the graph")
        g = added.setdefault(rec.key, new_graph())
        if std is None:
            position = subcats.get(normalise(rec.position or "")) or (placed.get(older) if older else None)
            if rec.title is None or position is None:
                report.error(rec.line, f"{rec.number} is not in the graph, and a new standard needs a title and a "
                                       "position (sub-category notation or label); record skipped")
                continue
            std = str(ns.standard(rec.number))
            _new_standard(g, URIRef(std), rec, position, curated)
            placed[std] = position
        elif rec.number not in identifiers.get(std, set()):
            add_number(g, URIRef(std), parse_number(rec.number), curated.vocab, with_level=False)
        if older is not None and older != std:
            links.add((URIRef(std), DCTERMS.replaces, URIRef(older)))
            links.add((URIRef(older), DCTERMS.isReplacedBy, URIRef(std)))
        by_identifier[rec.number] = std
        identifiers.setdefault(std, set()).add(rec.number)
        links.add((URIRef(rec.iri), TB.recordFor, URIRef(std)))
        links.add((URIRef(rec.iri), TB.recordSequence, Literal(seq, datatype=XSD.integer)))
        report.count("update record applied")
    for key, g in added.items():
        if len(g):
            ctx.add(key, g)
    ctx.add(LINKS, links)


def _new_standard(g: Graph, s: URIRef, rec: _Record, position: tuple[str, str], curated: Curated) -> None:
    """A standard the graph did not know, as its record describes it; a group standard's issuer from its code
    (``data/curated/group-codes.csv``) when the record names none."""
    assert rec.title is not None
    clean = normalise_title(rec.title)
    g.add((s, RDF.type, TB.Standard))
    g.add((s, DCTERMS.title, zh(clean)))
    g.add((s, RDFS.label, zh(clean)))
    g.add((s, TB.titleAsPrinted, zh(rec.title)))
    g.add((s, TB.position, URIRef(position[0])))
    g.add((s, TB.category, URIRef(position[1])))
    for concept in rec.subjects or [str(ns.concept(cid)) for cid in curated.lexicon.title_subjects(clean)]:
        g.add((s, TB.about, URIRef(concept)))
    number = parse_number(rec.number)
    add_number(g, s, number, curated.vocab, with_level=True)
    issuer = curated.vocab.issuers.get(number.series_code)
    if issuer and not rec.issuer:
        g.add((s, DCTERMS.publisher, zh(issuer)))


# --- standards' aspects -------------------------------------------------------------------------------------------


def _rules() -> list[tuple[str, str, re.Pattern, int]]:
    path = curated_file("aspect-rules.csv")
    out = []
    for line, r in read_csv(path, ["subcategory", "aspect", "pattern", "justification"]):
        try:
            out.append((r["subcategory"], r["aspect"], re.compile(r["pattern"]), line))
        except re.error as exc:
            raise CuratedDataError(f"{path}:{line}: pattern is not a valid regular expression ({exc})") from None
        if not r["justification"]:
            raise CuratedDataError(f"{path}:{line}: every rule needs a justification")
    return out


def standard_aspects(ctx: BuildContext) -> list[ox.Triple]:
    """``tb:aspect`` for every standard: the topic of its sub-category its title names, else the topic the first
    matching rule of its sub-category places it in (``data/curated/aspect-rules.csv``), else its sub-category."""
    topics = {(r["sub"], r["label"]): r["topic"] for r in ctx.select(
        f"{_PREFIXES}SELECT ?topic ?sub ?label WHERE {{ ?topic a tb:Topic ; skos:broader/skos:notation ?sub ; "
        "skos:prefLabel ?label FILTER (LANG(?label) = 'zh') }")}
    rules = _rules()
    path = curated_file("aspect-rules.csv")
    for sub, aspect, _pattern, line in rules:
        if (sub, aspect) not in topics:
            raise CuratedDataError(f"{path}:{line}: '{aspect}' is not a topic of sub-category {sub}")
    out = []
    aspect_of = ox.NamedNode(str(TB.aspect))
    standards = ctx.select(f"""{_PREFIXES}SELECT ?std ?position ?notation (SAMPLE(?t) AS ?title) WHERE {{
        ?std a tb:Standard ; tb:position ?position . ?position skos:notation ?notation .
        OPTIONAL {{ ?std dcterms:title ?t FILTER (LANG(?t) = 'zh') }} }} GROUP BY ?std ?position ?notation""")
    for r in standards:
        aspect = r["position"]
        title = r["title"] or ""
        named = [t for (sub, label), t in topics.items() if sub == r["notation"] and len(label) >= 4 and label in title]
        if len(named) == 1:  # the title names one topic of its sub-category (…数据质量管理技术规范)
            aspect = named[0]
        else:
            for sub, label, pattern, _line in rules:
                if sub == r["notation"] and pattern.search(title):
                    aspect = topics[(sub, label)]
                    break
        out.append(ox.Triple(ox.NamedNode(r["std"]), aspect_of, ox.NamedNode(aspect)))
    return out
