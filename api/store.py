"""Stores the built graph is served from. For now: the embedded pyoxigraph store."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from tanbiao.loaders.resources import query_dir

__all__ = ["QueryError", "catalogue_query", "directions_rows", "directions_table", "items_rows", "items_table",
           "load_build", "run_query", "standards_rows", "standards_table"]


class QueryError(ValueError):
    """A SPARQL query that does not parse or cannot be evaluated (the parser's message included)."""


def load_build(build_dir: Path) -> ox.Store:
    """An in-memory store with the build's named graphs (TriG); union default graph for queries."""
    trig = Path(build_dir) / "tanbiao.trig"
    if not trig.is_file():
        raise FileNotFoundError(f"no build in {build_dir}/ (missing {trig.name}) — run `tanbiao build` first")
    store = ox.Store()
    store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    return store


def _term(t) -> object:
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
        raise QueryError(f"SPARQL syntax error: {exc}") from None
    except (OSError, ValueError) as exc:
        raise QueryError(f"SPARQL evaluation error: {exc}") from None
    if isinstance(result, (bool, ox.QueryBoolean)):
        return [{"boolean": bool(result)}]
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        return [{n: _term(sol[n]) for n in names} for sol in result]
    return [{"s": q.subject.value, "p": q.predicate.value, "o": _term(q.object)} for q in result]


def catalogue_query(name: str) -> str:
    path = query_dir() / f"{name}.rq"
    if not path.is_file():
        raise QueryError(f"no catalogue query '{name}'")
    return path.read_text(encoding="utf-8")


def standards_table(store: ox.Store) -> list[dict]:
    return standards_rows(run_query(store, catalogue_query("standards")))


def directions_table(store: ox.Store) -> list[dict]:
    return directions_rows(run_query(store, catalogue_query("directions")))


def items_table(store: ox.Store) -> list[dict]:
    return items_rows(run_query(store, catalogue_query("items")))


def standards_rows(rows: list[dict]) -> list[dict]:
    """Rows of queries/standards.rq -> one record per standard (the CLI's and the API's shape)."""
    out = []
    for r in rows:
        out.append({
            "number": r["number"],
            "title": r["title"],
            "status": r["status"],
            "category": r["category"],
            "position": {"notation": r["positionNotation"], "label": r["position"]},
            "title_normalised": r["titleNormalised"],
            "status_en": r["statusEn"],
            "category_notation": r["categoryNotation"],
            "aspect": r["aspect"],
            "level": r["level"],
            "nature": r["nature"],
            "year": r["year"],
            "plan_number": r["plan"],
            "identifiers": sorted(r["identifiers"].split("\t")) if r["identifiers"] else [],
            "subjects": sorted(r["subjects"].split("\t")) if r["subjects"] else [],
            "series": r["series"],
            "revises": r["revises"],
            "iri": r["std"],
            "source": {"line": r["line"], "row": r["row"]},
        })
    return out


def directions_rows(rows: list[dict]) -> list[dict]:
    """Rows of queries/directions.rq -> one record per priority direction."""
    return [
        {
            "direction": r["code"],
            "subcategory": r["subcategory"],
            "subcategory_en": r["subcategoryEn"],
            "category": r["category"],
            "printed_row": r["printedRow"],
            "text": r["text"],
            "items": r["items"],
            "source": {"document": r["document"], "line": r["line"]},
            "iri": r["direction"],
        }
        for r in rows
    ]


def items_rows(rows: list[dict]) -> list[dict]:
    """Rows of queries/items.rq -> one record per priority item."""
    return [
        {
            "direction": r["direction"],
            "index": r["index"],
            "aspect": r["aspectLabel"] or r["aspect"],
            "aspect_node": {"notation": r["aspectNotation"], "label": r["aspect"]},
            "industry": r["industry"] or "",
            "item": r["label"],
            "subject": {"iri": r["subject"], "zh": r["subjectZh"], "en": r["subjectEn"]} if r["subject"] else None,
            "group": r["group"] or "",
            "source": {"document": r["document"], "line": r["line"], "quote": r["quote"]},
            "iri": r["item"],
        }
        for r in rows
    ]
