"""Gap reports as CSV, XLSX, Markdown and a bilingual offline HTML page (template in api/templates/)."""

from __future__ import annotations

import csv
import html
import io
import time
from collections import Counter, defaultdict
from pathlib import Path
from string import Template

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


def _e(text) -> str:
    return html.escape(str(text if text is not None else ""))


def _html(rows: list[dict], summary: dict) -> bytes:
    targets = ["<table class='targets'><tr><th>目标 / target</th><th>提出 / set by</th><th>计数 / counted</th>"
               "<th>已发布 / published</th><th>进度 / progress</th><th>说明 / counts</th></tr>"]
    for t in summary["targets"]:
        pct = f"{100 * t['progress']:.0f}%" if t["progress"] is not None else ""
        targets.append(f"<tr><td>{_e(t['target'])}<br><span class='small'>{_e(t['target_en'])}</span></td>"
                       f"<td>{_e(t['set_by'])}</td><td class='num'>{t['counted']} / {t['count']}</td>"
                       f"<td class='num'>{t['published']}</td><td class='num'>{pct}</td>"
                       f"<td class='small'>{_e(t['counts_what'])}</td></tr>")
    targets.append("</table>")

    cells: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for r in rows:
        cells[(r["industry"] or "（跨行业 / cross-industry）", r["aspect"])][r["coverage"]] += 1
    industries = sorted({k[0] for k in cells})
    aspects = sorted({k[1] for k in cells})
    heat = ["<table class='heat'><tr><th>行业 \\ 方面 / industry \\ aspect</th>"
            + "".join(f"<th>{_e(a)}</th>" for a in aspects) + "</tr>"]
    for ind in industries:
        heat.append(f"<tr><th>{_e(ind)}</th>")
        for a in aspects:
            c = cells.get((ind, a))
            if not c:
                heat.append("<td class='cell'></td>")
                continue
            total = sum(c.values())
            share = (c["covered"] + 0.5 * c["partial"]) / total
            cls = "covered" if share >= 0.67 else ("partial" if share > 0 else "gap")
            heat.append(f"<td class='cell {cls}' title='{_e(ind)} · {_e(a)}'>"
                        f"{c['covered']}/{c['partial']}/{c['gap']}</td>")
        heat.append("</tr>")
    heat.append("</table>")

    bars = ["<table><tr><th>方向 / direction</th><th>条目 / items</th><th>覆盖 / coverage</th></tr>"]
    for d, counts in summary["by_direction"].items():
        total = sum(counts.values()) or 1
        spans = "".join(f"<span class='{c}' style='width:{100 * counts.get(c, 0) / total:.1f}%' "
                        f"title='{LABELS[c]}: {counts.get(c, 0)}'></span>" for c in ("covered", "partial", "gap"))
        bars.append(f"<tr><td>{_e(d)}</td><td>{total}</td><td><div class='bar'>{spans}</div>"
                    f"<span class='small'>{counts.get('covered', 0)} / {counts.get('partial', 0)} / "
                    f"{counts.get('gap', 0)}</span></td></tr>")
    bars.append("</table>")

    table = ["<table class='items'><tr><th>方向</th><th>方面 / aspect</th><th>行业 / industry</th><th>条目 / item</th>"
             "<th>覆盖 / coverage</th><th>最佳状态 / best status</th><th>标准 / standards</th>"
             "<th>相关 / related</th><th>说明 / explanation</th><th>来源 / source</th></tr>"]
    for r in rows:
        table.append(
            f"<tr><td>{_e(r['direction'])}</td><td>{_e(r['aspect'])}</td><td>{_e(r['industry'])}</td>"
            f"<td>{_e(r['item'])}</td><td class='coverage {r['coverage']}'>{LABELS[r['coverage']]}</td>"
            f"<td>{_e(r['best_status'])}</td><td>{_e(_refs(r['standards']))}</td>"
            f"<td class='small'>{_e(_refs(r['related'][:5]))}{' …' if len(r['related']) > 5 else ''}</td>"
            f"<td>{_e(r['explanation']['zh'])}<br><span class='small'>{_e(r['explanation']['en'])}</span></td>"
            f"<td class='small'>{_e(r['source']['document'])}:{r['source']['line']}</td></tr>")
    table.append("</table>")
    template = Template((Path(__file__).parent / "templates" / "gap-report.html").read_text(encoding="utf-8"))
    page = template.substitute(
        generated=time.strftime("%Y-%m-%d"), item_count=len(rows),
        sources=_e(", ".join(sorted({r["source"]["document"] for r in rows}))),
        targets="\n".join(targets), heatmap="\n".join(heat), bars="\n".join(bars), table="\n".join(table),
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
