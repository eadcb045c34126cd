"""The build as a declared list of stages over one :class:`BuildContext`.

``STAGES`` is the whole build, in order; ``DERIVED`` (link, infer, assess) are the stages that only read the other
named graphs and write their own, so they can be run again on a copy of a finished build (what-if does, after
adding proposals):

| stage | reads | writes |
|---|---|---|
| ontology | ``ontology/*.ttl`` | ``graph/ontology`` |
| parse documents | ``data/sources/`` (``sources.csv``), one loader per document kind | ``graph/<key>`` per document |
| update files | ``--updates`` CSV files | ``graph/updates-<file>`` per file |
| curated data | ``data/curated/`` + the framework nodes | ``graph/curated`` |
| link | everything above (``derive.py``, ``queries/build/*.rq``) | ``graph/links`` (+ new standards of updates) |
| infer | the graphs above (``queries/infer/*.rq``: superclass types, skos:broaderTransitive) | ``graph/inferred`` |
| assess | items, standards, concepts, statuses (``assess.py``, ``queries/assess/*.rq``) | ``graph/assessments`` |
| changes | a copy without the update records, derived again (``changes.py``) | ``graph/changes`` (if any records) |
| mappings (SSSOM) | ``data/mappings/`` + the graph's subjects | ``graph/mappings`` |
| reasoning (HermiT) | the union | summary (consistency) |
| SHACL validation | the union, ``shapes/*.ttl`` | the validation report |
| summary | ``queries/summary/*.rq`` | summary counts |

The output stages (figures, ontology docs, dumps) write files; they are in ``output.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from tanbiao.errors import BuildError
from tanbiao.loaders import base, mappings
from tanbiao.loaders import namespaces as ns
from tanbiao.loaders.curated import concepts_graph, framework_labels
from tanbiao.loaders.namespaces import TB
from tanbiao.loaders.resources import ontology_graph, query_dir

from .assess import assess
from .changes import changes
from .context import BuildContext
from .derive import derive_links
from .reasoning import check_consistency
from .validation import validate

__all__ = ["Stage", "STAGES", "DERIVED", "run_stages", "timed", "load_documents", "load_updates"]


@dataclass(frozen=True)
class Stage:
    name: str
    run: Callable[[BuildContext], None]
    when: Callable[[BuildContext], bool] = lambda _ctx: True


def load_ontology(ctx: BuildContext) -> None:
    ctx.add("ontology", ontology_graph())


def load_documents(ctx: BuildContext) -> None:
    """Parse every source with the loader of its kind (named in ``sources.csv``, else detected)."""
    curated = base.curated()
    for src in ctx.sources:
        loader = base.get(src.loader) if src.loader else base.detect(src.path)[1]
        record = loader.parse(src.path, curated)
        ctx.reports.append(record.report)
        if getattr(loader, "CARRIES_RECORDS", False):  # a list or an announcement: like an update file
            ctx.update_reports[src.key] = record.report
        elif not record.report.ok:
            raise BuildError(f"{src.path}: {len(record.report.errors)} part(s) could not be parsed",
                             [i.format(str(src.path)) for i in record.report.errors])
        info = base.SourceInfo(src.key, src.title_en, src.origin, src.position)
        ctx.add(src.key, loader.to_graph(record, info, curated))


def load_updates(ctx: BuildContext) -> None:
    """Update files: each its own graph; bad rows are reported (with line numbers) and skipped."""
    curated = base.curated()
    loader = base.get("updates")
    taken = {s.key for s in ctx.sources}
    for path in ctx.updates:
        record = loader.parse(path, curated)
        key = "updates-" + ns.slug(path.stem)
        if key in taken:
            raise BuildError(f"{path}: another source already uses the key '{key}' (rename the file)")
        taken.add(key)
        ctx.reports.append(record.report)
        ctx.update_reports[key] = record.report
        g = loader.to_graph(record, base.SourceInfo(key), curated)
        if path in ctx.as_of:  # the date the file's records were checked as of (data/updates/manifest.csv)
            g.add((ns.document(key), TB.asOf, Literal(ctx.as_of[path], datatype=XSD.date)))
        ctx.add(key, g)


def load_curated(ctx: BuildContext) -> None:
    g = concepts_graph()
    nodes = ctx.select(f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?node ?label WHERE {{ ?node skos:inScheme <{ns.framework_scheme()}> ; skos:prefLabel ?label
        FILTER (LANG(?label) = "zh") }}""")
    g += framework_labels([(r["node"], r["label"]) for r in nodes])
    ctx.add("curated", g)


def link(ctx: BuildContext) -> None:
    derive_links(ctx, base.curated())


def infer(ctx: BuildContext) -> None:
    """The RDFS and SKOS closure a query writer relies on (``queries/infer/*.rq``) into ``graph/inferred``: the
    superclasses of every instance and skos:broaderTransitive."""
    ctx.clear("inferred")
    for path in sorted((query_dir() / "infer").glob("*.rq")):
        ctx.extend("inferred", ctx.construct(path.read_text(encoding="utf-8")))


def load_mappings(ctx: BuildContext) -> None:
    known = {URIRef(r["s"]) for r in ctx.select("SELECT DISTINCT ?s WHERE { ?s ?p ?o }")}
    linked = mappings.to_graph(mappings.load_all(), known)
    linked += mappings.gbt4754_graph()
    ctx.add("mappings", linked)


def reason(ctx: BuildContext) -> None:
    ctx.results["reasoner"] = check_consistency(ctx.union_ntriples(), len(ctx.union_triples()))


def shacl(ctx: BuildContext) -> None:
    ctx.results["validation"] = validate(ctx.union_graph())


def summarise(ctx: BuildContext) -> None:
    """Counts for the build summary, from the catalogue's summary queries."""
    ctx.summary["triples"] = len(ctx.union_triples())
    rows = ctx.select((query_dir() / "as-of.rq").read_text(encoding="utf-8"))
    ctx.summary["as_of"] = str(rows[0]["asOf"]) if rows else None  # the data's as-of date (queries/as-of.rq)
    ctx.summary["update_records"] = sum(r.recognised.get("update record applied", 0)
                                        for r in ctx.update_reports.values())
    for path in sorted((query_dir() / "summary").glob("*.rq")):
        counts = {}
        for row in ctx.select(path.read_text(encoding="utf-8")):
            key, value = list(row.values())[:2]
            counts[str(key)] = int(value)
        ctx.summary[path.stem] = counts


STAGES: tuple[Stage, ...] = (
    Stage("ontology", load_ontology),
    Stage("parse documents", load_documents),
    Stage("update files", load_updates, when=lambda ctx: bool(ctx.updates)),
    Stage("curated data", load_curated),
    Stage("link", link),
    Stage("infer", infer),
    Stage("assess", assess),
    Stage("changes", changes, when=lambda ctx: bool(ctx.update_reports)),
    Stage("mappings (SSSOM)", load_mappings),
    Stage("reasoning (HermiT)", reason, when=lambda ctx: ctx.reason),
    Stage("SHACL validation", shacl),
    Stage("summary", summarise),
)
DERIVED: tuple[Stage, ...] = tuple(s for s in STAGES if s.name in ("link", "infer", "assess"))


@contextmanager
def timed(ctx: BuildContext, name: str) -> Iterator[None]:
    """Time a step into ``ctx.timings[name]`` and report its progress (the one timer of the build)."""
    ctx.progress(f"{name} …")
    t0 = time.perf_counter()
    yield
    ctx.timings[name] = round(time.perf_counter() - t0, 3)
    ctx.progress(f"{name} done in {ctx.timings[name]:.2f} s")


def run_stages(ctx: BuildContext, stages: tuple[Stage, ...]) -> None:
    """Run ``stages`` in order, timing each (``ctx.timings``) and reporting progress."""
    for stage in stages:
        if stage.when(ctx):
            with timed(ctx, stage.name):
                stage.run(ctx)
