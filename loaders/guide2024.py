"""Loader for MIIT's 《重点工业产品碳足迹核算规则标准编制指南》 (工信厅节函〔2024〕411号) and its 解读.

``parse(path)`` reads:

* the metadata block of the MIIT page (``发文机关：…``, ``标 题：…``, ``发文字号：…``, ``成文日期：…``,
  ``发布日期：…``, ``发布机构：…``, ``分 类：…``);
* quantified targets (``到 2027 年，制定出台 200 项…标准`` / ``100 个左右…``) with the plan they cite;
* the priority sectors (``聚焦A、B等行业``) and the priority product list (``优先聚焦A、B…和C等重点产品``);
* the drafting rules: the required name ``标准名称统一命名为《…XX 产品》``, the standard the method must
  align with (``与国家标准《…》（GB/T 24067）保持一致``) and the elements that must follow it.

``to_graph`` adds them as RDF: the document record, tb:Target nodes, a priority direction "2024" whose
items are the priority products (aspect 产品碳足迹核算), and a tb:DraftingRule; the SHACL shapes in
``shapes/compliance-pcf-2024.ttl`` check standards against that rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from tanbiao.errors import CuratedDataError, SourceError

from . import namespaces as ns
from . import notice
from .base import Curated, SourceInfo
from .graphing import add_document, add_location, en, new_graph, zh
from .items import split_list
from .namespaces import TB
from .notice import META, Field, read_metadata
from .resources import curated_file
from .targets import Target, add_targets, find_targets
from .text import Line, Paragraph, ParseReport, is_blank, join_paragraphs, normalise, read_lines, skipped_lines

__all__ = ["KIND", "LOOKS_FOR", "Guide2024", "Field", "Listing", "Alignment", "describe", "detect", "parse",
           "to_graph"]

KIND = "carbon-footprint drafting guide"
LOOKS_FOR = ("a title naming a carbon-footprint accounting rules drafting guide (…碳足迹核算规则标准编制指南), "
             "a naming rule (统一命名为《…》), a priority product list (优先聚焦…等重点产品)")

_SECTORS = re.compile(r"聚焦(?P<list>[^。；]+?)等行业")
_PRODUCTS = re.compile(r"优先聚焦(?P<list>[^。；]+?)等重点产品")
_NAME_RULE = re.compile(r"(?:统一)?命名为《(?P<name>[^》]+)》")
_ALIGN = re.compile(
    r"(?P<elements>[^。]*?)等?应与(?:国家标准)?《(?P<title>[^》]+)》\s*[（(](?P<number>[^）)]+)[）)]\s*保持一致"
)
_ELEMENT_SUFFIX = re.compile(r"(?:的确定|确定)$")
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])")


_TITLE_MARKER = re.compile(r"碳足迹核算规则标准编制指南")
_MARKERS = (re.compile(r"命名为《"), re.compile(r"等重点产品"), re.compile(r"保持一致"))


@dataclass(frozen=True)
class Listing:
    """An enumeration (priority sectors, products, required elements), the line its paragraph starts on and
    the paragraph."""

    values: tuple[str, ...] = ()
    line: int = 0
    quote: str = ""


@dataclass(frozen=True)
class Alignment:
    """The standard the accounting method must be consistent with."""

    number: str = ""
    title: str = ""
    line: int = 0


@dataclass
class Guide2024:
    path: str
    metadata: dict[str, Field] = field(default_factory=dict)  # label as printed (发文字号 …) -> value
    title: str = ""
    targets: list[Target] = field(default_factory=list)
    sectors: Listing = Listing()
    products: Listing = Listing()
    name_pattern: Field = Field("", 0)
    align_with: Alignment = Alignment()
    elements: Listing = Listing()
    report: ParseReport = field(default_factory=lambda: ParseReport(""))


def detect(lines: list[Line]) -> int:
    """2 when the text names itself a carbon-footprint drafting guide, plus one for each of its rules shown."""
    if not any(_TITLE_MARKER.search(ln.text) for ln in lines):
        return 0
    return 2 + sum(1 for marker in _MARKERS if any(marker.search(ln.text) for ln in lines))


def _is_heading(text: str) -> bool:
    """A short numbered heading line (一、工作目标 / （二）…) that no paragraph continues into."""
    return len(text) <= 20 and "。" not in text and bool(_HEADING.match(text))


def parse(path: str | Path, curated: Curated | None = None) -> Guide2024:
    lines = read_lines(Path(path))
    if not any(not is_blank(ln.text) for ln in lines):
        raise SourceError(f"{path}: the file is empty")
    if not detect(lines):
        raise SourceError(f"{path}: not a {KIND} — it does not name itself one (…碳足迹核算规则标准编制指南)")
    guide = Guide2024(str(path), report=ParseReport(str(path)))
    rep = guide.report
    skipped_lines(lines, rep)
    guide.metadata = read_metadata(lines, rep)
    meta_lines = {f.line for f in guide.metadata.values()}
    body = [ln for ln in lines if ln.number not in meta_lines and not ln.text.strip().startswith("|")]
    for label in META:
        if label not in guide.metadata:
            rep.warning(None, f"metadata field {label} is not printed")
    if "标题" in guide.metadata and (m := re.search(r"《([^》]+)》", guide.metadata["标题"].value)):
        guide.title = m.group(1)

    paragraphs = join_paragraphs(body, _is_heading)
    guide.targets = find_targets(paragraphs)
    rep.count("target", len(guide.targets))
    if not guide.targets:
        rep.error(None, "no quantified target (到YYYY年…制定…N项…标准) found")
    _lists(paragraphs, guide)
    _rules(paragraphs, guide)
    return guide


def _first(paragraphs: list[Paragraph], pattern: re.Pattern) -> tuple[re.Match, Paragraph] | None:
    for p in paragraphs:
        if m := pattern.search(normalise(p.text)):
            return m, p
    return None


def _lists(paragraphs: list[Paragraph], guide: Guide2024) -> None:
    rep = guide.report
    if found := _first(paragraphs, _SECTORS):
        m, p = found
        guide.sectors = Listing(tuple(split_list(m["list"])), p.first_line, normalise(p.text))
        rep.count("priority sector", len(guide.sectors.values))
    else:
        rep.error(None, "no priority sectors (聚焦A、B等行业) found")
    if found := _first(paragraphs, _PRODUCTS):
        m, p = found
        guide.products = Listing(tuple(split_list(m["list"], last_and=True)), p.first_line, normalise(p.text))
        rep.count("priority product", len(guide.products.values))
    else:
        rep.error(None, "no priority product list (优先聚焦A、B…等重点产品) found")


def _rules(paragraphs: list[Paragraph], guide: Guide2024) -> None:
    rep = guide.report
    if found := _first(paragraphs, _NAME_RULE):
        m, p = found
        guide.name_pattern = Field(normalise(m["name"]), p.first_line)
        rep.count("rule: name pattern")
    else:
        rep.error(None, "no naming rule (标准名称统一命名为《…》) found")
    if found := _first(paragraphs, _ALIGN):
        m, p = found
        guide.align_with = Alignment(normalise(m["number"]), normalise(m["title"]), p.first_line)
        rep.count("rule: standard to align with")
        elements = m["elements"]
        elements = elements.split("标准的", 1)[1] if "标准的" in elements else elements
        parts = [_ELEMENT_SUFFIX.sub("", e) for part in split_list(elements) for e in part.split("及")]
        guide.elements = Listing(tuple(e.strip() for e in parts if e.strip()), p.first_line, normalise(p.text))
        rep.count("rule: required element", len(guide.elements.values))
    else:
        rep.error(None, "no alignment rule (…应与国家标准《…》（GB/T …）保持一致) found")


def describe(guide: Guide2024) -> dict:
    return {
        "title": guide.title,
        "metadata": {k: f.value for k, f in guide.metadata.items()},
        "targets": [f"{t.year}: {t.count} {t.qualifier} {t.what}".replace("  ", " ") for t in guide.targets],
        "priority sectors": list(guide.sectors.values),
        "priority products": list(guide.products.values),
        "name pattern": guide.name_pattern.value,
        "align with": guide.align_with.number,
        "required elements": list(guide.elements.values),
    }


# --- RDF -----------------------------------------------------------------------------------


def to_graph(guide: Guide2024, source: SourceInfo, curated: Curated) -> Graph:
    g = new_graph()
    key = source.key
    lex = curated.lexicon

    def concept(label: str, prefer: tuple[str, ...] = ()) -> URIRef | None:
        cid = lex.sense(label, prefer) or lex.best(label, prefer)
        return ns.concept(cid) if cid else None

    meta = {k: f.value for k, f in guide.metadata.items()}
    doc = add_document(g, key, guide.title or Path(guide.path).name, source.title_en, source.origin,
                       Path(guide.path).name, issuer=meta.get("发文机关", ""), date=meta.get("发布日期", ""))
    notice.add_metadata(g, doc, meta)

    add_targets(g, guide.targets, key, doc, "工作目标 / 解读")

    for label in guide.sectors.values:
        sector = concept(label, ("industry",))
        if sector is not None:
            g.add((doc, TB.prioritySector, sector))
        g.add((doc, TB.prioritySectorLabel, zh(label)))

    # The product list is a priority direction of its own, coded by the document's year (next to 1.1 … 5.3).
    # Its aspect is the framework topic the document's title names (产品碳足迹核算); that link is made
    # over the whole graph by queries/build/link-title-aspects.rq.
    products = guide.products
    code = meta.get("成文日期", "")[:4] or key
    direction = ns.direction(code)
    g.add((direction, RDF.type, TB.PriorityDirection))
    g.add((direction, SKOS.notation, Literal(code)))
    g.add((direction, RDFS.label, zh(f"{guide.title}：优先产品")))
    g.add((direction, RDFS.label, en(f"Priority products of the {code} carbon-footprint accounting rules guide")))
    g.add((direction, DCTERMS.description, zh(products.quote)))
    add_location(g, direction, key, products.line, "解读 一", products.quote)
    for k, label in enumerate(products.values, start=1):
        item = ns.item(code, k)
        g.add((item, RDF.type, TB.PriorityItem))
        g.add((item, RDFS.label, zh(label)))
        g.add((item, TB.itemIndex, Literal(k, datatype=XSD.integer)))
        g.add((item, TB.direction, direction))
        subject = concept(label, ("product",))  # the list names products (钢铁 means steel products)
        if subject is not None:
            g.add((item, TB.about, subject))
        add_location(g, item, key, products.line, "解读 一", products.quote)

    rule = ns.drafting_rule(key)
    g.add((rule, RDF.type, TB.DraftingRule))
    g.add((rule, RDFS.label, zh("重点工业产品碳足迹核算规则标准编制要求")))
    g.add((rule, RDFS.label, en("Drafting rules for carbon-footprint accounting rule standards")))
    g.add((rule, TB.namePattern, zh(guide.name_pattern.value)))
    add_location(g, rule, key, guide.name_pattern.line, "四、编制要求", guide.name_pattern.value)
    align = guide.align_with
    if align.number:
        ref = ns.reference(align.number)
        g.add((ref, RDF.type, TB.ReferencedStandard))
        g.add((ref, DCTERMS.identifier, Literal(align.number)))
        g.add((ref, DCTERMS.title, zh(align.title)))
        g.add((ref, RDFS.label, zh(f"{align.number} {align.title}")))
        g.add((rule, TB.alignWith, ref))
    for label in guide.elements.values:
        if label not in curated.pcf_elements:
            raise CuratedDataError(f"{curated_file('pcf-elements.csv')}: no entry for required element '{label}' "
                                   f"read from {guide.path}:{align.line}")
        eid, english = curated.pcf_elements[label]
        element = ns.vocab("pcf-element", eid)
        g.add((element, RDF.type, TB.RequiredElement))
        g.add((element, RDF.type, SKOS.Concept))
        g.add((element, SKOS.inScheme, ns.vocab_scheme("pcf-element")))
        g.add((element, SKOS.prefLabel, zh(label)))
        g.add((element, SKOS.prefLabel, en(english)))
        g.add((element, SKOS.notation, Literal(eid)))
        g.add((rule, TB.requiredElement, element))
    return g
