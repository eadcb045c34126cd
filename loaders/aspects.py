"""The aspect a standard sits in: a topic of its sub-category, read from its title by curated rules.

``data/curated/aspect-rules.csv`` lists, per sub-category and in order, a title pattern and the topic it
places a standard in (with a justification); the first rule that matches wins. A standard no rule places
sits in its sub-category itself — the same fallback a priority item gets when its text names no finer aspect.
The result (``tb:aspect`` of standards) goes into the build's links graph; gap analysis compares it with the
aspects of the priority items.
"""

from __future__ import annotations

import re

from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, RDF, SKOS

from .curated import CuratedDataError, _read_csv
from .graphing import new_graph
from .namespaces import TB
from .resources import curated_file

__all__ = ["standard_aspects"]


def _rules() -> list[tuple[str, str, re.Pattern, int]]:
    path = curated_file("aspect-rules.csv")
    out = []
    for line, r in _read_csv(path, ["subcategory", "aspect", "pattern", "justification"]):
        try:
            out.append((r["subcategory"], r["aspect"], re.compile(r["pattern"]), line))
        except re.error as exc:
            raise CuratedDataError(f"{path}:{line}: pattern is not a valid regular expression ({exc})") from None
        if not r["justification"]:
            raise CuratedDataError(f"{path}:{line}: every rule needs a justification")
    return out


def standard_aspects(union: Graph) -> Graph:
    """``tb:aspect`` for every standard: the topic its title places it in, else its sub-category."""
    topics: dict[tuple[str, str], object] = {}
    for topic in union.subjects(RDF.type, TB.Topic):
        parent = union.value(topic, SKOS.broader)
        for label in union.objects(topic, SKOS.prefLabel):
            if isinstance(label, Literal) and label.language == "zh":
                topics[(str(union.value(parent, SKOS.notation)), str(label))] = topic
    rules = _rules()
    path = curated_file("aspect-rules.csv")
    for sub, aspect, _pattern, line in rules:
        if (sub, aspect) not in topics:
            raise CuratedDataError(f"{path}:{line}: '{aspect}' is not a topic of sub-category {sub}")
    g = new_graph()
    for std in union.subjects(RDF.type, TB.Standard):
        position = union.value(std, TB.position)
        notation = str(union.value(position, SKOS.notation))
        title = str(next((t for t in union.objects(std, DCTERMS.title) if getattr(t, "language", None) == "zh"), ""))
        aspect = position
        for sub, label, pattern, _line in rules:
            if sub == notation and pattern.search(title):
                aspect = topics[(sub, label)]
                break
        g.add((std, TB.aspect, aspect))
    return g
