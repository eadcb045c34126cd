"""The records a standards-system guide is read into (plain dataclasses, no RDF)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..normalise import normalise_line
from ..numbers import StandardNumber
from ..targets import Target
from ..text import ParseReport, normalise_title

__all__ = ["FrameworkNode", "Series", "StandardRow", "Item", "Direction", "Guide"]

_PART = re.compile(r"^(?P<stem>.+?)\s*第\s*(?P<part>[0-9０-９]+|[XxＸ]+)\s*部分\s*[:：]?\s*(?P<rest>.*)$")


@dataclass
class FrameworkNode:
    notation: str  # "2", "2.1", "2.1.3"
    kind: str  # "category" | "subcategory" | "topic"
    label: str  # e.g. 温室气体核算 (heading without the trailing 标准)
    printed: str  # the heading or enumeration text as printed
    line: int
    description: str = ""
    description_lines: list[int] = field(default_factory=list)
    declared_count: int | None = None  # "等4类"
    figure: str = ""  # the caption of the framework figure for this node (images are not in the text)
    parent: str | None = None


@dataclass
class Series:
    """A numbered series of standards (GB/T 32151), as the standards list shows it."""

    code: str  # GB
    serial: str  # 32151
    notation: str  # GB/T 32151
    stem: str | None  # the series title (温室气体排放核算与报告要求), from the first row that names it


@dataclass
class StandardRow:
    row_number: str  # 序号 as printed
    number: str  # 标准编号 as printed
    title: str  # 标准名称 as printed (the other cells are normalised: loaders.normalise)
    status: str  # 状态 as printed
    position: str  # 体系位置 as printed
    category_heading: str  # the category heading the row is listed under, as printed
    category: str  # its notation ("2")
    line: int
    raw: str
    parsed_number: StandardNumber | None = None
    continuation_lines: list[int] = field(default_factory=list)
    # filled by the series pass (appendix1.infer_series)
    series: Series | None = None
    part: int | None = None  # the part of the series it is (None: not numbered yet, 第XX部分)
    revises: StandardRow | None = None  # the published part a row under revision revises

    @property
    def title_normalised(self) -> str:
        return normalise_title(normalise_line(self.title))

    @property
    def series_title(self) -> tuple[str, str, str] | None:
        """(stem, part as printed, rest) when the title names a part, e.g. ``… 第4部分：铝冶炼企业``."""
        m = _PART.match(self.title_normalised)
        return (m["stem"].strip(), m["part"], m["rest"].strip()) if m else None


@dataclass
class Item:
    """One thing a priority direction names: a subject in an aspect and industry."""

    direction: str  # "2.1"
    index: int  # 1-based, in text order within the direction
    label: str  # as written: 钢板及钢带
    aspect_label: str  # 产品碳足迹核算 (the 在X方面 text, a topic, or the sub-category)
    aspect: str  # notation of the framework node the aspect is: "2.1.3" or "2.1"
    industry: str  # as the text names it: 钢铁, 石化、化工, 消费品 ("" when cross-industry)
    group: str  # the "等G" the item is listed under, if any
    clause: str  # the clause it was read from
    line: int
    clause_no: int = 0  # 1-based number of that clause within the direction
    subjects: list[str] = field(default_factory=list)  # concept ids of what it names (none: a general item)
    gases: list[str] = field(default_factory=list)  # gas concept ids its clause names
    industries: list[str] = field(default_factory=list)  # industry concept ids: the clause's and its own


@dataclass
class Direction:
    code: str  # sub-category code, e.g. "2.1" (rows are numbered by it, not by the printed 序号)
    label: str  # 温室气体核算
    category_printed: str  # 2 核算与核查 (Appendix 2 prints 1 基础共性 for 1 基础通用)
    printed_row: str  # the 序号 that belongs to this row ("" if none printed)
    line: int
    paragraphs: list[tuple[str, int]] = field(default_factory=list)  # (whole paragraph, first line)
    items: list[Item] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(p for p, _ in self.paragraphs)


@dataclass
class Guide:
    path: str
    title: str = ""
    edition: str = ""
    draft: bool = False
    date: str = ""  # ISO date or year-month
    issuer: str = ""
    url: str = ""
    declared_categories: int | None = None
    declared_levels: tuple[int, ...] = ()  # "4个一级子体系…15个二级子体系、63个三级子体系" (a national guide)
    metadata: dict = field(default_factory=dict)  # the issuing notice's fields (notice.read_metadata)
    figure: str = ""  # the caption of the overall framework figure (图1), printed before the first category
    categories: list[FrameworkNode] = field(default_factory=list)
    subcategories: list[FrameworkNode] = field(default_factory=list)
    topics: list[FrameworkNode] = field(default_factory=list)
    standards: list[StandardRow] = field(default_factory=list)
    directions: list[Direction] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    report: ParseReport = field(default_factory=lambda: ParseReport(""))

    def node(self, notation: str) -> FrameworkNode | None:
        for n in (*self.categories, *self.subcategories, *self.topics):
            if n.notation == notation:
                return n
        return None

    def subcategory_by_label(self, category: str, label: str) -> FrameworkNode | None:
        for n in self.subcategories:
            if n.parent == category and n.label == label:
                return n
        return None

    def subcategories_labelled(self, label: str) -> list[FrameworkNode]:
        return [n for n in self.subcategories if n.label == label]
