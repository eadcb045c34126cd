"""附件1 of a standards-system guide: the list of existing and in-development standards (标准项目清单).

The table is found by its header (标准编号, 标准名称 …), columns are mapped by header name; header rows
repeated after page breaks, blank page-break headers and separator rows are skipped; category headings may
be table rows or lone lines between table fragments; a row without number/title cells continues the row
above. A row is kept only when it can be mapped: its number parses, its status, codes and position are known.

``infer_series`` is a pass over the parsed rows: which rows are parts of a numbered series (GB/T 32151.x),
including parts not numbered yet whose title names the series, and which row under revision revises which
published part.
"""

from __future__ import annotations

from .. import namespaces as ns
from ..numbers import PUBLISHED, NumberError, canonical_number, parse_number
from ..resources import Vocabulary
from ..text import Line, cn_numeral_value, find_appendix, normalise, read_table
from .framework import TOP_HEADING, strip_standard
from .records import FrameworkNode, Guide, Series, StandardRow

__all__ = ["SECTION_APPENDIX1", "read_standards", "infer_series"]

SECTION_APPENDIX1 = "附件1"

# Header names of the standards table, by the field they hold.
_COLUMNS = {
    "row": ("序号",),
    "number": ("标准编号", "标准号", "编号", "计划号"),
    "title": ("标准名称", "名称", "项目名称"),
    "status": ("状态", "标准状态"),
    "position": ("体系位置", "所属子类", "体系类别"),
}



def _category_heading(text: str, guide: Guide) -> FrameworkNode | None:
    m = TOP_HEADING.match(normalise(text))
    if not m:
        return None
    label = strip_standard(m.group(2))
    ordinal = cn_numeral_value(m.group(1))
    by_label = next((c for c in guide.categories if c.label == label), None)
    by_ordinal = guide.categories[ordinal - 1] if ordinal and 0 < ordinal <= len(guide.categories) else None
    return by_label or by_ordinal


def read_standards(lines: list[Line], guide: Guide, vocab: Vocabulary) -> None:
    rep = guide.report
    span = find_appendix(lines, 0, "清单")
    if span is None:
        rep.error(None, "no standards list: expected an appendix ('附件 1') titled …标准项目清单")
        return
    first, end = span
    category: FrameworkNode | None = None
    heading = ""
    last: StandardRow | None = None
    expected_row = 1
    for line, row, cells in read_table(lines[first + 1:end], rep, _COLUMNS, {"number", "title"}, "appendix 1"):
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
                    value = row.printed_fields.get(name, cell(name)) if name == "title" else cell(name)
                    setattr(last, name, (getattr(last, name) + value).strip())
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
            row_number=row_no.rstrip(".．") or str(expected_row), number=canonical_number(cell("number")),
            title=row.printed_fields.get("title", cell("title")).strip(), status=cell("status").strip(),
            position=cell("position").strip(),
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


def _check_row(row: StandardRow, guide: Guide, vocab: Vocabulary) -> list[str]:
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
    if row.status and vocab.status(row.status) is None:
        problems.append(f"状态 '{row.status}' is not a known status ({'、'.join(vocab.statuses)})")
    if row.parsed_number is not None:
        for code in row.parsed_number.codes:
            if vocab.code_for(code) is None:
                problems.append(f"code '{code}' of {row.number} is not in data/curated/standard-codes.csv")
    return problems




def infer_series(guide: Guide, vocab: Vocabulary) -> None:
    """Fill ``series``, ``part`` and ``revises`` of the rows (in table order: a series takes the title stem of
    the first row that names it)."""
    series: dict[tuple[str, str], Series] = {}
    # series stems of published parts: 温室气体排放核算与报告要求 -> GB/T 32151
    stems: dict[str, tuple[str, str, str]] = {}
    for row in guide.standards:
        num, st = row.parsed_number, row.series_title
        if num is not None and num.kind == PUBLISHED and num.part is not None and st is not None:
            stems.setdefault(st[0], (num.series_code, num.serial, num.series_notation))

    def get(key: tuple[str, str, str], stem: str | None) -> Series:
        return series.setdefault(key[:2], Series(key[0], key[1], key[2], stem))

    published: dict[tuple[str, str, int], StandardRow] = {}
    under_revision: list[StandardRow] = []
    for row in guide.standards:
        num, st = row.parsed_number, row.series_title
        assert num is not None  # rows that failed to parse are not in guide.standards
        if num.kind == PUBLISHED and num.part is not None:
            row.series = get((num.series_code, num.serial, num.series_notation), st[0] if st else None)
            row.part = num.part
            published[(row.series.code, row.series.serial, num.part)] = row
        elif st is not None and st[0] in stems:
            row.series = get(stems[st[0]], st[0])
            row.part = int(st[1]) if st[1].isdigit() else None  # 第XX部分: a new part, number not assigned yet
        if row.part is not None and vocab.status(row.status) == ns.vocab("status", "under-revision"):
            under_revision.append(row)
    for row in under_revision:
        assert row.series is not None and row.part is not None
        row.revises = published.get((row.series.code, row.series.serial, row.part))
