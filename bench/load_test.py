"""Loopback load test of `tanbiao serve` (issue 11) and its overhead next to the Oxigraph server (issue 15).

    python bench/load_test.py [--duration 60] [--connections 32] [--heavy 4] [--write docs/benchmarks.md]

1. idle: ``--connections`` keep-alive clients (threads, one ``httpx.Client`` each) send light queries for
   ``--duration`` s; every answer must be 200;
2. abuse: the same light load while ``--heavy`` clients loop on a query that runs to the timeout (``RUNAWAY``);
   light answers must all be 200 (the heavy ones get 503 by design: they are counted apart);
   light p99 under abuse is compared with light p99 idle (the issue asks for ≤ 5×); the server's memory
   (RSS of the server and its workers) is sampled before and after;
3. small queries, our endpoint next to ``oxigraph serve`` on the same data: sequential p50 / p99 and throughput
   with 8 and 32 keep-alive clients (run first, on a fresh server).

Everything binds to 127.0.0.1, every loop is bounded in time and count, every server is stopped at the end.
This is a benchmark, not a test: nothing here asserts; the figures go to stdout and, with --write, into a
marked section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil
from query_bench import oxigraph_bin, pct  # bench/ is on sys.path when a script here runs
from sections import publish
from servers import free_port, running

MARK_BEGIN, MARK_END = "<!-- load-test:begin -->", "<!-- load-test:end -->"
TB = "PREFIX tb: <https://w3id.org/tanbiao/def#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
LIGHT = [
    "ASK { ?s a <https://w3id.org/tanbiao/def#Standard> }",
    TB + "SELECT (COUNT(*) AS ?n) WHERE { ?s a tb:Standard }",
    TB + "SELECT ?s ?label WHERE { ?s a tb:Standard ; <http://purl.org/dc/terms/title> ?label } LIMIT 10",
    TB + "SELECT ?n ?l WHERE { ?c skos:notation ?n ; skos:prefLabel ?l } ORDER BY ?n LIMIT 20",
]
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
HEADERS = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}


def load(url: str, clients: int, duration: float, queries: list[str], stop: threading.Event | None = None,
         max_requests: int = 500_000) -> dict:
    """``clients`` threads cycling through ``queries`` for ``duration`` s: latencies of 200s, other answers."""
    lat: list[float] = []
    statuses: dict[str, int] = {}
    lock = threading.Lock()
    deadline = time.perf_counter() + duration

    def loop(k: int) -> None:
        mine, other, i = [], {}, k
        with httpx.Client(timeout=120, trust_env=False, headers=HEADERS) as client:
            while time.perf_counter() < deadline and len(mine) < max_requests // clients \
                    and not (stop and stop.is_set()):
                t0 = time.perf_counter()
                try:
                    r = client.post(url, content=queries[i % len(queries)].encode())
                    code = str(r.status_code)
                except httpx.HTTPError as exc:
                    code = type(exc).__name__
                i += 1
                if code == "200":
                    mine.append(time.perf_counter() - t0)
                else:
                    other[code] = other.get(code, 0) + 1
        with lock:
            lat.extend(mine)
            for c, n in other.items():
                statuses[c] = statuses.get(c, 0) + n

    threads = [threading.Thread(target=loop, args=(k,), daemon=True) for k in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=duration + 300)
    elapsed = time.perf_counter() - t0
    return {"ok": len(lat), "other": statuses, "qps": len(lat) / elapsed, "p50": pct(lat, 50) if lat else 0,
            "p99": pct(lat, 99) if lat else 0}


def sequential(url: str, reps: int) -> dict:
    lat = []
    with httpx.Client(timeout=60, trust_env=False, headers=HEADERS) as client:
        for i in range(reps + len(LIGHT)):
            t0 = time.perf_counter()
            r = client.post(url, content=LIGHT[i % len(LIGHT)].encode())
            if i >= len(LIGHT) and r.status_code == 200:  # the first round warms up
                lat.append(time.perf_counter() - t0)
    return {"p50": pct(lat, 50), "p99": pct(lat, 99)}


def rss(proc: subprocess.Popen) -> float:
    """MB resident: the server and its worker processes."""
    try:
        p = psutil.Process(proc.pid)
        return sum(q.memory_info().rss for q in [p, *p.children(recursive=True)]) / 1e6
    except psutil.Error:
        return 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--duration", type=float, default=60)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--heavy", type=int, default=4)
    ap.add_argument("--reps", type=int, default=200)
    ap.add_argument("--build", type=Path, help="a build folder (default: build one into a temporary folder)")
    ap.add_argument("--write", type=Path)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tanbiao-load-"))
    build = args.build
    if build is None:
        build = tmp / "build"
        subprocess.run([sys.executable, "-m", "tanbiao", "build", "-q", "--no-reason", "-o", str(build)], check=True)
    port = free_port()
    env_cmd = ["env", f"TANBIAO_STORE_DIR={tmp / 'store'}", "TANBIAO_QUERY_TIMEOUT=30"]
    cmd = [*env_cmd, sys.executable, "-m", "tanbiao", "serve", "--port", str(port), "--build-dir", str(build)]
    r: dict = {}
    with running(cmd, f"http://127.0.0.1:{port}/health", tmp / "serve.log") as proc:
        url = f"http://127.0.0.1:{port}/sparql"
        load(url, 4, 5, LIGHT)  # warm up
        print("small queries …", file=sys.stderr)
        r["ours"] = {"seq": sequential(url, args.reps), 8: load(url, 8, 20, LIGHT), 32: load(url, 32, 20, LIGHT)}
        r["rss_start"] = rss(proc)
        print("idle …", file=sys.stderr)
        r["idle"] = load(url, args.connections, args.duration, LIGHT)
        print("abuse …", file=sys.stderr)
        stop = threading.Event()
        heavy: dict = {}
        hthread = threading.Thread(target=lambda: heavy.update(load(url, args.heavy, args.duration, [RUNAWAY], stop)))
        hthread.start()
        time.sleep(1)
        r["abuse"] = load(url, args.connections, args.duration, LIGHT)
        stop.set()
        hthread.join()
        r["heavy"] = heavy
        r["rss_end"] = rss(proc)
    oxdir = tmp / "oxigraph"
    subprocess.run([oxigraph_bin(), "load", "--location", str(oxdir), "--file", str(build / "tanbiao.trig")],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = free_port()
    cmd = [oxigraph_bin(), "serve", "--location", str(oxdir), "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    with running(cmd, f"http://127.0.0.1:{port}/", tmp / "oxigraph.log"):
        url = f"http://127.0.0.1:{port}/query"
        load(url, 4, 5, LIGHT)
        r["oxigraph"] = {"seq": sequential(url, args.reps), 8: load(url, 8, 20, LIGHT), 32: load(url, 32, 20, LIGHT)}
    publish(_section(r, args), args.write, MARK_BEGIN, MARK_END, "Load test and endpoint overhead")


def _ms(x: float) -> str:
    return f"{x * 1000:.1f}"


def _section(r: dict, args) -> str:
    idle, abuse, heavy, ours, ox = r["idle"], r["abuse"], r["heavy"], r["ours"], r["oxigraph"]
    errors = lambda d: sum(d["other"].values())  # noqa: E731
    lines = [
        MARK_BEGIN,
        f"`python bench/load_test.py` — {time.strftime('%Y-%m-%d')}, {platform.python_version()}, "
        f"{os.cpu_count()} cores; `tanbiao serve` with its defaults (4 query workers, at most 2 heavy), "
        f"{args.connections} keep-alive connections × {args.duration:g} s of light queries, then the same "
        f"with {args.heavy} clients looping on a query that runs to the 30 s timeout.",
        "",
        "| phase | light answers | light errors | light qps | light p50 ms | light p99 ms | heavy: 200 / other |",
        "|---|---|---|---|---|---|---|",
        f"| idle | {idle['ok']} | {errors(idle)} {idle['other'] or ''} | {idle['qps']:.0f} | {_ms(idle['p50'])} | "
        f"{_ms(idle['p99'])} | – |",
        f"| {args.heavy} heavy running | {abuse['ok']} | {errors(abuse)} {abuse['other'] or ''} | {abuse['qps']:.0f} | "
        f"{_ms(abuse['p50'])} | {_ms(abuse['p99'])} | {heavy.get('ok', 0)} / {heavy.get('other', {})} |",
        "",
        f"Light p99 under abuse / idle: **{abuse['p99'] / idle['p99']:.2f}×** (the issue asks for ≤ 5×). Server "
        f"memory (server + workers, RSS): {r['rss_start']:.0f} MB before, {r['rss_end']:.0f} MB after.",
        "",
        "Small queries (the four light ones), our endpoint next to `oxigraph serve --union-default-graph` on the "
        "same build:",
        "",
        "| server | sequential p50 ms | p99 ms | qps, 8 clients | qps, 32 clients | errors |",
        "|---|---|---|---|---|---|",
    ]
    for name, d in (("our endpoint", ours), ("Oxigraph server", ox)):
        lines.append(f"| {name} | {_ms(d['seq']['p50'])} | {_ms(d['seq']['p99'])} | {d[8]['qps']:.0f} | "
                     f"{d[32]['qps']:.0f} | {errors(d[8]) + errors(d[32])} |")
    ratio = ours["seq"]["p50"] / ox["seq"]["p50"]
    lines += ["", f"p50 ratio ours / Oxigraph: {ratio:.2f}×; throughput ratio at 8 clients "
              f"{ours[8]['qps'] / ox[8]['qps']:.2f}, at 32 {ours[32]['qps'] / ox[32]['qps']:.2f} (issue 15 asks "
              "for ≤ 1.3× latency and ≥ 1 throughput).", MARK_END]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
