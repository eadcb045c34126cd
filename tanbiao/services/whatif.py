"""What-if: which priority items would change verdict if some proposed standards existed.

Computed on a private in-memory copy of a build, never on the served store: the proposals are rows in the
update-file format (docs/updates.md) — number, title, status, position and optionally subjects, issued,
replaces … — read by the update loader into a graph of their own, and the build's derivation stages
(``tanbiao.pipeline.stages.DERIVED``) run again on the copy, exactly as a build with that update file would.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

from tanbiao.errors import WhatIfError
from tanbiao.loaders import base
from tanbiao.loaders import updates as updates_loader
from tanbiao.loaders.text import ParseReport
from tanbiao.pipeline.context import BuildContext
from tanbiao.pipeline.stages import DERIVED, run_stages
from tanbiao.store import load_build, selector

from .gaps import gap_report

__all__ = ["WhatIfError", "what_if", "rows_to_csv", "PROPOSALS_KEY"]

PROPOSALS_KEY = "updates-what-if"


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
        w.writerow({k: _cell(k, v) for k, v in r.items()})
    return buf.getvalue()


def _cell(field: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "|".join(value)
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    raise WhatIfError(f"field '{field}' must be a string (or, for subjects, a list of strings), not {value!r:.80}")


def _update_keys(build_dir: Path) -> list[str]:
    """The build's update graphs, in the order the build applied them (its summary's sources)."""
    path = Path(build_dir) / "summary.json"
    sources = json.loads(path.read_text(encoding="utf-8")).get("sources", []) if path.is_file() else []
    return [s["key"] for s in sources if s["key"].startswith("updates-")]


def what_if(build_dir: Path, proposals_csv: str, name: str = "proposals.csv") -> dict:
    """``proposals_csv`` (reported as ``name``) against the build in ``build_dir``: the items whose verdict would
    change; ``proposals`` counts the usable rows, ``skipped`` the others with their line."""
    curated = base.curated()
    parsed = updates_loader.parse(Path(name), curated, text=proposals_csv)
    if not parsed.rows:
        problems = "; ".join(i.format("row") for i in parsed.report.errors) or "no proposals"
        raise WhatIfError(f"no usable proposal: {problems}")
    before = gap_report(selector(load_build(build_dir)))

    ctx = BuildContext(store=load_build(build_dir))  # the private copy
    for key in _update_keys(build_dir):
        ctx.update_reports[key] = ParseReport(key)
    ctx.add(PROPOSALS_KEY, updates_loader.to_graph(parsed, base.SourceInfo(PROPOSALS_KEY), curated))
    ctx.update_reports[PROPOSALS_KEY] = parsed.report
    run_stages(ctx, DERIVED)
    after = gap_report(selector(ctx.store))

    old = {r["iri"]: r for r in before.items}
    changed = []
    for r in after.items:
        b = old[r["iri"]]
        if (b["coverage"], b["best_status"]) != (r["coverage"], r["best_status"]):
            changed.append({
                "direction": r["direction"], "index": r["index"], "aspect": r["aspect"], "industry": r["industry"],
                "item": r["item"], "iri": r["iri"],
                "before": {"coverage": b["coverage"], "best_status": b["best_status"]},
                "after": {"coverage": r["coverage"], "best_status": r["best_status"]},
                "standards": r["standards"], "explanation": r["explanation"],
            })
    return {
        "proposals": len(parsed.rows),
        "skipped": [{"line": i.line, "message": i.message} for i in parsed.report.errors],
        "changed": changed,
        "coverage_before": dict(Counter(r["coverage"] for r in before.items)),
        "coverage_after": dict(Counter(r["coverage"] for r in after.items)),
    }
