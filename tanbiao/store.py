"""SPARQL on a pyoxigraph store on this machine: a build folder loaded into memory, queries on it, and result
terms as plain values (what the build stages, the CLI and what-if use; the server queries through its backend).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from tanbiao.errors import QueryError, Unavailable
from tanbiao.loaders.resources import query_dir
from tanbiao.sparqlerrors import explain

__all__ = ["QueryError", "Select", "catalogue_query", "load_build", "plain", "run_query", "select_rows", "selector"]

Select = Callable[[str], list[dict]]
"""Runs a SELECT query and returns its rows as dicts of plain values (what every service takes)."""


def load_build(build_dir: Path) -> ox.Store:
    """An in-memory store with the build's named graphs (TriG); union default graph for queries."""
    trig = Path(build_dir) / "tanbiao.trig"
    if not trig.is_file():
        raise Unavailable(f"no build in {build_dir}/ (missing {trig.name}) — run `tanbiao build` first")
    store = ox.Store()
    store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    return store


def plain(t) -> object:
    """A result term as a plain value: integers and booleans as Python values, IRIs and other literals as their
    lexical form, unbound as None."""
    if t is None:
        return None
    if isinstance(t, ox.Literal):
        dt = t.datatype.value
        if dt.endswith("#integer"):
            return int(t.value)
        if dt.endswith("#boolean"):
            return t.value == "true"
        return t.value
    return t.value


def run_query(store: ox.Store, query: str) -> list[dict]:
    """SELECT -> list of row dicts; ASK -> [{"boolean": …}]; CONSTRUCT -> rows of s, p, o."""
    try:
        result = store.query(query, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise QueryError(explain(query, f"SPARQL syntax error: {exc}")) from None
    except (OSError, ValueError) as exc:
        raise QueryError(f"SPARQL evaluation error: {exc}") from None
    if isinstance(result, (bool, ox.QueryBoolean)):
        return [{"boolean": bool(result)}]
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        return [{n: plain(sol[n]) for n in names} for sol in result]
    return [{"s": q.subject.value, "p": q.predicate.value, "o": plain(q.object)} for q in result]


def catalogue_query(name: str) -> str:
    path = query_dir() / f"{name}.rq"
    if not path.is_file():
        raise QueryError(f"no catalogue query '{name}'")
    return path.read_text(encoding="utf-8")


def selector(store: ox.Store) -> Select:
    """A ``Select`` over a local store."""
    return lambda text: run_query(store, text)


def select_rows(store: ox.Store, text: str) -> list[dict]:
    """A SELECT's rows over the union of the named graphs (no error mapping: for the build's own queries)."""
    res = store.query(text, use_default_graph_as_union=True)
    assert isinstance(res, ox.QuerySolutions), "select_rows() runs SELECT queries"
    names = [v.value for v in res.variables]
    return [{n: plain(s[n]) for n in names} for s in res]
