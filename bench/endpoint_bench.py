"""Where the endpoint's time goes, and its throughput beside the Oxigraph server's, at ×1 and ×10.

    python bench/endpoint_bench.py [--factors 1,10] [--runs 300] [--duration 8] [--write docs/benchmarks.md]

Latency (sequential requests, one keep-alive client, p50 after a warm-up) of the same queries through layers
added one at a time, each over the same on-disk store:

1. ``execute``: pyoxigraph on the store opened read-only, query and serialisation (what a worker does);
2. the query pool in-process (``QueryPool.run``): + the hand-off to a worker process and back;
3. HTTP floor: a bare Starlette app under uvicorn answering a fixed body (uvicorn + httpx, no query);
4. HTTP + pool: that bare app running the query through the pool (no FastAPI routing, negotiation or CORS);
5. our endpoint without its CORS middleware (``create_app``, the middleware removed in this script only);
6. our endpoint as served (``create_app``);
7. ``oxigraph serve``.

So 2 − 1 is the worker hand-off, 4 − 3 − 2 what remains of running the pool behind HTTP, 5 − 4 FastAPI's
routing, the protocol checks and content negotiation, 6 − 5 the CORS middleware, 6 ÷ 7 the ratio the issue
sets targets for. Throughput: completed queries per second with 8 and 32 keep-alive clients (threads spread over
client processes, so the client is not the limit) on the small queries and on the mixed catalogue load. Every
server binds to 127.0.0.1 and is stopped at the end. This is a benchmark: nothing here asserts.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from query_bench import catalogue_queries, oxigraph_bin, post  # noqa: E402
from scale import scale  # noqa: E402
from sections import machine, publish, today, version  # noqa: E402
from servers import free_port, running  # noqa: E402

MARK_BEGIN, MARK_END = "<!-- endpoint-bench:begin -->", "<!-- endpoint-bench:end -->"
ROOT = Path(__file__).resolve().parent.parent
PREFIX = "PREFIX tb: <https://w3id.org/tanbiao/def#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
SMALL = {  # lookups and counts: a few rows, where per-request overhead dominates
    "count": ("SELECT", PREFIX + "SELECT (COUNT(?s) AS ?n) WHERE { ?s a tb:Standard }"),
    "lookup": ("SELECT", PREFIX + "SELECT ?label WHERE { <https://w3id.org/tanbiao/concept/steel> skos:prefLabel "
                                  "?label }"),
    "ask": ("ASK", PREFIX + "ASK { ?s a tb:Standard }"),
}
LARGE = {"1,000 rows": ("SELECT", "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 1000")}
LAYERS = ("execute", "pool", "http floor", "http + pool", "endpoint, no CORS", "endpoint", "oxigraph server")

SERVER = """
import sys
from pathlib import Path
import uvicorn
from tanbiao.api.config import Settings
mode, build, store, port = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
if mode.startswith("endpoint"):
    from tanbiao.api.app import create_app
    app = create_app(Settings(build_dir=build, store_dir=store, workers=2))
    if mode == "endpoint-no-cors":
        app.user_middleware = [m for m in app.user_middleware if m.cls.__name__ != "CORSMiddleware"]
else:
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import Response
    from starlette.routing import Route
    from tanbiao.api.stores import store_version
    from tanbiao.api.workers import QueryPool, QueryRequest, query_job
    version = store_version(build, store, {})
    pool = QueryPool(2) if mode == "bare-pool" else None
    async def sparql(request):
        text = (await request.body()).decode()
        if pool is None:
            return Response(b'{"head":{"vars":[]},"results":{"bindings":[]}}', media_type="application/json")
        res = await run_in_threadpool(lambda: pool.run(query_job, QueryRequest(text), store=version))
        return Response(res.body, media_type="application/sparql-results+json")
    async def health(request):
        return Response(b"ok")
    app = Starlette(routes=[Route("/sparql", sparql, methods=["POST"]), Route("/health", health)])
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
"""


PLAIN = {"Accept-Encoding": "identity"}  # no compression on either server (see over_http)


def p50(fn, runs: int) -> float:
    fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def in_process(version, queries: dict, runs: int) -> dict[str, dict[str, float]]:
    import pyoxigraph as ox
    from tanbiao.api.workers import QueryPool, QueryRequest, execute, query_job

    store = ox.Store.read_only(str(version.store_dir))
    out = {"execute": {n: p50(lambda t=t: execute(store, QueryRequest(t)), runs) for n, (_, t) in queries.items()}}
    pool = QueryPool(2)  # after the figures above: its workers start (import, open the store) now
    try:
        for _ in range(20):
            pool.run(query_job, QueryRequest(SMALL["ask"][1]), store=version)
        out["pool"] = {n: p50(lambda t=t: pool.run(query_job, QueryRequest(t), store=version), runs)
                       for n, (_, t) in queries.items()}
    finally:
        pool.close()
    return out


def over_http(url: str, queries: dict, runs: int) -> dict[str, float]:
    import httpx

    # like for like: the Oxigraph server never compresses, and on loopback gzip is pure cost (our endpoint
    # compresses a result over 1 KB when asked, as httpx does by default)
    with httpx.Client(trust_env=False, timeout=60, headers=PLAIN) as client:
        def once(form: str, text: str) -> None:
            r = post(client, url, form, text)
            assert r.status_code == 200, r.text[:200]
        return {n: p50(lambda f=f, t=t: once(f, t), runs) for n, (f, t) in queries.items()}


def _client_process(url: str, queries: list, threads: int, duration: float, out) -> None:  # pragma: no cover
    import httpx

    counts, lock = [0, 0], threading.Lock()
    deadline = time.perf_counter() + duration

    def loop(k: int) -> None:
        ok = bad = 0
        i = k
        with httpx.Client(timeout=60, trust_env=False, headers=PLAIN) as client:
            while time.perf_counter() < deadline:
                _name, form, text = queries[i % len(queries)]
                i += 1
                try:
                    ok, bad = (ok + 1, bad) if post(client, url, form, text).status_code == 200 else (ok, bad + 1)
                except httpx.HTTPError:
                    bad += 1
        with lock:
            counts[0] += ok
            counts[1] += bad

    ts = [threading.Thread(target=loop, args=(k,)) for k in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    out.put(tuple(counts))


def throughput(url: str, queries: list, clients: int, duration: float, processes: int = 4) -> dict:
    """Queries per second with ``clients`` keep-alive clients (threads over ``processes`` client processes)."""
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    per = [clients // processes + (1 if k < clients % processes else 0) for k in range(processes)]
    procs = [ctx.Process(target=_client_process, args=(url, queries[k:] + queries[:k], n, duration, out))
             for k, n in enumerate(per) if n]
    t0 = time.perf_counter()
    for p in procs:
        p.start()
    results = [out.get(timeout=duration + 120) for _ in procs]
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - t0
    return {"qps": sum(r[0] for r in results) / elapsed, "errors": sum(r[1] for r in results)}


def run_factor(factor: int, src: Path, work: Path, args) -> dict:
    import pyoxigraph as ox

    build = work / f"x{factor}" / "build"
    build.mkdir(parents=True)
    scale(src, factor, build / "tanbiao.trig")
    store_dir = work / f"x{factor}" / "store"
    from tanbiao.api.stores import store_version

    version = store_version(build, store_dir, {})
    queries = {**SMALL, **LARGE}
    res: dict = {"factor": factor, "latency": in_process(version, queries, args.runs), "throughput": {}}
    res["triples"] = len(ox.Store.read_only(str(version.store_dir)))
    catalogue = catalogue_queries()
    small = [(n, f, t) for n, (f, t) in SMALL.items()]
    modes = (("http floor", "bare"), ("http + pool", "bare-pool"), ("endpoint, no CORS", "endpoint-no-cors"),
             ("endpoint", "endpoint"))
    for layer, mode in modes:
        port = free_port()
        cmd = [sys.executable, "-c", SERVER, mode, str(build), str(work / f"x{factor}" / f"store-{mode}"), str(port)]
        with running(cmd, f"http://127.0.0.1:{port}/health", work / f"{mode}.log"):
            url = f"http://127.0.0.1:{port}/sparql"
            res["latency"][layer] = over_http(url, queries if mode != "bare" else SMALL, args.runs)
            if mode == "endpoint":
                for load, qs in (("small", small), ("catalogue", catalogue)):
                    for clients in (8, 32):
                        res["throughput"][("endpoint", load, clients)] = throughput(url, qs, clients, args.duration)
    oxdir = work / f"x{factor}" / "oxigraph"
    subprocess.run([oxigraph_bin(), "load", "--location", str(oxdir), "--file", str(build / "tanbiao.trig")],
                   check=True, capture_output=True, timeout=900)
    port = free_port()
    cmd = [oxigraph_bin(), "serve", "--location", str(oxdir), "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    with running(cmd, f"http://127.0.0.1:{port}/", work / "oxigraph.log"):
        url = f"http://127.0.0.1:{port}/query"
        res["latency"]["oxigraph server"] = over_http(url, queries, args.runs)
        for load, qs in (("small", small), ("catalogue", catalogue)):
            for clients in (8, 32):
                res["throughput"][("oxigraph", load, clients)] = throughput(url, qs, clients, args.duration)
    return res


def report(results: list[dict], args) -> str:
    names = [*SMALL, *LARGE]
    lines = [MARK_BEGIN, f"Measured {today()} on {machine()}; pyoxigraph/oxigraph "
             f"{version('pyoxigraph')}, uvicorn {version('uvicorn')}, FastAPI {version('fastapi')}. "
             f"`python bench/endpoint_bench.py --factors {args.factors} --runs {args.runs} --duration "
             f"{args.duration:g}`. Graphs scaled by `bench/scale.py`. Clients and servers share the machine's "
             "cores (and other developers' jobs). Latency: p50 of sequential requests, one keep-alive client; "
             "no compression asked of either server (Accept-Encoding: identity).",
             ""]
    for r in results:
        lat = r["latency"]
        lines += [f"### ×{r['factor']} ({r['triples']} triples) — p50 latency (ms) per layer, {today()}", "",
                  "| query | " + " | ".join(LAYERS) + " | endpoint ÷ Oxigraph server |",
                  "|---|" + "---|" * (len(LAYERS) + 1)]
        for n in names:
            cells = [f"{lat[layer][n] * 1000:.2f}" if n in lat[layer] else "–" for layer in LAYERS]
            lines.append(f"| {n} | " + " | ".join(cells) +
                         f" | {lat['endpoint'][n] / lat['oxigraph server'][n]:.2f} |")
        s = {layer: statistics.mean(lat[layer][n] for n in SMALL) * 1000 for layer in LAYERS}
        lines += ["", f"Where the time of a small query goes at ×{r['factor']} (mean of the small queries, ms): "
                  f"query + serialisation {s['execute']:.2f}; worker hand-off {s['pool'] - s['execute']:.2f}; "
                  f"HTTP (uvicorn + client) {s['http floor']:.2f}; the pool behind HTTP (thread pool) "
                  f"{s['http + pool'] - s['http floor'] - s['pool']:.2f}; FastAPI routing, protocol checks and "
                  f"negotiation {s['endpoint, no CORS'] - s['http + pool']:.2f}; CORS middleware "
                  f"{s['endpoint'] - s['endpoint, no CORS']:.2f}; total {s['endpoint']:.2f} against the Oxigraph "
                  f"server's {s['oxigraph server']:.2f} ({s['endpoint'] / s['oxigraph server']:.2f}×).", ""]
    lines += [f"### Throughput (queries/s, keep-alive clients; errors in brackets), {today()}", "",
              "| scale | load | clients | our endpoint | Oxigraph server | endpoint ÷ Oxigraph |",
              "|---|---|---|---|---|---|"]
    for r in results:
        for (engine, load, clients), tp in r["throughput"].items():
            if engine != "endpoint":
                continue
            o = r["throughput"][("oxigraph", load, clients)]
            lines.append(f"| ×{r['factor']} | {load} | {clients} | {tp['qps']:.0f} ({tp['errors']}) | "
                         f"{o['qps']:.0f} ({o['errors']}) | {tp['qps'] / o['qps']:.2f} |")
    lines += ["", f"### Targets, {today()}", "", "| target | figure | met? |", "|---|---|---|"]
    for r in results:
        lat = r["latency"]
        ratio = {n: lat["endpoint"][n] / lat["oxigraph server"][n] for n in names}
        small, large = max(ratio[n] for n in SMALL), max(ratio[n] for n in LARGE)
        lines.append(f"| ×{r['factor']}: endpoint ≤ 1.3× the Oxigraph server's time on small queries | worst "
                     f"{small:.2f}× | {'yes' if small <= 1.3 else 'no'} |")
        lines.append(f"| ×{r['factor']}: … ≤ 1.1× on a large result | {large:.2f}× | "
                     f"{'yes' if large <= 1.1 else 'no'} |")
        tps = [(k, tp, r["throughput"][("oxigraph", *k[1:])]) for k, tp in r["throughput"].items()
               if k[0] == "endpoint"]
        worst = min(tp["qps"] / o["qps"] for _k, tp, o in tps)
        errors = sum(tp["errors"] + o["errors"] for _k, tp, o in tps)
        lines.append(f"| ×{r['factor']}: throughput ≥ the Oxigraph server's (8 and 32 clients, small and catalogue "
                     f"load), 0 errors | worst {worst:.2f}×, {errors} errors | "
                     f"{'yes' if worst >= 1 and not errors else 'no'} |")
    lines += ["", "Measured over the sandboxed workers and the gate (issue 11): these figures say where the time "
              "goes; the reading in 'Reading the figures' says what is missed and why.", MARK_END]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--factors", default="1,10")
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--duration", type=float, default=8.0, help="seconds per throughput measurement")
    ap.add_argument("--input", type=Path, default=ROOT / "data/build/tanbiao.trig")
    ap.add_argument("--write", type=Path)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="tanbiao-ebench-") as tmp:
        results = [run_factor(int(f), args.input, Path(tmp), args) for f in args.factors.split(",")]
    publish(report(results, args), args.write, MARK_BEGIN, MARK_END, "Endpoint overhead and throughput")


if __name__ == "__main__":
    main()
