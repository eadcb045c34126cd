"""The build pipeline: documents -> RDF -> reasoning -> SHACL -> files in ``data/build/``.

``build()`` runs the declared stages (``stages.STAGES``) over one dataset (``context.BuildContext``), then the
output stages into a fresh version folder (``<out>.versions/<stamp>/``), published only when the build succeeded by
swapping the symlink ``<out>`` in one atomic rename (``tanbiao.versions``): a failed or killed build leaves the
previous one intact (a failed attempt is kept in ``<out>.failed/`` for inspection; the temporary folder of a
killed one is removed by the next build). A disk that is full or read-only gives a one-line error naming the path.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from tanbiao import versions
from tanbiao.errors import BuildError, CuratedDataError, ReasonerUnavailable, SourceError
from tanbiao.loaders import namespaces as ns
from tanbiao.loaders.resources import Source, source_manifest, update_manifest
from tanbiao.loaders.text import ParseReport

from . import stages
from .context import BuildContext, Progress
from .output import FILES, draw_figures, ontology_docs, write_dumps, write_reports
from .stages import DERIVED, STAGES, run_stages

__all__ = ["BuildError", "BuildResult", "build", "DEFAULT_OUT", "FILES", "STAGES", "DERIVED", "BuildContext"]

DEFAULT_OUT = Path(os.environ.get("TANBIAO_BUILD_DIR", "data/build"))


@dataclass
class BuildResult:
    out: Path
    summary: dict
    timings: dict[str, float] = field(default_factory=dict)
    reports: list[ParseReport] = field(default_factory=list)


def build(
    out: Path = DEFAULT_OUT,
    sources: list[Source] | None = None,
    reason: bool = True,
    progress: Progress = lambda _m: None,
    updates: list[Path] | None = None,
    shipped_updates: bool = True,
) -> BuildResult:
    """Build everything into ``out``; BuildError (previous build untouched) on any failure.

    ``shipped_updates``: load the update files of ``data/updates/manifest.csv`` before ``updates`` (``tanbiao
    build --no-updates`` leaves them out: the graph of the documents alone, to compare with)."""
    shipped = update_manifest() if shipped_updates else []
    ctx = BuildContext(sources=sources if sources is not None else source_manifest(),
                       updates=[u.path for u in shipped] + [Path(u) for u in updates or []],
                       as_of={u.path: u.as_of for u in shipped}, reason=reason, progress=progress)
    try:
        return _build(Path(out), ctx)
    except (CuratedDataError, ReasonerUnavailable, SourceError) as exc:
        raise BuildError(str(exc), exc.details) from None


def _build(out: Path, ctx: BuildContext) -> BuildResult:
    t_start = time.perf_counter()
    run_stages(ctx, STAGES)
    validation, reasoner = ctx.results["validation"], ctx.results.get("reasoner")
    summary = ctx.summary
    summary["shacl"] = {
        "conforms": validation.conforms, "violations": validation.violations,
        "warnings": validation.count("Warning"), "info": validation.count("Info"),
    }
    summary["reasoner"] = (
        {"consistent": reasoner.consistent, "message": reasoner.message} if reasoner else {"skipped": True}
    )
    summary["sources"] = [{"key": s.key, "file": s.path.name} for s in ctx.sources] + [
        {"key": key, "file": Path(r.path).name} for key, r in ctx.update_reports.items()]
    summary["named_graphs"] = ctx.graph_names()
    summary["stages"] = [s.name for s in STAGES if s.name in ctx.timings]

    parent = versions.versions_dir(out)
    tmp = versions.temp_dir(parent)
    try:
        versions.clean_stale_temps(parent)
        versions.clean_stale_temps(out.parent, prefix=f"{out.name}.tmp-")  # left by builds before versioning
        tmp.mkdir(parents=True)
        _write(ctx, tmp, summary, t_start)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise BuildError(_disk_error(exc, tmp)) from None

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
    final = parent / versions.new_stamp()
    try:
        tmp.rename(final)
        versions.publish(out, final)
    except OSError as exc:
        shutil.rmtree(final if final.exists() else tmp, ignore_errors=True)
        raise BuildError(_disk_error(exc, out)) from None
    versions.clean(parent, keep={final})
    for stale in out.parent.glob(f"{out.name}.old-*"):  # left by builds before versioning
        shutil.rmtree(stale, ignore_errors=True)
    return BuildResult(out, summary, ctx.timings, ctx.reports)


def _write(ctx: BuildContext, tmp: Path, summary: dict, t_start: float) -> None:
    with stages.timed(ctx, "framework figures"):
        summary["figures"] = draw_figures(ctx.store, tmp / "figures")
    with stages.timed(ctx, "ontology docs (pyLODE)"):
        ontology_docs(tmp)
    with stages.timed(ctx, "write files"):
        write_dumps(ctx, tmp)
        write_reports(ctx, tmp)
    ctx.timings["total"] = round(time.perf_counter() - t_start, 3)
    summary["timings_s"] = ctx.timings
    (tmp / FILES["summary"]).write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")


def _disk_error(exc: OSError, where: Path) -> str:
    path = exc.filename or where
    found = re.search(r"os error (\d+)", str(exc))  # pyoxigraph's errors carry the code in their text
    code = exc.errno or (int(found.group(1)) if found else 0)
    reason = {errno.ENOSPC: "the disk is full", errno.EROFS: "the file system is read-only",
              errno.EACCES: "permission denied", errno.EDQUOT: "the disk quota is exhausted"}.get(
        code, exc.strerror or str(exc))
    return f"cannot write the build to {path}: {reason}; the previous build is unchanged"


def graph_key(iri: str) -> str:
    """The source key of a named graph IRI (``…/graph/links`` -> ``links``)."""
    return iri[len(str(ns.graph(""))):]
