"""The build's files: framework figures, ontology docs, dumps, reports — written from the one dataset."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox

from tanbiao.loaders import namespaces as ns
from tanbiao.loaders.resources import package_dir, query_dir
from tanbiao.store import select_rows as rows

from . import figures
from .context import BuildContext
from .ontodoc import ontology_page

__all__ = ["FILES", "draw_figures", "ontology_docs", "write_dumps", "write_reports"]

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


def draw_figures(store: ox.Store, folder: Path) -> list[str]:
    """The framework figures (图1–图6) as SVG files in ``folder``; returns their names."""
    qdir = query_dir()
    found = rows(store, (qdir / "figures" / "captions.rq").read_text(encoding="utf-8"))
    captions = {r["notation"]: r["caption"] for r in found}
    scheme = next((r for r in found if not r["notation"]), {})
    root = figures.Node("", scheme.get("zh") or "", scheme.get("en") or "", href="/framework")
    figures.tree_from_rows(rows(store, (qdir / "framework-tree.rq").read_text(encoding="utf-8")), root)
    folder.mkdir(parents=True, exist_ok=True)
    drawn = figures.framework_figures(root, captions)
    for name, svg in drawn.items():
        (folder / name).write_text(svg, encoding="utf-8")
    return sorted(drawn)


def ontology_docs(folder: Path) -> str:
    """The ontology's documentation page (pyLODE, in the site's frame: ``ontodoc.py``); returns the file name."""
    (folder / FILES["ontology_docs"]).write_text(ontology_page(package_dir("ontology") / "tanbiao.ttl"),
                                                 encoding="utf-8")
    return FILES["ontology_docs"]


def canonical_quads(store: ox.Store) -> list[ox.Quad]:
    """The dataset with canonical blank-node labels (W3C RDFC-1.0), in a fixed order: the same data gives the
    same bytes, so a dump's SHA-256 changes only when the data does (the ontology's owl:AllDisjointClasses
    lists, for one, are blank nodes whose labels are random on every build)."""
    dataset = ox.Dataset(store)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(dataset, key=str)


def write_dumps(ctx: BuildContext, folder: Path) -> None:
    """Turtle, N-Triples and JSON-LD of the union, TriG of the named graphs (serialised by pyoxigraph)."""
    # prefixes whose local names never need escaping: rdflib misreads escaped ones (tbv:status\/published)
    prefixes = {p: str(n) for p, n in ns.PREFIXES.items() if p not in ("tbv", "tbd")}
    quads = canonical_quads(ctx.store)
    triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)
    ox.serialize(triples, output=str(folder / FILES["turtle"]), format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    ox.serialize(triples, output=str(folder / FILES["ntriples"]), format=ox.RdfFormat.N_TRIPLES)
    ox.serialize(triples, output=str(folder / FILES["jsonld"]), format=ox.RdfFormat.JSON_LD)
    ox.serialize(quads, output=str(folder / FILES["trig"]), format=ox.RdfFormat.TRIG, prefixes=prefixes)


def write_reports(ctx: BuildContext, folder: Path) -> None:
    validation = ctx.results["validation"]
    validation.report.serialize(folder / FILES["shacl_report"], format="turtle", encoding="utf-8")
    (folder / FILES["shacl_markdown"]).write_text(validation.markdown(), encoding="utf-8")
    (folder / FILES["parse_report"]).write_text(
        json.dumps([r.to_dict() for r in ctx.reports], ensure_ascii=False, indent=2), encoding="utf-8")
