"""What the worker processes run: a query serialised within a size limit, the gate's parse, an update, any
module-level function. Each job takes the worker's store first; jobs are sent to the worker by reference."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["QueryRequest", "QueryResult", "execute", "query_job", "check_job", "call_job", "graphs_job",
           "update_job", "REMOTE_FAILED", "NO_NETWORK"]

log = logging.getLogger("tanbiao.workers")


@dataclass(frozen=True)
class QueryRequest:
    query: str
    results_format: str = "json"  # for SELECT / ASK: json | xml | csv | tsv
    graph_format: str = "turtle"  # for CONSTRUCT / DESCRIBE: turtle | ntriples | rdfxml | jsonld
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    base_iri: str | None = None
    max_bytes: int = 50_000_000
    own_dataset: bool = False  # the query has FROM / FROM NAMED: honour it (no union default graph)
    federated: bool = False  # runs where SERVICE may reach the allow-listed endpoints
    timeout: float | None = None  # seconds; None: the server's query timeout (its own report queries get longer)


@dataclass(frozen=True)
class QueryResult:
    status: int  # 200, or 400 (bad query) / 403 (remote call refused) / 413 (too large) / 502 (remote failed)
    kind: str  # "solutions" | "boolean" | "graph" | "error"
    format: str
    body: bytes


class _TooLarge(Exception):
    pass


class _LimitedWriter:
    """A binary sink that refuses to grow past ``limit`` bytes (aborting the serialisation)."""

    def __init__(self, limit: int):
        self.limit, self.size = limit, 0
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise _TooLarge()
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


REMOTE_FAILED = b"a remote endpoint named in SERVICE failed or could not be reached (details are in the server log)"
NO_NETWORK = b"SERVICE and LOAD cannot contact other servers from this endpoint"


def _error(status: int, message: str | bytes) -> QueryResult:
    return QueryResult(status, "error", "text", message if isinstance(message, bytes) else message.encode())


def execute(store, req: QueryRequest) -> QueryResult:
    """Run ``req`` on a pyoxigraph store and serialise the result (in a worker, or in-process)."""
    import pyoxigraph as ox

    results_formats = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                       "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}
    graph_formats = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
                     "rdfxml": ox.RdfFormat.RDF_XML, "jsonld": ox.RdfFormat.JSON_LD}
    try:
        kwargs: dict = {"base_iri": req.base_iri}
        if req.default_graphs or req.named_graphs:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in req.default_graphs] or ox.DefaultGraph()
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in req.named_graphs]
        elif not req.own_dataset:
            kwargs["use_default_graph_as_union"] = True
        result = store.query(req.query, **kwargs)
        out = _LimitedWriter(req.max_bytes)
        if isinstance(result, ox.QueryBoolean):
            fmt = req.results_format if req.results_format in ("json", "xml") else "json"
            result.serialize(out, results_formats[fmt])  # type: ignore[arg-type]  # any object with write()
            return QueryResult(200, "boolean", fmt, out.getvalue())
        if isinstance(result, ox.QuerySolutions):
            result.serialize(out, results_formats[req.results_format])  # type: ignore[arg-type]
            return QueryResult(200, "solutions", req.results_format, out.getvalue())
        result.serialize(out, graph_formats[req.graph_format])
        return QueryResult(200, "graph", req.graph_format, out.getvalue())
    except SyntaxError as exc:
        return _error(400, f"SPARQL syntax error: {exc}")
    except _TooLarge:
        return _error(413, f"the result is larger than the limit of {req.max_bytes} bytes; add LIMIT or narrow the "
                           "query")
    except PermissionError:
        return _error(403, NO_NETWORK)  # the sandbox refused a socket: a remote call the gate did not see
    except (OSError, ValueError, TypeError, RuntimeError) as exc:
        if req.federated:  # the engine copies remote bodies and redirect targets into its messages: never return them
            log.warning("SERVICE failed: %s", exc)
            return _error(502, REMOTE_FAILED)
        return _error(400, f"SPARQL evaluation error: {exc}")


def query_job(store, req: QueryRequest) -> QueryResult:
    return execute(store, req)


def check_job(_store, text: str, kind: str, base: str | None) -> dict:
    from .gate import remote_calls

    return remote_calls(text, kind, base)


def call_job(_store, fn: Callable, *args: Any) -> Any:
    """``fn(*args)`` in a worker (a module-level function: it is sent by reference)."""
    return fn(*args)


def graphs_job(store) -> dict[str, int]:
    q = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    return {sol["g"].value: int(sol["n"].value) for sol in store.query(q)}


def update_job(_store, store_dir: str, text: str, base: str | None) -> None:
    """Apply an update to the store (read-write, in a sandboxed worker: LOAD and SERVICE cannot reach anything)."""
    import pyoxigraph as ox

    from tanbiao.errors import UpdateError

    try:
        store = ox.Store(store_dir)
    except OSError as exc:
        raise UpdateError(f"the store cannot be opened for writing ({exc}); is another server updating it?") \
            from None
    try:
        store.update(text, base_iri=base)
        store.flush()
    except SyntaxError as exc:
        raise UpdateError(f"SPARQL update syntax error: {exc}") from None
    except PermissionError:
        raise UpdateError(NO_NETWORK.decode()) from None
    except (OSError, ValueError, RuntimeError) as exc:
        raise UpdateError(f"SPARQL update error: {exc}") from None


