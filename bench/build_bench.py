"""Benchmark the build: wall time and peak memory, whole pipeline and per stage, at ×1 and at ×10.

    python bench/build_bench.py [--runs 3] [--factors 1,10] [--write docs/benchmarks.md]

Each run is a fresh process, so start-up and imports are included in the whole-pipeline figure: at ×1
``tanbiao build`` into a temporary folder; at ×N the same build (``tanbiao.pipeline.build``) over a synthetic
2023 guide whose standards list is repeated N times (``bench/scale_document.py``: 1,500 standards at ×10, with
the loaders, the link stage, HermiT and SHACL all running on them). Per-stage times come from the build's own
timer. Peak memory per stage (×1) is measured in a separate instrumented run with tracemalloc (Python heap
only); the process-wide peak RSS of the run and of its Java (HermiT) child come from getrusage. Figures go to
stdout and, with --write, into a marked section of the Markdown file.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from sections import machine, publish  # bench/ is on sys.path when a script here runs

MARK_BEGIN = "<!-- build-bench:begin -->"
MARK_END = "<!-- build-bench:end -->"


def whole_runs(runs: int, factor: int = 1) -> tuple[list[float], list[dict], int]:
    times, summaries, peak_rss = [], [], 0
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "build"
            if factor == 1:
                run = "from tanbiao.cli import app; " \
                    f"sys.argv=['tanbiao','build','-q','-o',{str(out)!r}]\ntry: app()\nexcept SystemExit: pass\n"
            else:
                run = f"sys.path.insert(0, {str(Path(__file__).resolve().parent)!r}); from pathlib import Path; " \
                    "from scale_document import scaled_sources; from tanbiao.pipeline import build; " \
                    f"build(Path({str(out)!r}), sources=scaled_sources({factor}, Path({tmp!r}) / 'sources')[0])\n"
            code = ("import resource,sys\n" + run + "print('RSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
                    "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
            t0 = time.perf_counter()
            r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
            times.append(time.perf_counter() - t0)
            m = re.search(r"RSS (\d+) (\d+)", r.stdout)
            peak_rss = max(peak_rss, int(m.group(1))) if m else peak_rss
            java_rss = int(m.group(2)) if m else 0
            summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
            summary["_java_rss_kb"] = java_rss
            summaries.append(summary)
    return times, summaries, peak_rss


def stage_memory() -> dict[str, float]:
    """Peak Python heap (MiB) while each stage runs, by wrapping the build's stage timer."""
    from tanbiao import pipeline
    from tanbiao.pipeline import stages

    peaks: dict[str, float] = {}
    original = stages.timed

    @contextlib.contextmanager
    def traced(ctx, name):
        with original(ctx, name):
            tracemalloc.reset_peak()
            yield
            peaks[name] = tracemalloc.get_traced_memory()[1] / 2**20

    stages.timed = traced
    tracemalloc.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            pipeline.build(Path(tmp) / "build")
    finally:
        tracemalloc.stop()
        stages.timed = original
    return peaks


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--factors", default="1,10", help="scale factors of the standards list (the first one is ×1)")
    ap.add_argument("--write", type=Path, help="Markdown file to update (section between build-bench markers)")
    args = ap.parse_args()

    factors = [int(f) for f in args.factors.split(",")]
    runs = {f: whole_runs(args.runs, f) for f in factors}
    peaks = stage_memory()
    first = runs[factors[0]][1]
    stages = [k for k in first[0]["timings_s"] if k != "total"]
    lines = [
        MARK_BEGIN,
        f"Measured {time.strftime('%Y-%m-%d')} on {machine()}; {args.runs} runs per scale, each a fresh process. "
        "×1 is `tanbiao build`; ×N the same build over the 2023 guide with its standards list repeated N times "
        "(`bench/scale_document.py`; the priority directions and items, the 2024 guide, the curated data and the "
        "ontology stay as they are).",
        "",
        "| scale | standards | triples | whole process (s): median / min / max | pipeline inside the process (s) | "
        "peak RSS: Python / HermiT (MiB) |",
        "|---|---|---|---|---|---|",
    ]
    for f in factors:
        times, summaries, rss = runs[f]
        totals = [s["timings_s"]["total"] for s in summaries]
        lines.append(f"| ×{f} | {summaries[0]['entities']['standards']} | {summaries[0]['triples']} | "
                     f"{statistics.median(times):.2f} / {min(times):.2f} / {max(times):.2f} | "
                     f"{statistics.median(totals):.2f} | {rss / 1024:.0f} / "
                     f"{max(s['_java_rss_kb'] for s in summaries) / 1024:.0f} |")
    head = " | ".join(f"×{f} median (s)" for f in factors)
    growth = " | ".join(f"growth ×{f}" for f in factors[1:])
    lines += ["", f"| stage | {head} | {growth} | peak Python heap at ×1 (MiB) |",
              "|---|" + "---|" * (2 * len(factors) - 1) + "---|"]
    for st in stages:
        med = {f: statistics.median(s["timings_s"][st] for s in runs[f][1]) for f in factors}
        cells = " | ".join(f"{med[f]:.2f}" for f in factors)
        grow = " | ".join(f"{med[f] / med[factors[0]]:.1f}" if med[factors[0]] >= 0.01 else "–" for f in factors[1:])
        lines.append(f"| {st} | {cells} | {grow} | {peaks.get(st, 0):.1f} |")
    if 10 in runs:
        ten = statistics.median(runs[10][0])
        lines += ["", f"Target: the build at ×10 (1,500 standards, SHACL and HermiT included) in ≤ 30 s — "
                      f"{ten:.1f} s, whole process: {'met' if ten <= 30 else 'missed'}."]
    lines.append(MARK_END)
    publish("\n".join(lines), args.write, MARK_BEGIN, MARK_END, "Build")


if __name__ == "__main__":
    main()
