"""Gap reports as CSV, XLSX, Markdown, a text table and a bilingual HTML page that works offline (Jinja2 template
``tanbiao/templates/gap-report.html``).

Every export is built from the report's rows and the summary as they are (``tabular`` flattens them), so a field
the gap service adds reaches the CSV, the XLSX and the page without a change here.
"""

from __future__ import annotations

import re
import time
from collections import Counter, defaultdict

from tanbiao.loaders import namespaces as ns
from tanbiao.loaders.resources import ontology_version
from tanbiao.templating import templates

from . import tabular
from .rows import MEDIA_TYPES as ROW_MEDIA
from .rows import workbook, write_rows

__all__ = ["FORMATS", "MEDIA_TYPES", "render", "heat_map"]

FORMATS = ("json", "csv", "csv-bom", "xlsx", "md", "html", "table")
MEDIA_TYPES = {**ROW_MEDIA, "md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8"}
COVERAGES = ("covered", "partial", "gap")
LABELS = {"covered": "已覆盖 covered", "partial": "部分覆盖 partial", "gap": "缺口 gap"}
FILLS = {"covered": "C6EFCE", "partial": "FFEB9C", "gap": "FFC7CE"}  # Excel's good / neutral / bad
TABLE_COLUMNS = ["direction", "aspect", "industry", "item", "coverage", "best_status", "standards.number"]
CHANGE_COLUMNS = ["direction", "index", "item", "before.coverage", "after.coverage", "before.best_status",
                  "after.best_status", "records.number"]  # the text table of the moved verdicts
_FILTER_LABELS = {"direction": "重点方向 direction", "aspect": "方面 aspect", "industry": "行业 industry",
                  "coverage": "覆盖 coverage", "status": "最佳状态 best status"}
NO_INDUSTRY = "（未注明行业）no industry named"


def _code_key(code: str | None) -> tuple:
    return tuple(int(p) if p.isdigit() else 10_000 for p in re.split(r"[.-]", code or "")) or (10_000,)


def _industry(row: dict) -> tuple[str, str]:
    """(key, label) of the row's industry: its concept (有色 and 有色金属 are one), else the industry as written."""
    concept = row.get("industry_concept") or {}
    if concept.get("iri"):
        return concept["iri"], concept.get("zh") or row["industry"]
    return (row["industry"], row["industry"]) if row["industry"] else ("", NO_INDUSTRY)


def heat_map(rows: list[dict]) -> dict:
    """Industry (merged by concept) × aspect (framework order) counts per coverage; a cell's class is by the share
    covered (partial counts half)."""
    cells: dict[tuple[str, str], Counter] = defaultdict(Counter)
    industries: dict[str, dict] = {}
    aspects: dict[str, dict] = {}
    for r in rows:
        key, label = _industry(r)
        node = r.get("aspect_node") or {}
        aspect = node.get("notation") or r["aspect"] or ""
        ind = industries.setdefault(key, {"key": key, "label": label, "written": set(), "total": 0})
        ind["written"].add(r["industry"] or NO_INDUSTRY)
        ind["total"] += 1
        aspects.setdefault(aspect, {"notation": node.get("notation") or "", "label": node.get("label") or aspect,
                                    "names": set()})["names"].add(r["aspect"] or "")
        cells[(key, aspect)][r["coverage"]] += 1
    columns = sorted(aspects.values(), key=lambda a: _code_key(a["notation"]))
    table = []
    for ind in sorted(industries.values(), key=lambda i: (i["key"] == "", -i["total"], i["label"])):
        line: list[dict | None] = []
        for a in columns:
            c = cells.get((ind["key"], a["notation"] or a["label"]))
            if not c:
                line.append(None)
                continue
            share = (c["covered"] + 0.5 * c["partial"]) / sum(c.values())
            line.append({"aspect": a["label"], "notation": a["notation"], **{k: c[k] for k in COVERAGES},
                         "total": sum(c.values()),
                         "class": "covered" if share >= 0.67 else ("partial" if share > 0 else "gap")})
        table.append({**ind, "written": sorted(ind["written"]), "cells": line})
    return {"aspects": [{**a, "names": sorted(a["names"])} for a in columns], "rows": table}


def _by_direction(rows: list[dict]) -> list[dict]:
    """Coverage counts per direction of the rows, in framework order, with the direction's name and a total."""
    out: dict[str, dict] = {}
    for r in rows:
        d = out.setdefault(r["direction"], {"direction": r["direction"], "direction_label": r.get("direction_label",
                                             ""), **dict.fromkeys(COVERAGES, 0), "total": 0})
        d[r["coverage"]] += 1
        d["total"] += 1
    return sorted(out.values(), key=lambda d: _code_key(d["direction"]))


def _totals(lines: list[dict]) -> dict:
    return {"direction": "合计 total", "direction_label": "", **{k: sum(d[k] for d in lines) for k in (*COVERAGES,
                                                                                                      "total")}}


def _xlsx(rows: list[dict], summary: dict) -> bytes:
    from openpyxl.styles import Font

    def fill(wb) -> None:
        tabular.add_sheet(wb, "items 条目", rows, fills={"coverage": FILLS})
        lines = _by_direction(rows)
        ws = tabular.add_sheet(wb, "summary 汇总", lines + [_totals(lines)])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        tabular.add_sheet(wb, "targets 目标", summary["targets"], number_formats={"progress": "0.0%"})
        if changes := _changes_of(rows, summary):
            tabular.add_sheet(wb, "changes 变化", changes,
                              fills={"before.coverage": FILLS, "after.coverage": FILLS})

    return workbook(fill)


def _changes_of(rows: list[dict], summary: dict) -> list[dict]:
    """The summary's moved verdicts (the build's changes stage) of the items in ``rows``."""
    shown = {r["iri"] for r in rows}
    return [c for c in summary.get("changes", {}).get("rows", []) if c["iri"] in shown]


def _md(rows: list[dict], summary: dict) -> bytes:
    columns, flat = tabular.flatten(rows)
    shown = [c for c in TABLE_COLUMNS + ["explanation.zh"] if c in columns]
    head = "| " + " | ".join(shown) + " |\n|" + "---|" * len(shown) + "\n"
    lines = ["| " + " | ".join(str(r[c]).replace("|", "\\|").replace("\n", " ") for c in shown) + " |"
             for r in flat]
    counts = Counter(r["coverage"] for r in rows)
    targets = "".join(f"* {t['wording']}（{t['year']}）— {t['progress_label']['zh']}\n  "
                      f"{t['progress_label']['en']}\n" for t in summary["targets"])
    intro = (f"# 标准缺口分析 / Gap report\n\n{len(rows)} items: {counts.get('covered', 0)} covered, "
             f"{counts.get('partial', 0)} partial, {counts.get('gap', 0)} gap.\n\n## 目标 / Targets\n\n{targets}\n"
             "## 条目 / Items\n\n")
    return (intro + head + "\n".join(lines) + "\n").encode("utf-8")


def _href(iri: str, site: bool) -> str:
    """A link to a resource: its path on this server for a served page, else the IRI (a saved file)."""
    return iri.removeprefix(ns.BASE.rstrip("/")) if site and iri.startswith(ns.BASE) else iri


def _html(rows: list[dict], summary: dict, site: bool) -> bytes:
    heat = heat_map(rows)
    facets = {
        "direction": sorted({(r["direction"], f"{r['direction']} {r.get('direction_label', '')}".strip())
                             for r in rows}, key=lambda d: _code_key(d[0])),
        "aspect": sorted({(r["aspect"], f"{(r.get('aspect_node') or {}).get('notation') or ''} {r['aspect']}".strip())
                          for r in rows if r["aspect"]}, key=lambda a: (_code_key(a[1].split(" ")[0]), a[0])),
        "industry": [(i["label"], i["label"] + (f"（{'、'.join(w for w in i['written'] if w != i['label'])}）"
                                                if set(i["written"]) - {i["label"]} else ""))
                     for i in heat["rows"] if i["key"]],
        "coverage": [(c, LABELS[c]) for c in COVERAGES],
        "status": sorted({(r["best_status"] or "none", r["best_status"] or "无 none") for r in rows}),
    }
    changes = _changes_of(rows, summary)
    page = templates().get_template("gap-report.html").render(
        generated=time.strftime("%Y-%m-%d"), as_of=summary.get("as_of"),
        rows=rows, sources=sorted({r["source"]["document"] for r in rows}),
        targets=summary["targets"], heat=heat, directions=_by_direction(rows), coverages=COVERAGES,
        labels=LABELS, facets=facets, industry=lambda r: _industry(r), href=lambda iri: _href(iri, site),
        site=site, version=ontology_version(), filters=_FILTER_LABELS, changes=changes,
    )
    return page.encode("utf-8")


def render(rows: list[dict], summary: dict, fmt: str, site: bool = False) -> bytes:
    """The report in ``fmt``; ``site``: the HTML page is served by tanbiao (site header, links to its pages)
    rather than saved as a file that must work on its own."""
    if fmt in ("json", "csv", "csv-bom"):
        return write_rows(rows, fmt)
    if fmt == "table":
        return write_rows(rows, fmt, columns=TABLE_COLUMNS)
    if fmt == "xlsx":
        return _xlsx(rows, summary)
    if fmt == "md":
        return _md(rows, summary)
    if fmt == "html":
        return _html(rows, summary, site)
    raise ValueError(f"format must be one of {', '.join(FORMATS)}, not '{fmt}'")
