"""What every loader is: one module per kind of document, behind one protocol, found by detection.

A loader module has

* ``KIND`` — the kind of document it reads (``standards-system-guide`` …) and ``LOOKS_FOR``, what
  ``detect`` looks for, in words (used when no loader recognises a document);
* ``detect(lines) -> int`` — how many of its kind's markers the text shows (0: not this kind);
* ``parse(path, curated) -> record`` — plain records (dataclasses, no RDF) with a ``report``
  (:class:`~tanbiao.loaders.text.ParseReport`) of what was recognised and, by line, what not;
* ``to_graph(record, source, curated) -> Graph`` — the records as RDF, IRIs minted in ``namespaces``;
* ``describe(record) -> dict`` — a short account for ``tanbiao parse``.

``curated`` carries what the curated data files say (vocabularies, the concept lexicon, the carbon-footprint
elements), so loaders read no global state and a test can hand them a small lexicon.
"""

from __future__ import annotations

import csv
import importlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol, cast

from rdflib import Graph

from tanbiao.errors import SourceError

from .curated import Lexicon, lexicon
from .resources import Vocabulary, curated_file, vocabulary
from .text import Line, ParseReport, read_lines

__all__ = ["Curated", "SourceInfo", "Loader", "LOADERS", "curated", "get", "detect", "Record", "parse_file",
           "as_json"]

# the loader modules, in the order detection tries them
# (ties go to the earlier one: the government notice, the general kind, comes last)
LOADERS = ("guide2023", "guide2024", "standards_list", "announcement", "updates", "notice")


@dataclass(frozen=True)
class Curated:
    """The curated data a loader maps records with."""

    vocab: Vocabulary
    lexicon: Lexicon
    pcf_elements: dict[str, tuple[str, str]]  # zh label -> (id, en) of the carbon-footprint elements


@dataclass(frozen=True)
class SourceInfo:
    """Where a document goes in the graph: its key (named graph, IRIs), English title and origin."""

    key: str
    title_en: str = ""
    origin: str = ""
    position: str = ""  # the sub-category (notation or label) of the new standards a list carries


class Record(Protocol):
    report: ParseReport


class Loader(Protocol):
    KIND: str
    LOOKS_FOR: str

    def detect(self, lines: list[Line]) -> int: ...

    def parse(self, path: str | Path, curated: Curated | None = None) -> Any: ...

    def to_graph(self, record: Any, source: SourceInfo, curated: Curated) -> Graph: ...

    def describe(self, record: Any) -> dict: ...


@lru_cache(maxsize=1)
def curated() -> Curated:
    """The curated data shipped with tanbiao (``data/curated/``)."""
    with open(curated_file("pcf-elements.csv"), encoding="utf-8", newline="") as fh:
        elements = {r["zh"]: (r["id"], r["en"]) for r in csv.DictReader(fh)}
    return Curated(vocabulary(), lexicon(), elements)


def get(name: str) -> Loader:
    """The loader module called ``name``; SourceError naming the known ones otherwise."""
    if name not in LOADERS:
        raise SourceError(f"no loader '{name}'; loaders are {', '.join(LOADERS)}", details=[])
    module: ModuleType = importlib.import_module(f"tanbiao.loaders.{name}")
    return cast(Loader, module)


def parse_file(path: str | Path, name: str | None = None) -> tuple[str, Loader, Any]:
    """Parse the document at ``path`` with the loader ``name`` (default: detected); (name, loader, record)."""
    if name is None:
        name, loader = detect(path)
    else:
        loader = get(name)
    return name, loader, loader.parse(path, curated())


def as_json(path: str | Path, loader: Loader, record: Any) -> dict:
    """The contract of ``tanbiao parse -f json`` (docs/parse-json.md): path, kind, metadata (dates ISO), records,
    targets, recognised, issues — keys of a record absent when the document does not say."""
    meta_of = getattr(loader, "metadata", None)
    if meta_of is not None:
        metadata = meta_of(record)
    else:
        metadata = {k: getattr(v, "value", v) for k, v in getattr(record, "metadata", {}).items()}
    records_of = getattr(loader, "records", None)
    report = record.report.to_dict()
    return {
        "path": str(path),
        "kind": loader.KIND,
        "metadata": metadata,
        "records": records_of(record) if records_of is not None else [],
        "targets": [{"year": t.year, "count": t.count, "comparator": t.comparator, "what": t.what,
                     **({"plan": t.cited} if t.cited else {}), "line": t.line}
                    for t in getattr(record, "targets", [])],
        "recognised": report["recognised"],
        "issues": report["issues"],
    }


def detect(path: str | Path) -> tuple[str, Loader]:
    """The loader for the document at ``path``: the one whose markers it shows most.

    SourceError when none recognises it, saying what each kind looks for."""
    lines = read_lines(Path(path))
    scores = [(get(name).detect(lines), name) for name in LOADERS]
    best, name = max(scores, key=lambda s: s[0])
    if best <= 0:
        looked = "; ".join(f"{get(n).KIND} ({n}): {get(n).LOOKS_FOR}" for n in LOADERS)
        raise SourceError(f"{path}: not a kind of document tanbiao reads — looked for {looked}")
    return name, get(name)
