"""Finding things: a standard by any common spelling of any of its numbers, and the search box (numbers, titles,
concept labels and synonyms, framework nodes, directions; zh or en).

A number is read by the loaders' own grammar (``loaders/numbers.parse_number``) after ``normalise`` has undone
the usual variations — full-width letters, digits and slash (ＧＢ／Ｔ), lower case, a missing or doubled space, a
dash of another kind (the grammar takes ``-``, ``–`` and ``—``). Two spellings are the same number when they parse
to the same structure. A published number without its year (``GB/T 32151.1``) finds the candidates of every year.
The path form of a number (``GB-T-32151.1-2015``, as in the IRIs) is recognised too.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from tanbiao.loaders import namespaces as ns
from tanbiao.loaders.numbers import NumberError, StandardNumber, parse_number
from tanbiao.store import Select

from .catalogue import catalogue
from .rows import standards

__all__ = ["normalise", "number_key", "find_standards", "search", "Found", "SearchResult"]

_PLACEHOLDER_YEAR = "-0000"  # a published number without its year is parsed with this year, then matched without


def normalise(text: str) -> str:
    """A typed number in the grammar's spelling: NFKC (full-width forms), upper case, one space at most."""
    text = unicodedata.normalize("NFKC", text).upper()
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\s*([/\-–—])\s*", r"\1", text)  # GB / T 32151 - 2015 -> GB/T 32151-2015


@lru_cache(maxsize=4096)
def number_key(text: str) -> tuple | None:
    """The structure of a number (code, nature, serial, part, year …) for comparing spellings; the year is None
    for a published number given without one; None for text that is no number."""
    text = normalise(text)
    for candidate, has_year in ((text, True), (text + _PLACEHOLDER_YEAR, False)):
        try:
            n: StandardNumber = parse_number(candidate)
        except NumberError:
            continue
        return (n.kind, n.codes, n.nature, n.serial, n.part, n.year if has_year else None, n.department)
    return None


def _same(key: tuple, other: tuple | None) -> bool:
    if other is None:
        return False
    if key[5] is None:  # no year given: every year matches (and every part, for a series number: GB/T 32151)
        return key[:4] == other[:4] and key[4] in (None, other[4]) and key[6:] == other[6:]
    return key == other


def _path_forms(number: str) -> set[str]:
    return {ns.slug(number).upper(), ns.slug(normalise(number)).upper()}


def find_standards(rows: list[dict], text: str) -> tuple[list[dict], bool]:
    """(the standards the text names as a number, exact): exact when it names one number with its year (or one
    plan number), else the candidates (a published number without its year)."""
    text = text.strip()
    if not text:
        return [], False
    key = number_key(text)
    path = text.upper()
    found = [r for r in rows if any((key is not None and _same(key, number_key(i))) or path in _path_forms(i)
                                    for i in r["identifiers"] + [r["number"]])]
    return found, bool(found) and (key is None or key[5] is not None or key[0] != "published")


@dataclass
class Found:
    kind: str  # standard | concept | framework | direction
    iri: str
    zh: str
    en: str = ""
    detail: str = ""  # number and status of a standard, or the name that matched


@dataclass
class SearchResult:
    query: str
    exact: list[dict] = field(default_factory=list)  # the standard(s) the query names by number
    exact_number: bool = False
    hits: list[Found] = field(default_factory=list)


def search(select: Select, query: str, limit: int = 200) -> SearchResult:
    """Everything the query names: standards by number (any spelling) or by title (zh, normalised), concepts,
    framework nodes and directions by any label or synonym (zh or en, case-insensitive)."""
    result = SearchResult(query=query.strip())
    if not result.query:
        return result
    rows = standards(select)
    result.exact, result.exact_number = find_standards(rows, result.query)
    words = result.query.lower().split()
    named: dict[str, Found] = {}
    for r in select(catalogue()["search-labels"].text):
        name = str(r["name"] or "")
        if all(w in name.lower() for w in words) and r["resource"] not in named:
            named[r["resource"]] = Found(r["kind"], r["resource"], r["zh"] or name, r["en"] or "",
                                         name if name not in (r["zh"], r["en"]) else "")
    subjects = {f.zh for f in named.values() if f.kind == "concept"}  # a standard's subjects are zh labels
    exact = {r["iri"] for r in result.exact}
    for r in rows:
        text = " ".join([r["number"], r["title"], r["title_normalised"], *r["identifiers"]]).lower()
        if r["iri"] not in exact and (all(w in text for w in words) or subjects & set(r["subjects"])):
            result.hits.append(Found("standard", r["iri"], r["title"], "", f"{r['number']} · {r['status']}"))
    order = {"concept": 0, "framework": 1, "direction": 2}
    result.hits = sorted(named.values(), key=lambda f: (order.get(f.kind, 3), f.zh)) + result.hits
    del result.hits[limit:]
    return result
