"""Scale the built graph ×N for benchmarks, keeping its shape.

    python bench/scale.py --factor 10 -o /tmp/x10.trig [--input data/build/tanbiao.trig]

The data named graphs (the document graphs and the links graph) are replicated ``factor - 1`` times into
copies of those graphs (``…/graph/miit-2023-guide-draft~c7``). In a copy, the IRIs of the per-document
entities — standards, numbers, series and their parts, source locations, priority directions and items,
targets — get a per-copy suffix (``…/standard/GB-T-32151.1-2015`` → ``…/standard/GB-T-32151.1-2015~c7``), and
the literals that identify them (``dcterms:identifier``, ``tb:notation``, ``skos:notation`` of standards,
numbers and series) get the same suffix, so every copy is a distinct set of standards. Everything else is
shared: framework nodes (categories, sub-categories, topics), subject concepts, controlled vocabularies,
source documents and ontology terms; so joins on category, status, level or concept grow with the factor as
they would with a larger catalogue. Triples about shared nodes (a framework node's label, its source
location) are not repeated.
The ontology and curated graphs are written once, unchanged.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

TB = "https://w3id.org/tanbiao/"
GRAPH = TB + "graph/"
SHARED_GRAPHS = {GRAPH + "ontology", GRAPH + "curated"}  # vocabularies: never copied

# per-document entities: these IRIs get a per-copy suffix (source documents themselves, `source/<doc>`, do not);
# an item's assessment and its evidence (`assessment/2.1-104/…`) are copied with the item
COPIED = re.compile(re.escape(TB) + r"(standard|number|series|direction|item|target|assessment)/|"
                    + re.escape(TB) + r"source/[^/]+/.")
# literals that must stay distinct per copy: the identifiers and notations of standards, numbers and series
# (a direction's notation, e.g. "2.1", is a framework code and stays shared, like the framework itself)
IDENTIFIED = re.compile(re.escape(TB) + r"(standard|number|series)/")
SUFFIXED_LITERALS = {
    "http://purl.org/dc/terms/identifier",
    TB + "def#notation",
    "http://www.w3.org/2004/02/skos/core#notation",
}

PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#", "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#", "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#", "tb": TB + "def#", "tbs": TB + "standard/", "tbf": TB + "framework/",
    "tbc": TB + "concept/", "tbv": TB + "vocab/", "tbd": TB + "source/",
}


def _copied(term, shared: set[str]) -> bool:
    return isinstance(term, ox.NamedNode) and term.value not in shared and bool(COPIED.match(term.value))


def scaled_quads(quads: list[ox.Quad], factor: int) -> Iterator[ox.Quad]:
    """The original quads, then ``factor - 1`` suffixed copies of the data graphs' per-document quads."""
    yield from quads
    data = [q for q in quads if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value not in SHARED_GRAPHS]
    # shared nodes (framework nodes, the drafting rule) keep their one source location however many copies there
    # are: their triples are not copied, and a location that only they point to is not copied either
    of_copied = {q.object.value for q in data if _copied(q.subject, set()) and isinstance(q.object, ox.NamedNode)}
    shared = {q.object.value for q in data if not _copied(q.subject, set()) and _copied(q.object, set())} - of_copied
    for copy in range(1, factor):
        suffix = f"~c{copy}"

        for q in data:
            if not _copied(q.subject, shared):
                continue  # about a shared node: present once, in the original graph
            s, o = ox.NamedNode(q.subject.value + suffix), q.object
            if _copied(o, shared):
                o = ox.NamedNode(o.value + suffix)
            elif (isinstance(o, ox.Literal) and q.predicate.value in SUFFIXED_LITERALS
                    and IDENTIFIED.match(q.subject.value)):
                o = ox.Literal(o.value + suffix, datatype=o.datatype) if o.language is None \
                    else ox.Literal(o.value + suffix, language=o.language)
            yield ox.Quad(s, q.predicate, o, ox.NamedNode(q.graph_name.value + suffix))


def scale(trig_in: Path | str, factor: int, trig_out: Path | str) -> dict[str, int]:
    """Write ``trig_in`` scaled ×``factor`` to ``trig_out`` (TriG); returns quad and graph counts."""
    if factor < 1:
        raise ValueError("factor must be at least 1")
    quads = list(ox.parse(path=str(trig_in), format=ox.RdfFormat.TRIG))
    counts = {"quads": 0, "graphs": 0}
    graphs: set[str] = set()

    def counted() -> Iterator[ox.Quad]:
        for q in scaled_quads(quads, factor):
            counts["quads"] += 1
            graphs.add(q.graph_name.value)
            yield q

    Path(trig_out).parent.mkdir(parents=True, exist_ok=True)
    ox.serialize(counted(), output=str(trig_out), format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
    counts["graphs"] = len(graphs)
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--factor", type=int, default=10)
    ap.add_argument("--input", type=Path, default=Path("data/build/tanbiao.trig"))
    ap.add_argument("-o", "--output", type=Path, required=True)
    args = ap.parse_args()
    counts = scale(args.input, args.factor, args.output)
    print(f"{args.output}: ×{args.factor}, {counts['quads']} quads in {counts['graphs']} named graphs")


if __name__ == "__main__":
    main()
