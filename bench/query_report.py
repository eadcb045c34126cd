"""The Markdown report of ``bench/query_bench.py``: latency per engine and scale, throughput, growth and targets."""

from __future__ import annotations

import statistics

from sections import machine, today, version

__all__ = ["ENGINES", "ENGINE_LABEL", "GROWTH_LIMIT", "markers", "report", "growth_rows"]



def markers(section: str) -> tuple[str, str]:
    """The markers of a report's section in docs/benchmarks.md (``query-bench``, ``query-growth`` …)."""
    return f"<!-- {section}:begin -->", f"<!-- {section}:end -->"
ENGINES = ("pyoxigraph", "pyoxigraph-mem", "rdflib", "endpoint", "oxigraph-server")
ENGINE_LABEL = {"pyoxigraph": "pyoxigraph in-process", "pyoxigraph-mem": "pyoxigraph in-memory (ref.)",
                "rdflib": "rdflib in-memory",
                "endpoint": "our endpoint (HTTP)", "oxigraph-server": "Oxigraph server (HTTP)"}
GROWTH_LIMIT = 12.0  # issue: no catalogue query may take more than ~12× longer at ×10 than at ×1


def ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:.1f}"


CHECKED = ("pyoxigraph", "pyoxigraph-mem")  # the in-process engines: no HTTP, no worker hand-off in the figure


def growth_rows(small: dict, large: dict, names: list[str], engines: list[str]) -> list[dict]:
    """Per query: time growth per engine (fastest run at the larger scale ÷ fastest run at the smaller) and answer
    growth. A query is over the limit when it is over on every in-process engine that ran (on a shared machine
    one engine's figure alone can be a disturbed run; a query that grows too fast does so on both)."""
    checked = [e for e in engines if e in CHECKED] or engines[:1]
    out = []
    for n in names:
        times = {}
        for e in engines:
            a, b = small["timings"][e][n].best, large["timings"][e][n].best
            times[e] = b / a if a and b else None
        rows = (small["rows"][n], large["rows"][n])
        over = all(times[e] is not None and times[e] > GROWTH_LIMIT for e in checked)
        out.append({"name": n, "growth": times, "rows": rows, "over": over,
                    "check": min((times[e] for e in checked if times[e] is not None), default=None)})
    return out


def _growth_section(results: list[dict], names: list[str], engines: list[str]) -> list[str]:
    lines: list[str] = []
    for small, large in zip(results, results[1:], strict=False):
        f0, f1 = small["factor"], large["factor"]
        rows = growth_rows(small, large, names, engines)
        over = [r for r in rows if r["over"]]
        lines += ["", f"### Growth ×{f0} → ×{f1}: fastest run at ×{f1} ÷ fastest run at ×{f0}, {today()}", "",
                  f"Limit ~{GROWTH_LIMIT:g}× for ×10 more data; a query is over when it is over on both in-process "
                  "engines (one engine alone can show a disturbed run). “Answer” is the number of result rows "
                  "(triples for CONSTRUCT) at each scale: a query whose answer itself grows faster than the data "
                  "cannot stay under the limit however it is written.",
                  "", "| query | answer rows | answer growth | " + " | ".join(ENGINE_LABEL[e] for e in engines)
                  + " | over the limit |", "|---|---|---|" + "---|" * (len(engines) + 1)]
        for r in rows:
            a, b = r["rows"]
            cells = " | ".join("–" if r["growth"][e] is None else f"{r['growth'][e]:.1f}" for e in engines)
            lines.append(f"| {r['name']} | {a} → {b} | {b / a if a else 0:.0f}× | {cells} | "
                         f"{'**over**' if r['over'] else ''} |")
        if over:
            lines += ["", f"Over ~{GROWTH_LIMIT:g}×: " + "; ".join(
                f"`{r['name']}` {r['check']:.1f}× (answer {r['rows'][1] / max(r['rows'][0], 1):.0f}×)"
                for r in over) + "."]
        else:
            lines += ["", f"No catalogue query over ~{GROWTH_LIMIT:g}×."]
    return lines


def _latency_section(r: dict, names: list[str], engines: list[str]) -> list[str]:
    tm = r["timings"]
    ratio_cols = [e for e in ("endpoint", "oxigraph-server") if e in engines and "pyoxigraph" in engines]
    lines = ["", f"### ×{r['factor']} — latency p50 / p99 (ms), {today()}", "",
             "| query | " + " | ".join(ENGINE_LABEL[e] for e in engines)
             + "".join(f" | {ENGINE_LABEL[e]} ÷ in-process (p50)" for e in ratio_cols) + " |",
             "|---|" + "---|" * (len(engines) + len(ratio_cols))]
    for n in names:
        ratios = ""
        for e in ratio_cols:
            a, c = tm["pyoxigraph"][n].p50, tm[e][n].p50
            ratios += f" | {c / a:.1f}" if a and c else " | –"
        lines.append(f"| {n} | " + " | ".join(tm[e][n].cell() for e in engines) + ratios + " |")
    slow = []
    for e in engines:
        top = max(names, key=lambda n, e=e: tm[e][n].ordering())
        if tm[e][top].ordering() >= 0:
            val = tm[e][top].note if tm[e][top].note.startswith(">") else f"{ms(tm[e][top].p50)} ms"
            slow.append(f"{ENGINE_LABEL[e]}: `{top}` ({val})")
    lines += ["", "Slowest query (p50): " + "; ".join(slow) + "."]
    for e, info in [("rdflib", r.get("rdflib_info", {}))] + list(r["info"].items()):
        if info.get("errors"):
            lines += ["", f"{ENGINE_LABEL[e]} errors: " + "; ".join(f"`{k}`: {v}" for k, v in info["errors"].items())
                      + "."]
    return lines


def report(results: list[dict], queries, args) -> str:
    names = [n for n, _, _ in queries]
    engines = list(args.engines)
    model = ("`bench/scale.py`: the document and links graphs copied with per-copy IRIs for standards, numbers, "
             "series, source locations, directions, items and targets; vocabularies, framework and ontology shared"
             if args.model == "copies" else
             "`bench/scale_document.py`: the real build (no HermiT) over the 2023 guide with its standards list "
             "repeated N times; directions, items, curated data and ontology as they are")
    lines = [
        markers(args.section)[0],
        f"Measured {today()} on {machine()}; pyoxigraph/oxigraph {version('pyoxigraph')}, "
        f"rdflib {version('rdflib')}. `python bench/query_bench.py --model {args.model} --factors "
        f"{','.join(str(r['factor']) for r in results)} --engines {','.join(engines)}`.",
        "",
        f"All {len(names)} catalogue queries, parameters bound to their `example` values. Engines run one after "
        "the other on the same machine; clients and servers share its cores (and other developers' jobs: "
        "figures vary by ±20% from run to run). Latency is p50 / p99 in ms, nearest rank after one warm-up run "
        f"(with few runs p99 is the slowest run). Timed runs stop once {args.cap:g} s have been spent on a query "
        f"(\"N runs\"), a warm-up of a second or more counts as a run, and a single run is stopped after "
        f"{args.hard:g} s (\">{args.hard:g} s\"). (a) pyoxigraph in-process: query + serialisation (SPARQL JSON; "
        "Turtle for CONSTRUCT) on the on-disk store opened read-only, as the endpoint's workers do — the floor; "
        "for reference the same on an in-memory store. (b) rdflib: in-memory `Dataset(default_union=True)`, "
        f"at most {args.rdflib_reps} runs and {args.rdflib_cap:g} s per query. (c) our endpoint (`create_app`, "
        "embedded store, 2 query workers, uvicorn) and (d) `oxigraph serve --union-default-graph`, over HTTP on "
        "127.0.0.1 with one keep-alive `httpx` client, POST `application/sparql-query`.",
        "",
        f"Graphs ({model}):",
        "",
        "| factor | quads | distinct triples | named graphs | standards | TriG (MiB) | pyoxigraph bulk load (s) | "
        "runs per query |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(f"| ×{r['factor']} | {r['quads']} | {r['triples']} | {r['graphs']} | {r['standards']} | "
                     f"{r['trig_mb']:.1f} | {r['load_s']:.1f} | {r['reps']} |")
    for r in results:
        lines += _latency_section(r, names, engines)
    if "endpoint" in engines and "oxigraph-server" in engines:
        lines += ["", f"### Throughput — {args.clients} concurrent clients, {args.duration:g} s, all catalogue "
                  f"queries in turn, {today()}", "",
                  "| factor | our endpoint (queries/s) | Oxigraph server (queries/s) | endpoint ÷ Oxigraph | errors |",
                  "|---|---|---|---|---|"]
        for r in results:
            e, o = r["tp_endpoint"], r["tp_oxigraph"]
            lines.append(f"| ×{r['factor']} | {e['qps']:.1f} | {o['qps']:.1f} | {e['qps'] / o['qps']:.2f} | "
                         f"{e['errors']} / {o['errors']} |")
    lines += _growth_section(results, names, engines)
    lines += _targets(results, names, engines, args)
    lines.append(markers(args.section)[1])
    return "\n".join(lines)


def _targets(results: list[dict], names: list[str], engines: list[str], args) -> list[str]:
    lines = ["", f"### Targets, {today()}", "", "| target | figure | met? |", "|---|---|---|"]
    for small, large in zip(results, results[1:], strict=False):
        if large["factor"] == 10 * small["factor"]:
            over = [r for r in growth_rows(small, large, names, engines) if r["over"]]
            lines.append(f"| ×{small['factor']} → ×{large['factor']}: no catalogue query over ~{GROWTH_LIMIT:g}× "
                         f"longer (in-process) | {len(over)} over"
                         + (": " + ", ".join(f"`{r['name']}` {r['check']:.1f}×" for r in over)
                            if over else "") + f" | {'no' if over else 'yes'} |")
    if "endpoint" in engines and "oxigraph-server" in engines:
        for r in results:
            e, o = r["tp_endpoint"]["qps"], r["tp_oxigraph"]["qps"]
            lines.append(f"| ×{r['factor']}: endpoint throughput ≥ the Oxigraph server's (mixed catalogue load, "
                         f"{args.clients} clients) | {e:.1f} vs {o:.1f} queries/s ({e / o:.2f}) | "
                         f"{'yes' if e >= o else 'no'} |")
            tm = r["timings"]
            ratios = [tm["endpoint"][n].p50 / tm["oxigraph-server"][n].p50 for n in names
                      if tm["endpoint"][n].p50 and tm["oxigraph-server"][n].p50]
            if ratios:
                lines.append(f"| ×{r['factor']}: endpoint p50 ÷ Oxigraph server p50, median over the catalogue | "
                             f"{statistics.median(ratios):.2f} (range {min(ratios):.2f}–{max(ratios):.2f}) | – |")
    return lines
