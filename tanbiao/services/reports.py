"""Gap reports as CSV, XLSX, Markdown and a bilingual offline HTML page (Jinja2 template
``tanbiao/templates/gap-report.html``)."""

from __future__ import annotations

import csv
import io
import time
from collections import Counter, defaultdict

from tanbiao.templating import templates

__all__ = ["FORMATS", "MEDIA_TYPES", "render"]

FORMATS = ("json", "csv", "xlsx", "md", "html")
MEDIA_TYPES = {
    "json": "application/json", "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8",
}
COLUMNS = ("direction", "aspect", "industry", "item", "subject", "coverage", "best_status", "standards", "related",
           "explanation", "source")
LABELS = {"covered": "已覆盖 covered", "partial": "部分覆盖 partial", "gap": "缺口 gap"}


def _refs(refs: list[dict]) -> str:
    return "; ".join(f"{r['number']} {r['title']} ({r['status']}, {r['match']})" for r in refs)


def _flat(row: dict) -> dict:
    return {
        "direction": row["direction"], "aspect": row["aspect"], "industry": row["industry"], "item": row["item"],
        "subject": (row["subject"] or {}).get("zh") or "", "coverage": row["coverage"],
        "best_status": row["best_status"] or "", "standards": _refs(row["standards"]), "related": _refs(row["related"]),
        "explanation": f"{row['explanation']['zh']} / {row['explanation']['en']}",
        "source": f"{row['source']['document']}:{row['source']['line']}",
    }


def _csv(rows: list[dict]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(_flat(r) for r in rows)
    return buf.getvalue().encode("utf-8")


def _xlsx(rows: list[dict], summary: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "items 条目"
    ws.append(list(COLUMNS))
    fills = {"covered": "C6F6D5", "partial": "FEFCBF", "gap": "FED7D7"}
    for r in rows:
        flat = _flat(r)
        ws.append([flat[c] for c in COLUMNS])
        ws.cell(ws.max_row, COLUMNS.index("coverage") + 1).fill = PatternFill("solid", fgColor=fills[r["coverage"]])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    ws2 = wb.create_sheet("summary 汇总")
    ws2.append(["direction 方向", "covered", "partial", "gap"])
    for d, counts in summary["by_direction"].items():
        ws2.append([d] + [counts.get(c, 0) for c in ("covered", "partial", "gap")])
    ws2.append([])
    ws2.append(["target 目标", "year", "count", "comparator", "counted", "published", "remaining"])
    for t in summary["targets"]:
        ws2.append([t["target"], t["year"], t["count"], t["comparator"], t["counted"], t["published"], t["remaining"]])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _md(rows: list[dict]) -> bytes:
    head = "| " + " | ".join(COLUMNS) + " |\n|" + "---|" * len(COLUMNS) + "\n"
    lines = []
    for r in rows:
        flat = _flat(r)
        lines.append("| " + " | ".join(str(flat[c]).replace("|", "\\|").replace("\n", " ") for c in COLUMNS) + " |")
    counts = Counter(r["coverage"] for r in rows)
    intro = (f"# 标准缺口分析 / Gap report\n\n{len(rows)} items: {counts.get('covered', 0)} covered, "
             f"{counts.get('partial', 0)} partial, {counts.get('gap', 0)} gap.\n\n")
    return (intro + head + "\n".join(lines) + "\n").encode("utf-8")


def _heat(rows: list[dict]) -> dict:
    cells: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for r in rows:
        cells[(r["industry"] or "（跨行业 / cross-industry）", r["aspect"])][r["coverage"]] += 1
    industries = sorted({k[0] for k in cells})
    aspects = sorted({k[1] for k in cells})
    table = []
    for ind in industries:
        line: list[dict | None] = []
        for a in aspects:
            c = cells.get((ind, a))
            if not c:
                line.append(None)
                continue
            share = (c["covered"] + 0.5 * c["partial"]) / sum(c.values())
            line.append({"aspect": a, "covered": c["covered"], "partial": c["partial"], "gap": c["gap"],
                         "class": "covered" if share >= 0.67 else ("partial" if share > 0 else "gap")})
        table.append((ind, line))
    return {"aspects": aspects, "rows": table}


def _html(rows: list[dict], summary: dict) -> bytes:
    bars = [{"direction": d, "counts": counts, "total": sum(counts.values()) or 1}
            for d, counts in summary["by_direction"].items()]
    page = templates().get_template("gap-report.html").render(
        generated=time.strftime("%Y-%m-%d"), as_of=summary.get("as_of"),
        rows=rows, sources=sorted({r["source"]["document"] for r in rows}),
        targets=summary["targets"], heat=_heat(rows), bars=bars, coverages=("covered", "partial", "gap"),
        labels=LABELS, refs=_refs,
    )
    return page.encode("utf-8")


def render(rows: list[dict], summary: dict, fmt: str) -> bytes:
    import json

    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2).encode("utf-8")
    if fmt == "csv":
        return _csv(rows)
    if fmt == "xlsx":
        return _xlsx(rows, summary)
    if fmt == "md":
        return _md(rows)
    if fmt == "html":
        return _html(rows, summary)
    raise ValueError(f"format must be one of {', '.join(FORMATS)}, not '{fmt}'")
