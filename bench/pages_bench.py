"""Benchmark the linked-data pages: latency of an IRI's page per kind and representation, on `tanbiao serve`.

    python bench/pages_bench.py [--runs 20] [--build-dir data/build] [--write docs/benchmarks.md]

Starts `tanbiao serve` on a free loopback port over an existing build (embedded store), warms each URL up once,
then times ``--runs`` sequential GETs with one keep-alive client; reports p50 and the slowest run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sections import publish  # noqa: E402
from servers import free_port, running  # noqa: E402

MARK_BEGIN, MARK_END = "<!-- pages-bench:begin -->", "<!-- pages-bench:end -->"
CASES = [
    ("/", "text/html"), ("/standard/2021-1808T-SJ", "text/html"), ("/standard/2021-1808T-SJ", "text/turtle"),
    ("/concept/steel", "text/html"), ("/concept/steel", "application/ld+json"), ("/framework/2.1", "text/html"),
    ("/direction/2.1", "text/html"), ("/item/2.1-8", "text/html"), ("/def", "text/html"),
    ("/standard/GB-T-99999-2099", "text/html"),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--build-dir", type=Path, default=Path("data/build"))
    ap.add_argument("--write", type=Path)
    args = ap.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["TANBIAO_STORE_DIR"] = str(Path(tmp) / "store")
        cmd = [sys.executable, "-m", "tanbiao", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--build-dir", str(args.build_dir)]
        with running(cmd, base + "/health", Path(tmp) / "serve.log"), httpx.Client(base_url=base, timeout=60) as client:
            lines = [MARK_BEGIN, f"Measured {time.strftime('%Y-%m-%d')} with `python bench/pages_bench.py`: "
                     f"`tanbiao serve` (embedded store, 1× build), one keep-alive client, {args.runs} runs after a "
                     "warm-up (the first request of the home page computes the gap report once).", "",
                     "| path | Accept | status | bytes | p50 (ms) | slowest (ms) |", "|---|---|---|---|---|---|"]
            for path, accept in CASES:
                client.get(path, headers={"Accept": accept})
                times = []
                for _ in range(args.runs):
                    t0 = time.perf_counter()
                    r = client.get(path, headers={"Accept": accept})
                    times.append((time.perf_counter() - t0) * 1000)
                row = (f"| `{path}` | {accept} | {r.status_code} | {len(r.content)} | "
                       f"{statistics.median(times):.1f} | {max(times):.1f} |")
                print(row, flush=True)
                lines.append(row)
            lines.append(MARK_END)
    publish("\n".join(lines), args.write, MARK_BEGIN, MARK_END, "Linked-data pages")


if __name__ == "__main__":
    main()
