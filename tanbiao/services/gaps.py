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

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from tanbiao.errors import FilterError
from tanbiao.loaders import namespaces as ns
from tanbiao.store import Select

from .catalogue import bind, catalogue
from .filters import Filter, apply_filters
from .rows import standards_rows

__all__ = ["COVERAGES", "FILTERS", "FilterError", "GapReport", "gap_report", "changes", "changes_of", "summary"]

COVERAGES = ("covered", "partial", "gap")
PUBLISHED = str(ns.vocab("status", "published"))
FILTERS = ("direction", "aspect", "industry", "coverage", "status", "source", "code")


@dataclass
class GapReport:
    items: list[dict]
    allowed: dict[str, list[str]]
    _encoded: dict[int, bytes] = field(default_factory=dict, repr=False, compare=False)
    _names: dict[str, set[str]] | None = field(default=None, repr=False, compare=False)

    def _concept_of(self) -> dict[str, set[str]]:
        """An industry name -> every name of its concept (computed once: the report does not change)."""
        if self._names is None:
            self._names = defaultdict(set)
            for r in self.items:
                names = _industry_names(r)
                for n in names:
                    self._names[n].update(names)
        return self._names

    def to_json(self, rows: list[dict]) -> bytes:
        """``rows`` (items of this report) as a JSON array, each row encoded once for the report's lifetime: a
        report is read-only, so a filtered or whole response only joins bytes (docs/benchmarks.md)."""
        parts = []
        for r in rows:
            b = self._encoded.get(id(r))
            if b is None:
                b = self._encoded[id(r)] = json.dumps(r, ensure_ascii=False, allow_nan=False,
                                                      separators=(",", ":")).encode("utf-8")
            parts.append(b)
        return b"[" + b",".join(parts) + b"]"

    def filtered(self, **filters: str | list[str] | None) -> list[dict]:
        """The items every given filter selects; several values of one filter mean either (``filters.py``)."""
        concept_of = self._concept_of()
        industry = Filter("industry", _industry_names, accepts=lambda v, allowed: v in concept_of,
                          matches=lambda v, r: bool(concept_of.get(v, {v}) & set(_industry_names(r))))
        return apply_filters(self.items, {**ITEM_FILTERS, "industry": industry}, self.allowed, filters)


def _industry_names(row: dict) -> list[str]:
    """An item answers to its industry as written and to its industry concept (有色 and 有色金属 are one concept)."""
    concept = row.get("industry_concept") or {}
    return [n for n in (row["industry"], concept.get("zh"), concept.get("en"), concept.get("iri"),
                        (concept.get("iri") or "").rsplit("/", 1)[-1]) if n]


def _code_within(code: str, outer: str) -> bool:
    """``code`` lies within ``outer`` (GB/T 4754 C3011 ⊂ C301 ⊂ C30; ISIC 2394 ⊂ 239 ⊂ 23; NACE 23.51 ⊂ 23.5 ⊂
    23): codes of these classifications nest by prefix. A section letter alone (C 制造业) is too wide to count."""
    return code != outer and code.startswith(outer) and sum(ch.isdigit() for ch in outer) >= 2


def _code_matches(code: str, row: dict) -> bool:
    """``code=`` reaches an item through the industry codes of its subject and the subject's broader concepts: an
    item matches a code it has, one under it, or one it lies within (C3011 finds the 建材 items, coded C30)."""
    return any(c == code or _code_within(c, code) or _code_within(code, c) for c in row["industry_codes"])


ITEM_FILTERS = {
    "direction": Filter("direction", lambda r: [r["direction"]]),
    "aspect": Filter("aspect", lambda r: [r["aspect"], (r["aspect_node"] or {}).get("notation") or ""]),
    "coverage": Filter("coverage", lambda r: [r["coverage"]]),
    "status": Filter("status", lambda r: [r["best_status"] or "none"]),
    "source": Filter("source", lambda r: [r["source"]["document"]]),
    "code": Filter("code", lambda r: r["industry_codes"], matches=_code_matches,
                   accepts=lambda v, allowed: any(_code_matches(v, {"industry_codes": [c]}) for c in allowed)),
}


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
            "direction": r["direction"], "direction_label": r["directionLabel"] or "", "index": r["index"],
            "aspect": r["aspectLabel"] or r["aspect"],
            "aspect_node": {"notation": r["aspectNotation"], "label": r["aspect"]}, "industry": r["industry"] or "",
            "industry_concept": ({"iri": r["industryConcept"], "zh": r["industryZh"], "en": r["industryEn"]}
                                 if r["industryConcept"] else None),
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
        "industry": sorted({r["industry"] for r in out if r["industry"]}
                           | {r["industry_concept"]["zh"] for r in out if r["industry_concept"]}),
        "coverage": list(COVERAGES),
        "status": [r["status"] for r in sorted(status_ranks, key=lambda r: -r["rank"])] + ["none"],
        "source": sorted({r["source"]["document"] for r in out}),
        "code": sorted({c for r in out for c in r["industry_codes"]}, key=_code_sort),
    }
    return GapReport(out, allowed)


def changes(report: GapReport, select: Select) -> list[dict]:
    """The verdicts the update records moved (the build's changes stage, ``queries/gap-changes.rq``): per item
    its verdict from the documents alone (``before``), now (``after``, as in the report) and the records."""
    by_item = {r["iri"]: r for r in report.items}
    out: dict[str, dict] = {}
    for r in select(catalogue()["gap-changes"].text):
        item = by_item[r["item"]]
        c = out.setdefault(r["item"], {
            "direction": item["direction"], "index": item["index"], "aspect": item["aspect"],
            "industry": item["industry"], "item": item["item"],
            "before": {"coverage": r["coverageBefore"], "best_status": r["bestStatusBefore"]},
            "after": {"coverage": item["coverage"], "best_status": item["best_status"]},
            "records": [], "iri": item["iri"], "assessment": item["assessment"], "change": r["change"]})
        if r["record"]:
            c["records"].append({"number": r["recordNumber"], "status": r["recordStatus"], "issued": r["issued"],
                                 "source": r["recordSource"], "iri": r["record"]})
    return list(out.values())


def changes_of(report: GapReport, summary: dict, directions: list[str] | None) -> list[dict]:
    """The summary's moved verdicts of ``directions`` (every one when none is given); an unknown direction is a
    FilterError naming the known ones, as the report's own filter says it."""
    if not directions:
        return summary["changes"]["rows"]
    report.filtered(direction=directions)
    return [r for r in summary["changes"]["rows"] if r["direction"] in directions]


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


# how a target's number is qualified (tb:comparator, read from 以上 / 左右 / no qualifier by loaders/targets.py)
COMPARATORS = {"at-least": {"zh": "以上", "en": "at least"}, "about": {"zh": "左右", "en": "about"},
               "exactly": {"zh": "（原文未加限定）", "en": "as stated (no qualifier)"}}


def _wording(quote: str, count: int) -> str:
    """The target as the document words it: the clause of its sentence that holds the number
    (到 2027 年，制定出台 200 项…标准，… -> 制定出台 200 项重点工业产品碳足迹核算规则标准)."""
    for clause in re.split(r"[，。；,;]", quote):
        if re.search(rf"(?<!\d){count}(?!\d)", clause):
            return clause.strip()
    return quote


def _progress_label(t: dict, comparator: dict, what: dict, done: int, published: int) -> dict[str, str]:
    """What the progress figure counts, in words: 已计 15 项 / 目标 200 项（8%）：计入…，其中已发布 4 项."""
    unit = "个" if re.search(rf"{t['count']}\s*个", t["quote"]) else "项"
    qualifier = {"zh": "", "en": ""} if t["comparator"] == "exactly" else comparator
    pct = round(100 * done / t["count"]) if t["count"] else 0
    return {"zh": f"已计 {done} 项 / 目标 {t['count']} {unit}{qualifier['zh']}（{pct}%）：计入{what['zh']}"
                  f"（已发布、修订中与制定中），其中已发布 {published} 项",
            "en": f"{done} of {(qualifier['en'] + ' ').lstrip()}{t['count']} ({pct}%): counts {what['en']} "
                  f"(published, under revision and in development), {published} of them published"}


def summary(report: GapReport, select: Select) -> dict:
    """Counts per direction × coverage and industry × coverage, and progress against the targets."""
    items = report.items
    by_direction = {d: dict(Counter(r["coverage"] for r in items if r["direction"] == d))
                    for d in report.allowed["direction"]}
    by_industry = {i: dict(Counter(r["coverage"] for r in items if i in _industry_names(r)))
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
        published = sum(1 for s in counted if s["status_iri"] == PUBLISHED)
        what = {"zh": f"方面为「{'、'.join(named)}」的标准" if named else "图谱中的全部标准",
                "en": f"standards in the aspect {', '.join(named)}" if named else "all standards of the graph"}
        comparator = COMPARATORS.get(t["comparator"], {"zh": t["comparator"], "en": t["comparator"]})
        progress = round(done / t["count"], 3) if t["count"] else None
        targets.append({
            "target": t["label"], "target_en": t["labelEn"], "year": t["year"], "count": t["count"],
            "comparator": t["comparator"], "comparator_label": comparator, "wording": _wording(t["quote"], t["count"]),
            "of": t["targetOf"], "set_by": t["setBy"] or t["setByPlan"],
            "source": {"document": t["document"], "line": t["line"], "quote": t["quote"]},
            "counted": done, "by_status": dict(Counter(s["status"] for s in counted)),
            "published": published, "remaining": max(0, t["count"] - done), "progress": progress,
            "counts_what": f"{what['en']} (published, under revision and in development)",
            "counts_what_zh": f"{what['zh']}（已发布、修订中与制定中）",
            "progress_label": _progress_label(t, comparator, what, done, published),
        })
    # the product lists of the carbon-footprint guide: directions that are not numbered by a sub-category
    products_2024 = [r for r in items if not re.fullmatch(r"\d+\.\d+", r["direction"])]
    moved = changes(report, select)
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
        "changes": {
            "items": len(moved),
            "moves": dict(Counter(f"{c['before']['coverage']} → {c['after']['coverage']}" for c in moved)),
            "rows": moved,
        },
    }
