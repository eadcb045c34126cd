"""Benchmark the catalogue queries: in-process pyoxigraph, rdflib, our endpoint and the Oxigraph server.

    python bench/query_bench.py [--factors 1,10,100] [--reps 30,10,5] [--write docs/benchmarks.md]

For each scale factor the built graph is scaled (``bench/scale.py``: the document and links graphs copied with
per-copy IRIs, vocabularies shared) and every catalogue query, its parameters bound to their ``example``
values, is timed on four engines, one after the other on the same machine:

(a) pyoxigraph in-process on an on-disk store (query + serialisation to SPARQL JSON / Turtle): the floor;
(b) rdflib, an in-memory ``Dataset`` with the union of the named graphs as default graph, in a separate
    process; each query runs in a forked child that is stopped when the query's time cap is reached;
(c) our endpoint (``create_app`` under uvicorn, embedded backend, 2 query workers) over HTTP, POST
    ``application/sparql-query`` to ``/sparql``;
(d) the Oxigraph server (``oxigraph serve --union-default-graph``) over HTTP, the same request to ``/query``.

Latency: p50 and p99 (nearest rank, so with 30 runs p99 is the slowest run) after one warm-up run;
throughput: completed queries per second with 8 concurrent clients (threads, one ``httpx.Client`` each)
cycling through all catalogue queries for a fixed time, for (c) and (d). Every server binds to 127.0.0.1
and is stopped at the end. Figures go to stdout and, with --write, into a marked section of the Markdown file.
This is a benchmark, not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from query_report import ENGINE_LABEL, ENGINES, markers, report
from sections import write_section  # bench/ is on sys.path when a script here runs
from servers import free_port, running

ROOT = Path(__file__).resolve().parent.parent
ACCEPT = {"CONSTRUCT": "text/turtle", "DESCRIBE": "text/turtle"}
JSON_RESULTS = "application/sparql-results+json"


# --- helpers ---------------------------------------------------------------------------------------------

def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


@dataclass
class Timing:
    runs: list[float] = field(default_factory=list)  # seconds
    note: str = ""  # ">10 s", "error: …", "not run: …"

    @property
    def p50(self) -> float | None:
        return pct(self.runs, 50) if self.runs and not self.note.startswith(">") else None

    @property
    def best(self) -> float | None:
        """The fastest run: the least disturbed by other jobs on the machine (what the growth check uses)."""
        return min(self.runs) if self.runs and not self.note.startswith(">") else None

    @property
    def p99(self) -> float | None:
        return pct(self.runs, 99) if self.runs and not self.note.startswith(">") else None

    def cell(self) -> str:
        if self.note and not self.runs or self.note.startswith(">"):
            return self.note
        extra = f" ({self.note})" if self.note else ""
        return f"{self.p50 * 1000:.1f} / {self.p99 * 1000:.1f}{extra}"

    def ordering(self) -> float:
        """For 'slowest query': capped runs count as infinitely slow, errors as nothing."""
        if self.note.startswith(">"):
            return math.inf
        return self.p50 if self.runs else -1.0


SKIPPED_FILES: list[str] = []


def catalogue_queries() -> list[tuple[str, str, str]]:
    """(name, form, text with the example values bound) for every catalogue query; a file whose header does not
    load is left out (and named in the report) rather than stopping the benchmark."""
    from tanbiao.loaders.resources import query_dir

    from tanbiao.services.catalogue import CatalogueError, bind, catalogue, load_query

    try:
        queries = list(catalogue().values())
    except CatalogueError:
        queries = []
        for path in sorted(query_dir().glob("*.rq")):
            try:
                queries.append(load_query(path))
            except CatalogueError as exc:
                SKIPPED_FILES.append(f"{path.name} ({str(exc).split(': ', 1)[-1][:60]})")
    return [(q.name, q.form, bind(q, {p.name: p.example for p in q.params if p.example})) for q in queries]


def timed_runs(once, reps: int, cap: float) -> Timing:
    """One warm-up run, then up to ``reps`` timed runs, stopping once ``cap`` seconds have been spent. A query
    whose warm-up takes a second or more gets its warm-up counted as a run (a cache matters little there)."""
    t = Timing()
    t0 = time.perf_counter()
    once()
    warm = time.perf_counter() - t0
    if warm >= 1.0:
        t.runs.append(warm)
    while len(t.runs) < reps and sum(t.runs) + warm * (warm < 1.0) < cap:
        t0 = time.perf_counter()
        once()
        t.runs.append(time.perf_counter() - t0)
    if len(t.runs) < reps:
        t.note = f"{len(t.runs)} runs"
    return t


# --- (a) pyoxigraph and (b) rdflib in-process: in a worker process, each query in a forked child -------------
#
# A query cannot be interrupted inside a Python process, so the worker loads the data once and forks a child per
# query; the child runs the query and reports each run on a pipe, and is killed when one run takes longer than
# the hard limit. (The on-disk pyoxigraph store is opened in the child, after the fork: RocksDB has threads.)

def _runner(kind: str, path: str):
    """``run(text, form)`` for the engine ``kind``, plus a ``prepare()`` to call in the forked child."""
    if kind == "rdflib":
        import logging

        from rdflib import Dataset

        logging.getLogger("rdflib").setLevel(logging.ERROR)
        ds = Dataset(default_union=True)
        ds.parse(path, format="nquads")

        def run(text: str, form: str) -> int:
            return len(ds.query(text).serialize(format="turtle" if form in ("CONSTRUCT", "DESCRIBE") else "json"))

        return run, (lambda: None), len(ds)

    import pyoxigraph as ox

    holder: dict = {}
    if kind == "pyoxigraph-mem":
        holder["store"] = ox.Store()
        holder["store"].bulk_load(path=path, format=ox.RdfFormat.TRIG)

    def prepare() -> None:
        if kind == "pyoxigraph":
            holder["store"] = ox.Store.read_only(path)

    def run(text: str, form: str) -> int:
        res = holder["store"].query(text, use_default_graph_as_union=True)
        fmt = ox.RdfFormat.TURTLE if form in ("CONSTRUCT", "DESCRIBE") else ox.QueryResultsFormat.JSON
        return len(res.serialize(format=fmt))

    return run, prepare, len(holder["store"]) if "store" in holder else 0


def query_worker(kind: str, path: str) -> None:  # pragma: no cover - runs as a child process
    """Reads a job (queries, reps, cap, hard, warmup) as JSON on stdin; prints one JSON line per query."""
    job = json.loads(sys.stdin.read())
    t0 = time.perf_counter()
    run, prepare, size = _runner(kind, path)
    print(json.dumps({"load_s": time.perf_counter() - t0, "triples": size}), flush=True)
    for name, form, text in job["queries"]:
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            with os.fdopen(w, "w") as pipe:
                try:
                    prepare()
                    spent, counted, first = 0.0, 0, True
                    while counted < job["reps"] and spent < job["cap"]:
                        t1 = time.perf_counter()
                        run(text, form)
                        dt = time.perf_counter() - t1
                        # the first run is a warm-up, not counted unless it took a second or more
                        warm, first = job["warmup"] and first and dt < 1.0, False
                        pipe.write(json.dumps({"run": dt, "counted": not warm}) + "\n")
                        pipe.flush()
                        if not warm:
                            counted += 1
                            spent += dt
                except Exception as exc:  # any engine error is reported, not raised
                    pipe.write(json.dumps({"error": f"{type(exc).__name__}: {exc}"[:100]}) + "\n")
            os._exit(0)
        os.close(w)
        runs, error, buf, killed = [], "", b"", False
        with os.fdopen(r, "rb") as pipe:
            while True:
                if not select.select([pipe], [], [], job["hard"])[0]:
                    os.kill(pid, signal.SIGKILL)
                    killed = True
                    break
                chunk = os.read(pipe.fileno(), 65536)
                if not chunk:
                    break
                buf += chunk
        os.waitpid(pid, 0)
        for line in buf.decode().splitlines():
            msg = json.loads(line)
            if "error" in msg:
                error = msg["error"]
            elif msg["counted"]:
                runs.append(msg["run"])
        print(json.dumps({"name": name, "runs": runs, "error": error, "killed": killed}), flush=True)


def bench_worker(kind: str, path: Path, queries, reps: int, cap: float, hard: float, warmup: bool,
                 skip: dict[str, str]) -> tuple[dict[str, Timing], dict]:
    todo = [q for q in queries if q[0] not in skip]
    out = {name: Timing(note=note) for name, note in skip.items()}
    info: dict = {}
    if not todo:
        return out, info
    proc = subprocess.Popen([sys.executable, __file__, "--worker", kind, str(path)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        proc.stdin.write(json.dumps({"queries": todo, "reps": reps, "cap": cap, "hard": hard, "warmup": warmup}))
        proc.stdin.close()
        for line in proc.stdout:
            msg = json.loads(line)
            if "load_s" in msg:
                info = msg
                continue
            t = Timing(runs=msg["runs"])
            if msg["error"]:
                t.note = "error"
                info.setdefault("errors", {})[msg["name"]] = msg["error"]
            elif not t.runs:
                t.note = f">{hard:g} s"
            elif len(t.runs) < reps:
                t.note = f"{len(t.runs)} runs"
            out[msg["name"]] = t
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return out, info


# --- (c), (d) over HTTP -------------------------------------------------------------------------------------

def post(client, url: str, form: str, text: str):
    return client.post(url, content=text.encode("utf-8"),
                       headers={"Content-Type": "application/sparql-query; charset=utf-8",
                                "Accept": ACCEPT.get(form, JSON_RESULTS)})


class HTTPFailure(Exception):
    pass


def bench_http(url: str, queries, reps: int, cap: float, hard: float, skip: dict[str, str]) -> dict[str, Timing]:
    """Latency over one keep-alive connection; the servers stop a query after ``hard`` seconds themselves."""
    import httpx

    out = {name: Timing(note=note) for name, note in skip.items()}
    with httpx.Client(timeout=hard * 4, trust_env=False) as client:
        for name, form, text in queries:
            if name in skip:
                continue

            def once(form=form, text=text) -> int:
                t0 = time.perf_counter()
                r = post(client, url, form, text)
                if r.status_code != 200:
                    slow = time.perf_counter() - t0 >= 0.9 * hard
                    raise HTTPFailure(f">{hard:g} s (timeout)" if slow else f"error: HTTP {r.status_code}")
                return len(r.content)

            try:
                out[name] = timed_runs(once, reps, cap)
            except (HTTPFailure, httpx.HTTPError) as exc:
                out[name] = Timing(note=str(exc)[:60])
    return out


def throughput(url: str, queries, clients: int, duration: float, max_requests: int = 200_000) -> dict:
    """Completed queries per second with ``clients`` threads cycling through the catalogue for ``duration`` s."""
    import httpx

    done, errors, lock = [0], [0], threading.Lock()
    start = time.perf_counter()
    deadline = start + duration

    def client_loop(k: int) -> None:
        i = k * len(queries) // clients
        ok = bad = 0
        with httpx.Client(timeout=60, trust_env=False) as client:
            while time.perf_counter() < deadline and ok + bad < max_requests // clients:
                name, form, text = queries[i % len(queries)]
                i += 1
                try:
                    r = post(client, url, form, text)
                    ok, bad = (ok + 1, bad) if r.status_code == 200 else (ok, bad + 1)
                except httpx.HTTPError:
                    bad += 1
        with lock:
            done[0] += ok
            errors[0] += bad

    threads = [threading.Thread(target=client_loop, args=(k,), daemon=True) for k in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=duration + 180)
    elapsed = time.perf_counter() - start
    return {"qps": done[0] / elapsed, "done": done[0], "errors": errors[0], "elapsed": elapsed}


ENDPOINT_CODE = """
import sys
from pathlib import Path
import uvicorn
from tanbiao.api.app import create_app
from tanbiao.api.config import Settings
app = create_app(Settings(build_dir=Path(sys.argv[1]), store_dir=Path(sys.argv[2]), workers=2,
                          query_timeout=float(sys.argv[4])))
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[3]), log_level="warning")
"""


def oxigraph_bin() -> str:
    here = Path(sys.executable).parent / "oxigraph"
    return str(here) if here.exists() else (shutil.which("oxigraph") or "oxigraph")


# --- one scale factor ---------------------------------------------------------------------------------------

def run_factor(factor: int, src: Path, work: Path, queries, args, reps: int, skip: dict[str, dict]) -> dict:
    """Everything at one scale factor. ``skip[engine]``: queries over the limit on that engine at a smaller scale."""
    import pyoxigraph as ox
    from scale import scale

    log = (lambda *a: print(f"[×{factor}]", *a, file=sys.stderr, flush=True)) if not args.quiet else (lambda *a: None)
    fdir = work / f"x{factor}"
    build = fdir / "build"
    build.mkdir(parents=True) if args.model == "copies" else fdir.mkdir(parents=True)
    trig = build / "tanbiao.trig"
    if args.model == "copies":
        counts = scale(src, factor, trig)
    else:  # the real build over a guide whose standards list is ×factor (no HermiT: it does not change the graph)
        from scale_document import scaled_sources

        from tanbiao.pipeline import build as build_graph

        summary = build_graph(build, sources=scaled_sources(factor, fdir / "sources")[0], reason=False).summary
        counts = {"quads": summary["triples"], "graphs": len(summary["named_graphs"])}
    res: dict = {"factor": factor, "reps": reps, "quads": counts["quads"], "graphs": counts["graphs"],
                 "trig_mb": trig.stat().st_size / 2**20, "timings": {}, "info": {}}

    t0 = time.perf_counter()
    store = ox.Store(str(fdir / "inproc"))
    store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    store.flush()
    res["load_s"] = time.perf_counter() - t0
    res["triples"] = int(next(iter(store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }")))["n"].value)
    res["standards"] = int(next(iter(store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s a <https://w3id.org/tanbiao/def#Standard> } }")))["n"].value)
    res["rows"] = {name: answer_size(store, form, text) for name, form, text in queries}
    nquads = fdir / "tanbiao.nq"
    store.dump(output=str(nquads), format=ox.RdfFormat.N_QUADS)
    del store
    log(f"{res['quads']} quads, {res['standards']} standards; store loaded in {res['load_s']:.1f} s")

    tm = res["timings"]
    for kind, path in (("pyoxigraph", fdir / "inproc"), ("pyoxigraph-mem", trig)):
        if kind in args.engines:
            log(ENGINE_LABEL[kind])
            tm[kind], res["info"][kind] = bench_worker(kind, path, queries, reps, args.cap, args.hard, True,
                                                       skip.get(kind, {}))
    if "endpoint" in args.engines:
        bench_endpoint(build, fdir, queries, args, reps, skip, res)
    if "oxigraph-server" in args.engines:
        bench_oxigraph_server(trig, fdir, queries, args, reps, skip, res)
    if "rdflib" not in args.engines:
        pass
    elif factor <= args.rdflib_max_factor:
        log("rdflib")
        res["rdflib_reps"] = min(reps, args.rdflib_reps)
        tm["rdflib"], res["rdflib_info"] = bench_worker(
            "rdflib", nquads, queries, res["rdflib_reps"], args.rdflib_cap, args.rdflib_cap, False,
            skip.get("rdflib", {}))
    else:
        tm["rdflib"] = {n: Timing(note="not run") for n, _, _ in queries}
    shutil.rmtree(fdir, ignore_errors=True)
    return res


def answer_size(store, form: str, text: str) -> int:
    """Rows of a SELECT, triples of a CONSTRUCT, 1 for an ASK: what a query's cost has to grow with at least."""
    import pyoxigraph as ox

    result = store.query(text, use_default_graph_as_union=True)
    return 1 if isinstance(result, ox.QueryBoolean) else sum(1 for _ in result)


def bench_endpoint(build: Path, fdir: Path, queries, args, reps: int, skip: dict, res: dict) -> None:
    port = free_port()
    cmd = [sys.executable, "-c", ENDPOINT_CODE, str(build), str(fdir / "endpoint-store"), str(port), str(args.hard)]
    with running(cmd, f"http://127.0.0.1:{port}/health", fdir / "endpoint.log"):
        url = f"http://127.0.0.1:{port}/sparql"
        res["timings"]["endpoint"] = bench_http(url, queries, reps, args.cap, args.hard, skip.get("endpoint", {}))
        res["tp_endpoint"] = throughput(url, queries, args.clients, args.duration)


def bench_oxigraph_server(trig: Path, fdir: Path, queries, args, reps: int, skip: dict, res: dict) -> None:
    oxdir = fdir / "oxigraph-store"
    subprocess.run([oxigraph_bin(), "load", "--location", str(oxdir), "--file", str(trig)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=900)
    port = free_port()
    cmd = [oxigraph_bin(), "serve", "--location", str(oxdir), "--bind", f"127.0.0.1:{port}", "--union-default-graph",
           "--timeout-s", f"{args.hard:g}"]
    with running(cmd, f"http://127.0.0.1:{port}/", fdir / "oxigraph.log"):
        url = f"http://127.0.0.1:{port}/query"
        res["timings"]["oxigraph-server"] = bench_http(url, queries, reps, args.cap, args.hard,
                                                       skip.get("oxigraph-server", {}))
        res["tp_oxigraph"] = throughput(url, queries, args.clients, args.duration)


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        query_worker(sys.argv[2], sys.argv[3])
        return
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that servers are stopped (finally blocks)
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--factors", default="1,10,100")
    ap.add_argument("--reps", default="30,10,3", help="runs per query and engine, per factor (last one repeats)")
    ap.add_argument("--input", type=Path, default=ROOT / "data/build/tanbiao.trig")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--duration", type=float, default=10.0, help="seconds of the throughput test")
    ap.add_argument("--cap", type=float, default=10.0, help="seconds of timed runs per query and engine")
    ap.add_argument("--hard", type=float, default=30.0, help="a single run longer than this is stopped (the "
                    "endpoint's default query timeout)")
    ap.add_argument("--rdflib-cap", type=float, default=5.0, help="seconds per query for rdflib (runs and limit)")
    ap.add_argument("--rdflib-reps", type=int, default=3, help="at most this many rdflib runs per query")
    ap.add_argument("--rdflib-max-factor", type=int, default=100, help="skip rdflib above this factor")
    ap.add_argument("--engines", default=",".join(ENGINES), help=f"engines to time, of {', '.join(ENGINES)}")
    ap.add_argument("--model", choices=("copies", "document"), default="copies",
                    help="how the data grows: copies of the built graph (bench/scale.py), or the real build over a "
                         "guide whose standards list is repeated (bench/scale_document.py)")
    ap.add_argument("--write", type=Path, help="Markdown file to update (the section between --section's markers)")
    ap.add_argument("--section", help="the section's markers in that file (default: query-bench for --model copies, "
                                      "query-growth for --model document)")
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args()
    args.engines = [e for e in ENGINES if e in args.engines.split(",")]
    args.section = args.section or ("query-bench" if args.model == "copies" else "query-growth")
    if not args.input.is_file():
        sys.exit(f"{args.input} not found: run `tanbiao build` first")

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    factors = [int(f) for f in args.factors.split(",")]
    reps_list = [int(r) for r in args.reps.split(",")]
    queries = catalogue_queries()
    results: list[dict] = []
    skip: dict[str, dict] = {e: {} for e in ENGINES}
    with tempfile.TemporaryDirectory(prefix="tanbiao-qbench-") as tmp:
        for i, factor in enumerate(factors):
            reps = reps_list[min(i, len(reps_list) - 1)]
            r = run_factor(factor, args.input, Path(tmp), queries, args, reps, {e: dict(s) for e, s in skip.items()})
            results.append(r)
            for e in args.engines:  # over the limit here: not run again at a larger scale
                for n, t in r["timings"][e].items():
                    if t.note.startswith(">") and n not in skip[e]:
                        skip[e][n] = f"{t.note.split(' (')[0]} at ×{factor}"
    block = report(results, queries, args)
    print(block)
    if args.write:
        write_section(args.write, *markers(args.section), block, args.section)


if __name__ == "__main__":
    main()
