"""The build pipeline: documents -> RDF -> reasoning -> SHACL -> files in ``data/build/``.

The output folder is replaced atomically: everything is written to a fresh sibling
folder first and swapped in only when the build succeeded, so a failed build leaves the
previous one intact (the failed attempt is kept in ``<out>.failed/`` for inspection).
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from . import figures, mappings
from . import namespaces as ns
from . import updates as updates_loader
from .aspects import standard_aspects
from .curated import CuratedDataError, concepts_graph, framework_labels
from .graphing import new_graph
from .reasoning import ReasonerUnavailable, check_consistency
from .resources import Source, ontology_graph, package_dir, query_dir, source_manifest, vocabulary
from .text import ParseReport, SourceError
from .validation import validate

__all__ = ["BuildError", "BuildResult", "build", "load_sources", "DEFAULT_OUT", "summary_counts"]

DEFAULT_OUT = Path(os.environ.get("TANBIAO_BUILD_DIR", "data/build"))

FILES = {
    "turtle": "tanbiao.ttl",
    "ntriples": "tanbiao.nt",
    "trig": "tanbiao.trig",
    "jsonld": "tanbiao.jsonld",
    "shacl_report": "validation-report.ttl",
    "shacl_markdown": "validation-report.md",
    "parse_report": "parse-report.json",
    "summary": "summary.json",
    "ontology_docs": "ontology.html",
}


class BuildError(Exception):
    """A build that must not replace the previous one; ``details`` lists what went wrong."""

    def __init__(self, message: str, details: list[str] | None = None):
        super().__init__(message)
        self.details = details or []


@dataclass
class BuildResult:
    out: Path
    summary: dict
    timings: dict[str, float] = field(default_factory=dict)
    reports: list[ParseReport] = field(default_factory=list)


Progress = Callable[[str], None]


def _stage(progress: Progress, timings: dict[str, float], name: str):
    class _Timer:
        def __enter__(self):
            progress(f"{name} …")
            self.t0 = time.perf_counter()

        def __exit__(self, *exc):
            timings[name] = round(time.perf_counter() - self.t0, 3)
            if exc[0] is None:
                progress(f"{name} done in {timings[name]:.2f} s")
            return False

    return _Timer()


def load_sources(sources: list[Source]) -> tuple[dict[str, Graph], list[ParseReport]]:
    """Parse every source with its loader module; one graph per source key."""
    vocab = vocabulary()
    graphs: dict[str, Graph] = {}
    reports: list[ParseReport] = []
    for src in sources:
        try:
            loader = importlib.import_module(f"tanbiao.loaders.{src.loader}")
        except ModuleNotFoundError:
            raise BuildError(f"{src.path}: no loader module '{src.loader}' (see data/sources/sources.csv)") from None
        try:
            record = loader.parse(src.path, vocab)
        except SourceError as exc:
            raise BuildError(str(exc)) from None
        reports.append(record.report)
        if not record.report.ok:
            raise BuildError(
                f"{src.path}: {len(record.report.errors)} part(s) could not be parsed",
                [i.format(str(src.path)) for i in record.report.errors],
            )
        graphs[src.key] = loader.to_graph(record, src.key, vocab, src.title_en, src.origin)
    return graphs, reports


def write_dumps(named: dict[URIRef, Graph], folder: Path) -> None:
    """Turtle, N-Triples and JSON-LD of the union, TriG of the named graphs (serialised by pyoxigraph)."""
    store = ox.Store()
    for name, g in named.items():
        store.load(g.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES,
                   to_graph=ox.NamedNode(str(name)))
    # prefixes whose local names never need escaping: rdflib misreads escaped ones (tbv:status\/published)
    prefixes = {p: str(n) for p, n in ns.PREFIXES.items() if p not in ("tbv", "tbd")}
    triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in store},
                     key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    ox.serialize(triples, output=str(folder / FILES["turtle"]), format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    ox.serialize(triples, output=str(folder / FILES["ntriples"]), format=ox.RdfFormat.N_TRIPLES)
    ox.serialize(triples, output=str(folder / FILES["jsonld"]), format=ox.RdfFormat.JSON_LD)
    store.dump(output=str(folder / FILES["trig"]), format=ox.RdfFormat.TRIG, prefixes=prefixes)


def _load(store: ox.Store, graph: Graph) -> ox.Store:
    """Add an rdflib graph to a pyoxigraph store (where the build runs its SPARQL)."""
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


def _select(store: ox.Store, text: str) -> list[dict]:
    """A SELECT's rows as dicts of lexical values (unbound variables left out)."""
    res = store.query(text)
    names = [v.value for v in res.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in res]


def draw_figures(store: ox.Store, folder: Path) -> list[str]:
    """The framework figures (图1–图6) as SVG files in ``folder``; returns their names."""
    qdir = query_dir()
    rows = _select(store, (qdir / "figures" / "captions.rq").read_text(encoding="utf-8"))
    captions = {r["notation"]: r["caption"] for r in rows}
    scheme = next((r for r in rows if not r["notation"]), {})
    root = figures.Node("", scheme.get("zh", ""), scheme.get("en", ""), href="/framework")
    figures.tree_from_rows(_select(store, (qdir / "framework-tree.rq").read_text(encoding="utf-8")), root)
    folder.mkdir(parents=True, exist_ok=True)
    drawn = figures.framework_figures(root, captions)
    for name, svg in drawn.items():
        (folder / name).write_text(svg, encoding="utf-8")
    return sorted(drawn)


def ontology_docs(folder: Path) -> str:
    """The ontology's documentation page, generated offline by pyLODE (pinned to 3.3.4); returns the file name."""
    import logging

    level = logging.getLogger().level
    from pylode import OntPub  # pyLODE sets the root logger to INFO on import: put it back

    logging.getLogger().setLevel(level)
    html = OntPub(ontology=str(package_dir("ontology") / "tanbiao.ttl")).make_html()
    (folder / FILES["ontology_docs"]).write_text(html, encoding="utf-8")
    return FILES["ontology_docs"]


def derive_links(store: ox.Store) -> Graph:
    """Links that need the whole graph (``queries/build/*.rq`` CONSTRUCT queries, run on pyoxigraph)."""
    links = new_graph()
    for path in sorted((query_dir() / "build").glob("*.rq")):
        data = store.query(path.read_text(encoding="utf-8")).serialize(format=ox.RdfFormat.N_TRIPLES)
        if data:
            links.parse(data=data.decode("utf-8"), format="nt")
    return links


def summary_counts(union: Graph) -> dict:
    """Counts for the build summary, from the catalogue's summary queries."""
    out: dict = {"triples": len(union)}
    for path in sorted((query_dir() / "summary").glob("*.rq")):
        rows = union.query(path.read_text(encoding="utf-8"))
        out[path.stem] = {str(r[0]): int(r[1]) for r in rows}
    return out


def build(
    out: Path = DEFAULT_OUT,
    sources: list[Source] | None = None,
    reason: bool = True,
    progress: Progress = lambda _m: None,
    updates: list[Path] | None = None,
) -> BuildResult:
    """Build everything into ``out``; BuildError (previous build untouched) on any failure."""
    try:
        return _build(Path(out), sources, reason, progress, [Path(u) for u in updates or []])
    except (CuratedDataError, ReasonerUnavailable) as exc:
        raise BuildError(str(exc)) from None


def _load_updates(paths: list[Path], doc_graphs: dict[str, Graph], reports: list[ParseReport]) -> dict[str, Graph]:
    """Update files: each its own graph; bad rows are reported (with line numbers) and skipped."""
    vocab = vocabulary()
    out: dict[str, Graph] = {}
    for path in paths:
        try:
            record = updates_loader.parse(path, vocab)
        except SourceError as exc:
            raise BuildError(str(exc)) from None
        key = "updates-" + ns.slug(path.stem)
        if key in out or key in doc_graphs:
            raise BuildError(f"{path}: another source already uses the key '{key}' (rename the file)")
        out[key] = updates_loader.to_graph(record, key, vocab)
        union = new_graph()
        for g in (*doc_graphs.values(), *out.values()):
            union += g
        updates_loader.apply(out[key], key, union, {**doc_graphs, **out}, vocab, record.report)
        reports.append(record.report)
    return out


def _build(out: Path, sources: list[Source] | None, reason: bool, progress: Progress,
           updates: list[Path]) -> BuildResult:
    timings: dict[str, float] = {}
    t_start = time.perf_counter()
    sources = sources if sources is not None else source_manifest()
    with _stage(progress, timings, "ontology"):
        ontology = ontology_graph()
    with _stage(progress, timings, "parse documents"):
        doc_graphs, reports = load_sources(sources)
    if updates:
        with _stage(progress, timings, "update files"):
            doc_graphs.update(_load_updates(updates, doc_graphs, reports))
    with _stage(progress, timings, "curated data"):
        curated = concepts_graph()
        for g in doc_graphs.values():
            curated += framework_labels(g)

    named: dict[URIRef, Graph] = {ns.graph("ontology"): ontology, ns.graph("curated"): curated}
    named.update({ns.graph(k): g for k, g in doc_graphs.items()})
    union = new_graph()
    for g in named.values():
        union += g
    with _stage(progress, timings, "link"):
        store = _load(ox.Store(), union)
        links = derive_links(store)
        links += standard_aspects(union)
        named[ns.graph("links")] = links
        union += links
        _load(store, links)
    with _stage(progress, timings, "mappings (SSSOM)"):
        try:
            linked = mappings.to_graph(mappings.load_all(), set(union.subjects(unique=True)))
            linked += mappings.gbt4754_graph()
        except SourceError as exc:
            raise BuildError(str(exc)) from None
        named[ns.graph("mappings")] = linked
        union += linked
        _load(store, linked)

    reasoner = None
    if reason:
        with _stage(progress, timings, "reasoning (HermiT)"):
            reasoner = check_consistency(union)
    with _stage(progress, timings, "SHACL validation"):
        validation = validate(union)

    with _stage(progress, timings, "summary"):
        summary = summary_counts(union)
    summary["shacl"] = {
        "conforms": validation.conforms, "violations": validation.violations,
        "warnings": validation.count("Warning"), "info": validation.count("Info"),
    }
    summary["reasoner"] = (
        {"consistent": reasoner.consistent, "message": reasoner.message} if reasoner else {"skipped": True}
    )
    summary["sources"] = [{"key": s.key, "file": s.path.name} for s in sources] + [
        {"key": "updates-" + ns.slug(p.stem), "file": p.name} for p in updates]
    summary["named_graphs"] = [str(n) for n in named]

    out = Path(out)
    tmp = out.with_name(out.name + f".tmp-{os.getpid()}")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    with _stage(progress, timings, "framework figures"):
        summary["figures"] = draw_figures(store, tmp / "figures")
    with _stage(progress, timings, "ontology docs (pyLODE)"):
        ontology_docs(tmp)
    with _stage(progress, timings, "write files"):
        write_dumps(named, tmp)
        validation.report.serialize(tmp / FILES["shacl_report"], format="turtle", encoding="utf-8")
        (tmp / FILES["shacl_markdown"]).write_text(validation.markdown(), encoding="utf-8")
        (tmp / FILES["parse_report"]).write_text(
            json.dumps([r.to_dict() for r in reports], ensure_ascii=False, indent=2), encoding="utf-8"
        )
    timings["total"] = round(time.perf_counter() - t_start, 3)
    summary["timings_s"] = timings
    (tmp / FILES["summary"]).write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")

    problems = []
    if reasoner is not None and not reasoner.consistent:
        problems.append(reasoner.message)
    if validation.violations:
        problems.append(f"SHACL: {validation.violations} violation(s)")
        problems += [f"{r.focus_label or r.focus}: {r.path} {r.message}" for r in validation.results
                     if r.severity == "Violation"][:50]
    if problems:
        failed = out.with_name(out.name + ".failed")
        if failed.exists():
            shutil.rmtree(failed)
        tmp.rename(failed)
        raise BuildError(f"build failed; the previous build in {out} is unchanged, this attempt is in {failed}",
                         problems)
    old = out.with_name(out.name + f".old-{os.getpid()}")
    if out.exists():
        out.rename(old)
    tmp.rename(out)
    if old.exists():
        shutil.rmtree(old)
    return BuildResult(out, summary, timings, reports)
