"""Small helpers shared by the loaders' ``to_graph`` functions: labels, provenance, documents."""

from __future__ import annotations

import re

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from . import namespaces as ns
from .namespaces import TB

__all__ = ["new_graph", "zh", "en", "add_location", "add_document", "add_number"]


def new_graph() -> Graph:
    g = Graph()
    for prefix, namespace in ns.PREFIXES.items():
        g.bind(prefix, namespace, override=True)
    return g


def zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def en(text: str) -> Literal:
    return Literal(text, lang="en")


def add_location(
    g: Graph, subject: URIRef, doc_key: str, line: int, section: str, quote: str, row_number: str | None = None,
    part: int | None = None,
) -> URIRef:
    """Link ``subject`` to its document and to the place it was read from (its IRI keyed by section and quote,
    ``namespaces.location``; the line, table row and clause ``part`` are properties of it)."""
    occurrence = 1
    loc = ns.location(doc_key, section, quote)
    while (known := g.value(loc, TB.lineNumber)) is not None and known != Literal(line, datatype=XSD.integer):
        occurrence += 1
        loc = ns.location(doc_key, section, quote, occurrence)
    doc = ns.document(doc_key)
    g.add((subject, PROV.wasDerivedFrom, doc))
    g.add((subject, TB.sourceLocation, loc))
    if (loc, RDF.type, TB.SourceLocation) not in g:
        g.add((loc, RDF.type, TB.SourceLocation))
        g.add((loc, TB.inDocument, doc))
        g.add((loc, TB.section, Literal(section)))
        g.add((loc, TB.lineNumber, Literal(line, datatype=XSD.integer)))
        g.add((loc, TB.quote, zh(quote)))
        g.add((loc, RDFS.label, en(f"{doc_key}, {section}, line {line}" + (f", clause {part}" if part else ""))))
        if row_number:
            g.add((loc, TB.rowNumber, Literal(row_number)))
    return loc


def add_document(
    g: Graph, key: str, title_zh: str, title_en: str, origin: str, file_name: str,
    issuer: str = "", date: str = "",
) -> URIRef:
    doc = ns.document(key)
    g.add((doc, RDF.type, TB.SourceDocument))
    g.add((doc, DCTERMS.title, zh(title_zh)))
    g.add((doc, RDFS.label, zh(title_zh)))
    g.add((doc, DCTERMS.title, en(title_en)))
    g.add((doc, RDFS.label, en(title_en)))
    g.add((doc, DCTERMS.identifier, Literal(key)))
    g.add((doc, DCTERMS.source, Literal(origin)))
    g.add((doc, TB.fileName, Literal(file_name)))
    if issuer:
        g.add((doc, DCTERMS.publisher, zh(issuer)))
    if date:
        typed = re.fullmatch(r"\d{4}-\d{2}-\d{2}", date)
        g.add((doc, DCTERMS.issued, Literal(date, datatype=XSD.date) if typed else Literal(date)))
    return doc


def add_number(g: Graph, std: URIRef, num, vocab, with_level: bool = True) -> URIRef:
    """A number the standard is known by, with its parsed structure; with ``with_level`` also the standard's
    level and nature as the number tells them."""
    from .numbers import NATIONAL_PLAN, PUBLISHED

    classes = {PUBLISHED: TB.PublishedNumber, NATIONAL_PLAN: TB.NationalPlanNumber}
    n = ns.number(num.printed)
    g.add((std, DCTERMS.identifier, Literal(num.printed)))
    g.add((std, TB.number, n))
    g.add((n, RDF.type, classes.get(num.kind, TB.IndustryPlanNumber)))
    g.add((n, RDFS.label, Literal(num.printed)))
    g.add((n, TB.notation, Literal(num.printed)))
    g.add((n, TB.year, Literal(num.year, datatype=XSD.integer)))
    g.add((n, TB.serial, Literal(num.serial)))
    g.add((n, TB.numberNature, vocab.natures[num.nature]))
    for code in num.codes:
        g.add((n, TB.code, ns.vocab("code", vocab.code_for(code).code)))
    if num.part is not None:
        g.add((n, TB.partNumber, Literal(num.part, datatype=XSD.integer)))
    if num.department:
        g.add((n, TB.departmentCode, Literal(num.department)))
    if with_level:
        if num.kind == PUBLISHED:
            level = vocab.code_for(num.series_code).level
        else:
            level = "national" if num.kind == NATIONAL_PLAN else "industry"
        g.add((std, TB.level, vocab.levels[level]))
        g.add((std, TB.nature, vocab.natures[num.nature]))
    return n
