"""The one dataset a build works on: a pyoxigraph store with one named graph per source and per derivation.

Loaders hand over rdflib graphs (one per document), which go into the store once; every later stage reads the
store with SPARQL and writes its results into its own named graph directly (no round trip through rdflib).
rdflib sees the data only where SHACL and HermiT need it: ``union_ntriples()`` serialises the union once,
``union_graph()`` parses that once, both cached until the store changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal

from tanbiao.loaders import namespaces as ns
from tanbiao.loaders.resources import Source
from tanbiao.loaders.text import ParseReport
from tanbiao.store import select_rows

__all__ = ["BuildContext", "Progress", "Triples"]

Progress = Callable[[str], None]


class Triples(list):
    """Triples a derivation stage writes, added like an rdflib graph's (``add((s, p, o))`` with rdflib terms) but
    kept as pyoxigraph triples, for ``BuildContext.extend``: no rdflib graph and no N-Triples round trip for
    the tens of thousands of triples a stage derives at scale (docs/benchmarks.md)."""

    def add(self, triple: tuple) -> None:
        s, p, o = triple
        self.append(ox.Triple(_term(s), ox.NamedNode(str(p)), _term(o)))


def _term(t: Any) -> Any:
    if isinstance(t, Literal):
        if t.language:
            return ox.Literal(str(t), language=t.language)
        return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype))) if t.datatype else ox.Literal(str(t))
    if isinstance(t, BNode):
        return ox.BlankNode(str(t))
    return ox.NamedNode(str(t))


@dataclass
class BuildContext:
    """What the stages share: the inputs, the dataset, and what the stages found."""

    sources: list[Source] = field(default_factory=list)
    updates: list[Path] = field(default_factory=list)
    as_of: dict[Path, str] = field(default_factory=dict)  # update file -> the date its records were checked as of
    reason: bool = True
    progress: Progress = lambda _m: None
    store: ox.Store = field(default_factory=ox.Store)
    reports: list[ParseReport] = field(default_factory=list)
    update_reports: dict[str, ParseReport] = field(default_factory=dict)  # update graphs (in order) and reports
    summary: dict = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)  # e.g. "validation", "reasoner"
    _version: int = 0
    _cache: dict[str, tuple[int, Any]] = field(default_factory=dict)

    # --- writing -------------------------------------------------------------------------------------------

    def add(self, key: str, graph: Graph) -> None:
        """Put an rdflib graph (a loader's output) into the named graph ``key``."""
        data = graph.serialize(format="nt", encoding="utf-8")
        self.store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(ns.graph(key))))
        self._version += 1

    def extend(self, key: str, triples: Iterable[ox.Triple]) -> int:
        """Add pyoxigraph triples (e.g. a CONSTRUCT's result) to the named graph ``key``; returns how many."""
        name = ox.NamedNode(str(ns.graph(key)))
        quads = [ox.Quad(t.subject, t.predicate, t.object, name) for t in triples]
        self.store.extend(quads)
        self._version += 1
        return len(quads)

    def clear(self, key: str) -> None:
        """Empty the named graph ``key`` (a derived graph about to be derived again)."""
        name = ox.NamedNode(str(ns.graph(key)))
        if self.store.contains_named_graph(name):
            self.store.remove_graph(name)
        self._version += 1

    # --- reading -------------------------------------------------------------------------------------------

    def select(self, text: str) -> list[dict]:
        return select_rows(self.store, text)

    def construct(self, text: str) -> list[ox.Triple]:
        res = self.store.query(text, use_default_graph_as_union=True)
        assert isinstance(res, ox.QueryTriples), "construct() runs CONSTRUCT queries"
        return list(res)

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs())

    def union_ntriples(self) -> bytes:
        """The union of the named graphs as N-Triples (each triple once), cached until the store changes."""
        return self._cached("nt", lambda: ox.serialize(self.union_triples(), format=ox.RdfFormat.N_TRIPLES))

    def union_triples(self) -> list[ox.Triple]:
        """Every distinct triple of the named graphs, in a stable order."""
        return self._cached("triples", lambda: sorted(
            {ox.Triple(q.subject, q.predicate, q.object) for q in self.store},
            key=lambda t: (str(t.subject), str(t.predicate), str(t.object))))

    def union_graph(self) -> Graph:
        """The union as an rdflib graph, for the tools that need one (pySHACL); parsed once per version."""
        def parse() -> Graph:
            g = Graph()
            for prefix, namespace in ns.PREFIXES.items():
                g.bind(prefix, namespace, override=True)
            g.parse(data=self.union_ntriples(), format="nt")
            return g

        return self._cached("graph", parse)

    def _cached(self, name: str, make: Callable[[], Any]) -> Any:
        hit = self._cache.get(name)
        if hit is None or hit[0] != self._version:
            hit = (self._version, make())
            self._cache[name] = hit
        return hit[1]
