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
from tanbiao.sparqltext import query_form

from .config import Settings
from .negotiation import CANONICAL
from .workers import QueryPool, QueryRequest, QueryResult, execute

__all__ = ["Backend", "EmbeddedBackend", "RemoteBackend", "UpdateError", "make_backend", "rows_from_json",
           "prepare_store"]


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
    """Any SPARQL 1.1 endpoint, through SPARQLWrapper. The endpoint should use the union of its named graphs
    as the default graph (Oxigraph: ``--union-default-graph``; Fuseki: ``tdb2:unionDefaultGraph true``)."""

    name = "remote"
    _RESULTS = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv"}
    # SPARQLWrapper has no N-Triples format: the Accept header set in query() asks for it
    _GRAPHS = {"turtle": "turtle", "ntriples": "turtle", "rdfxml": "xml", "jsonld": "json-ld"}

    def __init__(self, settings: Settings):
        if not settings.sparql_url:
            raise ValueError("the remote backend needs TANBIAO_SPARQL_URL (the endpoint's query URL)")
        self.settings = settings

    def _wrapper(self, url: str):
        from SPARQLWrapper import SPARQLWrapper

        w = SPARQLWrapper(url, agent="tanbiao")
        if self.settings.query_timeout:
            w.setTimeout(int(self.settings.query_timeout))
        return w

    def query(self, req: QueryRequest) -> QueryResult:
        from urllib.error import HTTPError, URLError

        from SPARQLWrapper import POST
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        w = self._wrapper(self.settings.sparql_url)
        w.setMethod(POST)
        w.setQuery(req.query)
        w.queryType = query_form(req.query)  # SPARQLWrapper's own guess can mistake words in comments
        for g in req.default_graphs:
            w.addDefaultGraph(g)
        for g in req.named_graphs:
            w.addNamedGraph(g)
        form = w.queryType
        graph_form = form in ("CONSTRUCT", "DESCRIBE")
        fmt = req.graph_format if graph_form else req.results_format
        if form == "ASK" and fmt not in ("json", "xml"):
            fmt = "json"
        w.setReturnFormat((self._GRAPHS if graph_form else self._RESULTS)[fmt])
        # content negotiation only (no format= parameter), with the exact media type asked for
        w.setOnlyConneg(True)
        w.addCustomHttpHeader("Accept", CANONICAL[fmt])
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
        if len(body) > req.max_bytes:
            return QueryResult(413, "error", "text",
                               f"the result is larger than the limit of {req.max_bytes} bytes".encode())
        kind = "graph" if graph_form else ("boolean" if form == "ASK" else "solutions")
        return QueryResult(200, kind, fmt, body)

    def update(self, text: str, using: tuple[str, ...], using_named: tuple[str, ...], base_iri: str) -> None:
        from SPARQLWrapper import POST
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        w = self._wrapper(self.settings.update_url or self.settings.sparql_url)
        w.setMethod(POST)
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


def make_backend(settings: Settings) -> Backend:
    if settings.store == "embedded":
        return EmbeddedBackend(settings)
    if settings.store == "remote":
        return RemoteBackend(settings)
    raise ValueError(f"TANBIAO_STORE must be 'embedded' or 'remote', not '{settings.store}'")


__all__ += ["execute"]
