"""Query workers: each query of the embedded backend runs in a worker process holding a read-only handle
on the on-disk pyoxigraph store, so a runaway query can be stopped (the process is killed and replaced)
while the server keeps serving others. Results are serialised in the worker, within a size limit.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import threading
from dataclasses import dataclass
from pathlib import Path

__all__ = ["QueryPool", "QueryRequest", "QueryResult", "execute"]

_CTX = mp.get_context("spawn")


@dataclass(frozen=True)
class QueryRequest:
    query: str
    results_format: str = "json"  # for SELECT / ASK: json | xml | csv | tsv
    graph_format: str = "turtle"  # for CONSTRUCT / DESCRIBE: turtle | ntriples | rdfxml | jsonld
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    base_iri: str | None = None
    max_bytes: int = 50_000_000


@dataclass(frozen=True)
class QueryResult:
    status: int  # 200, or 400 (bad query) / 413 (too large) / 503 (timeout) / 500
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


def execute(store, req: QueryRequest) -> QueryResult:
    """Run ``req`` on a pyoxigraph store and serialise the result (used in the workers and in-process)."""
    import pyoxigraph as ox

    results_formats = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                       "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}
    graph_formats = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
                     "rdfxml": ox.RdfFormat.RDF_XML, "jsonld": ox.RdfFormat.JSON_LD}
    kwargs: dict = {"base_iri": req.base_iri}
    if req.default_graphs or req.named_graphs:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in req.default_graphs] or ox.DefaultGraph()
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in req.named_graphs]
    else:
        kwargs["use_default_graph_as_union"] = True
    try:
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
        return QueryResult(400, "error", "text", f"SPARQL syntax error: {exc}".encode())
    except _TooLarge:
        return QueryResult(413, "error", "text",
                           f"the result is larger than the limit of {req.max_bytes} bytes; "
                           "add LIMIT or narrow the query".encode())
    except (OSError, ValueError, TypeError, RuntimeError) as exc:
        return QueryResult(400, "error", "text", f"SPARQL evaluation error: {exc}".encode())


def _worker(store_dir: str, conn) -> None:  # pragma: no cover - runs in a child process
    import pyoxigraph as ox

    store = ox.Store.read_only(store_dir)
    while True:
        try:
            req = conn.recv()
        except EOFError:
            return
        conn.send(execute(store, req))


class _Worker:
    def __init__(self, store_dir: Path, generation: int):
        self.conn, child = _CTX.Pipe()
        self.process = _CTX.Process(target=_worker, args=(str(store_dir), child), daemon=True)
        self.process.start()
        child.close()
        self.generation = generation

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class QueryPool:
    """A fixed number of worker processes; ``run`` blocks the calling thread until a result or the timeout."""

    def __init__(self, store_dir: Path, size: int = 2, timeout: float = 30.0):
        self.store_dir, self.size, self.timeout = Path(store_dir), max(1, size), timeout
        self.generation = 0
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.lock = threading.Lock()
        self.all: set[_Worker] = set()
        for _ in range(self.size):
            self._spawn()

    def _spawn(self) -> None:
        w = _Worker(self.store_dir, self.generation)
        with self.lock:
            self.all.add(w)
        self.idle.put(w)

    def _retire(self, w: _Worker) -> None:
        with self.lock:
            self.all.discard(w)
        w.stop()

    def run(self, req: QueryRequest) -> QueryResult:
        while True:
            w = self.idle.get()
            if w.generation == self.generation and w.process.is_alive():
                break
            self._retire(w)
            self._spawn()
        try:
            w.conn.send(req)
            if w.conn.poll(self.timeout):
                result = w.conn.recv()
                self.idle.put(w)
                return result
        except (EOFError, OSError, BrokenPipeError):
            pass
        # timed out (or the worker died): stop it, replace it, report
        self._retire(w)
        self._spawn()
        return QueryResult(503, "error", "text",
                           f"the query was stopped after {self.timeout:g} s (query timeout); "
                           "narrow it or add LIMIT".encode())

    def reload(self) -> None:
        """Workers re-open the store (after an update): idle ones now, busy ones when they finish."""
        self.generation += 1

    def close(self) -> None:
        with self.lock:
            workers = list(self.all)
            self.all.clear()
        for w in workers:
            w.stop()
