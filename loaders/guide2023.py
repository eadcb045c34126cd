"""Loader for MIIT's 《工业领域碳达峰碳中和标准体系建设指南》 (2023 draft and editions like it).

``parse(path)`` reads the text into plain records — document metadata, the framework of
categories / sub-categories / topics (section 二), and the standards list (附件1) — with a
ParseReport of what was recognised and what could not be parsed, by line number.
``to_graph(guide, key)`` turns the records into RDF (one named graph per document).

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
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from . import namespaces as ns
from .curated import lexicon
from .graphing import add_document, add_location, add_number, en, new_graph, zh
from .items import split_paragraph, strip_quotes
from .namespaces import TB
from .numbers import PUBLISHED, NumberError, StandardNumber, parse_number
from .resources import Vocabulary
from .targets import Target, add_targets, find_targets
from .text import (
    CN_NUMERALS,
    Line,
    ParseReport,
    SourceError,
    cn_numeral_value,
    ends_sentence,
    is_blank,
    is_separator_row,
    join_paragraphs,
    normalise,
    normalise_title,
    read_lines,
    split_row,
    strip_markup,
)

__all__ = [
    "SECTION_APPENDIX1", "SECTION_APPENDIX2", "SECTION_FRAMEWORK", "Direction", "FrameworkNode", "Guide", "Item",
    "StandardRow", "describe", "parse", "to_graph",
]

SECTION_FRAMEWORK = "二、建设方案"
SECTION_APPENDIX1 = "附件1"
SECTION_APPENDIX2 = "附件2"

_CN = f"[{CN_NUMERALS}]+"
_TOP_HEADING = re.compile(rf"^({_CN})\s*、\s*(\S.*)$")
_SUB_HEADING = re.compile(rf"^[（(]\s*{_CN}\s*[)）]")
_CATEGORY_HEADING = re.compile(r"^(\d+)\s*[.．、]\s*(\S.*?标准)$")
_SUBCATEGORY_HEADING = re.compile(r"^[（(]\s*(\d+)\s*[)）]\s*(\S.*?标准)$")
_FIGURE_CAPTION = re.compile(r"^图\s*(\d+)\s*(\S.*)$")
_FIGURE_RESIDUE = re.compile(r"^\d+\s*[.．]\s*\S{1,20}$")
_NOTE = re.compile(r"^注\s*[:：]")
_APPENDIX = re.compile(r"^附件\s*[:：]?\s*(\d+)\s*$")
_ENUM_INTRO = re.compile(r"(?:包括|分为)(.+?)等")
_ENUM_FALLBACK = re.compile(r"主要规范(.+?)等")
_ENUM_SPLIT = re.compile(r"，以及|以及|、|，")
_COUNT = re.compile(r"等\s*(\d+|[一二三四五六七八九十]+)\s*大?类")
_OVERVIEW = re.compile(r"包括(.+?)等\s*([一二三四五六七八九十\d]+)\s*大类")
_TITLE_QUOTE = re.compile(r"《([^》]+)》")
_DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?$")
_URL = re.compile(r"https?://\S+")
_PART = re.compile(r"^(?P<stem>.+?)\s*第\s*(?P<part>[0-9０-９]+|[XxＸ]+)\s*部分\s*[:：]?\s*(?P<rest>.*)$")

# Header names of the standards table, by the field they hold.
_COLUMNS = {
    "row": ("序号",),
    "number": ("标准编号", "标准号", "编号", "计划号"),
    "title": ("标准名称", "名称", "项目名称"),
    "status": ("状态", "标准状态"),
    "position": ("体系位置", "所属子类", "体系类别"),
}


_DIRECTION_COLUMNS = {
    "row": ("序号",),
    "category": ("一级分类",),
    "subcategory": ("二级分类",),
    "text": ("重点方向", "标准制定重点方向"),
}
_SUBCATEGORY_CODE = re.compile(r"^(?P<code>\d+\.\d+)\s*(?P<label>\S.*)$")
_TOPIC_KEYWORDS = ("企业", "产品", "项目", "园区", "供应链")


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
class StandardRow:
    row_number: str  # 序号 as printed
    number: str  # 标准编号 as printed
    title: str  # 标准名称 as printed
    status: str  # 状态 as printed
    position: str  # 体系位置 as printed
    category_heading: str  # the category heading the row is listed under, as printed
    category: str  # its notation ("2")
    line: int
    raw: str
    parsed_number: StandardNumber | None = None
    continuation_lines: list[int] = field(default_factory=list)

    @property
    def title_normalised(self) -> str:
        return normalise_title(self.title)

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


def _strip_standard(text: str) -> str:
    text = normalise(text)
    return text[: -len("标准")].strip() if text.endswith("标准") and len(text) > 2 else text


def _int(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() else cn_numeral_value(text)


# --- document metadata --------------------------------------------------------------


def _metadata(lines: list[Line], guide: Guide, end: int) -> None:
    rep = guide.report
    for line in lines[:end]:
        text = normalise(line.text)
        if not guide.url and (m := _URL.search(text)):
            guide.url = m.group(0).rstrip("）)")
        if not guide.title and (m := _TITLE_QUOTE.search(text)):
            guide.title = normalise(m.group(1)).replace(" ", "")
            rep.count("metadata: title")
            if em := re.search(r"[（(]\s*(\d{4})\s*版\s*[)）]", m.group(1)):
                guide.edition = em.group(1)
        if "征求意见稿" in text:
            guide.draft = True
        if not guide.date and (m := _DATE.match(text)):
            y, mo, d = m.groups()
            guide.date = f"{y}-{int(mo):02d}" + (f"-{int(d):02d}" if d else "")
            rep.count("metadata: date")
            prev = [ln for ln in lines[: line.number - 1] if not is_blank(ln.text)]
            if prev and not guide.issuer and len(prev[-1].text.strip()) <= 30:
                guide.issuer = normalise(prev[-1].text)
                rep.count("metadata: issuer")
    if not guide.title:
        rep.warning(None, "no document title in 《…》 found before the framework section")


# --- framework (section 二) ---------------------------------------------------------


def _framework(lines: list[Line], guide: Guide) -> int:
    """Parse categories, sub-categories and topics; return the index after the section."""
    rep = guide.report
    start = None
    for i, line in enumerate(lines):
        text = line.text.strip()
        if (m := _CATEGORY_HEADING.match(text)) and m.group(1) == "1":
            start = i
            break
        if (m := _OVERVIEW.search(normalise(text))) and guide.declared_categories is None:
            guide.declared_categories = _int(m.group(2))
            rep.count("framework: overview paragraph")
        if _FIGURE_CAPTION.match(text) and not guide.figure:
            guide.figure = normalise(text)
            rep.count("framework: figure caption (figure is an image, not in the text)")
    if start is None:
        rep.error(None, "no framework section: expected category headings like '1.基础通用标准'")
        return 0

    body: dict[str, list[Line]] = {}
    current: FrameworkNode | None = None
    category: FrameworkNode | None = None
    i = start
    while i < len(lines):
        line = lines[i]
        text = line.text.strip()
        if _TOP_HEADING.match(text) or _APPENDIX.match(text):
            break
        i += 1
        if is_blank(text) or text.startswith("|"):
            continue
        m = _CATEGORY_HEADING.match(text)
        if m and int(m.group(1)) == len(guide.categories) + 1:
            category = FrameworkNode(m.group(1), "category", _strip_standard(m.group(2)), text, line.number)
            guide.categories.append(category)
            current = category
            body[category.notation] = []
            rep.count("framework: category heading")
            continue
        m = _SUBCATEGORY_HEADING.match(text)
        if m and category is not None:
            n = len([s for s in guide.subcategories if s.parent == category.notation]) + 1
            if int(m.group(1)) != n:
                rep.warning(line.number, f"sub-category heading ({m.group(1)}) out of sequence, expected ({n})", text)
            notation = f"{category.notation}.{n}"
            current = FrameworkNode(
                notation, "subcategory", _strip_standard(m.group(2)), text, line.number, parent=category.notation
            )
            guide.subcategories.append(current)
            body[notation] = []
            rep.count("framework: sub-category heading")
            continue
        m = _FIGURE_CAPTION.match(text)
        if m:
            if category is not None and not category.figure:
                category.figure = normalise(text)
            rep.count("framework: figure caption (figure is an image, not in the text)")
            continue
        if _NOTE.match(text):
            rep.count("framework: note")
            continue
        if _FIGURE_RESIDUE.match(text) and not text.endswith(("。", "；")):
            rep.count("framework: figure label residue")
            rep.info(line.number, "text left from a framework figure, skipped", text)
            continue
        if current is None:
            rep.error(line.number, "text before the first category heading of the framework section", text)
            continue
        body[current.notation].append(line)

    for node in (*guide.categories, *guide.subcategories):
        paras = join_paragraphs(body.get(node.notation, []), lambda _t: False)
        node.description = "\n".join(normalise(p.text) for p in paras)
        node.description_lines = [n for p in paras for n in p.lines]
        if not paras:
            rep.warning(node.line, f"{node.kind} {node.notation} {node.label} has no description text")
        if node.kind == "category" and (m := _COUNT.search(node.description)):
            node.declared_count = _int(m.group(1))
        if node.kind == "subcategory":
            _topics(node, paras, guide)

    if guide.declared_categories and guide.declared_categories != len(guide.categories):
        rep.error(None, f"the text declares {guide.declared_categories} categories but "
                        f"{len(guide.categories)} category headings were found")
    for cat in guide.categories:
        found = len([s for s in guide.subcategories if s.parent == cat.notation])
        if cat.declared_count is not None and cat.declared_count != found:
            rep.error(cat.line, f"category {cat.notation} {cat.label} declares {cat.declared_count} "
                                f"sub-categories but {found} headings were found")
        if found == 0:
            rep.error(cat.line, f"category {cat.notation} {cat.label} has no sub-category headings")
    return i


def _topics(node: FrameworkNode, paras, guide: Guide) -> None:
    """The finer topics the text enumerates inside a sub-category."""
    texts = [normalise(p.text) for p in paras]
    found = None
    for pattern in (_ENUM_INTRO, _ENUM_FALLBACK):
        for text, para in zip(texts, paras, strict=True):
            if m := pattern.search(text):
                found = (m.group(1), para.first_line)
                break
        if found:
            break
    if not found:
        guide.report.info(node.line, f"sub-category {node.notation} names no finer topics")
        return
    enumeration, line = found
    for k, part in enumerate((p.strip() for p in _ENUM_SPLIT.split(enumeration) if p.strip()), start=1):
        guide.topics.append(
            FrameworkNode(f"{node.notation}.{k}", "topic", part, enumeration, line, parent=node.notation)
        )
        guide.report.count("framework: topic")


# --- appendix 1: the standards table ------------------------------------------------


def _find_appendix(lines: list[Line], start: int, want: str) -> tuple[int, int] | None:
    """(first, end) indexes of the appendix whose title contains ``want``."""
    for i in range(start, len(lines)):
        if _APPENDIX.match(lines[i].text.strip()):
            nxt = next((ln for ln in lines[i + 1:] if not is_blank(ln.text)), None)
            if nxt is not None and want in nxt.text and not nxt.text.strip().startswith("|"):
                end = next(
                    (j for j in range(i + 1, len(lines)) if _APPENDIX.match(lines[j].text.strip())), len(lines)
                )
                return i, end
    return None


def _map_columns(cells: list[str], columns: dict[str, tuple[str, ...]], required: set[str]) -> dict[str, int] | None:
    """Column indexes by field, when ``cells`` is a header row holding at least the ``required`` fields."""
    mapping = {}
    for name, heads in columns.items():
        for idx, cell in enumerate(cells):
            if normalise(cell) in heads:
                mapping[name] = idx
                break
    return mapping if required <= mapping.keys() else None


def _table(lines: list[Line], guide: Guide, spec: dict[str, tuple[str, ...]], required: set[str], name: str):
    """The rows of a markdown-like table split across page breaks, as (line, row, cells).

    Separator rows, blank page-break headers and (repeated) header rows are consumed here; columns are
    mapped by header name. A line that is not a table row comes out as (line, None, None); a row with
    fewer cells than the header is reported and skipped.
    """
    rep = guide.report
    columns: dict[str, int] | None = None
    for line in lines:
        if is_blank(line.text):
            continue
        row = split_row(line)
        if row is None:
            yield line, None, None
            continue
        if is_separator_row(row):
            continue
        if all(c == "" for c in row.cells):
            rep.count(f"{name}: blank header after page break")
            continue
        header = _map_columns(row.cells, spec, required)
        if header is not None:
            if columns is not None:
                rep.count(f"{name}: repeated header row")
            columns = header
            continue
        if columns is None:
            rep.error(line.number, f"table row before the table header ({' | '.join(h[0] for h in spec.values())})",
                      row.raw)
            continue
        width = max(columns.values()) + 1
        if len(row.cells) < width:
            missing = [k for k, v in columns.items() if v >= len(row.cells)]
            rep.error(line.number, f"row has {len(row.cells)} cells, the header has {width}: "
                                   f"missing {', '.join(missing)}", row.raw)
            continue
        yield line, row, {k: row.cells[v] for k, v in columns.items()}


def _category_heading(text: str, guide: Guide) -> FrameworkNode | None:
    m = _TOP_HEADING.match(normalise(text))
    if not m:
        return None
    label = _strip_standard(m.group(2))
    ordinal = cn_numeral_value(m.group(1))
    by_label = next((c for c in guide.categories if c.label == label), None)
    by_ordinal = guide.categories[ordinal - 1] if ordinal and 0 < ordinal <= len(guide.categories) else None
    return by_label or by_ordinal


def _standards(lines: list[Line], guide: Guide, vocab: Vocabulary | None) -> None:
    rep = guide.report
    span = _find_appendix(lines, 0, "清单")
    if span is None:
        rep.error(None, "no standards list: expected an appendix ('附件 1') titled …标准项目清单")
        return
    first, end = span
    category: FrameworkNode | None = None
    heading = ""
    last: StandardRow | None = None
    expected_row = 1
    for line, row, cells in _table(lines[first + 1:end], guide, _COLUMNS, {"number", "title"}, "appendix 1"):
        if row is None or cells is None:
            text = line.text.strip()
            cat = _category_heading(text, guide)
            if cat is not None:
                category, heading, last, expected_row = cat, normalise(text), None, 1
                rep.count("appendix 1: category heading between table fragments")
            elif "清单" in text and not guide.standards:
                rep.count("appendix 1: title")
            else:
                rep.error(line.number, "line in the standards list is neither a table row nor a category heading", text)
            continue
        non_empty = [c for c in row.cells if c]
        cat = _category_heading(row.cells[0], guide) if len(non_empty) == 1 and row.cells[0] else None
        if cat is not None:
            category, heading, last, expected_row = cat, normalise(row.cells[0]), None, 1
            rep.count("appendix 1: category heading row")
            continue

        def cell(name: str, cells=cells) -> str:
            return cells.get(name, "")

        if cell("row") == "" and cell("number") == "" and last is not None:
            # continuation of the row above across a page break
            for name in ("title", "status", "position"):
                if cell(name):
                    setattr(last, name, (getattr(last, name) + cell(name)).strip())
            last.continuation_lines.append(line.number)
            last.raw += "\n" + row.raw
            rep.count("appendix 1: continuation row merged")
            continue
        if category is None:
            rep.error(line.number, "standard row before any category heading", row.raw)
            continue
        row_no = cell("row")
        if not row_no:
            rep.warning(line.number, f"row has no printed 序号; taken as row {expected_row}", row.raw)
        elif not row_no.rstrip(".．").isdigit():
            rep.error(line.number, f"序号 '{row_no}' is not a row number", row.raw)
            continue
        elif int(row_no.rstrip(".．")) != expected_row:
            rep.warning(line.number, f"序号 {row_no} out of sequence (expected {expected_row})", row.raw)
        record = StandardRow(
            row_number=row_no.rstrip(".．") or str(expected_row), number=cell("number").strip(),
            title=cell("title").strip(), status=cell("status").strip(), position=cell("position").strip(),
            category_heading=heading, category=category.notation, line=line.number, raw=row.raw,
        )
        problems = _check_row(record, guide, vocab)
        for p in problems:
            rep.error(line.number, p, row.raw)
        if problems:
            last = None
            expected_row += 1
            continue
        guide.standards.append(record)
        rep.count("appendix 1: standard row")
        last = record
        expected_row = int(record.row_number) + 1
    if not guide.standards:
        rep.error(lines[first].number, "the standards list has no rows that could be parsed")


def _check_row(row: StandardRow, guide: Guide, vocab: Vocabulary | None) -> list[str]:
    problems = []
    for name, label in (("number", "标准编号"), ("title", "标准名称"), ("status", "状态"), ("position", "体系位置")):
        if not getattr(row, name):
            problems.append(f"empty {label} cell")
    if row.number:
        try:
            row.parsed_number = parse_number(row.number)
        except NumberError as exc:
            problems.append(str(exc))
    if row.position and not guide.subcategories_labelled(normalise(row.position)):
        known = "、".join(s.label for s in guide.subcategories)
        problems.append(f"体系位置 '{row.position}' is not a sub-category of the framework ({known})")
    if vocab is not None:
        if row.status and vocab.status(row.status) is None:
            problems.append(f"状态 '{row.status}' is not a known status ({'、'.join(vocab.statuses)})")
        if row.parsed_number is not None:
            for code in row.parsed_number.codes:
                if vocab.code_for(code) is None:
                    problems.append(f"code '{code}' of {row.number} is not in data/curated/standard-codes.csv")
    return problems


# --- appendix 2: priority directions ---------------------------------------------------


def _directions(lines: list[Line], guide: Guide) -> None:
    rep = guide.report
    span = _find_appendix(lines, 0, "重点方向")
    if span is None:
        rep.warning(None, "no priority directions: expected an appendix ('附件 2') titled …标准制定重点方向")
        return
    first, end = span
    current: Direction | None = None
    category = ""
    pending_row: tuple[str, int] | None = None
    rows = _table(lines[first + 1:end], guide, _DIRECTION_COLUMNS, {"subcategory", "text"}, "appendix 2")
    for line, row, cells in rows:
        if row is None or cells is None:
            text = line.text.strip()
            if "重点方向" in text and not guide.directions:
                rep.count("appendix 2: title")
            else:
                rep.error(line.number, "line in the priority directions is not a table row", text)
            continue
        printed_row = cells.get("row", "").strip()
        if cells.get("category"):
            category = normalise(cells["category"])
        paragraphs = [strip_quotes(normalise(p)) for p in strip_markup(cells["text"])]
        m = _SUBCATEGORY_CODE.match(normalise(cells["subcategory"]))
        if m:
            code, label = m["code"], m["label"]
            node = guide.node(code)
            if node is None or node.kind != "subcategory":
                rep.error(line.number, f"二级分类 '{cells['subcategory']}' is not a sub-category of the framework",
                          row.raw)
                current = None
                continue
            if node.label != label:
                rep.warning(line.number, f"二级分类 label '{label}' differs from the framework's '{node.label}'")
            if not printed_row and pending_row is not None:
                printed_row = pending_row[0]
                rep.warning(pending_row[1], f"row number '{pending_row[0]}' is printed on a continuation row of "
                                            f"the row above; it belongs to {code}", pending_row[0])
            pending_row = None
            current = Direction(code, label, category, printed_row, line.number)
            guide.directions.append(current)
            rep.count("appendix 2: direction row")
            _add_paragraphs(current, paragraphs, line.number)
            continue
        if current is None:
            rep.error(line.number, "continuation row before any direction row", row.raw)
            continue
        if printed_row:
            pending_row = (printed_row, line.number)
        _add_paragraphs(current, paragraphs, line.number)
        rep.count("appendix 2: continuation row merged")
    if pending_row is not None:
        rep.warning(pending_row[1], f"row number '{pending_row[0]}' on a continuation row belongs to no direction")
    covered = {d.code for d in guide.directions}
    for sub in guide.subcategories:
        if sub.notation not in covered:
            rep.info(None, f"sub-category {sub.notation} {sub.label} has no priority direction in this edition")
    for d in guide.directions:
        _itemise(d, guide)


def _add_paragraphs(direction: Direction, paragraphs: list[str], line: int) -> None:
    for k, para in enumerate(paragraphs):
        if k == 0 and direction.paragraphs and not ends_sentence(direction.paragraphs[-1][0]):
            text, first = direction.paragraphs[-1]
            direction.paragraphs[-1] = (text + para, first)  # a sentence broken by a page break
        else:
            direction.paragraphs.append((para, line))


def _resolve_aspect(clause, direction: Direction, guide: Guide) -> tuple[str, str]:
    """(aspect label, framework notation) for a clause of a direction."""
    topics = [t for t in guide.topics if t.parent == direction.code]
    if clause.aspect:  # 在X方面: the topic whose label holds X (原料替代 ~ 原/燃料替代与可再生能源利用)
        for t in topics:
            if _subsequence(clause.aspect, t.label) or (len(t.label) >= 4 and t.label in clause.aspect):
                return clause.aspect, t.notation
        return clause.aspect, direction.code
    if clause.industries_listed and "、" in clause.rest:  # "…等行业的A、B、C相关的…": spans several topics
        return direction.label, direction.code
    present = [k for k in _TOPIC_KEYWORDS if k in clause.rest or k in clause.text]
    hits = [t for t in topics if len(t.label) >= 4 and t.label in clause.text]
    if len(hits) == 1:
        return hits[0].label, hits[0].notation
    if len(present) == 1:
        owners = [t for t in topics if present[0] in t.label]
        if len(owners) == 1:
            return owners[0].label, owners[0].notation
    return direction.label, direction.code


def _subsequence(short: str, long: str) -> bool:
    chars = iter(long)
    return all(ch in chars for ch in short)


def _itemise(direction: Direction, guide: Guide) -> None:
    rep = guide.report
    clause_no = 0
    for text, line in direction.paragraphs:
        for clause in split_paragraph(text):
            clause_no += 1
            aspect_label, aspect = _resolve_aspect(clause, direction, guide)
            if not clause.items:
                rep.warning(line, f"direction {direction.code}: a clause names no items", clause.text)
            for it in clause.items:
                industry = it.label if clause.industries_listed else (it.industry or clause.industry)
                direction.items.append(Item(
                    direction.code, len(direction.items) + 1, it.label, aspect_label, aspect, industry,
                    it.group, clause.text, line, clause_no,
                ))
                rep.count("appendix 2: priority item")


# --- entry point -------------------------------------------------------------------


def parse(path: str | Path, vocab: Vocabulary | None = None) -> Guide:
    """Parse a guide of this kind. Raises SourceError only when the file cannot be read at all."""
    lines = read_lines(Path(path))
    guide = Guide(path=str(path), report=ParseReport(str(path)))
    if not any(not is_blank(ln.text) for ln in lines):
        raise SourceError(f"{path}: the file is empty")
    end = _framework(lines, guide)
    _metadata(lines, guide, end or len(lines))
    _standards(lines, guide, vocab)
    _directions(lines, guide)
    prose = [ln for ln in lines[: end or len(lines)] if not ln.text.strip().startswith("|")]
    guide.targets = find_targets(join_paragraphs(prose, lambda t: bool(_TOP_HEADING.match(t) or _SUB_HEADING.match(t))))
    guide.report.count("target", len(guide.targets))
    if not guide.categories and not guide.standards:
        raise SourceError(
            f"{path}: not a standards-system guide of this kind — no framework headings "
            "('1.基础通用标准', '(1) 术语定义标准') and no standards list ('附件 1 … 标准项目清单') found"
        )
    return guide


# --- RDF -----------------------------------------------------------------------------


def to_graph(guide: Guide, key: str, vocab: Vocabulary, title_en: str = "", origin: str = "") -> Graph:
    """The guide as RDF: document record, framework (SKOS), standards with numbers and provenance."""
    g = new_graph()
    doc = add_document(
        g, key, guide.title or Path(guide.path).name, title_en, origin or guide.url, Path(guide.path).name,
        issuer=guide.issuer, date=guide.date,
    )
    if guide.edition:
        g.add((doc, TB.edition, Literal(guide.edition)))
    g.add((doc, TB.draft, Literal(guide.draft)))
    scheme = ns.framework_scheme()
    if guide.figure:
        g.add((scheme, TB.figureCaption, zh(guide.figure)))
    kinds = {"category": TB.Category, "subcategory": TB.SubCategory, "topic": TB.Topic}
    for node in (*guide.categories, *guide.subcategories, *guide.topics):
        iri = ns.framework_node(node.notation)
        g.add((iri, RDF.type, kinds[node.kind]))
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
    _standards_graph(g, guide, key, vocab)
    _directions_graph(g, guide, key)
    add_targets(g, guide.targets, key, doc, "一、总体要求（三）建设目标")
    return g


def _directions_graph(g: Graph, guide: Guide, key: str) -> None:
    lex = lexicon()
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
                industry = _industry_concept(it.industry)
                if industry is not None:
                    g.add((item, TB.industry, ns.concept(industry)))
            if it.group:
                g.add((item, TB.group, zh(it.group)))
            subject = lex.labels.get(it.label) or lex.best(it.label)
            if subject is not None:
                g.add((item, TB.about, ns.concept(subject)))
            add_location(g, item, key, it.line, f"{SECTION_APPENDIX2} {d.code}", it.clause, part=it.clause_no)


def _industry_concept(label: str) -> str | None:
    """The concept for an industry as the text names it: 钢铁, 石化、化工, 装备(领域)…"""
    labels = lexicon().labels
    for candidate in (label, label + "领域", label + "行业"):
        if candidate in labels:
            return labels[candidate]
    return None


def _standards_graph(g: Graph, guide: Guide, key: str, vocab: Vocabulary) -> None:
    lex = lexicon()
    # series stems of published parts: 温室气体排放核算与报告要求 -> (GB, 32151, GB/T 32151)
    stems: dict[str, tuple[str, str, str]] = {}
    for row in guide.standards:
        num, st = row.parsed_number, row.series_title
        if num is not None and num.kind == PUBLISHED and num.part is not None and st is not None:
            stems.setdefault(st[0], (num.series_code, num.serial, num.series_notation))
    published_parts: dict[URIRef, URIRef] = {}
    pending_revisions: list[tuple[URIRef, URIRef]] = []

    for row in guide.standards:
        num = row.parsed_number
        assert num is not None  # rows that failed to parse are not in guide.standards
        s = ns.standard(row.number)
        title = row.title_normalised
        g.add((s, RDF.type, TB.Standard))
        g.add((s, RDFS.label, zh(title)))
        g.add((s, DCTERMS.title, zh(title)))
        g.add((s, TB.titleAsPrinted, zh(row.title)))
        status = vocab.status(row.status)
        g.add((s, TB.status, status))
        g.add((s, TB.printedStatus, zh(row.status)))
        position = guide.subcategory_by_label(row.category, normalise(row.position)) or guide.subcategories_labelled(
            normalise(row.position)
        )[0]
        g.add((s, TB.position, ns.framework_node(position.notation)))
        g.add((s, TB.printedPosition, zh(row.position)))
        g.add((s, TB.category, ns.framework_node(row.category)))
        g.add((s, TB.printedCategory, zh(row.category_heading)))

        n = add_number(g, s, num, vocab)

        # series and parts
        part_iri = None
        if num.kind == PUBLISHED and num.part is not None:
            g.add((n, TB.partNumber, Literal(num.part, datatype=XSD.integer)))
            part_iri = _series_part(g, (num.series_code, num.serial, num.series_notation), num.part, row.series_title)
            published_parts[part_iri] = s
        elif row.series_title is not None and row.series_title[0] in stems:
            series = stems[row.series_title[0]]
            part = row.series_title[1]
            if part.isdigit():
                part_iri = _series_part(g, series, int(part), row.series_title)
            else:  # 第XX部分: a new part whose number is not assigned yet
                g.add((s, TB.series, ns.series(series[0], series[1])))
        if part_iri is not None:
            g.add((s, TB.seriesPart, part_iri))
            g.add((s, TB.series, g.value(part_iri, TB.partOfSeries)))
            g.add((s, TB.partNumber, g.value(part_iri, TB.partNumber)))
            if status == vocab.status("修订中"):
                g.add((s, TB.revisesPart, part_iri))
                pending_revisions.append((s, part_iri))

        for cid in lex.match(title):
            g.add((s, TB.about, ns.concept(cid)))
        add_location(g, s, key, row.line, SECTION_APPENDIX1, row.raw, row.row_number)

    for s, part in pending_revisions:
        if part in published_parts:
            g.add((s, TB.revises, published_parts[part]))


def _series_part(g: Graph, series_key: tuple[str, str, str], part: int, series_title) -> URIRef:
    code, serial, notation = series_key
    series = ns.series(code, serial)
    if (series, RDF.type, TB.StandardSeries) not in g:
        g.add((series, RDF.type, TB.StandardSeries))
        g.add((series, SKOS.notation, Literal(notation)))
        g.add((series, DCTERMS.identifier, Literal(notation)))
        label = f"{notation} {series_title[0]}" if series_title is not None else notation
        g.add((series, RDFS.label, zh(label)))
        if series_title is not None:
            g.add((series, DCTERMS.title, zh(series_title[0])))
    iri = ns.series_part(code, serial, part)
    if (iri, RDF.type, TB.SeriesPart) not in g:
        g.add((iri, RDF.type, TB.SeriesPart))
        g.add((iri, TB.partOfSeries, series))
        g.add((iri, TB.partNumber, Literal(part, datatype=XSD.integer)))
        g.add((iri, SKOS.notation, Literal(f"{notation}.{part}")))
        g.add((iri, RDFS.label, zh(f"{notation}.{part}（第{part}部分）")))
        g.add((iri, RDFS.label, en(f"{notation} part {part}")))
    return iri




def describe(guide: Guide) -> dict:
    """A short account of what was read, for ``tanbiao parse``."""
    from collections import Counter

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
