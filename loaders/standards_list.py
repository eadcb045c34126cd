"""Loader for lists of standards carried by notices: recommended lists (推荐清单 / 推荐目录), pilot catalogues
(试点目录 / 名单), and standard project plans (制修订计划 / 项目计划) with their summary tables.

The notice around the list is read as a government notice (``notice.read_notice``: metadata, attachments,
targets). The list is found by its header (``tables.read_grid``: pipes, whitespace columns or one cell per line;
merged cells, two-row headers, total rows) and its rows become records (``listed.Listed``): number, title, the
group a merged cell puts them in, and for a plan its nature (制定 / 修订 → status 制定中 / 修订中) and the standard
a revision replaces. A plan's summary table (项目类别 … 合计) is read for its declared counts. A figure the notice
text declares (``确定了73项…``, ``包括32项行业标准项目``) is compared with the rows read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from tanbiao.errors import SourceError

from . import namespaces as ns
from . import notice as notices
from . import updates
from .base import Curated, SourceInfo
from .listed import Listed, as_dict, listed_record
from .notice import Notice
from .tables import Column, Grid, read_grid
from .text import Line, is_blank, normalise, read_lines

CARRIES_RECORDS = True  # its records load like an update file's (resolved by the build; bad rows skipped)

__all__ = ["KIND", "LOOKS_FOR", "CARRIES_RECORDS", "StandardsList", "detect", "parse", "to_graph", "describe",
           "records"]

KIND = "list of standards carried by a notice"
LOOKS_FOR = ("a table headed 标准名称 / 标准编号 (a recommended list), 试点产品 / 认证目录 (a pilot catalogue) or "
             "计划号 / 项目名称 (a project plan), under a notice titled …清单 / 目录 / 名单 / 计划")

COLUMNS = [
    Column("row", ("序号",), "row"),
    Column("group", ("试点产品", "产品类别", "类别", "领域", "行业"), carry=True),
    Column("number", ("标准编号", "标准号", "计划号", "计划编号", "项目编号"), "number"),
    Column("title", ("标准名称", "项目名称", "认证目录", "产品名称", "名称")),
    Column("nature", ("制修订", "制定或修订", "制定/修订", "制修订类型")),
    Column("replaces", ("代替标准", "代替标准号", "被代替标准号", "被代替标准编号")),
    Column("kind", ("标准性质", "性质")),
    Column("deadline", ("完成年限", "完成时间", "计划完成时间")),
]
_SUMMARY = [Column("category", ("项目类别", "类别", "标准类别")), Column("count", ("项目数", "数量", "项数"))]
_TITLE = re.compile(r"清单|目录|名单|计划")
_DECLARED = re.compile(r"(?:确定了|包括|共|下达)\s*(\d+)\s*项")
_HEADER = re.compile(r"(序号|标准名称|标准编号|计划号|项目名称|试点产品|认证目录)")


@dataclass
class StandardsList(Notice):
    records: list[Listed] = field(default_factory=list)
    layout: str = ""
    summary: list[tuple[str, str, int]] = field(default_factory=list)  # (category, count, line) of a summary table
    declared: int | None = None


def detect(lines: list[Line]) -> int:
    """3 for a list header under a list title, 2 for a list header alone, 0 otherwise."""
    header = any(len(set(_HEADER.findall(ln.text))) >= 2 for ln in lines)
    if not header:
        header = _cell_header(lines)
    if not header:
        return 0
    titled = any(_TITLE.search(ln.text) for ln in lines[:40] if len(ln.text) <= 120)
    return 3 if titled else 2


def _cell_header(lines: list[Line]) -> bool:
    cells = [ln.text.strip().rstrip("|").strip() for ln in lines if ln.text.strip().endswith("|")]
    return len(set(_HEADER.findall(" ".join(cells[:6])))) >= 2


def parse(path: str | Path, curated: Curated | None = None) -> StandardsList:
    lines = read_lines(Path(path))
    if not any(not is_blank(ln.text) for ln in lines):
        raise SourceError(f"{path}: the file is empty")
    if not detect(lines):
        raise SourceError(f"{path}: not a {KIND} — no {LOOKS_FOR} found")
    doc = StandardsList(str(path))
    doc.report.path = str(path)
    notices.read_notice(lines, doc)
    rep = doc.report
    grid = read_grid(lines, COLUMNS, rep, "list", required={"row", "title"})
    if not grid.layout:
        grid = read_grid(lines, COLUMNS, rep, "list", required={"number", "title"})
    if not grid.layout:
        rep.error(None, f"no list found: expected {LOOKS_FOR}")
        return doc
    doc.layout = grid.layout
    for row in grid.rows:
        _record(doc, row)
    _summary(lines, grid, doc)
    text = " ".join(normalise(ln.text) for ln in lines if ln.number < grid.header_line)
    if (m := _DECLARED.search(text)) and doc.records:
        doc.declared = int(m.group(1))
        if doc.declared != len(doc.records):
            rep.warning(None, f"the notice declares {doc.declared} entries, {len(doc.records)} rows were read "
                              "(the list is cut off, or continues elsewhere)")
    return doc


def _record(doc: StandardsList, row) -> None:
    c = row.cells
    nature = c.get("nature", "")
    status = "修订中" if "修订" in nature else ("制定中" if "制定" in nature else None)
    rec = listed_record(doc.report, row.line, row.raw, c.get("number") or None,
                        title=c.get("title") or None, status=status, group=c.get("group") or None,
                        replaces=c.get("replaces") or None)
    if rec is None:
        return
    rec.extra = {k: c[k] for k in ("kind", "deadline") if c.get(k)}
    doc.records.append(rec)
    doc.report.count("list entry" if rec.number is None else "list entry with a standard or plan number")


def _summary(lines: list[Line], grid: Grid, doc: StandardsList) -> None:
    """A summary table after the list (category, count, 合计)."""
    rest = lines[grid.end:] if grid.end else []
    table = read_grid(rest, _SUMMARY, doc.report, "summary table")
    doc.summary = [(r.cells["category"], r.cells["count"], r.line) for r in table.rows]


def describe(doc: StandardsList) -> dict:
    return {**notices.describe(doc), "layout": doc.layout, "entries": len(doc.records),
            "declared": doc.declared, "summary": [f"{c}: {n}" for c, n, _ in doc.summary]}


def records(doc: StandardsList) -> list[dict]:
    return [as_dict(r) for r in doc.records]


def to_graph(doc: StandardsList, source: SourceInfo, curated: Curated) -> Graph:
    """The notice's document record and its listed standards as update records (entries without a number, such
    as catalogue products, are not standards and stay out)."""
    g = notices.to_graph(doc, source, curated)
    rows = [r for r in (updates.from_listed(rec, source.position) for rec in doc.records) if r is not None]
    updates.add_records(g, source.key, ns.document(source.key), rows, curated)
    return g
