"""The HTTP API: ``/sparql`` (SPARQL 1.1 Protocol), ``/api/queries/…`` (the catalogue), ``/api/standards``.

Routes are thin: they negotiate formats, check the request, and hand a ``QueryRequest`` to the backend.
"""

from __future__ import annotations

import csv
import io
import json
from contextlib import asynccontextmanager
from urllib.parse import parse_qsl

from fastapi import FastAPI, HTTPException, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool
from tanbiao.loaders.text import SourceError

from . import negotiation as neg
from .backends import Backend, UpdateError, make_backend, rows_from_json
from .catalogue import CatalogueError, Query, bind, catalogue
from .config import Settings, settings_from_env
from .editor import mount_editor
from .gapformats import FORMATS as GAP_FORMATS
from .gapformats import MEDIA_TYPES as GAP_MEDIA
from .gapformats import render as render_gaps
from .gaps import FILTERS, FilterError, gap_report
from .gaps import summary as gap_summary
from .pages import mount_pages, ontology_version
from .servicedesc import service_description
from .sparqltext import DatasetConflict, add_using, query_form, remote_targets
from .store import standards_rows
from .workers import QueryRequest, QueryResult

__all__ = ["create_app"]


def _error(status: int, message: str, headers: dict | None = None) -> PlainTextResponse:
    return PlainTextResponse(message + "\n", status_code=status, headers=headers)


class _Service:
    """What the routes share: settings, backend, and the helpers that turn requests into backend calls."""

    def __init__(self, settings: Settings, backend: Backend):
        self.settings, self.backend = settings, backend
        self._gaps = None

    async def gaps(self):
        """The gap report of the current data (computed once, recomputed after an update)."""
        if self._gaps is None:
            rows_cache: dict[str, list[dict]] = {}

            async def collect(text: str) -> list[dict]:
                if text not in rows_cache:
                    rows_cache[text] = await self.select(text)
                return rows_cache[text]

            texts = _gap_queries()
            for t in texts:
                await collect(t)
            report = gap_report(lambda q: rows_cache[q])
            self._gaps = (report, gap_summary(report, lambda q: rows_cache[q]))
        return self._gaps

    def refused_targets(self, text: str) -> list[str]:
        allowed = self.settings.service_allowlist
        return [t for t in remote_targets(text) if not any(t.startswith(a) for a in allowed) or t.startswith("?")]

    async def run(self, req: QueryRequest) -> QueryResult:
        return await run_in_threadpool(self.backend.query, req)

    async def select(self, text: str) -> list[dict]:
        res = await self.run(QueryRequest(text, max_bytes=self.settings.max_result_bytes))
        if res.status != 200:
            raise HTTPException(res.status, res.body.decode("utf-8", "replace"))
        return rows_from_json(res.body)


def _rows_response(rows: list[dict], fmt: str, filename: str) -> Response:
    if fmt == "csv":
        buf = io.StringIO()
        columns = list(rows[0]) if rows else []
        writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for r in rows:
            writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v
                             for k, v in r.items()})
        return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'inline; filename="{filename}.csv"'})
    return JSONResponse(rows)


def _table_format(request: Request) -> str:
    fmt = request.query_params.get("format")
    if fmt:
        if fmt not in ("json", "csv"):
            raise HTTPException(400, f"format must be json or csv, not '{fmt}'")
        return fmt
    accept = request.headers.get("accept", "")
    return "csv" if "text/csv" in accept and "json" not in accept else "json"


def create_app(settings: Settings | None = None, backend: Backend | None = None) -> FastAPI:
    settings = settings or settings_from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.service = _Service(settings, backend or make_backend(settings))
        yield
        app.state.service.backend.close()

    app = FastAPI(
        title="tanbiao 碳标 API",
        version=ontology_version(),
        description="SPARQL endpoint and query catalogue over the knowledge graph of China's industrial "
                    "carbon-peak / carbon-neutrality standards system (工业领域碳达峰碳中和标准体系).",
        lifespan=lifespan,
    )
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST", "OPTIONS"],
                       allow_headers=["*"], expose_headers=["Content-Type"])

    def service(request: Request) -> _Service:
        return request.app.state.service

    # --- SPARQL 1.1 Protocol --------------------------------------------------------------------------

    async def sparql(request: Request) -> Response:
        svc = service(request)
        url_params = request.query_params.multi_items()
        params: list[tuple[str, str]] = list(url_params)
        if request.method == "POST":
            ctype = request.headers.get("content-type", "")
            media, *attrs = [p.strip().lower() for p in ctype.split(";")]
            charset = next((a.split("=", 1)[1].strip('"') for a in attrs if a.startswith("charset=")), "utf-8")
            if charset not in ("utf-8", "utf8"):
                return _error(400, f"only UTF-8 is accepted, not charset={charset}")
            body = await request.body()
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                return _error(400, "the request body is not valid UTF-8")
            if media == "application/x-www-form-urlencoded":
                params += parse_qsl(text, keep_blank_values=True)
            elif media == "application/sparql-query":
                params.append(("query", text))
            elif media == "application/sparql-update":
                params.append(("update", text))
            else:
                return _error(415, "POST bodies must be application/x-www-form-urlencoded, application/sparql-query "
                                   f"or application/sparql-update, not '{media or 'none'}'")
        queries = [v for k, v in params if k == "query"]
        updates = [v for k, v in params if k == "update"]
        if queries and updates:
            return _error(400, "a request carries either a query or an update, not both")
        if len(queries) > 1 or len(updates) > 1:
            return _error(400, "exactly one query (or update) per request")
        if updates:
            if request.method != "POST":
                return _error(405, "updates must be sent with POST", {"Allow": "POST"})
            return await _update(request, svc, updates[0], params)
        if not queries:
            return await _describe_service(request, svc)
        return await _query(request, svc, queries[0], params)

    for method in ("GET", "POST"):
        app.add_api_route("/sparql", sparql, methods=[method], name="sparql", tags=["sparql"],
                          operation_id=f"sparql_{method.lower()}",
                          summary=f"SPARQL 1.1 Protocol endpoint ({method}; updates with the admin token)")

    async def _query(request: Request, svc: _Service, text: str, params: list[tuple[str, str]]) -> Response:
        refused = svc.refused_targets(text)
        if refused:
            return _error(403, f"SERVICE to {', '.join(refused)} is not allowed: this endpoint only contacts "
                               f"addresses on its allow-list ({', '.join(svc.settings.service_allowlist) or 'empty'})")
        form = query_form(text)
        offered = neg.GRAPHS if form in ("CONSTRUCT", "DESCRIBE") else (neg.BOOLEAN if form == "ASK" else neg.RESULTS)
        default = "turtle" if offered is neg.GRAPHS else "json"
        try:
            fmt, media = neg.choose(request.headers.get("accept"), offered, default, request.query_params.get("format"))
        except neg.NotAcceptable as exc:
            return _error(406, str(exc))
        req = QueryRequest(
            text,
            results_format=fmt if offered is not neg.GRAPHS else "json",
            graph_format=fmt if offered is neg.GRAPHS else "turtle",
            default_graphs=tuple(v for k, v in params if k == "default-graph-uri"),
            named_graphs=tuple(v for k, v in params if k == "named-graph-uri"),
            base_iri=svc.settings.base_url or str(request.url_for("sparql")),
            max_bytes=svc.settings.max_result_bytes,
        )
        res = await svc.run(req)
        if res.status != 200:
            return _error(res.status, res.body.decode("utf-8", "replace"))
        media = neg.CANONICAL[res.format]
        return Response(res.body, media_type=f"{media}; charset=utf-8", headers={"Vary": "Accept"})

    async def _update(request: Request, svc: _Service, text: str, params: list[tuple[str, str]]) -> Response:
        token = svc.settings.admin_token
        if not token:
            return _error(403, "this endpoint is read-only: updates are disabled (set TANBIAO_ADMIN_TOKEN to enable)")
        if request.headers.get("authorization", "") != f"Bearer {token}":
            return _error(401, "updates need the admin token: Authorization: Bearer <token>",
                          {"WWW-Authenticate": 'Bearer realm="tanbiao"'})
        refused = svc.refused_targets(text)
        if refused:
            return _error(403, f"LOAD/SERVICE from {', '.join(refused)} is not allowed (not on the allow-list)")
        using = tuple(v for k, v in params if k == "using-graph-uri")
        using_named = tuple(v for k, v in params if k == "using-named-graph-uri")
        base = svc.settings.base_url or str(request.url_for("sparql"))
        try:
            if svc.backend.name == "embedded":
                text = add_using(text, using, using_named)
                using, using_named = (), ()
            await run_in_threadpool(svc.backend.update, text, using, using_named, base)
            svc._gaps = None
        except DatasetConflict as exc:
            return _error(400, str(exc))
        except UpdateError as exc:
            return _error(400, str(exc))
        return Response(status_code=204)

    async def _describe_service(request: Request, svc: _Service) -> Response:
        try:
            fmt, media = neg.choose(request.headers.get("accept"), neg.GRAPHS, "turtle")
        except neg.NotAcceptable as exc:
            if "text/html" in (request.headers.get("accept") or ""):
                fmt, media = "turtle", "text/turtle"
            else:
                return _error(406, str(exc))
        graphs = await run_in_threadpool(svc.backend.graphs)
        endpoint = svc.settings.base_url or str(request.url_for("sparql"))
        version = ontology_version()
        site = svc.settings.base_url.rsplit("/sparql", 1)[0] + "/" if svc.settings.base_url else str(request.base_url)
        dumps = tuple(f"{site}downloads/tanbiao-{version}.{ext}" for ext in ("ttl", "nt", "trig", "jsonld"))
        body = service_description(endpoint, graphs, updates=bool(svc.settings.admin_token), fmt=fmt, dumps=dumps,
                                   version=version)
        return Response(body, media_type=f"{media}; charset=utf-8", headers={"Vary": "Accept"})

    @app.get("/.well-known/void", tags=["sparql"], summary="VoID description of the dataset")
    async def void(request: Request) -> Response:
        return await _describe_service(request, service(request))

    # --- catalogue ---------------------------------------------------------------------------------------

    @app.get("/api/queries", tags=["catalogue"], summary="The query catalogue (name, summaries, tags, parameters)")
    async def list_queries() -> list[dict]:
        return [_describe_query(q) for q in catalogue().values()]

    for query in catalogue().values():
        _add_query_route(app, query, service)

    # --- standards --------------------------------------------------------------------------------------

    @app.get("/api/standards", tags=["standards"], summary="The standards list (JSON or CSV)",
             description="Fields: number, title (as printed), status, category, position {notation, label}, … "
                         "`?format=csv` or `Accept: text/csv` for CSV.")
    async def standards(request: Request) -> Response:
        fmt = _table_format(request)
        rows = standards_rows(await service(request).select(catalogue()["standards"].text))
        return _rows_response(rows, fmt, "standards")

    @app.get("/api/standards/{number:path}", tags=["standards"], summary="One standard by any number it is known by",
             description="e.g. `/api/standards/GB/T 32151.1-2015` or `/api/standards/2021-1715T-SH`.")
    async def standard(number: str, request: Request) -> Response:
        fmt = _table_format(request)
        rows = standards_rows(await service(request).select(catalogue()["standards"].text))
        wanted = number.strip()
        match = [r for r in rows if wanted in r["identifiers"] or r["iri"].rsplit("/", 1)[-1] == wanted]
        if not match:
            raise HTTPException(404, f"no standard is known by the number '{wanted}' (see /api/standards)")
        if fmt == "csv":
            return _rows_response(match, "csv", "standard")
        return JSONResponse(match[0])

    mount_editor(app)

    # --- gap analysis -----------------------------------------------------------------------------------

    @app.get("/api/gaps", tags=["gaps"], summary="Gap analysis: a verdict with evidence for every priority item",
             description="Filters: direction, aspect, industry, coverage (covered|partial|gap), status (best status, "
                         "or none), source (document key), code (an industry code of the item's subject: GB/T 4754 "
                         "C3011, ISIC 2394 or NACE 23.51). Formats: json (default), csv, xlsx, md, html — "
                         "`?format=` or Accept. Unknown filter values get 400 with the allowed ones.")
    async def gaps(request: Request, direction: str | None = None, aspect: str | None = None,
                   industry: str | None = None, coverage: str | None = None, status: str | None = None,
                   source: str | None = None, code: str | None = None, format: str | None = None) -> Response:
        unknown = sorted(set(request.query_params) - set(FILTERS) - {"format"})
        if unknown:
            raise HTTPException(400, f"unknown parameter(s) {', '.join(unknown)}; filters are {', '.join(FILTERS)} "
                                     "and format")
        fmt = format or _gap_format(request.headers.get("accept", ""))
        if fmt not in GAP_FORMATS:
            raise HTTPException(400, f"format '{fmt}' is not one of {', '.join(GAP_FORMATS)}")
        report, summ = await service(request).gaps()
        try:
            rows = report.filtered(direction=direction, aspect=aspect, industry=industry, coverage=coverage,
                                   status=status, source=source, code=code)
        except FilterError as exc:
            raise HTTPException(400, str(exc)) from None
        if fmt == "json":
            return JSONResponse(rows)
        headers = {"Content-Disposition": f'inline; filename="gaps.{fmt}"'} if fmt in ("csv", "xlsx", "md") else {}
        return Response(render_gaps(rows, summ, fmt), media_type=GAP_MEDIA[fmt], headers=headers)

    @app.post("/api/gaps/what-if", tags=["gaps"], summary="Which items would change verdict with proposed standards",
              description="Body: a JSON list of proposals, or CSV (`Content-Type: text/csv`) in the update-file "
                          "format — number, title, status, position (sub-category notation or label), subjects "
                          "(concept ids or labels, `|`-separated; default: the concepts the title names), "
                          "replaces … Computed on a private copy of the build; the served store is not touched.")
    async def gaps_what_if(request: Request) -> dict:
        from .whatif import WhatIfError, rows_to_csv, what_if

        body = await request.body()
        media = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
        try:
            text = body.decode("utf-8-sig")
            if media in ("text/csv", "application/csv"):
                proposals = text
            elif media == "application/json":
                proposals = rows_to_csv(json.loads(text))
            else:
                raise HTTPException(415, "send the proposals as application/json (a list) or text/csv")
            return await run_in_threadpool(what_if, service(request).settings.build_dir, proposals)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise HTTPException(400, f"the body is not valid {media}: {exc}") from None
        except (WhatIfError, SourceError) as exc:
            raise HTTPException(400, str(exc)) from None
        except FileNotFoundError as exc:
            raise HTTPException(503, str(exc)) from None

    @app.get("/api/gaps/summary", tags=["gaps"], summary="Coverage counts and progress against the targets")
    async def gaps_summary(request: Request) -> dict:
        return (await service(request).gaps())[1]

    @app.get("/health", include_in_schema=False)
    async def health(request: Request) -> dict:
        return {"status": "ok", "backend": service(request).backend.name}

    mount_pages(app, service)
    return app


def _gap_queries() -> list[str]:
    cat = catalogue()
    return [cat[n].text if not cat[n].params else bind(cat[n], {})
            for n in ("items", "standards", "status-ranks", "gap-evidence", "gap-context", "targets",
                      "item-industry-codes")]


def _gap_format(accept: str) -> str:
    for media, fmt in (("text/html", "html"), ("text/csv", "csv"), ("text/markdown", "md"),
                       ("spreadsheetml", "xlsx")):
        if media in accept and "application/json" not in accept:
            return fmt
    return "json"


def _describe_query(q: Query) -> dict:
    return {
        "name": q.name, "summary_zh": q.summary_zh, "summary_en": q.summary_en, "tags": list(q.tags),
        "form": q.form, "path": f"/api/queries/{q.name}", "text": q.text,
        "params": [{"name": p.name, "type": p.type, "lang": p.lang, "required": p.required,
                    "description": p.description, "example": p.example} for p in q.params],
    }


def _add_query_route(app: FastAPI, query: Query, service) -> None:
    async def run_catalogue_query(request: Request) -> Response:
        svc = service(request)
        values = {k: v for k, v in request.query_params.items() if k != "format"}
        try:
            text = bind(query, values)
        except CatalogueError as exc:
            raise HTTPException(400, str(exc)) from None
        if query.form in ("CONSTRUCT", "DESCRIBE"):
            try:
                fmt, media = neg.choose(request.headers.get("accept"), neg.GRAPHS, "turtle",
                                        request.query_params.get("format"))
            except neg.NotAcceptable as exc:
                raise HTTPException(406, str(exc)) from None
            res = await svc.run(QueryRequest(text, graph_format=fmt, max_bytes=svc.settings.max_result_bytes))
            if res.status != 200:
                raise HTTPException(res.status, res.body.decode("utf-8", "replace"))
            return Response(res.body, media_type=f"{media}; charset=utf-8")
        rows = await svc.select(text)
        return _rows_response(rows, _table_format(request), query.name)

    parameters = [
        {"name": p.name, "in": "query", "required": p.required,
         "description": f"{p.description} ({p.type}{', @' + p.lang if p.lang else ''})".strip(),
         "schema": {"type": "integer" if p.type == "integer" else "string",
                    **({"example": p.example} if p.example else {})}}
        for p in query.params
    ] + [{"name": "format", "in": "query", "required": False,
          "description": "json or csv (SELECT/ASK); turtle, ntriples, rdfxml or jsonld (CONSTRUCT/DESCRIBE)",
          "schema": {"type": "string"}}]
    app.add_api_route(
        f"/api/queries/{query.name}", run_catalogue_query, methods=["GET"], tags=["catalogue"],
        summary=f"{query.summary_en} / {query.summary_zh}", name=f"query_{query.name}",
        description=f"Catalogue query `queries/{query.name}.rq` ({query.form}).\n\n```sparql\n{query.text}\n```",
        openapi_extra={"parameters": parameters},
    )
