"""Loader for standards-system guides: MIIT's 《工业领域碳达峰碳中和标准体系建设指南》 (2023 draft and editions
like it).

``parse(path)`` reads the text into plain records (``records.py``) — document metadata and the framework of
categories / sub-categories / topics (section 二, ``framework.py``), the standards list (附件1,
``appendix1.py``) and the priority directions with their items (附件2, ``appendix2.py``) — with a ParseReport
of what was recognised and what could not be parsed, by line number. ``to_graph`` (``rdf.py``) turns the
records into RDF (one named graph per document).

The rules are about the *shape* of such a guide, not this edition's row numbers:

* category headings ``N.X标准`` and sub-category headings ``(n) X标准`` in the framework
  section, numbered in sequence; figure residue (``1. 基础通用``), figure captions and
  notes between them are recognised and skipped;
* paragraphs broken by page breaks are re-joined (a line that does not end a sentence
  continues on the next non-blank line);
* the topics of a sub-category are the enumeration after 包括/分为 (or 主要规范) up to 等;
* the standards table is found by its header (标准编号, 标准名称 …), columns are mapped by
  header name; header rows repeated after page breaks, blank page-break headers and
  separator rows are skipped; category headings may be table rows or lone lines
  between table fragments; a row without number/title cells continues the row above.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from tanbiao.errors import SourceError

from .. import notice as notices
from ..base import Curated
from ..base import curated as shipped_curated
from ..targets import find_targets
from ..text import Line, ParseReport, is_blank, join_paragraphs, normalise, read_lines, skipped_lines
from .appendix1 import SECTION_APPENDIX1, infer_series, read_standards
from .appendix2 import SECTION_APPENDIX2, read_directions
from .completeness import check_complete
from .framework import SECTION_FRAMEWORK, SUB_HEADING, TOP_HEADING, read_framework, read_metadata
from .rdf import to_graph
from .records import Direction, FrameworkNode, Guide, Item, Series, StandardRow

__all__ = [
    "KIND", "LOOKS_FOR", "SECTION_APPENDIX1", "SECTION_APPENDIX2", "SECTION_FRAMEWORK", "Direction",
    "FrameworkNode", "Guide", "Item", "Series", "StandardRow", "describe", "detect", "parse", "to_graph", "records",
    "metadata",
]

KIND = "standards-system guide"
LOOKS_FOR = "framework headings ('1.基础通用标准', '(1) 术语定义标准') and a standards list ('附件 1 … 标准项目清单')"

_MARKERS = (
    re.compile(r"^\s*1\s*[.．、]\s*\S.*?标准\s*$"),  # 1.基础通用标准
    re.compile(r"^\s*[（(]\s*1\s*[)）]\s*\S.*?标准\s*$"),  # (1) 术语定义标准
    re.compile(r"标准项目清单|现行和在研标准"),
    re.compile(r"标准制定重点方向"),
    re.compile(r"标准体系框架"),
    re.compile(r"制定本指南"),
)
_TITLE = re.compile(r"标准体系建设指南")
_SUBSYSTEMS = re.compile(r"(\d+)\s*个一级子体系.*?(\d+)\s*个二级子体系.*?(\d+)\s*个三级子体系")


def detect(lines: list[Line]) -> int:
    """How many of the markers of a standards-system guide the text shows (its title counts two)."""
    titled = 2 if any(_TITLE.search(ln.text) for ln in lines) else 0
    return titled + sum(1 for marker in _MARKERS if any(marker.search(ln.text) for ln in lines))


def parse(path: str | Path, curated: Curated | None = None) -> Guide:
    """Parse a guide of this kind (``curated``: the vocabularies rows are checked against, default the shipped
    ones). Raises SourceError only when the file cannot be read at all."""
    curated = curated or shipped_curated()
    lines = read_lines(Path(path))
    guide = Guide(path=str(path), report=ParseReport(str(path)))
    if not any(not is_blank(ln.text) for ln in lines):
        raise SourceError(f"{path}: the file is empty")
    skipped_lines(lines, guide.report)
    guide.metadata = notices.read_metadata(lines, guide.report, limit=end_of_front(lines))
    end = read_framework(lines, guide)
    read_metadata(lines, guide, end or len(lines))
    _from_notice(guide)
    read_standards(lines, guide, curated.vocab)
    read_directions(lines, guide, curated.lexicon)
    infer_series(guide, curated.vocab)
    prose = [ln for ln in lines[: end or len(lines)] if not ln.text.strip().startswith("|")]
    guide.targets = find_targets(join_paragraphs(prose, lambda t: bool(TOP_HEADING.match(t) or SUB_HEADING.match(t))))
    guide.report.count("target", len(guide.targets))
    if m := _SUBSYSTEMS.search(" ".join(normalise(ln.text) for ln in lines)):
        guide.declared_levels = tuple(int(x) for x in m.groups())
        guide.report.count("framework: declared sub-system counts")
    if not guide.categories and not guide.standards and not guide.metadata and not guide.declared_levels:
        raise SourceError(f"{path}: not a {KIND} of this kind — no {LOOKS_FOR} found")
    check_complete(lines, guide)
    return guide


def end_of_front(lines: list[Line]) -> int:
    """Index of the first line of the guide's body (前言 or 一、…): a notice's metadata comes before it."""
    for i, ln in enumerate(lines):
        if re.match(r"^(前\s*言|目\s*录|一\s*、)", ln.text.strip()):
            return max(i, 1)
    return len(lines)


def _from_notice(guide: Guide) -> None:
    """The title, date and issuer the issuing notice prints, when the guide's own front page does not."""
    meta = {k: f.value for k, f in guide.metadata.items()}
    if "标题" in meta:
        m = re.search(r"《([^》]+)》", meta["标题"]) or re.search(r"印发(.+?)的通知", meta["标题"])
        if m:
            guide.title = normalise(m.group(1)).replace(" ", "")
    if "成文日期" in meta and not guide.date:
        guide.date = meta["成文日期"]
    if "发文机关" in meta and not guide.issuer:
        guide.issuer = meta["发文机关"]


def metadata(guide: Guide) -> dict:
    """The issuing notice's fields, completed from the guide's own front page (title, date, issuer)."""
    meta = {k: f.value for k, f in guide.metadata.items()}
    for label, value in (("标题", guide.title), ("成文日期", guide.date), ("发文机关", guide.issuer)):
        if value and label not in meta:
            meta[label] = value
    if guide.edition:
        meta["版本"] = guide.edition
    if guide.draft:
        meta["征求意见稿"] = True
    return meta


def records(guide: Guide) -> list[dict]:
    """The standards list (附件1) for ``tanbiao parse -f json``."""
    return [{"number": s.number, "title": s.title_normalised, "status": normalise(s.status), "line": s.line}
            for s in guide.standards]


def describe(guide: Guide) -> dict:
    """A short account of what was read, for ``tanbiao parse``."""
    return {
        "metadata": {k: f.value for k, f in guide.metadata.items()},
        "declared sub-systems (levels 1/2/3)": list(guide.declared_levels),
        "title": guide.title,
        "edition": guide.edition,
        "draft": guide.draft,
        "date": guide.date,
        "issuer": guide.issuer,
        "categories": [f"{c.notation} {c.label}" for c in guide.categories],
        "sub-categories": [f"{s.notation} {s.label}" for s in guide.subcategories],
        "topics": len(guide.topics),
        "standards": len(guide.standards),
        "standards per category": dict(Counter(s.category for s in guide.standards)),
        "standards per status": dict(Counter(s.status for s in guide.standards)),
    }
