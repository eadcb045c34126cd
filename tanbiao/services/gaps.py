"""Gap analysis: for every priority item, is there a standard, how good is the match, how far are the targets.

The matching is done in SPARQL (``queries/gap-evidence.rq``, ``queries/gap-context.rq``); this module only
turns the evidence rows into one verdict per item (see ``docs/gaps.md``):

* **covered** — a standard in the item's aspect about the item's subject (synonyms are one concept);
* **partial** — no such standard, but one in the aspect about a broader concept (e.g. industry-wide) or a
  narrower one (it covers part of the subject); for an item with no subject concept, any standard in its aspect;
* **gap** — neither.

Standards about the subject in another aspect, and cross-cutting standards of the aspect that name no
subject (通则 / 通用要求), are listed as ``related`` and never change the verdict.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from tanbiao.errors import FilterError
from tanbiao.loaders import namespaces as ns
from tanbiao.store import Select

from .catalogue import bind, catalogue
from .filters import Filter, apply_filters
from .rows import items_rows, standards_rows

__all__ = ["COVERAGES", "FILTERS", "FilterError", "GapReport", "gap_report", "summary"]

COVERAGES = ("covered", "partial", "gap")
PUBLISHED = str(ns.vocab("status", "published"))
_KIND_ZH = {"broader": "上位主题（如全行业或产品大类）", "narrower": "下位主题（覆盖其一部分）"}
FILTERS = ("direction", "aspect", "industry", "coverage", "status", "source", "code")


@dataclass
class GapReport:
    items: list[dict]
    allowed: dict[str, list[str]]

    def filtered(self, **filters: str | list[str] | None) -> list[dict]:
        """The items every given filter selects; several values of one filter mean either (``filters.py``)."""
        concept_of: dict[str, set[str]] = defaultdict(set)  # an industry name -> every name of its concept
        for r in self.items:
            names = _industry_names(r)
            for n in names:
                concept_of[n].update(names)
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


def _explain(item: dict, coverage: str, matches: list[dict], related: list[dict]) -> dict[str, str]:
    subject = (item["subject"] or {}).get("zh") or item["item"]
    subject_en = (item["subject"] or {}).get("en") or subject
    aspect = item["aspect"]
    nums = "、".join(m["number"] for m in matches)
    if coverage == "covered":
        exact = [m for m in matches if m["match"] == "exact"]
        return {"zh": f"已覆盖：「{aspect}」方面有关于“{subject}”的标准 {'、'.join(m['number'] for m in exact)}。",
                "en": f"Covered: {len(exact)} standard(s) in the aspect {aspect} about {subject_en}."}
    if coverage == "partial":
        if item["subject"] is None:
            return {"zh": f"部分覆盖：条目未对应主题概念，「{aspect}」方面有标准 {nums}。",
                    "en": f"Partial: the item has no subject concept; the aspect {aspect} has "
                          f"{len(matches)} standard(s)."}
        kinds = sorted({m["match"] for m in matches})
        zh_kind = "、".join(_KIND_ZH[k] for k in kinds)
        return {"zh": f"部分覆盖：「{aspect}」方面无关于“{subject}”本身的标准，但有关于{zh_kind}的标准 {nums}。",
                "en": f"Partial: no standard in {aspect} about {subject_en} itself, but {len(matches)} about a "
                      f"{' and a '.join(kinds)} concept."}
    extra_zh = f"（其他方面或通用的相关标准 {len(related)} 项）" if related else ""
    extra_en = f" ({len(related)} related standard(s) in other aspects or cross-cutting)" if related else ""
    return {"zh": f"缺口：「{aspect}」方面没有关于“{subject}”或其上下位主题的标准{extra_zh}。",
            "en": f"Gap: no standard in the aspect {aspect} about {subject_en} or a broader or narrower "
                  f"concept{extra_en}."}


def gap_report(select: Select) -> GapReport:
    """Verdicts with evidence for every priority item (``select`` runs a SELECT query on the store)."""
    cat = catalogue()
    items = items_rows(select(cat["items"].text))
    standards = {s["iri"]: s for s in standards_rows(select(cat["standards"].text))}
    status_ranks = select(cat["status-ranks"].text)
    ranks = {r["statusIri"]: r["rank"] for r in status_ranks}
    closeness = {r["notation"]: r["rank"] for r in select(cat["match-relations"].text)}
    # evidence is keyed by (aspect, subject): items that share both share it
    by_subject: dict[tuple, list[dict]] = defaultdict(list)
    for r in select(bind(cat["gap-evidence"], {})):
        by_subject[(r["aspectNotation"], r["subject"])].append(r)
    codes: dict[str, set[str]] = defaultdict(set)
    for r in select(cat["item-industry-codes"].text):
        codes[r["subject"]].add(r["code"])
    by_aspect: dict[tuple, list[dict]] = defaultdict(list)
    for r in select(bind(cat["gap-context"], {})):
        by_aspect[(r["aspectNotation"], bool(r["hasSubject"]))].append({**r, "scope": "aspect"})

    def verdict(key: tuple) -> tuple:
        """Coverage, best status, matching and related standards of one (aspect, subject): items share them."""
        matches: list[dict] = []
        related: list[dict] = []
        for e in by_subject.get(key, []) + by_aspect.get((key[0], key[1] is not None), []):
            s = standards[e["std"]]
            ref = {"number": s["number"], "title": s["title"], "status": s["status"], "match": e["relation"],
                   "iri": s["iri"], "status_iri": s["status_iri"]}
            in_aspect = e["scope"] == "aspect" and e["relation"] in ("exact", "broader", "narrower", "aspect-only")
            (matches if in_aspect else related).append(ref)
        exact = [m for m in matches if m["match"] == "exact"]
        coverage = "covered" if exact else ("partial" if matches else "gap")
        deciding = exact if exact else matches
        best = max(deciding, key=lambda m: ranks.get(m["status_iri"], 0))["status"] if deciding else None
        matches = _dedupe(matches, closeness)
        matched = {m["iri"] for m in matches}
        related = [r for r in _dedupe(related, closeness) if r["iri"] not in matched]
        public = ("number", "title", "status", "match")
        return (coverage, best, [{k: m[k] for k in public} for m in matches],
                [{k: r[k] for k in public} for r in related])

    verdicts: dict[tuple, tuple] = {}
    out = []
    for item in items:
        key = (item["aspect_node"]["notation"], (item["subject"] or {}).get("iri"))
        if key not in verdicts:
            verdicts[key] = verdict(key)
        coverage, best, matches, related = verdicts[key]
        out.append({
            "direction": item["direction"], "direction_label": item["direction_label"], "index": item["index"],
            "aspect": item["aspect"],
            "aspect_node": item["aspect_node"], "industry": item["industry"],
            "industry_concept": item["industry_concept"], "item": item["item"],
            "subject": item["subject"], "coverage": coverage, "best_status": best,
            "standards": matches, "related": related,
            "explanation": _explain(item, coverage, matches, related),
            "source": item["source"], "iri": item["iri"],
            "industry_codes": sorted(codes.get(key[1] or "", ()), key=_code_sort),
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


def _dedupe(refs: list[dict], closeness: dict[str, int]) -> list[dict]:
    """One entry per standard, keeping the closest match (``closeness``: the match relations' tb:rank, higher is
    closer: exact > narrower > broader > aspect-only > general), closest first."""
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
