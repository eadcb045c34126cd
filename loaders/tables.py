"""The one table reader for the tables documents carry, whatever their layout.

``read_grid(lines, columns, report, name)`` finds a table by its header (the column names of ``columns``) and
returns its rows as :class:`GridRow` (cells by field, normalised and as printed, the line). Layouts:

* **pipes** — ``| a | b |`` rows (separator rows, blank page-break headers and repeated headers skipped);
* **whitespace columns** — ``序号 标准名称 标准编号``, one row per line, with titles that contain spaces: the
  fields of a fixed shape (row number, standard number, date) are taken from the ends of the line, the one text
  field gets the rest;
* **one cell per line** — each cell on a line of its own ending ``|`` (a flattened HTML table); a row starts at
  its row number.

In every layout a merged (row-spanning) cell is missing from the rows it spans: a column marked ``carry``
takes the value of the row above when its cell is empty or missing. A header may take two rows (a merged
upper cell over its lower cells: ``标准 | | 日期 |`` over ``编号 | 名称 | 发布 | 实施``). Total rows
(``合计 | 32``) are not records: their figure is kept (``Grid.totals``) and checked against the rows counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import Line, ParseReport, is_blank, is_separator_row, normalise, split_row

__all__ = ["Column", "GridRow", "Grid", "read_grid", "NUMBER_TOKEN", "DATE_TOKEN"]

NUMBER_TOKEN = re.compile(
    r"^(?:(?:[TQ][/-][A-Z]+|DB\d{0,6}|[A-Z]{1,3})(?:/[TZ])?\s*\d+(?:\.\d+)?\s*[-—–]\s*\d{4}"
    r"|\d{8}-[TQZ]-\d{3}|\d{4}-\d{4}[TQZ]-[A-Z]{2}(?:/[A-Z]{2})*)$"
)
DATE_TOKEN = re.compile(r"^\d{4}(?:-\d{1,2}-\d{1,2}|年\d{1,2}月\d{1,2}日|\.\d{1,2}\.\d{1,2})$")
_ROW_TOKEN = re.compile(r"^\d{1,4}[.．、]?$")
_TOTAL = re.compile(r"^(?:合\s*计|总\s*计|共\s*计|小\s*计|总数)")
_CELL_LINE = re.compile(r"^(?P<cell>.*?)\s*\|\s*$")
_SHAPES = {"row": _ROW_TOKEN, "number": NUMBER_TOKEN, "date": DATE_TOKEN}


@dataclass(frozen=True)
class Column:
    field: str  # the record field it fills: number, title, issued …
    heads: tuple[str, ...]  # header names (normalised) it is printed under
    kind: str = "text"  # text | row | number | date: numbers and dates are told apart by their shape
    carry: bool = False  # a row-spanning (merged) cell: an empty or missing cell takes the value above


@dataclass
class GridRow:
    line: int
    cells: dict[str, str]  # field -> normalised cell
    printed: dict[str, str]  # field -> cell as printed
    raw: str  # the row as printed (its lines joined)
    lines: list[int] = field(default_factory=list)


@dataclass
class Grid:
    layout: str = ""  # pipes | whitespace | cell-per-line ("" when no header was found)
    header_line: int = 0
    rows: list[GridRow] = field(default_factory=list)
    totals: list[tuple[int, str]] = field(default_factory=list)  # (line, figure printed in a total row)
    end: int = 0  # index after the last line read


def _match_header(cells: list[str], columns: list[Column]) -> dict[str, int]:
    found: dict[str, int] = {}
    for col in columns:
        for i, cell in enumerate(cells):
            if normalise(cell).replace(" ", "") in col.heads and i not in found.values():
                found[col.field] = i
                break
    return found


def _two_row_header(upper: list[str], lower: list[str], columns: list[Column]) -> dict[str, int]:
    """Column names of a two-row header: the lower cell, alone or after its (merged, carried) upper cell."""
    carried, last = [], ""
    for i in range(len(lower)):
        cell = upper[i] if i < len(upper) else ""
        last = cell or last
        carried.append(last)
    found: dict[str, int] = {}
    for col in columns:
        for i, low in enumerate(lower):
            names = {normalise(n).replace(" ", "") for n in (low, carried[i] + low, upper[i] if i < len(upper) else "")}
            if names & set(col.heads) and i not in found.values():
                found[col.field] = i
                break
    return found


def _whitespace_cells(text: str, order: list[Column]) -> list[str] | None:
    """Split a whitespace-separated row: fields of a fixed shape (row number, standard number, date) are found by
    their shape, the text fields between them get the words in between; several text fields side by side split
    at runs of two spaces or more, a merged (``carry``) field getting nothing when there are too few runs."""
    words = [(w, g) for g, run in enumerate(re.split(r"\s{2,}", text.strip())) for w in run.split()]
    return _assign(words, order)


def _assign(words: list[tuple[str, int]], order: list[Column]) -> list[str] | None:
    shaped = next((k for k, c in enumerate(order) if c.kind != "text"), None)
    if shaped is None:
        return _texts(words, order)
    pattern = _SHAPES[order[shaped].kind]
    first = shaped == 0
    starts = [0] if first else range(len(words))
    for i in starts:
        for width in (1, 2, 3):
            cand = " ".join(w for w, _ in words[i:i + width])
            if len(words[i:i + width]) == width and pattern.match(cand):
                before = _texts(words[:i], order[:shaped])
                after = _assign(words[i + width:], order[shaped + 1:])
                if before is not None and after is not None:
                    return [*before, cand, *after]
    return None if first or not words else [*(_texts(words, order[:shaped]) or [""] * shaped), "",
                                            *[""] * (len(order) - shaped - 1)]


def _texts(words: list[tuple[str, int]], cols: list[Column]) -> list[str] | None:
    if not cols:
        return [] if not words else None
    if len(cols) == 1:
        return [" ".join(w for w, _ in words)]
    runs: dict[int, list[str]] = {}
    for w, g in words:
        runs.setdefault(g, []).append(w)
    parts = [" ".join(v) for v in runs.values()]
    if len(parts) >= len(cols):
        return parts[: len(cols) - 1] + [" ".join(parts[len(cols) - 1:])]
    missing = len(cols) - len(parts)
    carried = [k for k, c in enumerate(cols) if c.carry][:missing]
    it = iter(parts + [""] * (missing - len(carried)))
    return ["" if k in carried else next(it) for k in range(len(cols))]


def read_grid(lines: list[Line], columns: list[Column], report: ParseReport, name: str,
              required: set[str] | None = None) -> Grid:
    """The first table in ``lines`` whose header names the ``required`` fields (default: every column)."""
    required = required or {c.field for c in columns}
    grid = Grid()
    for idx, line in enumerate(lines):
        text = line.text.strip()
        if is_blank(text):
            continue
        row = split_row(line)
        if row is not None:
            cells = row.cells
            mapped = _match_header(cells, columns)
            if required <= mapped.keys():
                grid.layout, grid.header_line = "pipes", line.number
                return _read_pipes(lines[idx + 1:], columns, mapped, grid, report, name)
            nxt = next((split_row(ln) for ln in lines[idx + 1:] if not is_blank(ln.text)), None)
            if nxt is not None and len(mapped) < len(required):
                two = _two_row_header(cells, nxt.cells, columns)
                if required <= two.keys():
                    grid.layout, grid.header_line = "pipes", line.number
                    report.count(f"{name}: two-row header")
                    start = next(k for k in range(idx + 1, len(lines)) if not is_blank(lines[k].text)) + 1
                    return _read_pipes(lines[start:], columns, two, grid, report, name)
            continue
        if _CELL_LINE.match(text):
            heads = _cell_run(lines, idx)
            mapped = _match_header([c for c, _ in heads], columns)
            if required <= mapped.keys() and len(mapped) == len(heads):
                grid.layout, grid.header_line = "cell-per-line", line.number
                return _read_cells(lines[idx + len(heads):], _ordered(mapped, columns), grid, report, name)
            continue
        mapped = _match_header(text.split(), columns)
        if required <= mapped.keys() and len(mapped) == len(text.split()):
            grid.layout, grid.header_line = "whitespace", line.number
            return _read_whitespace(lines[idx + 1:], _ordered(mapped, columns), grid, report, name)
    return grid


def _ordered(mapped: dict[str, int], columns: list[Column]) -> list[Column]:
    """The columns in the order the header prints them."""
    by_field = {c.field: c for c in columns}
    return [by_field[f] for f, _ in sorted(mapped.items(), key=lambda x: x[1])]


def _cell_run(lines: list[Line], idx: int) -> list[tuple[str, Line]]:
    out = []
    for line in lines[idx:]:
        m = _CELL_LINE.match(line.text.strip())
        if m is None:
            break
        if not m["cell"] or _ROW_TOKEN.match(m["cell"]):
            break
        out.append((m["cell"], line))
    return out


def _total(first: str, rest: list[str], line: Line, grid: Grid, report: ParseReport, name: str) -> bool:
    if not _TOTAL.match(first):
        return False
    figure = next((c for c in rest if re.search(r"\d", c)), "")
    grid.totals.append((line.number, figure))
    report.count(f"{name}: total row")
    return True


def _carry(values: dict[str, str], columns: list[Column], grid: Grid) -> None:
    above = grid.rows[-1].cells if grid.rows else {}
    for col in columns:
        if col.carry and not values.get(col.field) and above.get(col.field):
            values[col.field] = above[col.field]


def _add(grid: Grid, columns: list[Column], cells: list[str], printed: list[str], lines: list[Line],
         report: ParseReport, name: str) -> None:
    values = {c.field: normalise(v) for c, v in zip(columns, cells, strict=False)}
    as_printed = {c.field: v.strip() for c, v in zip(columns, printed, strict=False)}
    missing = [c for c in columns if c.carry and not values.get(c.field)]
    _carry(values, columns, grid)
    for c in missing:
        as_printed[c.field] = grid.rows[-1].printed.get(c.field, "") if grid.rows else ""
    if missing and grid.rows:
        report.count(f"{name}: merged cell carried from the row above")
    grid.rows.append(GridRow(lines[0].number, values, as_printed,
                             "\n".join(ln.as_printed.strip() for ln in lines), [ln.number for ln in lines]))
    report.count(f"{name}: row")


def _read_pipes(lines: list[Line], columns: list[Column], mapped: dict[str, int], grid: Grid, report: ParseReport,
                name: str) -> Grid:
    order = [next(c for c in columns if c.field == f) for f in mapped]
    for k, line in enumerate(lines):
        grid.end = k
        if is_blank(line.text):
            continue
        row = split_row(line)
        if row is None:
            break
        if is_separator_row(row) or all(c == "" for c in row.cells) or _match_header(row.cells, columns) == mapped:
            continue
        if _total(row.cells[0] if row.cells else "", row.cells[1:], line, grid, report, name):
            continue
        cells = [row.cells[mapped[c.field]] if mapped[c.field] < len(row.cells) else "" for c in order]
        printed = [row.printed(mapped[c.field]) if mapped[c.field] < len(row.cells) else "" for c in order]
        _add(grid, order, cells, printed, [line], report, name)
    return _check_totals(grid, report, name)


def _read_whitespace(lines: list[Line], order: list[Column], grid: Grid, report: ParseReport, name: str) -> Grid:
    for k, line in enumerate(lines):
        grid.end = k
        text = line.text.strip()
        if is_blank(text):
            continue
        first, *rest = text.split()
        if _total(first, rest, line, grid, report, name):
            continue
        cells = _whitespace_cells(text, order)
        if cells is None:
            if grid.rows:
                break  # the table ended
            continue
        shaped = [c for c, v in zip(order, cells, strict=True) if c.kind in ("number", "date") and not v]
        if shaped:
            report.error(line.number, f"{name}: row without a {', '.join(c.heads[0] for c in shaped)} "
                                      "(cut off, or not a row)", line.as_printed)
            continue
        printed = _whitespace_cells(line.as_printed.strip(), order) or cells
        _add(grid, order, cells, printed if len(printed) == len(cells) else cells, [line], report, name)
    return _check_totals(grid, report, name)


def _read_cells(lines: list[Line], order: list[Column], grid: Grid, report: ParseReport, name: str) -> Grid:
    """One cell per line: a row starts at a cell holding its row number; missing (merged) cells are carried."""
    pending: list[tuple[str, Line]] = []

    def flush() -> None:
        if not pending:
            return
        values = [c for c, _ in pending if c]
        carried = [c for c in order if c.carry]
        need = len(order) - len(values)
        if need < 0 or need > len(carried):
            report.error(pending[0][1].number, f"{name}: row of {len(values)} cells does not fit the "
                                               f"{len(order)} columns", " | ".join(c for c, _ in pending))
        else:
            skip = {c.field for c in carried[:need]}
            it = iter(values)
            cells = ["" if c.field in skip else next(it) for c in order]
            _add(grid, order, cells, cells, [ln for _, ln in pending], report, name)
        pending.clear()

    for k, line in enumerate(lines):
        grid.end = k
        text = line.text.strip()
        if is_blank(text):
            continue
        m = _CELL_LINE.match(text)
        if m is None:
            break
        cell = m["cell"]
        if _total(cell, [], line, grid, report, name):
            flush()
            continue
        if _ROW_TOKEN.match(cell) and order[0].kind == "row" and (not pending or len([c for c, _ in pending if c]) > 1):
            flush()
        pending.append((cell, line))
    flush()
    return _check_totals(grid, report, name)


def _check_totals(grid: Grid, report: ParseReport, name: str) -> Grid:
    for line, figure in grid.totals:
        m = re.search(r"\d+", figure)
        if m and int(m.group(0)) != len(grid.rows):
            report.warning(line, f"{name}: the total row says {m.group(0)}, {len(grid.rows)} rows were read", figure)
        elif m:
            report.count(f"{name}: total row agrees with the rows read")
    return grid
