"""Benchmark the gap report as served, over the materialised assessments, at 1×, 10× and 100×.

    python bench/gap_bench.py [--factors 1,10,100] [--reps 5] [--write docs/benchmarks.md]

The graph is scaled by bench/scale.py (copies of the standards, items and their assessments; shared framework
and concepts) into a build folder of its own, and served by the real app in-process (FastAPI's TestClient, the
embedded on-disk store). The verdicts are derived at build time (the assess stage, timed by
bench/build_bench.py); serving reads them: the report is computed once per build (its queries: `gaps`,
`gap-evidence`, `standards`, labels, codes) and every row is encoded once, so a request only filters and joins
bytes. Figures: the first `/api/gaps` (computes the report), then the median of warm requests for the whole
JSON and for one direction (2.1), without compression (`Accept-Encoding: identity`).
Targets (issue 12): the whole `/api/gaps` JSON at 100× in ≤ 1 s, one direction in ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import scale  # noqa: E402
from sections import publish  # noqa: E402

MARK_BEGIN, MARK_END = "<!-- gap-bench:begin -->", "<!-- gap-bench:end -->"
PLAIN = {"Accept-Encoding": "identity", "Accept": "application/json"}


def _median_ms(client, path: str, reps: int) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(reps):
        t0 = time.perf_counter()
        r = client.get(path, headers=PLAIN)
        times.append(time.perf_counter() - t0)
        assert r.status_code == 200, r.text[:200]
        size = len(r.content)
    return statistics.median(times) * 1000, size


def measure(build: Path, store: Path, reps: int) -> dict:
    from fastapi.testclient import TestClient
    from tanbiao.api.app import create_app
    from tanbiao.api.config import Settings

    t0 = time.perf_counter()
    with TestClient(create_app(Settings(build_dir=build, store_dir=store)), base_url="http://testserver") as c:
        started = time.perf_counter() - t0
        t0 = time.perf_counter()
        first = c.get("/api/gaps", headers=PLAIN)
        cold = time.perf_counter() - t0
        items = len(first.json())
        whole, size = _median_ms(c, "/api/gaps", reps)
        one, one_size = _median_ms(c, "/api/gaps?direction=2.1", reps)
    return {"start": started * 1000, "cold": cold * 1000, "whole": whole, "size": size, "one": one,
            "one_size": one_size, "items": items}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--factors", default="1,10,100")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--input", type=Path, default=Path("data/build/tanbiao.trig"))
    ap.add_argument("--write", type=Path)
    args = ap.parse_args()
    lines = [MARK_BEGIN, f"Measured {time.strftime('%Y-%m-%d')} with `python bench/gap_bench.py`; warm figures are the "
             f"median of {args.reps} requests to the app in-process (embedded store), uncompressed.", "",
             "| scale | triples | items | server start (ms) | first `/api/gaps` = report computed (ms) "
             "| whole `/api/gaps` JSON, warm (ms) | size (MB) | one direction (2.1), warm (ms) | size (MB) |",
             "|---|---|---|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        for factor in (int(f) for f in args.factors.split(",")):
            build = Path(tmp) / f"x{factor}"
            build.mkdir()
            counts = scale(args.input, factor, build / "tanbiao.trig")
            m = measure(build, Path(tmp) / f"store-x{factor}", args.reps)
            row = (f"| {factor}× | {sum(counts.values())} | {m['items']} | {m['start']:.0f} | {m['cold']:.0f} "
                   f"| {m['whole']:.0f} | {m['size'] / 1e6:.1f} | {m['one']:.0f} | {m['one_size'] / 1e6:.1f} |")
            print(row, flush=True)
            lines.append(row)
    lines += ["", "Targets: the whole `/api/gaps` JSON at 100× in ≤ 1 s; one direction in ≤ 100 ms.", MARK_END]
    publish("\n".join(lines), args.write, MARK_BEGIN, MARK_END, "Gap analysis")


if __name__ == "__main__":
    main()
