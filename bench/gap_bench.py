"""Benchmark the gap analysis: the whole report (all its SPARQL queries + verdicts) at 1×, 10× and 100×.

    python bench/gap_bench.py [--factors 1,10,100] [--reps 5] [--write docs/benchmarks.md]

The graph is scaled by bench/scale.py (copies of the standards and items, shared framework and concepts).
Times are for an in-memory pyoxigraph store (what `tanbiao gaps` uses), per query and for the whole report.
Targets (gap issue): the gap query under 100 ms at 1× and under 2 s at 100×.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import scale  # noqa: E402
from sections import publish  # noqa: E402

from tanbiao.services.catalogue import bind, catalogue  # noqa: E402
from tanbiao.services.gaps import gap_report  # noqa: E402
from tanbiao.store import run_query  # noqa: E402

MARK_BEGIN, MARK_END = "<!-- gap-bench:begin -->", "<!-- gap-bench:end -->"
QUERIES = ("gap-evidence", "gap-context", "items", "standards")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--factors", default="1,10,100")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--input", type=Path, default=Path("data/build/tanbiao.trig"))
    ap.add_argument("--write", type=Path)
    args = ap.parse_args()
    lines = [MARK_BEGIN, f"Measured {time.strftime('%Y-%m-%d')}; median of {args.reps} runs, in-memory pyoxigraph.", "",
             "| scale | triples | " + " | ".join(f"`{q}` (ms)" for q in QUERIES) + " | whole report (ms) | items |",
             "|---|---|" + "---|" * len(QUERIES) + "---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        for factor in (int(f) for f in args.factors.split(",")):
            trig = Path(tmp) / f"x{factor}.trig"
            scale(args.input, factor, trig)
            store = ox.Store()
            store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
            triples = len(store)
            per_query = {}
            for name in QUERIES:
                q = catalogue()[name]
                text = bind(q, {}) if q.params else q.text
                times = []
                for _ in range(args.reps):
                    t0 = time.perf_counter()
                    run_query(store, text)
                    times.append(time.perf_counter() - t0)
                per_query[name] = statistics.median(times) * 1000
            whole, items = [], 0
            for _ in range(args.reps):
                t0 = time.perf_counter()
                rep = gap_report(lambda q, s=store: run_query(s, q))
                whole.append(time.perf_counter() - t0)
                items = len(rep.items)
            row = f"| {factor}× | {triples} | " + " | ".join(f"{per_query[q]:.0f}" for q in QUERIES)
            row += f" | {statistics.median(whole) * 1000:.0f} | {items} |"
            print(row, flush=True)
            lines.append(row)
    lines += ["", "Target: the gap query (`gap-evidence`) under 100 ms at 1× and under 2 s at 100×.", MARK_END]
    publish("\n".join(lines), args.write, MARK_BEGIN, MARK_END, "Gap analysis")


if __name__ == "__main__":
    main()
