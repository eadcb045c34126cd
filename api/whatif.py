"""What-if: which priority items would change verdict if some proposed standards existed — computed on a
private in-memory copy of the build, never on the served store.

Proposals are rows in the update-file format (docs/updates.md): number, title, status, position and optionally
subjects (concept ids or zh labels, ``|``-separated), issued, replaces … They go through the same loader and the
same gap queries as a real update file would.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import RDF
from tanbiao.loaders import updates as updates_loader
from tanbiao.loaders.aspects import standard_aspects
from tanbiao.loaders.namespaces import TB
from tanbiao.loaders.resources import vocabulary
from tanbiao.loaders.text import SourceError

from .gaps import gap_report
from .store import run_query

__all__ = ["WhatIfError", "what_if", "rows_to_csv"]


class WhatIfError(ValueError):
    """Proposals that cannot be read; the message names the row."""


def rows_to_csv(rows: list[dict]) -> str:
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise WhatIfError("the body must be a JSON list of objects (number, title, status, position, subjects …)")
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=updates_loader.COLUMNS, extrasaction="raise", lineterminator="\n")
    w.writeheader()
    for r in rows:
        unknown = set(r) - set(updates_loader.COLUMNS)
        if unknown:
            raise WhatIfError(f"unknown field(s) {', '.join(sorted(unknown))}; fields are "
                              f"{', '.join(updates_loader.COLUMNS)}")
        w.writerow({k: "|".join(v) if isinstance(v, list) else ("" if v is None else str(v)) for k, v in r.items()})
    return buf.getvalue()


def _store(graph: Graph) -> ox.Store:
    store = ox.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


def what_if(build_dir: Path, proposals_csv: str) -> dict:
    vocab = vocabulary()
    parsed = updates_loader.parse(Path("proposals.csv"), vocab, text=proposals_csv)
    if not parsed.rows:
        problems = "; ".join(i.format("row") for i in parsed.report.errors) or "no proposals"
        raise WhatIfError(f"no usable proposal: {problems}")
    trig = Path(build_dir) / "tanbiao.trig"
    if not trig.is_file():
        raise FileNotFoundError(f"no build in {build_dir}/ — what-if compares against a build")
    base_store = ox.Store()
    base_store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in base_store}
    union = Graph()  # the union of the named graphs, a private copy we may change
    union.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8"), format="nt")
    before = gap_report(lambda q: run_query(base_store, q))

    proposals = updates_loader.to_graph(parsed, "what-if", vocab)
    updates_loader.apply(proposals, "what-if", union, {"union": union}, vocab, parsed.report)
    merged = union + proposals
    new = set(proposals.subjects(RDF.type, TB.Standard))
    for s, p, o in standard_aspects(merged):
        if s in new:
            merged.add((s, p, o))
    after_store = _store(merged)
    after = gap_report(lambda q: run_query(after_store, q))

    old = {r["iri"]: r for r in before.items}
    changed = []
    for r in after.items:
        b = old[r["iri"]]
        if (b["coverage"], b["best_status"]) != (r["coverage"], r["best_status"]):
            changed.append({
                "direction": r["direction"], "aspect": r["aspect"], "industry": r["industry"], "item": r["item"],
                "before": {"coverage": b["coverage"], "best_status": b["best_status"]},
                "after": {"coverage": r["coverage"], "best_status": r["best_status"]},
                "standards": r["standards"], "explanation": r["explanation"],
            })
    return {
        "proposals": len(parsed.rows),
        "skipped": [{"line": i.line, "message": i.message} for i in parsed.report.errors],
        "changed": changed,
        "coverage_before": _counts(before.items), "coverage_after": _counts(after.items),
    }


def _counts(items: list[dict]) -> dict:
    from collections import Counter

    return dict(Counter(r["coverage"] for r in items))


__all__ += ["SourceError"]
