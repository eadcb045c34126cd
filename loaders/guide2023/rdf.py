"""A standards-system guide's records as RDF: document record, framework (SKOS), standards with numbers and
series, priority directions and items, targets — every node with its source location."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from .. import namespaces as ns
from ..base import Curated, SourceInfo
from ..graphing import add_document, add_location, add_number, en, new_graph, zh
from ..namespaces import TB
from ..targets import add_targets
from ..text import normalise
from .appendix1 import SECTION_APPENDIX1
from .appendix2 import SECTION_APPENDIX2
from .framework import SECTION_FRAMEWORK
from .records import Guide, Series

__all__ = ["to_graph"]

_KINDS = {"category": TB.Category, "subcategory": TB.SubCategory, "topic": TB.Topic}


def to_graph(guide: Guide, source: SourceInfo, curated: Curated) -> Graph:
    """The guide as RDF (one named graph per document)."""
    g = new_graph()
    key = source.key
    doc = add_document(
        g, key, guide.title or Path(guide.path).name, source.title_en, source.origin or guide.url,
        Path(guide.path).name, issuer=guide.issuer, date=guide.date,
    )
    if guide.edition:
        g.add((doc, TB.edition, Literal(guide.edition)))
    g.add((doc, TB.draft, Literal(guide.draft)))
    _framework(g, guide, key)
    _standards(g, guide, key, curated)
    _directions(g, guide, key)
    add_targets(g, guide.targets, key, doc, "一、总体要求（三）建设目标")
    return g


def _framework(g: Graph, guide: Guide, key: str) -> None:
    scheme = ns.framework_scheme()
    if guide.figure:
        g.add((scheme, TB.figureCaption, zh(guide.figure)))
    for node in (*guide.categories, *guide.subcategories, *guide.topics):
        iri = ns.framework_node(node.notation)
        g.add((iri, RDF.type, _KINDS[node.kind]))
        g.add((iri, RDF.type, SKOS.Concept))
        g.add((iri, SKOS.inScheme, scheme))
        g.add((iri, SKOS.notation, Literal(node.notation)))
        g.add((iri, SKOS.prefLabel, zh(node.label)))
        if node.description:
            g.add((iri, SKOS.definition, zh(node.description.split("\n")[0])))
            g.add((iri, DCTERMS.description, zh(node.description)))
        if node.declared_count is not None:
            g.add((iri, TB.declaredCount, Literal(node.declared_count)))
        if node.figure:
            g.add((iri, TB.figureCaption, zh(node.figure)))
        if node.parent:
            parent = ns.framework_node(node.parent)
            g.add((iri, SKOS.broader, parent))
            g.add((parent, SKOS.narrower, iri))
        else:
            g.add((iri, SKOS.topConceptOf, scheme))
            g.add((scheme, SKOS.hasTopConcept, iri))
        section = SECTION_FRAMEWORK if node.kind != "topic" else f"{SECTION_FRAMEWORK} {node.parent}"
        add_location(g, iri, key, node.line, section, node.printed)


def _directions(g: Graph, guide: Guide, key: str) -> None:
    for d in guide.directions:
        iri = ns.direction(d.code)
        g.add((iri, RDF.type, TB.PriorityDirection))
        g.add((iri, SKOS.notation, Literal(d.code)))
        g.add((iri, RDFS.label, zh(f"{d.code} {d.label}：标准制定重点方向")))
        g.add((iri, RDFS.label, en(f"Priority direction {d.code}")))
        g.add((iri, TB.subCategory, ns.framework_node(d.code)))
        g.add((iri, DCTERMS.description, zh(d.text)))
        g.add((iri, TB.printedCategory, zh(d.category_printed)))
        if d.printed_row:
            g.add((iri, TB.printedRowNumber, Literal(d.printed_row)))
        add_location(g, iri, key, d.line, SECTION_APPENDIX2, d.text, d.printed_row or None)
        for it in d.items:
            item = ns.item(d.code, it.index)
            g.add((item, RDF.type, TB.PriorityItem))
            g.add((item, RDFS.label, zh(it.label)))
            g.add((item, TB.itemIndex, Literal(it.index, datatype=XSD.integer)))
            g.add((item, TB.direction, iri))
            g.add((item, TB.aspect, ns.framework_node(it.aspect)))
            g.add((item, TB.aspectLabel, zh(it.aspect_label)))
            if it.industry:
                g.add((item, TB.industryLabel, zh(it.industry)))
            for industry in it.industries:
                g.add((item, TB.industry, ns.concept(industry)))
            if it.group:
                g.add((item, TB.group, zh(it.group)))
            for cid in it.subjects:
                g.add((item, TB.about, ns.concept(cid)))
            if not it.subjects and not it.industries:  # said in the graph, so a reader sees why there is none
                g.add((item, SKOS.editorialNote, zh("条目未对应主题概念：原文未点名词表中的产品、工艺、实践或行业；"
                                                    "按所在方面的通用标准判断（docs/gaps.md 规则 12）。")))
                g.add((item, SKOS.editorialNote, en("No subject concept: the text names no product, process, practice "
                                                    "or industry of the vocabulary; judged by the cross-cutting "
                                                    "standards of its aspect (docs/gaps.md, rule 12).")))
            for cid in it.gases:  # the gases its clause asks about (…的二氧化碳排放核算标准)
                g.add((item, TB.gas, ns.concept(cid)))
            add_location(g, item, key, it.line, f"{SECTION_APPENDIX2} {d.code}", it.clause, part=it.clause_no)


def _standards(g: Graph, guide: Guide, key: str, curated: Curated) -> None:
    vocab, lex = curated.vocab, curated.lexicon
    for row in guide.standards:
        num = row.parsed_number
        assert num is not None  # rows that failed to parse are not in guide.standards
        s = ns.standard(row.number)
        title = row.title_normalised
        g.add((s, RDF.type, TB.Standard))
        g.add((s, RDFS.label, zh(title)))
        g.add((s, DCTERMS.title, zh(title)))
        g.add((s, TB.titleAsPrinted, zh(row.title)))
        # the status the list prints; the current tb:status is derived by the build (queries/build/)
        g.add((s, TB.listedStatus, vocab.statuses[row.status.strip()]))  # known: rows are checked when read
        g.add((s, TB.printedStatus, zh(row.status)))
        position = guide.subcategory_by_label(row.category, normalise(row.position)) or guide.subcategories_labelled(
            normalise(row.position)
        )[0]
        g.add((s, TB.position, ns.framework_node(position.notation)))
        g.add((s, TB.printedPosition, zh(row.position)))
        g.add((s, TB.category, ns.framework_node(row.category)))
        g.add((s, TB.printedCategory, zh(row.category_heading)))
        add_number(g, s, num, vocab)
        if row.series is not None:
            g.add((s, TB.series, _series(g, row.series)))
            if row.part is not None:
                part = _series_part(g, row.series, row.part)
                g.add((s, TB.seriesPart, part))
                g.add((s, TB.partNumber, Literal(row.part, datatype=XSD.integer)))
                if vocab.status(row.status) == ns.vocab("status", "under-revision"):
                    g.add((s, TB.revisesPart, part))
        if row.revises is not None:
            g.add((s, TB.revises, ns.standard(row.revises.number)))
        for cid in lex.title_subjects(title):
            g.add((s, TB.about, ns.concept(cid)))
        add_location(g, s, key, row.line, SECTION_APPENDIX1, row.raw, row.row_number)


def _series(g: Graph, series: Series) -> URIRef:
    iri = ns.series(series.code, series.serial)
    if (iri, RDF.type, TB.StandardSeries) not in g:
        g.add((iri, RDF.type, TB.StandardSeries))
        g.add((iri, SKOS.notation, Literal(series.notation)))
        g.add((iri, DCTERMS.identifier, Literal(series.notation)))
        g.add((iri, RDFS.label, zh(f"{series.notation} {series.stem}" if series.stem else series.notation)))
        if series.stem:
            g.add((iri, DCTERMS.title, zh(series.stem)))
    return iri


def _series_part(g: Graph, series: Series, part: int) -> URIRef:
    iri = ns.series_part(series.code, series.serial, part)
    if (iri, RDF.type, TB.SeriesPart) not in g:
        g.add((iri, RDF.type, TB.SeriesPart))
        g.add((iri, TB.partOfSeries, _series(g, series)))
        g.add((iri, TB.partNumber, Literal(part, datatype=XSD.integer)))
        g.add((iri, SKOS.notation, Literal(f"{series.notation}.{part}")))
        g.add((iri, RDFS.label, zh(f"{series.notation}.{part}（第{part}部分）")))
        g.add((iri, RDFS.label, en(f"{series.notation} part {part}")))
    return iri
