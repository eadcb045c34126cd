"""IRIs stay stable when a document is re-flowed (ontology/README.md, "IRIs and re-flowed documents").

The re-wrapped copy is made here from data/sources/: every prose line longer than 30 characters is broken into
lines of 23 characters (a break never lands right after a sentence end or inside a number, where any reader
would see a new paragraph), table rows and headings stay whole. Lines move; what they say does not."""

from __future__ import annotations

import re

from conftest import GUIDE_2023
from rdflib import RDF
from tanbiao.loaders import guide2023
from tanbiao.loaders.base import SourceInfo, curated
from tanbiao.loaders.namespaces import TB
from tanbiao.loaders.text import ends_sentence

WIDTH = 23


def _rewrap(text: str) -> str:
    out = []
    for line in text.splitlines():
        s = line.strip()
        if len(s) <= 30 or s.startswith("|") or re.match(r"^[（(]?[一二三四五六七八九十\d]+[)）.、]", s):
            out.append(line)
            continue
        rest = s
        while len(rest) > WIDTH:
            cut = WIDTH
            while cut < len(rest) and (ends_sentence(rest[:cut]) or rest[cut - 1].isascii() or rest[cut].isascii()):
                cut += 1
            out.append(rest[:cut])
            rest = rest[cut:]
        out.append(rest)
    return "\n".join(out) + "\n"


def _graph(path):
    g = guide2023.parse(path, curated())
    return g, guide2023.to_graph(g, SourceInfo("miit-2023-guide-draft"), curated())


def test_rewrapped_guide_keeps_its_iris(tmp_path):
    copy = tmp_path / GUIDE_2023.name
    copy.write_text(_rewrap(GUIDE_2023.read_text(encoding="utf-8")), encoding="utf-8")
    (_, a), (wrapped, b) = _graph(GUIDE_2023), _graph(copy)
    lines = len(GUIDE_2023.read_text(encoding="utf-8").splitlines())
    assert len(copy.read_text(encoding="utf-8").splitlines()) > lines + 100
    assert wrapped.report.ok, [i.format() for i in wrapped.report.errors]
    for cls in (TB.Category, TB.SubCategory, TB.Topic, TB.Standard, TB.PriorityDirection, TB.PriorityItem,
                TB.SourceLocation, TB.Target):
        ours, theirs = set(a.subjects(RDF.type, cls)), set(b.subjects(RDF.type, cls))
        assert ours and ours == theirs, cls
    # each subject keeps its location IRIs, whose line numbers moved with the text
    for s, loc in a.subject_objects(TB.sourceLocation):
        assert (s, TB.sourceLocation, loc) in b
    moved = [loc for loc in a.subjects(RDF.type, TB.SourceLocation)
             if a.value(loc, TB.lineNumber) != b.value(loc, TB.lineNumber)]
    assert len(moved) > 100
