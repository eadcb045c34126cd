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

from ..base import Curated
from ..base import curated as shipped_curated
from ..targets import find_targets
from ..text import Line, ParseReport, is_blank, join_paragraphs, read_lines
from .appendix1 import SECTION_APPENDIX1, infer_series, read_standards
from .appendix2 import SECTION_APPENDIX2, read_directions
from .completeness import check_complete
from .framework import SECTION_FRAMEWORK, SUB_HEADING, TOP_HEADING, read_framework, read_metadata
from .rdf import to_graph
from .records import Direction, FrameworkNode, Guide, Item, Series, StandardRow

__all__ = [
    "KIND", "LOOKS_FOR", "SECTION_APPENDIX1", "SECTION_APPENDIX2", "SECTION_FRAMEWORK", "Direction",
    "FrameworkNode", "Guide", "Item", "Series", "StandardRow", "describe", "detect", "parse", "to_graph",
]

KIND = "standards-system guide"
LOOKS_FOR = "framework headings ('1.基础通用标准', '(1) 术语定义标准') and a standards list ('附件 1 … 标准项目清单')"

_MARKERS = (
    re.compile(r"^\s*1\s*[.．、]\s*\S.*?标准\s*$"),  # 1.基础通用标准
    re.compile(r"^\s*[（(]\s*1\s*[)）]\s*\S.*?标准\s*$"),  # (1) 术语定义标准
    re.compile(r"标准项目清单|现行和在研标准"),
    re.compile(r"标准制定重点方向"),
    re.compile(r"标准体系建设指南"),
)


def detect(lines: list[Line]) -> int:
    """How many of the markers of a standards-system guide the text shows."""
    return sum(1 for marker in _MARKERS if any(marker.search(ln.text) for ln in lines))


def parse(path: str | Path, curated: Curated | None = None) -> Guide:
    """Parse a guide of this kind (``curated``: the vocabularies rows are checked against, default the shipped
    ones). Raises SourceError only when the file cannot be read at all."""
    curated = curated or shipped_curated()
    lines = read_lines(Path(path))
    guide = Guide(path=str(path), report=ParseReport(str(path)))
    if not any(not is_blank(ln.text) for ln in lines):
        raise SourceError(f"{path}: the file is empty")
    end = read_framework(lines, guide)
    read_metadata(lines, guide, end or len(lines))
    read_standards(lines, guide, curated.vocab)
    read_directions(lines, guide)
    infer_series(guide, curated.vocab)
    prose = [ln for ln in lines[: end or len(lines)] if not ln.text.strip().startswith("|")]
    guide.targets = find_targets(join_paragraphs(prose, lambda t: bool(TOP_HEADING.match(t) or SUB_HEADING.match(t))))
    guide.report.count("target", len(guide.targets))
    if not guide.categories and not guide.standards:
        raise SourceError(f"{path}: not a {KIND} of this kind — no {LOOKS_FOR} found")
    check_complete(lines, guide)
    return guide


def describe(guide: Guide) -> dict:
    """A short account of what was read, for ``tanbiao parse``."""
    return {
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
