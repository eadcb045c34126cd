"""``/sparql``: the SPARQL 1.1 Protocol (query; update with the admin token), and the service description."""

from __future__ import annotations

import hmac
import re
import time
from typing import Any
from urllib.parse import parse_qsl

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from tanbiao.loaders.resources import ontology_version

from tanbiao.errors import QueryError
from tanbiao.sparqlerrors import explain
from tanbiao.sparqltext import add_using

from .. import negotiation as neg
from ..service import Service, service
from ..servicedesc import service_description
from ..workers import QueryRequest, QueryResult

__all__ = ["router"]

router = APIRouter(tags=["sparql"])
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")


def _browser(request: Request) -> bool:
    """A browser navigating here: it asks for HTML first (not a client asking for a service description)."""
    accept = request.headers.get("accept", "")
    return accept.startswith(("text/html", "application/xhtml+xml"))


def _error(status: int, message: str, headers: dict | None = None) -> PlainTextResponse:
    return PlainTextResponse(message + "\n", status_code=status, headers=headers)


async def sparql(request: Request) -> Response:
    svc = service(request)
    params: list[tuple[str, str]] = list(request.query_params.multi_items())
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
    if any(not v.strip() for v in queries + updates):
        return _error(400, f"the {'query' if queries else 'update'} is empty: send the SPARQL text as "
                           f"{'query' if queries else 'update'}=…")
    if updates:
        if request.method != "POST":
            return _error(405, "updates must be sent with POST", {"Allow": "POST"})
        return await _update(request, svc, updates[0], params)
    if not queries:
        if request.method == "GET" and _browser(request):  # a person opening /sparql: the editor
            return RedirectResponse(str(request.url_for("editor_page")), status_code=303)
        return await describe_service(request, svc)
    return await _query(request, svc, queries[0], params)


def _param(name: str, description: str, many: bool = False, example: str | None = None) -> dict:
    schema: dict = {"type": "array", "items": {"type": "string"}} if many else {"type": "string"}
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema,
            **({"example": example} if example else {}), **({"explode": True} if many else {})}


_DATASET = [
    _param("default-graph-uri", "a named graph to query as the default graph (repeatable)", many=True),
    _param("named-graph-uri", "a named graph the query may use with GRAPH (repeatable)", many=True),
    _param("format", "the result format instead of Accept: json, xml, csv, tsv (SELECT/ASK); turtle, ntriples, "
                     "rdfxml, jsonld (CONSTRUCT/DESCRIBE)"),
]
_RESULTS: dict[int | str, dict[str, Any]] = {
            200: {"description": "SELECT/ASK results or a CONSTRUCT/DESCRIBE graph, by Accept (or format=); "
                                 "without a query, the service description (a browser is sent to the editor)",
                  "content": {m: {} for m in ("application/sparql-results+json", "application/sparql-results+xml",
                                              "text/csv", "text/tab-separated-values", "text/turtle",
                                              "application/n-triples", "application/ld+json")}},
            204: {"description": "update applied"},
            400: {"description": "a syntax error (line, column, the text with a caret, a hint) or a bad request",
                  "content": {"text/plain": {}}},
            401: {"description": "an update without the admin token"}, 403: {"description": "refused"},
            406: {"description": "no acceptable result format"}, 415: {"description": "unsupported POST body"}}
_OPENAPI: dict[str, dict[str, Any]] = {
    "GET": {"parameters": [_param("query", "a SPARQL 1.1 query", example="SELECT * WHERE { ?s ?p ?o } LIMIT 3"),
                           *_DATASET]},
    "POST": {"parameters": _DATASET + [
        _param("using-graph-uri", "update: a graph for the update's WHERE (repeatable)", many=True),
        _param("using-named-graph-uri", "update: a named graph for the update's WHERE (repeatable)", many=True)],
        "requestBody": {"required": True, "content": {
            "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
                "query": {"type": "string"}, "update": {"type": "string"},
                "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                "named-graph-uri": {"type": "array", "items": {"type": "string"}}}}},
            "application/sparql-query": {"schema": {"type": "string"}, "example": "ASK { ?s ?p ?o }"},
            "application/sparql-update": {"schema": {"type": "string"},
                                          "example": "INSERT DATA { <urn:x> <urn:p> 1 }"}}}},
}

for _method in ("GET", "POST"):
    router.add_api_route("/sparql", sparql, methods=[_method], name="sparql",
                         operation_id=f"sparql_{_method.lower()}", responses=_RESULTS,
                         summary=f"SPARQL 1.1 Protocol endpoint ({_method}; updates with the admin token)",
                         description="The SPARQL 1.1 Protocol: `query` (GET or POST), `update` (POST, with "
                                     "`Authorization: Bearer <token>`), dataset parameters, results by Accept.",
                         openapi_extra=_OPENAPI[_method])


@router.options("/sparql", include_in_schema=False)
async def sparql_options() -> Response:
    return Response(status_code=204, headers={"Allow": "GET, POST, OPTIONS"})


def _iris(params: list[tuple[str, str]], name: str) -> tuple[str, ...]:
    """The values of an IRI parameter, each checked to be an absolute IRI (400 otherwise)."""
    out = []
    for k, v in params:
        if k == name:
            if not _ABSOLUTE.match(v):
                raise QueryError(f"{name} '{v[:200]}' is not an absolute IRI")
            try:
                ox.NamedNode(v)
            except ValueError as exc:
                raise QueryError(f"{name} '{v[:200]}' is not a valid IRI ({exc})") from None
            out.append(v)
    return tuple(out)


async def _query(request: Request, svc: Service, text: str, params: list[tuple[str, str]]) -> Response:
    default_graphs, named_graphs = _iris(params, "default-graph-uri"), _iris(params, "named-graph-uri")
    accept, override = request.headers.get("accept"), request.query_params.get("format")
    base = svc.base_url(request) + "/sparql"

    def run() -> QueryResult:  # one hop to a worker thread: the gate, then the query in its worker process
        decision = svc.gate(text, False, request)
        form = decision.census.form or "SELECT"
        offered = neg.GRAPHS if form in ("CONSTRUCT", "DESCRIBE") else (neg.BOOLEAN if form == "ASK" else neg.RESULTS)
        fmt, _media = neg.choose(accept, offered, "turtle" if offered is neg.GRAPHS else "json", override)
        return svc.backend.query(QueryRequest(
            text,
            results_format=fmt if offered is not neg.GRAPHS else "json",
            graph_format=fmt if offered is neg.GRAPHS else "turtle",
            default_graphs=default_graphs,
            named_graphs=named_graphs,
            base_iri=base,
            max_bytes=svc.settings.max_result_bytes,
            own_dataset=decision.census.from_clause,
            federated=decision.federated,
        ))

    res = await run_in_threadpool(run)
    if res.status != 200:
        message = res.body.decode("utf-8", "replace")
        return _error(res.status, explain(text, message) if "syntax error" in message else message)
    media = neg.CANONICAL[res.format]
    return Response(res.body, media_type=f"{media}; charset=utf-8", headers={"Vary": "Accept"})


def _authorised(header: str, token: str) -> bool:
    scheme, _, given = header.strip().partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


async def _update(request: Request, svc: Service, text: str, params: list[tuple[str, str]]) -> Response:
    token = svc.settings.admin_token
    if not token:
        return _error(403, "this endpoint is read-only: updates are disabled (set TANBIAO_ADMIN_TOKEN to enable)")
    if not _authorised(request.headers.get("authorization", ""), token):
        return _error(401, "updates need the admin token: Authorization: Bearer <token>",
                      {"WWW-Authenticate": 'Bearer realm="tanbiao"'})
    using, using_named = _iris(params, "using-graph-uri"), _iris(params, "using-named-graph-uri")
    await run_in_threadpool(svc.gate, text, True, request)
    base = svc.base_url(request) + "/sparql"
    if svc.backend.name == "embedded":
        text = add_using(text, using, using_named)
        using, using_named = (), ()
    await run_in_threadpool(svc.backend.update, text, using, using_named, base)
    svc.data_changed()
    request.app.state.data_modified = time.time()  # Last-Modified of every response (api/httpcache.py)
    return Response(status_code=204)


async def describe_service(request: Request, svc: Service) -> Response:
    try:
        fmt, media = neg.choose(request.headers.get("accept"), neg.GRAPHS, "turtle")
    except neg.NotAcceptable:
        if "text/html" not in (request.headers.get("accept") or ""):
            raise
        fmt, media = "turtle", "text/turtle"
    graphs = await run_in_threadpool(svc.backend.graphs)
    site = svc.base_url(request)
    version = ontology_version()
    dumps = tuple(f"{site}/downloads/tanbiao-{version}.{ext}" for ext in ("ttl", "nt", "trig", "jsonld"))
    body = service_description(site + "/sparql", graphs, updates=bool(svc.settings.admin_token), fmt=fmt,
                               dumps=dumps, version=version)
    return Response(body, media_type=f"{media}; charset=utf-8", headers={"Vary": "Accept"})


@router.get("/.well-known/void", summary="VoID description of the dataset")
async def void(request: Request) -> Response:
    return await describe_service(request, service(request))
