"""Gap analysis as users ask for it: the build's assessments read back as report rows, filters, target progress.

The verdicts are data: the build's assess stage materialises one tb:GapAssessment per priority item in
``…/graph/assessments`` (rules in ``queries/assess/``, explained in ``docs/gaps.md``). This module reads them
(``queries/gaps.rq``, ``queries/gap-evidence.rq``) and shapes the rows the CLI, the API and the reports share;
it decides nothing:

* **covered** — every subject of the item has a standard in its aspect about that subject, in a compatible sector;
* **partial** — only standards about a broader subject (the whole industry, a product class) or a narrower one, or
  only some of the item's subjects covered;
* **gap** — neither.

Standards about the subject in another aspect, and cross-cutting standards of the aspect (通则 / 通用要求), are
listed as ``related`` and never change the verdict.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from tanbiao.errors import FilterError
from tanbiao.loaders import namespaces as ns
from tanbiao.store import Select

from .catalogue import bind, catalogue
from .rows import standards_rows

__all__ = ["COVERAGES", "FILTERS", "FilterError", "GapReport", "gap_report", "summary"]

COVERAGES = ("covered", "partial", "gap")
PUBLISHED = str(ns.vocab("status", "published"))
FILTERS = ("direction", "aspect", "industry", "coverage", "status", "source", "code")


@dataclass
class GapReport:
    items: list[dict]
    allowed: dict[str, list[str]]

    def filtered(self, **filters: str | None) -> list[dict]:
        rows = self.items
        for name, value in filters.items():
            if value in (None, ""):
                continue
            if name not in FILTERS:
                raise FilterError(f"unknown filter '{name}'; filters are {', '.join(FILTERS)}")
            if value not in self.allowed[name]:
                raise FilterError(f"{name} '{value}' is not known; allowed: {', '.join(self.allowed[name])}")
            rows = [r for r in rows if (value in r["industry_codes"] if name == "code" else _field(r, name) == value)]
        return rows


def _field(row: dict, name: str) -> str:
    if name == "status":
        return row["best_status"] or "none"
    if name == "source":
        return row["source"]["document"]
    return row[name]


def gap_report(select: Select, direction: str | None = None) -> GapReport:
    """The assessments as report rows (``select`` runs a SELECT on the built graph); ``direction`` reads one."""
    cat = catalogue()
    values = {"direction": direction} if direction else {}
    standards = {s["iri"]: s for s in standards_rows(select(cat["standards"].text))}
    closeness = {r["notation"]: r["rank"] for r in select(cat["match-relations"].text)}
    labels = {r["concept"]: r for r in select(cat["subject-labels"].text)}
    evidence: dict[str, dict[str, list[dict]]] = defaultdict(lambda: {"evidence": [], "context": []})
    for r in select(bind(cat["gap-evidence"], values)):
        s = standards[r["std"]]
        evidence[r["item"]][r["role"]].append({"number": s["number"], "title": s["title"], "status": s["status"],
                                               "match": r["relation"], "iri": s["iri"]})
    codes: dict[str, set[str]] = defaultdict(set)
    for r in select(cat["item-industry-codes"].text):
        codes[r["subject"]].add(r["code"])
    status_ranks = select(cat["status-ranks"].text)
    out = []
    for r in select(bind(cat["gaps"], values)):
        subjects = [_subject(labels, s) for s in (r["subjects"] or "").split("\t") if s]
        matches = _dedupe(evidence[r["item"]]["evidence"], closeness)
        matched = {m["iri"] for m in matches}
        related = [x for x in _dedupe(evidence[r["item"]]["context"], closeness) if x["iri"] not in matched]
        public = ("number", "title", "status", "match")
        out.append({
            "direction": r["direction"], "index": r["index"], "aspect": r["aspectLabel"] or r["aspect"],
            "aspect_node": {"notation": r["aspectNotation"], "label": r["aspect"]}, "industry": r["industry"] or "",
            "item": r["label"], "subject": subjects[0] if subjects else None, "subjects": subjects,
            "coverage": r["coverage"], "best_status": r["bestStatus"],
            "standards": [{k: m[k] for k in public} for m in matches],
            "related": [{k: x[k] for k in public} for x in related],
            "explanation": {"zh": r["explanationZh"] or "", "en": r["explanationEn"] or ""},
            "source": {"document": r["document"], "line": r["line"], "quote": r["quote"]},
            "iri": r["item"], "assessment": r["assessment"],
            "industry_codes": sorted({c for s in subjects for c in codes.get(s["iri"], ())}, key=_code_sort),
        })
    allowed = {
        "direction": sorted({r["direction"] for r in out}, key=_code_key),
        "aspect": sorted({r["aspect"] for r in out}),
        "industry": sorted({r["industry"] for r in out if r["industry"]}),
        "coverage": list(COVERAGES),
        "status": [r["status"] for r in sorted(status_ranks, key=lambda r: -r["rank"])] + ["none"],
        "source": sorted({r["source"]["document"] for r in out}),
        "code": sorted({c for r in out for c in r["industry_codes"]}, key=_code_sort),
    }
    return GapReport(out, allowed)


def _subject(labels: dict[str, dict], iri: str) -> dict:
    names = labels.get(iri, {})
    return {"iri": iri, "zh": names.get("zh"), "en": names.get("en")}


def _dedupe(refs: list[dict], closeness: dict[str, int]) -> list[dict]:
    """One entry per standard, keeping the closest match (``closeness``: the match relations' tb:rank, higher is
    closer: exact > narrower > broader > general), closest first."""
    best: dict[str, dict] = {}
    for r in refs:
        if r["iri"] not in best or closeness.get(r["match"], 0) > closeness.get(best[r["iri"]]["match"], 0):
            best[r["iri"]] = r
    return sorted(best.values(), key=lambda r: (-closeness.get(r["match"], 0), r["number"]))


def _code_sort(code: str) -> tuple:
    """GB/T 4754 codes (letter first) before ISIC and NACE codes, each in code order."""
    return (not code[:1].isalpha(), code)


def _code_key(code: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in code.split("."))


def summary(report: GapReport, select: Select) -> dict:
    """Counts per direction × coverage and industry × coverage, and progress against the targets."""
    items = report.items
    by_direction = {d: dict(Counter(r["coverage"] for r in items if r["direction"] == d))
                    for d in report.allowed["direction"]}
    by_industry = {i: dict(Counter(r["coverage"] for r in items if r["industry"] == i))
                   for i in report.allowed["industry"]}
    cat = catalogue()
    standards = standards_rows(select(cat["standards"].text))
    status_counts = dict(Counter(s["status"] for s in standards))
    aspects = {s["aspect"] for s in standards if s.get("aspect")}
    targets = []
    for t in select(cat["targets"].text):
        # a target counts the standards of the aspect its wording names (…产品碳足迹核算规则标准 -> 产品碳足迹核算);
        # a target that names no aspect counts every standard
        named = [a for a in aspects if a in t["targetOf"]]
        counted = [s for s in standards if s.get("aspect") in named] if named else standards
        done = len(counted)
        targets.append({
            "target": t["label"], "target_en": t["labelEn"], "year": t["year"], "count": t["count"],
            "comparator": t["comparator"], "of": t["targetOf"], "set_by": t["setBy"] or t["setByPlan"],
            "counted": done, "by_status": dict(Counter(s["status"] for s in counted)),
            "published": sum(1 for s in counted if s["status_iri"] == PUBLISHED),
            "remaining": max(0, t["count"] - done),
            "progress": round(done / t["count"], 3) if t["count"] else None,
            "counts_what": (f"standards in the aspect {'、'.join(named)}" if named
                            else "all standards of the graph (existing and in development)"),
        })
    # the product lists of the carbon-footprint guide: directions that are not numbered by a sub-category
    products_2024 = [r for r in items if not re.fullmatch(r"\d+\.\d+", r["direction"])]
    return {
        "items": len(items),
        "coverage": dict(Counter(r["coverage"] for r in items)),
        "by_direction": by_direction,
        "by_industry": by_industry,
        "standards_by_status": status_counts,
        "targets": targets,
        "priority_products_2024": {
            "coverage": dict(Counter(r["coverage"] for r in products_2024)),
            "items": [{"item": r["item"], "coverage": r["coverage"], "best_status": r["best_status"]}
                      for r in products_2024],
        },
    }
