"""Store backends behind the API: the embedded on-disk pyoxigraph store (default) or any SPARQL 1.1 endpoint.

Both answer the same ``QueryRequest`` with a serialised ``QueryResult``, so ``/sparql``, ``/api/…`` and the
catalogue give the same answers whichever backend serves them. The embedded backend keeps its store in
``data/store/`` and reloads it from ``data/build/tanbiao.trig`` whenever the build changed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from tanbiao.errors import Unavailable, UpdateError
from tanbiao.sparqltext import has_from_clause, query_form

from .config import Settings
from .negotiation import CANONICAL
from .workers import QueryPool, QueryRequest, QueryResult, execute

__all__ = ["Backend", "EmbeddedBackend", "RemoteBackend", "UpdateError", "make_backend", "rows_from_json",
           "prepare_store", "standard_results_json"]


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


def _build_id(build_dir: Path) -> str:
    trig = build_dir / "tanbiao.trig"
    if not trig.is_file():
        raise Unavailable(f"no build in {build_dir}/ (missing tanbiao.trig) — run `tanbiao build` first")
    return hashlib.sha256(trig.read_bytes()).hexdigest()


def prepare_store(build_dir: Path, store_dir: Path) -> bool:
    """Make ``store_dir`` hold exactly the build; returns True when it was (re)loaded."""
    build_id = _build_id(build_dir)
    marker = store_dir / "tanbiao-build-id"
    if marker.is_file() and marker.read_text().strip() == build_id:
        return False
    tmp = store_dir.with_name(store_dir.name + ".loading")
    if tmp.exists():
        shutil.rmtree(tmp)
    store = ox.Store(str(tmp))
    store.bulk_load(path=str(build_dir / "tanbiao.trig"), format=ox.RdfFormat.TRIG)
    store.flush()
    del store
    (tmp / "tanbiao-build-id").write_text(build_id)
    if store_dir.exists():
        shutil.rmtree(store_dir)
    tmp.rename(store_dir)
    return True


class EmbeddedBackend:
    name = "embedded"

    def __init__(self, settings: Settings):
        self.settings = settings
        self.store_dir = Path(settings.store_dir)
        if Path(settings.build_dir, "tanbiao.trig").is_file():
            prepare_store(Path(settings.build_dir), self.store_dir)
        elif not self.store_dir.is_dir():
            raise Unavailable(f"no build in {settings.build_dir}/ and no store in {self.store_dir}/ — "
                                    "run `tanbiao build` first")
        self.pool = QueryPool(self.store_dir, settings.workers, settings.query_timeout)

    def query(self, req: QueryRequest) -> QueryResult:
        return self.pool.run(req)

    def update(self, text: str, using: tuple[str, ...], using_named: tuple[str, ...], base_iri: str) -> None:
        store = ox.Store(str(self.store_dir))
        try:
            store.update(text, base_iri=base_iri)
            store.flush()
        except SyntaxError as exc:
            raise UpdateError(f"SPARQL update syntax error: {exc}") from None
        except (OSError, ValueError) as exc:
            raise UpdateError(f"SPARQL update error: {exc}") from None
        finally:
            del store
        self.pool.reload()

    def graphs(self) -> dict[str, int]:
        store = ox.Store.read_only(str(self.store_dir))
        q = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
        res = store.query(q)
        assert isinstance(res, ox.QuerySolutions)
        return {sol["g"].value: int(sol["n"].value) for sol in res}

    def close(self) -> None:
        self.pool.close()


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

    def _wrapper(self, url: str):
        from SPARQLWrapper import POST, SPARQLWrapper

        w = SPARQLWrapper(url, agent="tanbiao")
        w.setMethod(POST)  # form-encoded (SPARQLWrapper's default request method for POST)
        if self.settings.query_timeout:
            w.setTimeout(int(self.settings.query_timeout))
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
        w = self._wrapper(self.settings.sparql_url)
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
        except SPARQLWrapperException as exc:
            return QueryResult(400, "error", "text", f"SPARQL error from the endpoint: {exc}".encode())
        except HTTPError as exc:
            return QueryResult(400 if exc.code < 500 else 502, "error", "text",
                               f"the endpoint answered {exc.code}: {exc.read()[:500]!r}".encode())
        except (URLError, TimeoutError, OSError) as exc:
            return QueryResult(503, "error", "text", f"the endpoint did not answer: {exc}".encode())
        max_rows = response.headers.get("X-SPARQL-MaxRows")
        if max_rows:
            return QueryResult(502, "error", "text", f"the endpoint cut the result short at {max_rows} rows "
                               "(Virtuoso: raise [SPARQL] ResultSetMaxRows in virtuoso.ini)".encode())
        if len(body) <= req.max_bytes:
            try:
                body = _from_wire(body, wire, fmt)
            except (SyntaxError, ValueError) as exc:
                return QueryResult(502, "error", "text", f"the endpoint's answer does not parse: {exc}".encode())
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
            raise UpdateError(f"the endpoint refused the update: {exc}") from None

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
