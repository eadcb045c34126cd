"""Namespaces and IRI minting — the one place where tanbiao IRIs are made.

Every IRI of the graph is built here from a stable key (a notation, a printed
standard number, a curated concept id, a document key), so the same thing gets
the same IRI in every build. See ``ontology/README.md`` for the IRI scheme.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import quote

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

BASE = "https://w3id.org/tanbiao/"

TB = Namespace(BASE + "def#")
"""The ontology's own terms (classes and properties)."""

DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")

PREFIXES: dict[str, Namespace | type] = {  # rdflib's closed namespaces are classes
    "tb": TB,
    "tbs": Namespace(BASE + "standard/"),
    "tbf": Namespace(BASE + "framework/"),
    "tbc": Namespace(BASE + "concept/"),
    "tbv": Namespace(BASE + "vocab/"),
    "tbd": Namespace(BASE + "source/"),
    "tbr": Namespace(BASE + "reference/"),
    "gbt4754": Namespace(BASE + "gbt4754-2017/"),
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
}

__all__ = [
    "BASE", "TB", "DCAT", "VOID", "PREFIXES", "ROOTS", "SELF_ROOTS", "MintedIri", "parse", "slug",
    "standard", "number", "series", "series_part", "framework_node", "framework_scheme",
    "concept", "concept_scheme", "vocab", "document", "location", "graph",
    "direction", "item", "target", "update_record", "drafting_rule", "vocab_scheme", "assessment", "evidence",
    "verdict_change",
    "activity",
    "reference", "mapping_set", "gbt4754", "gbt4754_scheme", "gbt4754_level",
]

_UNSAFE = re.compile(r"[^0-9A-Za-z.\-_~]+")


def slug(text: str) -> str:
    """A path segment for a printed key: ``GB/T 32151.1-2015`` -> ``GB-T-32151.1-2015``.

    ASCII keys keep their characters; anything else is percent-encoded so the
    mapping stays one-to-one for non-ASCII keys.
    """
    text = text.strip()
    if text.isascii():
        return _UNSAFE.sub("-", text).strip("-")
    return quote(text, safe="")


# The IRI scheme: the first path segment of every IRI minted here, and what lives under it. Pages, the 404 page
# and the server's routes read this registry; ``parse`` tells the kind of any IRI of the graph.
ROOTS: dict[str, str] = {
    "standard": "标准 / a standard (keyed by the first number it was known by)",
    "number": "标准号或计划号 / a standard or plan number",
    "series": "标准系列及其部分 / a standard series and its parts",
    "framework": "标准体系框架 / the framework: categories, sub-categories, topics",
    "concept": "主题概念 / a subject concept (industry, product, process, gas)",
    "scheme": "概念体系 / a concept scheme",
    "vocab": "受控词表 / a controlled vocabulary and its members",
    "source": "来源文件及位置 / a source document and places in it",
    "direction": "重点方向 / a priority direction",
    "item": "重点条目 / a priority item",
    "target": "目标 / a target a document sets",
    "reference": "引用标准 / a standard a document refers to",
    "rule": "编制规则 / a drafting rule",
    "gbt4754-2017": "国民经济行业分类代码 / a GB/T 4754-2017 code",
    "mappings": "映射集 / an SSSOM mapping set",
    "graph": "命名图 / a named graph",
    "update": "更新记录 / an update record",
    "assessment": "缺口评估及其证据 / a gap assessment and its evidence",
    "activity": "构建活动 / an activity of the build (PROV)",
}
SELF_ROOTS = ("framework", "gbt4754-2017")  # roots that are resources themselves (the framework, the code list)


@dataclass(frozen=True)
class MintedIri:
    """An IRI of the graph taken apart: its root (kind) and the rest of its path (the key, as in the IRI)."""

    root: str
    rest: str

    @property
    def path(self) -> str:
        return f"/{self.root}" + (f"/{self.rest}" if self.rest else "")


def parse(iri: str) -> MintedIri | None:
    """The root and key of an IRI minted here (``None`` for any other IRI, including the ontology's terms)."""
    if not iri.startswith(BASE):
        return None
    root, _, rest = iri[len(BASE):].partition("/")
    if root not in ROOTS or (not rest and root not in SELF_ROOTS):
        return None
    return MintedIri(root, rest)


def _iri(path: str) -> URIRef:
    root = path.split("/", 1)[0]
    assert root in ROOTS, f"IRI root '{root}' is not in namespaces.ROOTS"
    return URIRef(BASE + path)


def standard(key: str) -> URIRef:
    """A standard (or standard project), keyed by the first number it was known by."""
    return _iri("standard/" + slug(key))


def number(printed: str) -> URIRef:
    """A standard number or plan number as a resource with its parsed structure."""
    return _iri("number/" + slug(printed))


def series(code: str, serial: str) -> URIRef:
    """A numbered series of standards, e.g. GB/T 32151."""
    return _iri(f"series/{slug(code)}-{serial}")


def series_part(code: str, serial: str, part: int) -> URIRef:
    """One numbered part of a series, independent of its edition year (GB/T 32151.4)."""
    return _iri(f"series/{slug(code)}-{serial}/part/{part}")


def framework_node(notation: str) -> URIRef:
    """A category (``2``), sub-category (``2.1``) or topic (``2.1.3``) of the framework."""
    return _iri("framework/" + slug(notation))


def framework_scheme() -> URIRef:
    return _iri("framework")


def concept(concept_id: str) -> URIRef:
    """A curated subject concept (industry, product, process, gas)."""
    return _iri("concept/" + slug(concept_id))


def concept_scheme(name: str) -> URIRef:
    return _iri("scheme/" + slug(name))


def vocab(kind: str, key: str) -> URIRef:
    """A controlled-vocabulary member such as ``vocab/status/published``."""
    return _iri(f"vocab/{slug(kind)}/{slug(key)}")


def document(key: str) -> URIRef:
    """A source document (a guide, an update file)."""
    return _iri("source/" + slug(key))


def location(doc_key: str, section: str, quote: str, occurrence: int = 1) -> URIRef:
    """A place in a source document, keyed by what is there — its section and the text quoted, whitespace
    ignored — not by its line: re-flowing the document moves the line (``tb:lineNumber``), not the IRI. The
    ``occurrence``-th place with the same section and text gets ``-<occurrence>``."""
    compact = re.sub(r"\s+", "", quote)
    digest = hashlib.sha1(f"{section}\n{compact}".encode()).hexdigest()[:12]
    return _iri(f"source/{slug(doc_key)}/{digest}" + (f"-{occurrence}" if occurrence > 1 else ""))


def graph(key: str) -> URIRef:
    """The named graph holding what was loaded from one source."""
    return _iri("graph/" + slug(key))


def reference(printed: str) -> URIRef:
    """A standard a document refers to that is not in its standards list (e.g. GB/T 24067)."""
    return _iri("reference/" + slug(printed))


def mapping_set(name: str) -> URIRef:
    """An SSSOM mapping set of ``data/mappings/`` (its ``mapping_set_id``)."""
    return _iri("mappings/" + slug(name))


def gbt4754_scheme() -> URIRef:
    """The GB/T 4754-2017 codes tanbiao uses, published as a SKOS scheme of our own (no official RDF exists)."""
    return _iri("gbt4754-2017")


def gbt4754(code: str) -> URIRef:
    """A GB/T 4754-2017 code with its section letter: ``C``, ``C30``, ``C301``, ``C3011``."""
    return _iri("gbt4754-2017/" + slug(code))


def gbt4754_level(name: str) -> URIRef:
    """A level of GB/T 4754-2017 (section, division, group, class) as an XKOS classification level."""
    return _iri("gbt4754-2017/level/" + slug(name))


def direction(code: str) -> URIRef:
    """A priority direction (Appendix 2 section ``2.1``) or a product list of another guide (``2024``)."""
    return _iri("direction/" + slug(code))


def item(code: str, index: int) -> URIRef:
    """The ``index``-th priority item of a direction."""
    return _iri(f"item/{slug(code)}-{index}")


def target(doc_key: str, year: int, count: int) -> URIRef:
    """A numeric target a document sets (``target/<doc>/2027-200``)."""
    return _iri(f"target/{slug(doc_key)}/{year}-{count}")


def update_record(key: str, number: str, occurrence: int = 1) -> URIRef:
    """One record of an update file or of a document listing standards, keyed by the number it is about (the
    ``occurrence``-th record of the same number in the file gets ``-<occurrence>``), not by its line."""
    return _iri(f"update/{slug(key)}/{slug(number)}" + (f"-{occurrence}" if occurrence > 1 else ""))


def assessment(item_key: str) -> URIRef:
    """The gap assessment of the priority item ``item/<item_key>`` (``assessment/2.1-47``)."""
    return _iri("assessment/" + item_key)


def evidence(item_key: str, standard_key: str, subject_key: str = "", context: bool = False) -> URIRef:
    """One standard's evidence in an assessment, for one of the item's subjects (``…/GB-T-33756-2017/cement``);
    ``context``: a related standard that does not decide (``…/context/GB-T-33760-2017``)."""
    role = "context/" if context else ""
    return _iri(f"assessment/{item_key}/{role}{standard_key}" + (f"/{subject_key}" if subject_key else ""))


def verdict_change(item_key: str) -> URIRef:
    """How the update records moved the verdict of ``item/<item_key>`` (``assessment/2.1-47/change``)."""
    return _iri(f"assessment/{item_key}/change")


def activity(name: str) -> URIRef:
    """An activity of the build, for PROV (``activity/gap-assessment``)."""
    return _iri("activity/" + slug(name))


def drafting_rule(key: str) -> URIRef:
    """The drafting rule a guide sets for the standards it asks for."""
    return _iri("rule/" + slug(key))


def vocab_scheme(kind: str) -> URIRef:
    """A controlled vocabulary as a whole (``vocab/pcf-element``)."""
    return _iri("vocab/" + slug(kind))
