"""附件2 of a standards-system guide: the priority directions (标准制定重点方向), one table row per
sub-category, and the priority items each direction's text names.

Rows are numbered by their sub-category code, not by the printed 序号 (which can sit on a continuation row);
a row without a 二级分类 cell continues the row above, and a sentence broken by a page break is re-joined.
Each paragraph is split into clauses and items by the grammar in ``loaders/items.py``; an item's aspect is the
topic its clause names (在X方面, a topic label, or a keyword such as 企业 / 产品 / 项目 that only one topic of
the sub-category has), else the sub-category itself.
"""

from __future__ import annotations

import re

from ..items import split_paragraph, strip_quotes
from ..text import Line, ends_sentence, find_appendix, normalise, read_table, strip_markup
from .records import Direction, Guide, Item

__all__ = ["SECTION_APPENDIX2", "read_directions"]

SECTION_APPENDIX2 = "附件2"

_DIRECTION_COLUMNS = {
    "row": ("序号",),
    "category": ("一级分类",),
    "subcategory": ("二级分类",),
    "text": ("重点方向", "标准制定重点方向"),
}
_SUBCATEGORY_CODE = re.compile(r"^(?P<code>\d+\.\d+)\s*(?P<label>\S.*)$")
_TOPIC_KEYWORDS = ("企业", "产品", "项目", "园区", "供应链")


def read_directions(lines: list[Line], guide: Guide) -> None:
    rep = guide.report
    span = find_appendix(lines, 0, "重点方向")
    if span is None:
        rep.warning(None, "no priority directions: expected an appendix ('附件 2') titled …标准制定重点方向")
        return
    first, end = span
    current: Direction | None = None
    category = ""
    pending_row: tuple[str, int] | None = None
    rows = read_table(lines[first + 1:end], rep, _DIRECTION_COLUMNS, {"subcategory", "text"}, "appendix 2")
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
