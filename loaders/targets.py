"""Quantified targets in policy text: ``到2027年，制定出台200项…标准`` / ``100个左右…``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from . import namespaces as ns
from .graphing import add_location, en, zh
from .namespaces import TB
from .text import Paragraph, normalise

__all__ = ["Target", "add_targets", "find_targets"]

_TARGET = re.compile(
    r"到\s*(?P<year>\d{4})\s*年[^；]{0,80}?(?:制定|出台|研制)(?:出台)?\s*(?P<count>\d+)\s*(?P<unit>项|个)\s*"
    r"(?P<qualifier>以上|左右)?\s*(?P<what>[^。；，,]*?标准)"
)
_CITED = re.compile(r"《([^》]+)》")


@dataclass(frozen=True)
class Target:
    year: int
    count: int
    qualifier: str  # "以上" (at least), "左右" (about) or "" (exactly)
    what: str  # 重点工业产品碳足迹核算规则标准
    sentence: str
    line: int
    cited: str  # the last document named before the target in its paragraph ("" if the document's own)

    @property
    def comparator(self) -> str:
        return {"以上": "at-least", "左右": "about"}.get(self.qualifier, "exactly")


def find_targets(paragraphs: list[Paragraph]) -> list[Target]:
    """Every target in the paragraphs, first occurrence only (a restatement is not a new target)."""
    seen: set[tuple[int, int, str]] = set()
    out: list[Target] = []
    for para in paragraphs:
        text = normalise(para.text)
        for m in _TARGET.finditer(text):
            key = (int(m["year"]), int(m["count"]), m["what"].replace(" ", ""))
            if key in seen:
                continue
            seen.add(key)
            start = text.rfind("。", 0, m.start()) + 1
            end = text.find("。", m.end())
            cited = _CITED.findall(text[: m.start()])
            out.append(Target(
                year=key[0], count=key[1], qualifier=m["qualifier"] or "", what=key[2],
                sentence=text[start: end + 1 if end >= 0 else len(text)].strip(), line=para.first_line,
                cited=cited[-1] if cited else "",
            ))
    return out


def add_targets(g: Graph, targets: list[Target], key: str, doc: URIRef, section: str) -> None:
    """tb:Target nodes for the targets a document sets (shared by the guides' loaders)."""
    for t in targets:
        iri = ns.target(key, t.year, t.count)
        g.add((iri, RDF.type, TB.Target))
        g.add((iri, TB.targetYear, Literal(t.year, datatype=XSD.integer)))
        g.add((iri, TB.targetCount, Literal(t.count, datatype=XSD.integer)))
        g.add((iri, TB.comparator, Literal(t.comparator)))
        g.add((iri, TB.targetOf, zh(t.what)))
        unit = "项" if "项" in t.sentence else "个"
        g.add((iri, RDFS.label, zh(f"到{t.year}年{t.count}{unit}{t.qualifier}{t.what}")))
        g.add((iri, RDFS.label, en(f"{t.count} standards ({t.comparator}) by {t.year}")))
        if t.cited:
            g.add((iri, TB.setByPlan, zh(t.cited)))
        else:
            g.add((iri, TB.setByDocument, doc))
        add_location(g, iri, key, t.line, section, t.sentence)
