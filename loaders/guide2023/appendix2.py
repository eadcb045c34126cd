"""附件2 of a standards-system guide: the priority directions (标准制定重点方向), one table row per
sub-category, and the priority items each direction's text names.

Rows are numbered by their sub-category code, not by the printed 序号 (which can sit on a continuation row);
a row without a 二级分类 cell continues the row above, and a sentence broken by a page break is re-joined.
Each paragraph is split into clauses and items by the grammar in ``loaders/items.py`` and read into priority
items by ``itemise.py`` (aspect, industry, subjects).
"""

from __future__ import annotations

import re

from ..curated import Lexicon
from ..items import strip_quotes
from ..text import Line, ends_sentence, find_appendix, normalise, read_table, strip_markup
from .itemise import itemise
from .records import Direction, Guide

__all__ = ["SECTION_APPENDIX2", "read_directions"]

SECTION_APPENDIX2 = "附件2"

_DIRECTION_COLUMNS = {
    "row": ("序号",),
    "category": ("一级分类",),
    "subcategory": ("二级分类",),
    "text": ("重点方向", "标准制定重点方向"),
}
_SUBCATEGORY_CODE = re.compile(r"^(?P<code>\d+\.\d+)\s*(?P<label>\S.*)$")


def read_directions(lines: list[Line], guide: Guide, lex: Lexicon) -> None:
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
        itemise(d, guide, lex)


def _add_paragraphs(direction: Direction, paragraphs: list[str], line: int) -> None:
    for k, para in enumerate(paragraphs):
        if k == 0 and direction.paragraphs and not ends_sentence(direction.paragraphs[-1][0]):
            text, first = direction.paragraphs[-1]
            direction.paragraphs[-1] = (text + para, first)  # a sentence broken by a page break
        else:
            direction.paragraphs.append((para, line))
