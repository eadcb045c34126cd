"""The ``tanbiao`` command line."""

from __future__ import annotations

import csv
import io
import json
import sys
from enum import Enum
from pathlib import Path

import typer

from tanbiao.api.store import QueryError, directions_table, items_table, load_build, run_query, standards_table
from tanbiao.loaders.build import DEFAULT_OUT, FILES, BuildError, build

app = typer.Typer(
    help="tanbiao (碳标): knowledge graph of China's industrial carbon-peak / carbon-neutrality standards.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

BuildDir = typer.Option(DEFAULT_OUT, "--build-dir", "-b", help="Folder of the built graph (env TANBIAO_BUILD_DIR).")


def _err(message: str, code: int = 1) -> None:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


class TableFormat(str, Enum):
    json = "json"
    csv = "csv"
    table = "table"


def _print_rows(rows: list[dict], fmt: TableFormat) -> None:
    if fmt is TableFormat.json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    columns = list(rows[0].keys()) if rows else []
    flat = [{k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v) for k, v in r.items()}
            for r in rows]
    if fmt is TableFormat.csv:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(flat)
        typer.echo(buf.getvalue(), nl=False)
        return
    for r in flat:
        typer.echo("  ".join(str(r[c]) for c in columns))


@app.command("build")
def build_cmd(
    out: Path = typer.Option(DEFAULT_OUT, "--out", "-o", help="Output folder (replaced atomically on success)."),
    reason: bool = typer.Option(True, "--reason/--no-reason", help="Check consistency with HermiT (needs Java)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress lines, only the summary."),
    updates: list[Path] = typer.Option([], "--updates", "-u", help="CSV of dated update records (repeatable); "
                                       "see docs/updates.md."),
) -> None:
    """Build the knowledge graph from the source documents into OUT (Turtle, N-Triples, TriG, JSON-LD, reports)."""
    def progress(msg: str) -> None:
        if not quiet:
            typer.secho(f"  {msg}", err=True, dim=True)

    try:
        result = build(out, reason=reason, progress=progress, updates=updates)
    except BuildError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        for line in exc.details:
            typer.echo(f"  {line}", err=True)
        raise typer.Exit(1) from None
    s = result.summary
    typer.secho(f"Built {s['triples']} triples into {result.out}/ in {result.timings['total']:.2f} s", bold=True)
    for key in ("standards-per-category", "standards-per-status", "standards-per-level", "framework-nodes", "entities"):
        typer.echo(f"{key}:")
        for k, v in s.get(key, {}).items():
            typer.echo(f"  {v:>5}  {k}")
    sh = s["shacl"]
    typer.echo(f"SHACL: {'conforms' if sh['conforms'] else 'does not conform'} — {sh['violations']} violations, "
               f"{sh['warnings']} warnings, {sh['info']} info (see {result.out}/{FILES['shacl_markdown']})")
    typer.echo(s["reasoner"].get("message", "HermiT: skipped (--no-reason)"))
    for r in result.reports:
        for issue in r.issues:
            if issue.severity == "error":  # only update files get here: their bad rows are skipped
                typer.secho(f"skipped: {issue.format(r.path)}", fg=typer.colors.YELLOW, err=True)
    warnings = [i for r in result.reports for i in r.issues if i.severity == "warning"]
    if warnings:
        typer.echo(f"parse warnings: {len(warnings)} (see {result.out}/{FILES['parse_report']})")


@app.command("parse")
def parse_cmd(
    file: Path = typer.Argument(..., help="A guide text file (UTF-8) of the kind in data/sources/."),
    fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
    loader: str = typer.Option("guide2023", "--loader", "-l", help="Loader module to use."),
) -> None:
    """Report what the loaders recognise in FILE and list, with line numbers, what they could not parse."""
    import importlib

    from tanbiao.loaders.resources import vocabulary
    from tanbiao.loaders.text import SourceError

    if fmt not in ("text", "json"):
        _err(f"--format must be text or json, not '{fmt}'", 2)
    try:
        module = importlib.import_module(f"tanbiao.loaders.{loader}")
    except ModuleNotFoundError:
        _err(f"no loader '{loader}'", 2)
    try:
        record = module.parse(file, vocabulary())
    except SourceError as exc:
        _err(str(exc))
    report = record.report
    if fmt == "json":
        typer.echo(json.dumps({**report.to_dict(), **module.describe(record)}, ensure_ascii=False, indent=2))
    else:
        typer.secho(f"{file}", bold=True)
        for k, v in module.describe(record).items():
            typer.echo(f"  {k}: {v}")
        typer.echo("recognised:")
        for k, v in report.recognised.items():
            typer.echo(f"  {v:>5}  {k}")
        typer.echo(f"could not parse: {len(report.errors)}; warnings: "
                   f"{sum(1 for i in report.issues if i.severity == 'warning')}")
        for issue in report.issues:
            typer.echo("  " + issue.format(str(file)))
    if not report.ok:
        raise typer.Exit(1)


@app.command("standards")
def standards_cmd(
    fmt: TableFormat = typer.Option(TableFormat.json, "--format", "-f", help="Output format."),
    build_dir: Path = BuildDir,
) -> None:
    """List the standards of the built graph (number, title, status, category, position …)."""
    store = _store(build_dir)
    _print_rows(standards_table(store), fmt)


@app.command("directions")
def directions_cmd(
    fmt: TableFormat = typer.Option(TableFormat.json, "--format", "-f", help="Output format."),
    build_dir: Path = BuildDir,
) -> None:
    """List the priority directions (附件2, one per sub-category, and the 2024 priority-product list)."""
    _print_rows(directions_table(_store(build_dir)), fmt)


@app.command("items")
def items_cmd(
    fmt: TableFormat = typer.Option(TableFormat.json, "--format", "-f", help="Output format."),
    direction: str | None = typer.Option(None, "--direction", "-d", help="Only this direction, e.g. 2.1 or 2024."),
    build_dir: Path = BuildDir,
) -> None:
    """List the priority items: direction, aspect, industry, item as written, subject concept, source."""
    rows = items_table(_store(build_dir))
    if direction is not None:
        known = sorted({r["direction"] for r in rows})
        if direction not in known:
            _err(f"unknown direction '{direction}'; known: {', '.join(known)}", 2)
        rows = [r for r in rows if r["direction"] == direction]
    _print_rows(rows, fmt)


@app.command("comply")
def comply_cmd(
    file: Path = typer.Argument(..., help="Turtle file describing one or more tb:CandidateStandard."),
) -> None:
    """Check candidate standards against the 2024 guide's rules for carbon-footprint accounting rule standards."""
    from rdflib import RDF, Graph

    from tanbiao.loaders.namespaces import TB
    from tanbiao.loaders.resources import ontology_graph, package_dir
    from tanbiao.loaders.validation import validate

    data = Graph()
    try:
        data.parse(file, format="turtle")
    except FileNotFoundError:
        _err(f"{file}: no such file")
    except Exception as exc:  # rdflib raises several parser error types
        _err(f"{file}: not valid Turtle ({str(exc).splitlines()[0][:300]})")
    shapes = Graph().parse(package_dir("shapes") / "compliance-pcf-2024.ttl", format="turtle")
    result = validate(data + ontology_graph(), shapes)
    findings = [r for r in result.results if r.severity in ("Warning", "Violation")]
    candidates = len(set(data.subjects(RDF.type, TB.CandidateStandard)))
    if not candidates:
        _err(f"{file}: no tb:CandidateStandard in the file")
    for r in findings:
        typer.echo(f"{r.focus_label or r.focus}: {r.message}")
    typer.echo(f"{candidates} candidate(s), {len(findings)} finding(s)")
    if findings:
        raise typer.Exit(1)


@app.command("query")
def query_cmd(
    query: str = typer.Argument(..., help="A SPARQL query, or the path of a .rq file."),
    fmt: TableFormat = typer.Option(TableFormat.table, "--format", "-f", help="Output format."),
    build_dir: Path = BuildDir,
) -> None:
    """Run a SPARQL query against the built graph."""
    text = Path(query).read_text(encoding="utf-8") if query.endswith(".rq") and Path(query).is_file() else query
    store = _store(build_dir)
    try:
        rows = run_query(store, text)
    except QueryError as exc:
        _err(str(exc), 2)
    _print_rows(rows, fmt)


@app.command("serve")
def serve_cmd(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", "-p", help="Port to listen on."),
    build_dir: Path = BuildDir,
    rebuild: bool = typer.Option(False, "--rebuild", help="Build first even if a build exists."),
) -> None:
    """Serve the graph: home page /, a page per IRI, SPARQL endpoint /sparql, editor /editor, API /api/… and /docs
    (builds first if needed).

    The store is the embedded on-disk pyoxigraph store (data/store/) unless TANBIAO_STORE=remote and
    TANBIAO_SPARQL_URL point to another SPARQL 1.1 endpoint. Other settings: TANBIAO_ADMIN_TOKEN (enables
    updates), TANBIAO_QUERY_TIMEOUT (s, default 30), TANBIAO_MAX_RESULT_BYTES, TANBIAO_WORKERS,
    TANBIAO_SERVICE_ALLOWLIST (comma-separated address prefixes SERVICE/LOAD may contact; default none).
    """
    import socket

    import uvicorn

    from tanbiao.api.app import create_app
    from tanbiao.api.config import settings_from_env

    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            _err(f"cannot listen on {host}:{port} ({exc.strerror}); choose another port with --port")
    settings = settings_from_env().with_(build_dir=build_dir)
    if settings.store == "embedded" and (rebuild or not (build_dir / FILES["trig"]).is_file()):
        typer.secho(f"building the graph into {build_dir}/ first …", err=True)
        try:
            build(build_dir, progress=lambda m: typer.secho(f"  {m}", err=True, dim=True))
        except BuildError as exc:
            typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
            for line in exc.details:
                typer.echo(f"  {line}", err=True)
            raise typer.Exit(1) from None
    try:
        application = create_app(settings)
    except (FileNotFoundError, ValueError) as exc:
        _err(str(exc))
    typer.secho(f"tanbiao: home http://{host}:{port}/ · SPARQL endpoint http://{host}:{port}/sparql · "
                f"editor http://{host}:{port}/editor · "
                f"API docs http://{host}:{port}/docs ({settings.store} store)", err=True, bold=True)
    uvicorn.run(application, host=host, port=port, log_level="warning")


@app.command("push")
def push_cmd(
    url: str = typer.Argument(..., help="Graph Store Protocol endpoint, e.g. http://127.0.0.1:7878/store"),
    build_dir: Path = BuildDir,
    token: str = typer.Option("", "--token", envvar="TANBIAO_PUSH_TOKEN", help="Bearer token, if the store needs one."),
) -> None:
    """Upload the build to a SPARQL server through the Graph Store Protocol (one named graph per source)."""
    from tanbiao.api.push import PushError, push

    try:
        counts = push(build_dir, url, token=token, progress=lambda m: typer.secho(f"  {m}", err=True, dim=True))
    except (FileNotFoundError, PushError) as exc:
        _err(str(exc))
    typer.echo(f"pushed {sum(counts.values())} triples in {len(counts)} named graphs to {url}")


@app.command("gaps")
def gaps_cmd(
    fmt: str = typer.Option("json", "--format", "-f", help="json, csv, xlsx, md or html."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file (needed for xlsx)."),
    direction: str | None = typer.Option(None, help="Only this direction (e.g. 2.1, 2024)."),
    aspect: str | None = typer.Option(None, help="Only this aspect (e.g. 产品碳足迹核算)."),
    industry: str | None = typer.Option(None, help="Only this industry as written (e.g. 钢铁)."),
    coverage: str | None = typer.Option(None, help="covered, partial or gap."),
    status: str | None = typer.Option(None, help="Best status of the matches (已发布, 修订中, 制定中, none)."),
    source: str | None = typer.Option(None, help="Source document key (e.g. miit-2024-pcf-guide)."),
    code: str | None = typer.Option(None, help="Industry code of the item's subject (GB/T 4754 C3011, ISIC 2394, "
                                               "NACE 23.51)."),
    summary_only: bool = typer.Option(False, "--summary", help="Print the coverage summary and target progress."),
    build_dir: Path = BuildDir,
) -> None:
    """Gap analysis: for every priority item a verdict (covered / partial / gap) with its evidence."""
    from tanbiao.api.gapformats import FORMATS, render
    from tanbiao.api.gaps import FilterError, gap_report, summary

    if fmt not in FORMATS:
        _err(f"--format must be one of {', '.join(FORMATS)}, not '{fmt}'", 2)
    if fmt == "xlsx" and output is None and not summary_only:
        _err("xlsx is a binary format: give --output FILE.xlsx", 2)
    store = _store(build_dir)

    def select(q: str) -> list[dict]:
        return run_query(store, q)

    report = gap_report(select)
    summ = summary(report, select)
    if summary_only:
        typer.echo(json.dumps(summ, ensure_ascii=False, indent=2))
        return
    try:
        rows = report.filtered(direction=direction, aspect=aspect, industry=industry, coverage=coverage,
                               status=status, source=source, code=code)
    except FilterError as exc:
        _err(str(exc), 2)
    data = render(rows, summ, fmt)
    if output is not None:
        output.write_bytes(data)
        typer.echo(f"wrote {len(rows)} items to {output}", err=True)
    else:
        sys.stdout.buffer.write(data)


@app.command("summary")
def summary_cmd(build_dir: Path = BuildDir) -> None:
    """Print the counts of the last build."""
    path = build_dir / FILES["summary"]
    if not path.is_file():
        _err(f"no build in {build_dir}/ — run `tanbiao build` first")
    typer.echo(path.read_text(encoding="utf-8"))


def _store(build_dir: Path):
    try:
        return load_build(build_dir)
    except FileNotFoundError as exc:
        _err(str(exc))


def main() -> None:  # pragma: no cover - console entry point
    app(prog_name="tanbiao")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
