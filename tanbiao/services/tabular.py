"""Records (lists of dicts, possibly nested) as flat tables: CSV (plain or with a BOM for Excel), text tables (rich)
and formatted XLSX sheets (openpyxl). Every export of the CLI and the API goes through here.

Flattening is generic, so a field a service adds to its records shows up in every export without a change here:

* a nested dict becomes one column per key, named ``parent.key`` (``position.notation``, ``position.label``);
* a list of plain values becomes one cell, the values joined by ``"; "`` (``identifiers``);
* a list of dicts becomes one column per key, each cell the values of that key joined by ``"; "``
  (``standards.number``, ``standards.status``): the n-th value of every such column belongs to the same entry;
* ``None`` becomes an empty cell.

Column headers are the keys (CSV, stable for scripts); the XLSX header and the text tables add the Chinese label
of ``templates/columns.csv``. A text cell that a spreadsheet would read as a formula (starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) is neutralised: prefixed with ``'`` in CSV, stored as text with Excel's
quote prefix in XLSX.
"""

from __future__ import annotations

import csv
import io
import shutil
import unicodedata
from functools import lru_cache
from typing import Any

from tanbiao.templating import TEMPLATES

__all__ = ["flatten", "to_csv", "to_text_table", "add_sheet", "label", "neutralise", "JOIN"]

JOIN = "; "
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_Schema = dict[str, Any]  # key -> None (a value) | _Schema (a dict) | ("list", _Schema) (a list of dicts)


def _merge(schema: _Schema, value: dict) -> None:
    for k, v in value.items():
        if isinstance(v, dict):
            sub = schema.get(k)
            if not isinstance(sub, dict):
                sub = schema[k] = {}
            _merge(sub, v)
        elif isinstance(v, list) and any(isinstance(x, dict) for x in v):
            sub = schema.get(k)
            if not isinstance(sub, tuple):
                sub = schema[k] = ("list", {})
            for x in v:
                if isinstance(x, dict):
                    _merge(sub[1], x)
        else:
            schema.setdefault(k, None)


def _columns(schema: _Schema, prefix: str = "") -> list[str]:
    out = []
    for k, sub in schema.items():
        name = prefix + k
        if isinstance(sub, dict) and sub:
            out += _columns(sub, name + ".")
        elif isinstance(sub, tuple):
            out += _columns(sub[1], name + ".")
        else:
            out.append(name)
    return out


def _plain(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, list):
        return JOIN.join(str(_plain(x)) for x in v)
    if isinstance(v, dict):
        return JOIN.join(str(_plain(x)) for x in v.values() if x not in (None, ""))
    return v


def _get(row: dict, path: list[str]) -> Any:
    value: Any = row
    for i, key in enumerate(path):
        if isinstance(value, list):  # a list of dicts: the rest of the path in each entry
            return [_plain(_get(x, path[i:])) if isinstance(x, dict) else "" for x in value]
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def flatten(rows: list[dict]) -> tuple[list[str], list[dict]]:
    """(columns, flat rows): every nested value spread over dotted columns, lists joined (module docstring)."""
    schema: _Schema = {}
    for r in rows:
        _merge(schema, r)
    columns = _columns(schema)
    paths = {c: c.split(".") for c in columns}
    return columns, [{c: _plain(_get(r, paths[c])) for c in columns} for r in rows]


def neutralise(value: Any) -> Any:
    """``value`` safe for a spreadsheet cell: a text that would start a formula gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(rows: list[dict], bom: bool = False) -> bytes:
    """UTF-8 CSV (RFC 4180) of the flattened rows; ``bom``: with a byte-order mark, which Excel needs to read UTF-8."""
    columns, flat = flatten(rows)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")  # RFC 4180; with "\n" a lone "\r" in a value goes unquoted
    writer.writerow(columns)
    writer.writerows([neutralise(r[c]) for c in columns] for r in flat)
    return (("\ufeff" if bom else "") + buf.getvalue()).encode("utf-8")


@lru_cache(maxsize=1)
def _labels() -> dict[str, str]:
    with open(TEMPLATES / "columns.csv", encoding="utf-8", newline="") as f:
        return {r["column"]: r["zh"] for r in csv.DictReader(f)}


def label(column: str) -> str:
    """The Chinese label of a column (``standards.number`` -> 匹配标准 标准号), "" when none is known."""
    labels = _labels()
    if column in labels:
        return labels[column]
    parent, _, leaf = column.rpartition(".")
    outer = label(parent) if parent else ""
    return f"{outer} {labels.get(leaf, leaf)}" if outer else ""


def to_text_table(rows: list[dict], columns: list[str] | None = None, width: int | None = None) -> str:
    """A text table with a header (rich): the given columns of the flattened rows, or all of them."""
    from rich.console import Console
    from rich.table import Table

    all_columns, flat = flatten(rows)
    shown = [c for c in (columns or all_columns) if c in all_columns] or all_columns
    table = Table(show_lines=False, header_style="bold", expand=False)
    for c in shown:
        table.add_column(f"{label(c)}\n{c}" if label(c) else c, overflow="fold")
    for r in flat:
        table.add_row(*(str(r[c]) for c in shown))
    buf = io.StringIO()
    Console(file=buf, width=width or shutil.get_terminal_size((160, 24)).columns, force_terminal=False,
            color_system=None, soft_wrap=False).print(table)
    return buf.getvalue()


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def add_sheet(wb, title: str, rows: list[dict], fills: dict[str, dict[str, str]] | None = None,
              number_formats: dict[str, str] | None = None) -> Any:
    """A sheet of the flattened rows: bilingual bold header (frozen, autofilter), widths from the content, long
    cells wrapped, IRIs as hyperlinks, formula-like texts kept as text; ``fills``: column -> value -> colour;
    ``number_formats``: column -> Excel number format. Returns the sheet."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    columns, flat = flatten(rows)
    ws.append([f"{label(c)}\n{c}" if label(c) else c for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for r in flat:
        ws.append([None] * len(columns))
        for j, c in enumerate(columns, start=1):
            _set(ws.cell(ws.max_row, j), r[c])
    for j, c in enumerate(columns, start=1):
        letter = get_column_letter(j)
        widest = max([_display_width(str(r[c])) for r in flat] + [_display_width(c), 6])
        ws.column_dimensions[letter].width = min(widest + 2, 60)
        for cell in ws[letter][1:]:
            value = cell.value
            if isinstance(value, str) and _display_width(value) > 60:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if fills and c in fills and value in fills[c]:
                cell.fill = PatternFill("solid", fgColor=fills[c][value])
            if number_formats and c in number_formats:
                cell.number_format = number_formats[c]
    ws.freeze_panes = "A2"
    if flat:
        ws.auto_filter.ref = ws.dimensions
    return ws


def _set(cell, value: Any) -> None:
    from openpyxl.styles import Font

    cell.value = value if value != "" else None
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"  # openpyxl would store "=…" as a formula
        cell.quotePrefix = True
    elif isinstance(value, str) and value.startswith(("https://", "http://")) and " " not in value:
        cell.hyperlink = value
        cell.font = Font(color="0563C1", underline="single")
