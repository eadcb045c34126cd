"""The query catalogue: one question per ``queries/*.rq`` file, described by a header that keeps it valid SPARQL.

Header (grlc-style YAML after ``#+ ``)::

    #+ summary: 各子类标准数量 / Standards per sub-category
    #+ tags: [standards, framework]
    #+ params:
    #+   status: {type: literal, lang: zh, required: false, description: 状态 / status, example: 已发布}
    #+   concept: {type: iri, required: true, description: a subject concept, example: https://w3id.org/tanbiao/concept/cement}

Parameters are bound as RDF terms through a ``VALUES`` block added as the last element of the query's WHERE
group (never by pasting values into the query text), so the same mechanism works on the embedded store and on
any remote SPARQL 1.1 endpoint. (Not a trailing ``VALUES`` after the query: Virtuoso ignores that in some
queries, fails on it in others and refuses it on CONSTRUCT — docs/endpoint.md.) For a query that groups, a
parameter must be a GROUP BY key, which a test checks; then the two placements give the same answers. An
optional parameter that is not given stays unbound.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import yaml

from tanbiao.errors import CatalogueError
from tanbiao.loaders.resources import query_dir
from tanbiao.sparqltext import query_form, where_group_end

__all__ = ["CatalogueError", "Param", "Query", "catalogue", "bind", "load_query"]

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PARAM_TYPES = ("iri", "literal", "string", "integer")
_IRI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\x00-\x20\x7f-\x9f<>\"{}|\\^`\ufffe\uffff]*$")
_SUMMARY_SPLIT = re.compile(r"\s*/\s*(?=[A-Za-z])")  # "中文 / English"


@dataclass(frozen=True)
class Param:
    name: str
    type: str = "literal"  # iri | literal (language-tagged when lang is set) | string | integer
    lang: str | None = None
    required: bool = False
    description: str = ""
    example: str | None = None

    def term(self, value: str) -> ox.NamedNode | ox.Literal:
        value = value.strip()
        if self.type == "iri":
            shown = value[:200].encode("unicode_escape").decode("ascii")
            if not _IRI.match(value):
                raise CatalogueError(f"parameter '{self.name}': '{shown}' is not an absolute IRI")
            try:
                return ox.NamedNode(value)
            except ValueError as exc:  # a code point IRIs may not hold (RFC 3987: controls, U+FFFF …)
                raise CatalogueError(f"parameter '{self.name}': '{shown}' is not a valid IRI ({exc})") from None
        if self.type == "integer":
            if not re.fullmatch(r"[+-]?\d+", value):
                raise CatalogueError(f"parameter '{self.name}': '{value}' is not an integer")
            return ox.Literal(value, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
        if self.type == "literal" and self.lang:
            return ox.Literal(value, language=self.lang)
        return ox.Literal(value)


@dataclass(frozen=True)
class Query:
    name: str
    path: Path
    text: str
    summary: str
    tags: tuple[str, ...] = ()
    params: tuple[Param, ...] = field(default_factory=tuple)

    @property
    def summary_zh(self) -> str:
        return _SUMMARY_SPLIT.split(self.summary, maxsplit=1)[0].strip()

    @property
    def summary_en(self) -> str:
        parts = _SUMMARY_SPLIT.split(self.summary, maxsplit=1)
        return parts[-1].strip()

    @property
    def form(self) -> str:
        """SELECT, ASK, CONSTRUCT or DESCRIBE."""
        return query_form(self.text)


def load_query(path: Path) -> Query:
    header = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#+"):
            header.append(line[2:].removeprefix(" "))
    try:
        meta = yaml.safe_load("\n".join(header)) or {}
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{path}: header is not valid YAML ({exc})") from None
    if not isinstance(meta, dict) or not meta.get("summary"):
        raise CatalogueError(f"{path}: header needs '#+ summary: 中文 / English'")
    params = []
    for name, spec in (meta.get("params") or {}).items():
        spec = spec or {}
        if spec.get("type", "literal") not in PARAM_TYPES:
            raise CatalogueError(f"{path}: parameter '{name}' has type '{spec.get('type')}', not one of {PARAM_TYPES}")
        params.append(Param(
            name=str(name), type=spec.get("type", "literal"), lang=spec.get("lang"),
            required=bool(spec.get("required", False)), description=str(spec.get("description", "")),
            example=None if spec.get("example") is None else str(spec.get("example")),
        ))
    tags = meta.get("tags") or []
    return Query(path.stem, path, path.read_text(encoding="utf-8"), str(meta["summary"]),
                 tuple(str(t) for t in tags), tuple(params))


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Query]:
    """The researcher's catalogue: every ``queries/*.rq`` (sub-folders hold build, summary and check queries)."""
    out = {}
    for path in sorted(query_dir().glob("*.rq")):
        if not _NAME.match(path.stem):
            raise CatalogueError(f"{path}: query file names are lower-case words joined by '-'")
        out[path.stem] = load_query(path)
    return out


def as_of(select) -> str | None:
    """The data's as-of date (``queries/as-of.rq``), or None for a build that states none."""
    rows = select(catalogue()["as-of"].text)
    return str(rows[0]["asOf"]) if rows and rows[0].get("asOf") else None


def bind(query: Query, values: dict[str, str]) -> str:
    """The query text with the given parameter values bound as RDF terms (a VALUES block at the end of the
    WHERE group)."""
    known = {p.name: p for p in query.params}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise CatalogueError(f"unknown parameter(s) {', '.join(unknown)}; '{query.name}' takes "
                             f"{', '.join(known) or 'no parameters'}")
    missing = [p.name for p in query.params if p.required and not values.get(p.name)]
    if missing:
        raise CatalogueError(f"missing required parameter(s) {', '.join(missing)} for '{query.name}'")
    given = {k: v for k, v in values.items() if v not in (None, "")}
    if not given:
        return query.text
    names = list(given)
    terms = " ".join(str(known[n].term(given[n])) for n in names)
    try:
        end = where_group_end(query.text)
    except ValueError:
        raise CatalogueError(f"'{query.name}' has no WHERE group to bind its parameters in") from None
    block = f"  VALUES ({' '.join('?' + n for n in names)}) {{ ({terms}) }}\n"
    return query.text[:end] + block + query.text[end:]
