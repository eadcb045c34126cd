"""Benchmark the build: wall time and peak memory, whole pipeline and per stage.

    python bench/build_bench.py [--runs 3] [--write docs/benchmarks.md]

Each run is a fresh process (``tanbiao build`` into a temporary folder), so start-up and
imports are included in the whole-pipeline figure; per-stage times come from the build's
own timer. Peak memory per stage is measured in a separate instrumented run with
tracemalloc (Python heap only); the process-wide peak RSS of the run and of its Java
(HermiT) child come from getrusage. Figures go to stdout and, with --write, into a
marked section of the Markdown file.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from sections import publish  # bench/ is on sys.path when a script here runs

MARK_BEGIN = "<!-- build-bench:begin -->"
MARK_END = "<!-- build-bench:end -->"


def whole_runs(runs: int) -> tuple[list[float], list[dict], int]:
    times, summaries, peak_rss = [], [], 0
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "build"
            code = (
                "import resource,sys; from tanbiao.cli import app; "
                f"sys.argv=['tanbiao','build','-q','-o',{str(out)!r}]; "
                "\ntry: app()\nexcept SystemExit: pass\n"
                "print('RSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
                "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
            )
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


def machine() -> str:
    cpu = ""
    with contextlib.suppress(OSError, StopIteration), open("/proc/cpuinfo") as fh:
        cpu = next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    return f"{os.cpu_count()} cores, {cpu or platform.processor()}, Python {platform.python_version()}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--write", type=Path, help="Markdown file to update (section between build-bench markers)")
    args = ap.parse_args()

    times, summaries, peak_rss = whole_runs(args.runs)
    peaks = stage_memory()
    stages = [k for k in summaries[0]["timings_s"] if k != "total"]
    lines = [
        MARK_BEGIN,
        f"Measured {time.strftime('%Y-%m-%d')} on {machine()}; {args.runs} runs, "
        f"graph of {summaries[0]['triples']} triples, 150 standards.",
        "",
        "| measure | median | min | max |",
        "|---|---|---|---|",
        f"| `tanbiao build` wall time, whole process (s) | {statistics.median(times):.2f} | {min(times):.2f} | "
        f"{max(times):.2f} |",
    ]
    totals = [s["timings_s"]["total"] for s in summaries]
    lines.append(f"| pipeline time inside the process (s) | {statistics.median(totals):.2f} | {min(totals):.2f} | "
                 f"{max(totals):.2f} |")
    lines += [
        "",
        f"Peak resident memory: Python process {peak_rss / 1024:.0f} MiB; HermiT (Java child) "
        f"{max(s['_java_rss_kb'] for s in summaries) / 1024:.0f} MiB.",
        "",
        "| stage | median time (s) | peak Python heap during stage (MiB) |",
        "|---|---|---|",
    ]
    for st in stages:
        med = statistics.median(s["timings_s"][st] for s in summaries)
        lines.append(f"| {st} | {med:.2f} | {peaks.get(st, 0):.1f} |")
    lines.append(MARK_END)
    publish("\n".join(lines), args.write, MARK_BEGIN, MARK_END, "Build")


if __name__ == "__main__":
    main()
