"""Store backends behind the API: the embedded on-disk pyoxigraph store (default) or any SPARQL 1.1 endpoint.

Both answer the same ``QueryRequest`` with a serialised ``QueryResult``, so ``/sparql``, ``/api/…`` and the
catalogue give the same answers whichever backend serves them. The embedded backend keeps one store per build
version in ``data/store/`` and switches to a new build while it runs (``stores.py``).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from tanbiao.errors import Unavailable, UpdateError
from tanbiao.sparqltext import has_from_clause, query_form

from . import sandbox
from .config import Settings
from .negotiation import CANONICAL
from .stores import Fixed, Served, Version
from .workers import QueryPool, QueryRequest, QueryResult, check_job, execute, graphs_job, query_job, update_job

__all__ = ["Backend", "EmbeddedBackend", "RemoteBackend", "UpdateError", "make_backend", "rows_from_json",
           "standard_results_json"]

log = logging.getLogger("tanbiao.backends")


class Backend(Protocol):
    name: str

    def query(self, req: QueryRequest) -> QueryResult: ...

    def update(self, text: str, using: tuple[str, ...], using_named: tuple[str, ...], base_iri: str) -> None: ...

    def graphs(self) -> dict[str, int]: ...

    def close(self) -> None: ...


def rows_from_json(body: bytes) -> list[dict]:
    """SPARQL JSON results -> rows of plain values (integers and booleans as Python values)."""
    data = json.loads(body)
    if "boolean" in data:
        return [{"boolean": data["boolean"]}]
    rows = []
    for b in data["results"]["bindings"]:
        row: dict[str, object] = {}
        for var in data["head"]["vars"]:
            cell = b.get(var)
            if cell is None:
                row[var] = None
            elif cell.get("datatype", "").endswith("#integer"):
                row[var] = int(cell["value"])
            elif cell.get("datatype", "").endswith("#boolean"):
                row[var] = cell["value"] == "true"
            else:
                row[var] = cell["value"]
        rows.append(row)
    return rows


_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


def standard_results_json(body: bytes) -> bytes:
    """SPARQL 1.1 JSON results from an endpoint that writes the 2008 draft's syntax (Virtuoso). Each change keeps
    the term: ``"typed-literal"`` is a ``"literal"`` with a datatype, and xsd:boolean's lexical forms ``1`` / ``0``
    become its canonical ``true`` / ``false`` (Virtuoso writes stored booleans so). Bodies without
    ``typed-literal`` (every other engine's) are returned unchanged."""
    if b'"typed-literal"' not in body:
        return body
    data = json.loads(body)
    for binding in data.get("results", {}).get("bindings", []):
        for cell in binding.values():
            if cell.get("type") == "typed-literal":
                cell["type"] = "literal"
            if cell.get("datatype") == _XSD_BOOLEAN:
                cell["value"] = {"1": "true", "0": "false"}.get(cell["value"], cell["value"])
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


class EmbeddedBackend:
    """On-disk pyoxigraph store versions (``stores.py``) queried by sandboxed worker processes (``workers.py``)."""

    name = "embedded"

    def __init__(self, settings: Settings):
        self.settings = settings
        self.no_network = sandbox.available()  # '' when the workers can be sealed off from the network
        if Path(settings.build_dir, "tanbiao.trig").is_file():
            self.served: Served | Fixed = Served(Path(settings.build_dir), Path(settings.store_dir))
        elif Path(settings.store_dir).is_dir():
            self.served = Fixed(Version(Path(settings.build_dir), Path(settings.store_dir), "store"))
        else:
            raise Unavailable(f"no build in {settings.build_dir}/ and no store in {settings.store_dir}/ — "
                              "run `tanbiao build` first")
        sealed = not self.no_network
        common = {"timeout": settings.query_timeout, "light_seconds": settings.light_seconds,
                  "max_wait": settings.queue_wait}
        self.pool = QueryPool(settings.workers, heavy=settings.heavy_workers, sandbox=sealed,
                              store=self.served.get(), **common)
        self.federation = QueryPool(2, heavy=2, sandbox=False, **common) if settings.service_allowlist else None
        self.writer = QueryPool(1, heavy=1, sandbox=sealed, **common)

    @property
    def sealed(self) -> bool:
        return not self.no_network

    def build_dir(self) -> Path:
        return self.served.get().build_dir

    def query(self, req: QueryRequest) -> QueryResult:
        pool = self.federation if req.federated and self.federation is not None else self.pool
        return pool.run(query_job, req, store=self.served.get(), fingerprint=req.query, timeout=req.timeout)

    def check(self, text: str, kind: str, base: str | None, timeout: float | None = None) -> dict:
        """rdflib's view of the remote calls of ``text`` (``gate.remote_calls``), in a sandboxed worker."""
        return self.pool.run(check_job, text, kind, base, store=self.served.get(), timeout=timeout)

    def update(self, text: str, using: tuple[str, ...], using_named: tuple[str, ...], base_iri: str) -> None:
        version = self.served.get()
        self.writer.run(update_job, str(version.store_dir), text, base_iri)
        self.served.updated()

    def graphs(self) -> dict[str, int]:
        return self.pool.run(graphs_job, store=self.served.get())

    def close(self) -> None:
        for pool in (self.pool, self.federation, self.writer):
            if pool is not None:
                pool.close()
        self.served.close()


class RemoteBackend:
    """Any SPARQL 1.1 endpoint (Oxigraph server, Virtuoso, Fuseki …), through SPARQLWrapper.

    What every endpoint gets, whatever its habits (docs/endpoint.md lists the differences this handles):

    * a form-encoded POST (Virtuoso can hang on an ``application/sparql-query`` body) with the exact media type
      in ``Accept`` (with none, Virtuoso answers HTML or XML);
    * the dataset named in the request: ``default-graph-uri`` and ``named-graph-uri`` set to the build's named
      graphs (``sparql_graphs``), unless the request or the query's ``FROM`` names its own. So the default graph
      is the union of the build's graphs as on the embedded store, and an endpoint's other graphs (Virtuoso's
      system graphs) never enter an answer;
    * only the two lossless formats every endpoint writes, SPARQL JSON for solutions and N-Triples for graphs;
      the format the client asked for is written here, by the embedded store's serialisers (``_from_wire``).
      So every format is term for term the embedded store's: Virtuoso's own JSON-LD drops language tags, its
      TSV has no ``?`` in the header and its JSON is the 2008 draft's (``standard_results_json``);
    * a result the endpoint cut short (Virtuoso's ``ResultSetMaxRows``, reported only in an ``X-SPARQL-MaxRows``
      header of a 200 answer) is an error, never a silently shorter answer.
    """

    name = "remote"

    def __init__(self, settings: Settings):
        if not settings.sparql_url:
            raise ValueError("the remote backend needs TANBIAO_SPARQL_URL (the endpoint's query URL)")
        self.settings = settings
        self.dataset = settings.sparql_graphs or _build_graphs(Path(settings.build_dir))

    def _wrapper(self, url: str, timeout: float | None = None):
        from SPARQLWrapper import POST, SPARQLWrapper

        w = SPARQLWrapper(url, agent="tanbiao")
        w.setMethod(POST)  # form-encoded (SPARQLWrapper's default request method for POST)
        if timeout or self.settings.query_timeout:
            w.setTimeout(int(timeout or self.settings.query_timeout))
        return w

    def query(self, req: QueryRequest) -> QueryResult:
        from urllib.error import HTTPError, URLError

        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        form = query_form(req.query)
        graph_form = form in ("CONSTRUCT", "DESCRIBE")
        fmt = req.graph_format if graph_form else req.results_format
        if form == "ASK" and fmt not in ("json", "xml"):
            fmt = "json"
        wire = "ntriples" if graph_form else "json"  # what is asked of the endpoint: see _from_wire
        w = self._wrapper(self.settings.sparql_url, req.timeout)
        w.setQuery(req.query)
        w.queryType = form  # SPARQLWrapper's own guess can mistake words in comments
        own = req.default_graphs or req.named_graphs or has_from_clause(req.query)
        for g in req.default_graphs if own else self.dataset:
            w.addDefaultGraph(g)
        for g in req.named_graphs if own else self.dataset:
            w.addNamedGraph(g)
        w.setReturnFormat("turtle" if graph_form else "json")  # SPARQLWrapper has no N-Triples: Accept says it
        w.setOnlyConneg(True)  # content negotiation only (no format= parameter), with the exact media type
        w.addCustomHttpHeader("Accept", CANONICAL[wire])
        try:
            response = w.query().response
            body = response.read(req.max_bytes + 1)
        except SPARQLWrapperException as exc:  # its message quotes the endpoint's body: logged, never returned
            log.warning("the SPARQL endpoint refused a query: %s", exc)
            return QueryResult(400, "error", "text", b"the SPARQL endpoint refused the query (bad syntax or "
                                                     b"unsupported feature); details are in the server log")
        except HTTPError as exc:
            log.warning("the SPARQL endpoint answered %s: %r", exc.code, exc.read()[:500])
            return QueryResult(400 if exc.code < 500 else 502, "error", "text",
                               f"the SPARQL endpoint answered HTTP {exc.code}; details are in the server log".encode())
        except (URLError, TimeoutError, OSError) as exc:
            log.warning("the SPARQL endpoint did not answer: %s", exc)
            return QueryResult(503, "error", "text", b"the SPARQL endpoint did not answer")
        max_rows = response.headers.get("X-SPARQL-MaxRows")
        if max_rows:
            return QueryResult(502, "error", "text", f"the endpoint cut the result short at {max_rows} rows "
                               "(Virtuoso: raise [SPARQL] ResultSetMaxRows in virtuoso.ini)".encode())
        if len(body) <= req.max_bytes:
            try:
                body = _from_wire(body, wire, fmt)
            except (SyntaxError, ValueError) as exc:
                log.warning("the SPARQL endpoint's answer does not parse: %s", exc)
                return QueryResult(502, "error", "text", b"the SPARQL endpoint's answer does not parse; details "
                                                         b"are in the server log")
        if len(body) > req.max_bytes:
            return QueryResult(413, "error", "text",
                               f"the result is larger than the limit of {req.max_bytes} bytes".encode())
        kind = "graph" if graph_form else ("boolean" if form == "ASK" else "solutions")
        return QueryResult(200, kind, fmt, body)

    def update(self, text: str, using: tuple[str, ...], using_named: tuple[str, ...], base_iri: str) -> None:
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        w = self._wrapper(self.settings.update_url or self.settings.sparql_url)
        w.setQuery(text)
        for g in using:
            w.addParameter("using-graph-uri", g)
        for g in using_named:
            w.addParameter("using-named-graph-uri", g)
        try:
            w.query()
        except (SPARQLWrapperException, OSError) as exc:
            log.warning("the SPARQL endpoint refused an update: %s", exc)
            raise UpdateError("the SPARQL endpoint refused the update; details are in the server log") from None

    def graphs(self) -> dict[str, int]:
        q = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
        res = self.query(QueryRequest(q))
        return {r["g"]: int(r["n"]) for r in rows_from_json(res.body)} if res.status == 200 else {}

    def close(self) -> None:
        pass


def _from_wire(body: bytes, wire: str, fmt: str) -> bytes:
    """A result as the endpoint sent it (``wire``: SPARQL JSON or N-Triples) -> the same result in ``fmt``."""
    if wire == "json":
        body = standard_results_json(body)
        if fmt == "json":
            return body
        out = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON).serialize(
            format=ox.QueryResultsFormat.from_media_type(CANONICAL[fmt]))
    elif fmt == "ntriples":
        return body
    else:
        out = ox.serialize(ox.parse(body, format=ox.RdfFormat.N_TRIPLES),
                           format=ox.RdfFormat.from_media_type(CANONICAL[fmt]))
    return out or b""  # (pyoxigraph returns the bytes when it is given no output)


def _build_graphs(build_dir: Path) -> tuple[str, ...]:
    """The named graphs of the build in ``build_dir`` (its summary), or none when there is no build."""
    try:
        return tuple(json.loads((build_dir / "summary.json").read_text(encoding="utf-8"))["named_graphs"])
    except (OSError, ValueError, KeyError):
        return ()


def make_backend(settings: Settings) -> Backend:
    if settings.store == "embedded":
        return EmbeddedBackend(settings)
    if settings.store == "remote":
        return RemoteBackend(settings)
    raise ValueError(f"TANBIAO_STORE must be 'embedded' or 'remote', not '{settings.store}'")


__all__ += ["execute"]
