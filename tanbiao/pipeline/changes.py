"""The changes stage: which verdicts the update records moved, in ``…/graph/changes``.

The baseline is the documents alone: a copy of the dataset without the graphs of update files and of documents
that carry records (lists, announcements), on which the derivation stages (link, infer, assess) run again —
as what-if does with proposals. Every item whose coverage or best status differs from this build's gets a
``tb:VerdictChange`` (``assessment/<item>/change``): the baseline coverage and best status, the assessment it
changes (whose own coverage and best status are the verdict now), and ``tb:movedBy`` the update records about
the standards that decide the item on either side. A build without update records has no changes graph.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import PROV, RDF, RDFS

from tanbiao.loaders import namespaces as ns
from tanbiao.loaders.graphing import en, zh
from tanbiao.loaders.namespaces import TB
from tanbiao.loaders.resources import query_dir

from .assess import ASSESSMENTS, iri_key, read_vocab
from .context import BuildContext, Triples
from .derive import LINKS

__all__ = ["CHANGES", "changes", "baseline"]

CHANGES = "changes"
DERIVED_GRAPHS = (LINKS, "inferred", ASSESSMENTS)


def _query(name: str) -> str:
    return (query_dir() / "assess" / name).read_text(encoding="utf-8")


def baseline(ctx: BuildContext) -> BuildContext:
    """A private copy of the dataset without the update records, its derived graphs derived again."""
    from .stages import DERIVED, run_stages  # the stage list imports this module

    dropped = {ox.NamedNode(str(ns.graph(k))) for k in (*ctx.update_reports, *DERIVED_GRAPHS, CHANGES)}
    base = BuildContext()
    base.store.extend(q for q in ctx.store if q.graph_name not in dropped)
    run_stages(base, DERIVED)
    return base


def _verdicts(ctx: BuildContext) -> dict[str, tuple[str, str | None, frozenset[str]]]:
    """item -> (coverage, best status, the standards that decide it)."""
    rows = ctx.select(_query("verdicts.rq"))
    stds: dict[str, set[str]] = defaultdict(set)
    verdict: dict[str, tuple[str, str | None]] = {}
    for r in rows:
        verdict[r["item"]] = (r["coverage"], r["bestStatus"])
        if r["std"]:
            stds[r["item"]].add(r["std"])
    return {item: (*v, frozenset(stds[item])) for item, v in verdict.items()}


def changes(ctx: BuildContext) -> None:
    """(Re-)derive ``…/graph/changes`` and count the moves into the build summary (``changes``)."""
    ctx.clear(CHANGES)
    now, before = _verdicts(ctx), _verdicts(baseline(ctx))
    records: dict[str, set[str]] = defaultdict(set)
    for r in ctx.select(_query("records.rq")):
        records[r["std"]].add(r["record"])
    labels = read_vocab(ctx).labels  # the coverages' and statuses' prefLabels, as the assess stage reads them
    none = {"zh": "无", "en": "none"}

    def name(lang: str) -> Callable[[str | None], str]:
        return lambda iri: labels[iri][lang] if iri else none[lang]
    g = Triples()
    activity = ns.activity("edition-comparison")
    g.add((activity, RDF.type, PROV.Activity))
    g.add((activity, RDFS.label, zh("与文件本身结论的比较（构建阶段 changes）")))
    g.add((activity, RDFS.label, en("Comparison with the documents' own verdicts (the build's changes stage)")))
    moves: Counter[str] = Counter()
    for item, (coverage, best, stds) in sorted(now.items()):
        was = before.get(item)
        if was is None or (was[0], was[1]) == (coverage, best):
            continue  # an item the baseline lacks (none: the items come from the documents) or an unmoved one
        key = iri_key(item)
        c = ns.verdict_change(key)
        g.add((c, RDF.type, TB.VerdictChange))
        g.add((c, TB.changeOf, ns.assessment(key)))
        g.add((ns.assessment(key), TB.verdictChange, c))
        g.add((c, TB.baselineCoverage, URIRef(was[0])))
        if was[1]:
            g.add((c, TB.baselineBestStatus, URIRef(was[1])))
        for std in sorted(stds | was[2]):
            for record in sorted(records.get(std, ())):
                g.add((c, TB.movedBy, URIRef(record)))
        g.add((c, RDFS.label, zh(f"{key}：{_move(name('zh'), was[:2], (coverage, best), 'zh')}")))
        g.add((c, RDFS.label, en(f"{key}: {_move(name('en'), was[:2], (coverage, best), 'en')}")))
        g.add((c, PROV.wasGeneratedBy, activity))
        moves[_move(_tail, was[:2], (coverage, best), "en")] += 1  # summary keys: the IRIs' last segments
    ctx.extend(CHANGES, g)
    ctx.summary["changes"] = dict(sorted(moves.items()))


def _tail(iri: str | None) -> str:
    return iri.rsplit("/", 1)[-1] if iri else "none"


def _move(name: Callable[[str | None], str], was: tuple, now: tuple, lang: str) -> str:
    """缺口 → 已覆盖, or for an unchanged coverage 部分覆盖（最佳状态 制定中 → 已发布）; ``name`` names an IRI."""
    if was[0] != now[0]:
        return f"{name(was[0])} → {name(now[0])}"
    status = "最佳状态" if lang == "zh" else "best status"
    inner = f"{status} {name(was[1])} → {name(now[1])}"
    return f"{name(now[0])}（{inner}）" if lang == "zh" else f"{name(now[0])} ({inner})"
