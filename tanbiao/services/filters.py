"""Filters on record lists, the same everywhere (gap report, standards list; CLI and API).

A filter takes one value or several (``direction=2.1&direction=2.2``, ``--direction 2.1 --direction 2.2``):
several values mean either. A value that names nothing is refused with the allowed ones (``FilterError``: exit
code 2, HTTP 400). Each filter says which names a record answers to (``names``), so a record can be found by a
code or a label, zh or en.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping

from tanbiao.errors import FilterError

__all__ = ["Filter", "values_of", "apply_filters", "search"]

Names = Callable[[dict], Iterable[str]]


class Filter:
    """A named filter: ``names(record)`` are the values that select the record; ``accepts(value, allowed)`` may
    widen what is accepted beyond the listed values (e.g. an industry code under a listed one)."""

    def __init__(self, name: str, names: Names, accepts: Callable[[str, list[str]], bool] | None = None,
                 matches: Callable[[str, dict], bool] | None = None):
        self.name, self.names = name, names
        self._accepts, self._matches = accepts, matches

    def accepts(self, value: str, allowed: list[str]) -> bool:
        return value in allowed or (self._accepts is not None and self._accepts(value, allowed))

    def matches(self, value: str, record: dict) -> bool:
        if self._matches is not None:
            return self._matches(value, record)
        return value in set(self.names(record))


def values_of(value: str | Iterable[str] | None) -> list[str]:
    """A filter's values: none, one, or several (each stripped; empty ones dropped)."""
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value)
    return [v.strip() for v in items if v and v.strip()]


def apply_filters(rows: list[dict], filters: Mapping[str, Filter], allowed: Mapping[str, list[str]],
                  given: Mapping[str, str | Iterable[str] | None]) -> list[dict]:
    """The rows every given filter selects (a filter with several values selects a row matching any of them)."""
    every = rows
    for name, value in given.items():
        wanted = values_of(value)
        if not wanted:
            continue
        if name not in filters:
            raise FilterError(f"unknown filter '{name}'; filters are {', '.join(filters)}")
        f = filters[name]
        known = {n for r in every for n in f.names(r)}  # a value any record answers to (a code, an en label) is known
        unknown = [v for v in wanted if v not in known and not f.accepts(v, allowed[name])]
        if unknown:
            raise FilterError(f"{name} '{', '.join(unknown)}' is not known; allowed: {', '.join(allowed[name])}")
        rows = [r for r in rows if any(f.matches(v, r) for v in wanted)]
    return rows


def search(rows: list[dict], text: str | None) -> list[dict]:
    """The rows whose values contain every word of ``text`` (case-insensitive); all rows for no text."""
    words = (text or "").lower().split()
    if not words:
        return rows
    return [r for r in rows if all(w in json.dumps(r, ensure_ascii=False).lower() for w in words)]
