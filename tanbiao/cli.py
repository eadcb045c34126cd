"""The ``tanbiao`` command line: thin commands over the pipeline and the domain services.

Every ``TanbiaoError`` a command raises is printed once, as ``error: <message>`` (and its detail lines) on
stderr, with the error's exit code (1 bad input or a failed build, 2 bad usage).
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path

import typer

from tanbiao.errors import FilterError, SourceError, TanbiaoError, Unavailable
from tanbiao.pipeline import DEFAULT_OUT, FILES, build
from tanbiao.services import rows as tables
from tanbiao.store import load_build, run_query, selector

app = typer.Typer(
    help="tanbiao (碳标): knowledge graph of China's industrial carbon-peak / carbon-neutrality standards.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

BuildDir = typer.Option(DEFAULT_OUT, "--build-dir", "-b", help="Folder of the built graph (env TANBIAO_BUILD_DIR).")


def _fail(exc: TanbiaoError) -> None:
    typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
    for line in exc.details:
        typer.echo(f"  {line}", err=True)
    raise typer.Exit(exc.exit_code)


def command(name: str) -> Callable:
    """``app.command(name)``, with the one mapping of TanbiaoError to a message and exit code."""
    def register(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def run(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except TanbiaoError as exc:
                _fail(exc)

        return app.command(name)(run)

    return register


class TableFormat(str, Enum):
    json = "json"
    csv = "csv"
    csv_bom = "csv-bom"
    xlsx = "xlsx"
    table = "table"


FormatHelp = ("Output format: json, csv, csv-bom (CSV with the byte-order mark Excel needs), xlsx (needs -o) or "
              "table (a text table of the main columns).")
Output = typer.Option(None, "--output", "-o", help="Write to this file instead of the terminal (needed for xlsx).")


def _print_rows(rows: list[dict], fmt: TableFormat, output: Path | None = None, columns: list[str] | None = None,
                sheet: str = "rows") -> None:
    if fmt is TableFormat.xlsx and output is None:
        raise FilterError("xlsx is a binary format: give --output FILE.xlsx")
    data = tables.write_rows(rows, fmt.value, columns=columns, sheet=sheet)
    if output is not None:
        output.write_bytes(data)
        typer.echo(f"wrote {len(rows)} rows to {output}", err=True)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


@command("build")
def build_cmd(
    out: Path = typer.Option(DEFAULT_OUT, "--out", "-o", help="Output folder (replaced atomically on success)."),
    reason: bool = typer.Option(True, "--reason/--no-reason", help="Check consistency with HermiT (needs Java)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress lines, only the summary."),
    updates: list[Path] = typer.Option([], "--updates", "-u", help="CSV of dated update records (repeatable); "
                                       "see docs/updates.md."),
    shipped: bool = typer.Option(True, "--updates-shipped/--no-updates", help="Load the update files shipped in "
                                 "data/updates/ (default); --no-updates builds the documents alone, to compare."),
) -> None:
    """Build the knowledge graph from the source documents into OUT (Turtle, N-Triples, TriG, JSON-LD, reports)."""
    def progress(msg: str) -> None:
        if not quiet:
            typer.secho(f"  {msg}", err=True, dim=True)

    result = build(out, reason=reason, progress=progress, updates=updates, shipped_updates=shipped)
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


@command("parse")
def parse_cmd(
    file: Path = typer.Argument(..., help="A document (UTF-8 text or an update CSV) of a kind tanbiao reads."),
    fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
    loader: str | None = typer.Option(None, "--loader", "-l", help="Loader to use (guide2023, guide2024, "
                                      "standards_list, announcement, updates, notice); default: detected."),
) -> None:
    """Report what the loaders recognise in FILE and list, with line numbers, what they could not parse
    (``-f json``: the contract in docs/parse-json.md)."""
    from tanbiao.loaders import base

    if fmt not in ("text", "json"):
        raise FilterError(f"--format must be text or json, not '{fmt}'")
    if loader is not None and loader not in base.LOADERS:
        raise FilterError(f"no loader '{loader}'; loaders are {', '.join(base.LOADERS)}")
    loader, module, record = base.parse_file(file, loader)
    report = record.report
    if fmt == "json":
        typer.echo(json.dumps(base.as_json(file, module, record), ensure_ascii=False, indent=2))
    else:
        typer.secho(f"{file}", bold=True)
        typer.echo(f"  kind: {module.KIND} (loader {loader})")
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


@command("standards")
def standards_cmd(
    fmt: TableFormat = typer.Option(TableFormat.json, "--format", "-f", help=FormatHelp),
    output: Path | None = Output,
    build_dir: Path = BuildDir,
) -> None:
    """List the standards of the built graph (number, title, status, category, position …)."""
    _print_rows(tables.standards(selector(load_build(build_dir))), fmt, output,
                ["number", "title", "status", "position.notation", "position.label"], "standards 标准")


@command("directions")
def directions_cmd(
    fmt: TableFormat = typer.Option(TableFormat.json, "--format", "-f", help=FormatHelp),
    output: Path | None = Output,
    build_dir: Path = BuildDir,
) -> None:
    """List the priority directions (附件2, one per sub-category, and the 2024 priority-product list)."""
    _print_rows(tables.directions(selector(load_build(build_dir))), fmt, output,
                ["direction", "subcategory", "subcategory_en", "category", "items"], "directions 方向")


@command("items")
def items_cmd(
    fmt: TableFormat = typer.Option(TableFormat.json, "--format", "-f", help=FormatHelp),
    output: Path | None = Output,
    direction: str | None = typer.Option(None, "--direction", "-d", help="Only this direction, e.g. 2.1 or 2024."),
    build_dir: Path = BuildDir,
) -> None:
    """List the priority items: direction, aspect, industry, item as written, subject concept, source."""
    rows = tables.items(selector(load_build(build_dir)))
    if direction is not None:
        known = sorted({r["direction"] for r in rows})
        if direction not in known:
            raise FilterError(f"unknown direction '{direction}'; known: {', '.join(known)}")
        rows = [r for r in rows if r["direction"] == direction]
    _print_rows(rows, fmt, output, ["direction", "index", "aspect", "industry", "item", "subject.zh"], "items 条目")


@command("comply")
def comply_cmd(
    file: Path = typer.Argument(..., help="Turtle file describing one or more tb:CandidateStandard."),
) -> None:
    """Check candidate standards against the 2024 guide's rules for carbon-footprint accounting rule standards."""
    from tanbiao.services.comply import comply

    result = comply(file)
    for r in result.findings:
        typer.echo(f"{r.focus_label or r.focus}: {r.message}")
    typer.echo(f"{result.candidates} candidate(s), {len(result.findings)} finding(s)")
    if result.findings:
        raise typer.Exit(1)


@command("query")
def query_cmd(
    query: str = typer.Argument(..., help="A SPARQL query, or the path of a .rq file."),
    fmt: TableFormat = typer.Option(TableFormat.table, "--format", "-f", help=FormatHelp),
    output: Path | None = Output,
    build_dir: Path = BuildDir,
) -> None:
    """Run a SPARQL query against the built graph."""
    if query.strip().endswith(".rq") and "\n" not in query.strip():  # a file's path, not SPARQL text
        if not Path(query.strip()).is_file():
            raise SourceError(f"{query.strip()}: no such file (a query ending in .rq is read as a file's path)")
        text = Path(query.strip()).read_text(encoding="utf-8")
    else:
        text = query
    _print_rows(run_query(load_build(build_dir), text), fmt, output, sheet="results 结果")


@command("serve")
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
    from tanbiao.api.limits import slow_clients

    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: a restart in TIME_WAIT works
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise SourceError(f"cannot listen on {host}:{port} ({exc.strerror}); choose another port with --port") \
                from None
    settings = settings_from_env({"TANBIAO_WARM_GAPS": "1", **os.environ}).with_(build_dir=build_dir)
    if settings.store == "embedded" and (rebuild or not (build_dir / FILES["trig"]).is_file()):
        typer.secho(f"building the graph into {build_dir}/ first …", err=True)
        build(build_dir, progress=lambda m: typer.secho(f"  {m}", err=True, dim=True))
    try:
        application = create_app(settings)
    except ValueError as exc:
        raise SourceError(str(exc)) from None
    typer.secho(f"tanbiao: home http://{host}:{port}/ · SPARQL endpoint http://{host}:{port}/sparql · "
                f"editor http://{host}:{port}/editor · "
                f"API docs http://{host}:{port}/docs ({settings.store} store)", err=True, bold=True)
    uvicorn.run(application, host=host, port=port, log_level="warning", http=slow_clients(settings.header_timeout),
                timeout_keep_alive=5, limit_concurrency=settings.max_connections)


@command("push")
def push_cmd(
    url: str = typer.Argument(..., help="Graph Store Protocol endpoint, e.g. http://127.0.0.1:7878/store"),
    build_dir: Path = BuildDir,
    token: str = typer.Option("", "--token", envvar="TANBIAO_PUSH_TOKEN", help="Bearer token, if the store needs one."),
) -> None:
    """Upload the build to a SPARQL server through the Graph Store Protocol (one named graph per source)."""
    from tanbiao.services.push import push

    counts = push(build_dir, url, token=token, progress=lambda m: typer.secho(f"  {m}", err=True, dim=True))
    typer.echo(f"pushed {sum(counts.values())} triples in {len(counts)} named graphs to {url}")


Many = "Repeat for several (either matches)."


@command("gaps")
def gaps_cmd(
    fmt: str = typer.Option("json", "--format", "-f", help="json, csv, csv-bom (CSV for Excel), xlsx, md, html or "
                                                            "table."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file (needed for xlsx)."),
    direction: list[str] = typer.Option([], help=f"Only this direction (e.g. 2.1, 2024). {Many}"),
    aspect: list[str] = typer.Option([], help=f"Only this aspect, by name or framework code (产品碳足迹核算, 2.1.3). "
                                              f"{Many}"),
    industry: list[str] = typer.Option([], help=f"Only this industry, as written or by concept (有色 = 有色金属). "
                                                f"{Many}"),
    coverage: list[str] = typer.Option([], help=f"covered, partial or gap. {Many}"),
    status: list[str] = typer.Option([], help=f"Best status of the matches (已发布, 修订中, 制定中, none). {Many}"),
    source: list[str] = typer.Option([], help=f"Source document key (e.g. miit-2024-pcf-guide). {Many}"),
    code: list[str] = typer.Option([], help="Industry code of the item's subject or a broader concept (GB/T 4754 "
                                            f"C3011, ISIC 2394, NACE 23.51). {Many}"),
    search_text: str | None = typer.Option(None, "--search", "-s", help="Only items whose text contains these words."),
    summary_only: bool = typer.Option(False, "--summary", help="Print the coverage summary and target progress."),
    changes_only: bool = typer.Option(False, "--changes", help="What the update records changed: each moved verdict "
                                                               "from the documents alone to now, with the records "
                                                               "(json, csv, csv-bom, xlsx or table; --direction "
                                                               "filters)."),
    what_if_file: Path | None = typer.Option(None, "--what-if", metavar="CSV",
                                             help="Proposed standards, a CSV in the update-file format (number, "
                                                  "title, status, position, subjects …): print, as JSON, the items "
                                                  "whose verdict they would change (docs/updates.md)."),
    build_dir: Path = BuildDir,
) -> None:
    """Gap analysis: for every priority item a verdict (covered / partial / gap) with its evidence."""
    from tanbiao.services.catalogue import as_of
    from tanbiao.services.filters import search
    from tanbiao.services.gaps import changes_of, gap_report, summary
    from tanbiao.services.reports import FORMATS, render
    from tanbiao.services.rows import ROW_FORMATS

    if fmt not in FORMATS:
        raise FilterError(f"--format must be one of {', '.join(FORMATS)}, not '{fmt}'")
    if fmt == "xlsx" and output is None and not summary_only:
        raise FilterError("xlsx is a binary format: give --output FILE.xlsx")
    filters = {"--direction": direction, "--aspect": aspect, "--industry": industry, "--coverage": coverage,
               "--status": status, "--source": source, "--code": code, "--search": search_text}
    given = [name for name, value in filters.items() if value]
    modes = [m for m, on in (("--summary", summary_only), ("--changes", changes_only),
                             ("--what-if", what_if_file is not None)) if on]
    if len(modes) > 1:
        raise FilterError(f"{' and '.join(modes)} are separate views: give one")
    if modes and (extra := [g for g in given if not (modes[0] == "--changes" and g == "--direction")]):
        takes = "takes --direction only" if modes[0] == "--changes" else "covers every item"
        raise FilterError(f"{modes[0]} {takes}: {', '.join(extra)} would be ignored")
    if changes_only and fmt not in ROW_FORMATS:
        raise FilterError(f"--changes writes {', '.join(ROW_FORMATS)}, not '{fmt}'")
    if what_if_file is not None:
        from tanbiao.services.whatif import what_if

        if fmt != "json":
            raise FilterError("--what-if prints JSON (the API's what-if answer); leave out --format")
        try:
            proposals = what_if_file.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise SourceError(f"{what_if_file}: no such file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise SourceError(f"{what_if_file}: cannot be read as UTF-8 text ({exc})") from None
        typer.echo(json.dumps(what_if(build_dir, proposals, name=str(what_if_file)), ensure_ascii=False, indent=2))
        return
    select = selector(load_build(build_dir))
    report = gap_report(select)
    summ = {**summary(report, select), "as_of": as_of(select)}
    if summary_only:
        typer.echo(json.dumps(summ, ensure_ascii=False, indent=2))
        return
    if changes_only:
        _write_changes(changes_of(report, summ, direction), fmt, output)
        return
    rows = search(report.filtered(direction=direction, aspect=aspect, industry=industry, coverage=coverage,
                                  status=status, source=source, code=code), search_text)
    data = render(rows, summ, fmt)
    if output is not None:
        output.write_bytes(data)
        typer.echo(f"wrote {len(rows)} items to {output}", err=True)
    else:
        sys.stdout.buffer.write(data)


def _write_changes(rows: list[dict], fmt: str, output: Path | None) -> None:
    from tanbiao.services.reports import CHANGE_COLUMNS
    from tanbiao.services.rows import write_rows

    data = write_rows(rows, fmt, columns=CHANGE_COLUMNS if fmt == "table" else None, sheet="changes 变化")
    if output is not None:
        output.write_bytes(data)
        typer.echo(f"wrote {len(rows)} changed verdicts to {output}", err=True)
    else:
        if not rows:
            typer.echo("no verdict moved: the build has no update records, or they changed no verdict", err=True)
        sys.stdout.buffer.write(data)


@command("summary")
def summary_cmd(build_dir: Path = BuildDir) -> None:
    """Print the counts of the last build."""
    path = build_dir / FILES["summary"]
    if not path.is_file():
        raise Unavailable(f"no build in {build_dir}/ — run `tanbiao build` first")
    typer.echo(path.read_text(encoding="utf-8"))


def main() -> None:
    """The console entry point: a usage error (unknown option, bad choice) is one line on stderr, like every
    other error, with the way to the command's help."""
    from typer.exceptions import TyperException

    try:
        code = app(prog_name="tanbiao", standalone_mode=False)
    except TyperException as exc:  # Typer's (vendored click's) usage and parameter errors
        ctx = getattr(exc, "ctx", None)
        hint = f" (see: {ctx.command_path} --help)" if ctx is not None else ""
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        if message.strip():  # (no arguments: the help was printed, and there is nothing to add)
            typer.secho(f"error: {message}{hint}", fg=typer.colors.RED, err=True)
        sys.exit(getattr(exc, "exit_code", 2))
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
