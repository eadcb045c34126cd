"""Curated data files (``data/curated/``) as RDF and as a label lexicon.

* ``concepts.csv`` — industries, products, processes/technologies and gases (SKOS), with
  English labels, synonyms (altLabels), the broader hierarchy and a justification per row;
* ``standard-codes.csv`` — the codes in standard and plan numbers (GB, YB, SH …) and the
  sector each industry code stands for;
* ``framework-en.csv`` — English labels of the framework's categories, sub-categories, topics.

The Lexicon finds concepts in a title or item text by their zh labels, longest match first.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from tanbiao.errors import CuratedDataError

from . import namespaces as ns
from .graphing import en, new_graph, zh
from .namespaces import TB
from .resources import curated_file, vocabulary

__all__ = ["Concept", "Lexicon", "lexicon", "concepts_graph", "framework_labels", "CuratedDataError", "SCHEMES",
           "read_csv"]

# scheme name in concepts.csv -> class of its members
SCHEMES = {"industry": TB.Industry, "product": TB.Product, "process": TB.Process, "gas": TB.GreenhouseGas,
           "practice": TB.Practice}


@dataclass
class Concept:
    id: str
    scheme: str
    pref_zh: str
    pref_en: str
    alt_zh: list[str]
    broader: list[str]
    source: str
    justification: str
    line: int
    sector: list[str] = field(default_factory=list)  # industries a product / process belongs to
    combines: list[str] = field(default_factory=list)  # the concepts a concept names at once (原燃料替代)

    @property
    def iri(self) -> URIRef:
        return ns.concept(self.id)


@dataclass
class Lexicon:
    concepts: dict[str, Concept]
    labels: dict[str, str] = field(default_factory=dict)  # zh label -> concept id (the first one listed)
    senses: dict[str, list[str]] = field(default_factory=dict)  # zh label -> every concept id it names

    def __post_init__(self) -> None:
        for c in self.concepts.values():
            for label in (c.pref_zh, *c.alt_zh):
                self.labels.setdefault(label, c.id)
                self.senses.setdefault(label, []).append(c.id)

    def sense(self, label: str, prefer: tuple[str, ...] = ()) -> str | None:
        """The concept a label names; of several, the first in a ``prefer``-red scheme (e.g. ``("product",)``)."""
        ids = self.senses.get(label, [])
        for scheme in prefer:
            for cid in ids:
                if self.concepts[cid].scheme == scheme:
                    return cid
        return ids[0] if ids else None

    def industry(self, label: str) -> str | None:
        """The industry concept for an industry as a text names it: 钢铁, 石化、化工, 装备(领域), 水泥(行业)…"""
        for candidate in (label, label + "领域", label + "行业"):
            cid = self.sense(candidate, ("industry",))
            if cid is not None and self.concepts[cid].scheme == "industry":
                return cid
        return None

    def best(self, text: str, prefer: tuple[str, ...] = ()) -> str | None:
        """The concept whose label is the longest one found in ``text`` (None if none is)."""
        found = [label for label in self.labels if label in text]
        return self.sense(max(found, key=len), prefer) if found else None

    def match(self, text: str) -> list[str]:
        """Concept ids whose labels occur in ``text``: longest match wins, no overlaps, in text order."""
        out: list[str] = []
        for label in self.match_labels(text):
            if self.labels[label] not in out:
                out.append(self.labels[label])
        return out

    def title_subjects(self, title: str) -> list[str]:
        """What a standard's title is about. A title whose main element enumerates several things and whose
        last element names one of them (二氧化碳捕集、输送和地质封存 管道输送系统) is about what the last
        element names (plus the industries the title names); any other title is about everything it names."""
        elements = title.split(" ")
        if len(elements) >= 2:
            main, last = " ".join(elements[:-1]), elements[-1]
            named_last = [c for c in self.match(last) if self.concepts[c].scheme != "gas"]
            named_main = [c for c in self.match(main) if self.concepts[c].scheme not in ("gas", "industry")]
            if named_last and len(named_main) >= 2 and any(sep in main for sep in ("、", "和", "与")):
                industries = [c for c in self.match(main) if self.concepts[c].scheme == "industry"]
                return [*named_last, *[c for c in industries if c not in named_last]]
        return self.match(title)

    def match_labels(self, text: str) -> list[str]:
        """The labels found in ``text``: longest match wins, no overlaps, in text order (each once)."""
        spans: list[tuple[int, int, str]] = []
        taken = [False] * len(text)
        for label in sorted(self.labels, key=len, reverse=True):
            start = text.find(label)
            while start >= 0:
                end = start + len(label)
                if not any(taken[start:end]):
                    spans.append((start, end, label))
                    for k in range(start, end):
                        taken[k] = True
                start = text.find(label, start + 1)
        found: list[str] = []
        for _s, _e, label in sorted(spans):
            if label not in found:
                found.append(label)
        return found


def read_csv(path: Path, required: list[str]) -> list[tuple[int, dict[str, str]]]:
    if not path.is_file():
        raise CuratedDataError(f"{path}: missing curated data file")
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise CuratedDataError(f"{path}:1: missing column(s) {', '.join(missing)}")
        return [(reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}) for row in reader]


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    path = curated_file("concepts.csv")
    rows = read_csv(path, ["id", "scheme", "pref_zh", "pref_en", "alt_zh", "broader", "sector", "combines", "source",
                           "justification"])
    concepts: dict[str, Concept] = {}
    for line, r in rows:
        if not r["id"] or not r["pref_zh"]:
            raise CuratedDataError(f"{path}:{line}: id and pref_zh are required")
        if r["scheme"] not in SCHEMES:
            raise CuratedDataError(f"{path}:{line}: scheme '{r['scheme']}' is not one of {', '.join(SCHEMES)}")
        if r["id"] in concepts:
            raise CuratedDataError(f"{path}:{line}: duplicate id '{r['id']}'")
        concepts[r["id"]] = Concept(
            r["id"], r["scheme"], r["pref_zh"], r["pref_en"], _split(r["alt_zh"]), _split(r["broader"]),
            r["source"], r["justification"], line, _split(r["sector"]), _split(r["combines"]),
        )
    for c in concepts.values():
        for column, ids in (("broader", c.broader), ("sector", c.sector), ("combines", c.combines)):
            for b in ids:
                if b not in concepts:
                    raise CuratedDataError(f"{path}:{c.line}: {column} '{b}' of '{c.id}' is not a concept id")
        for b in c.sector:
            if concepts[b].scheme != "industry":
                raise CuratedDataError(f"{path}:{c.line}: sector '{b}' of '{c.id}' is not an industry concept")
    return Lexicon(concepts)


def concepts_graph() -> Graph:
    """Concept schemes, subject concepts and standard codes from the curated files."""
    g = new_graph()
    lex = lexicon()
    for c in lex.concepts.values():
        scheme = ns.concept_scheme(c.scheme)
        g.add((c.iri, RDF.type, SCHEMES[c.scheme]))
        g.add((c.iri, RDF.type, SKOS.Concept))
        g.add((c.iri, SKOS.inScheme, scheme))
        g.add((c.iri, SKOS.prefLabel, zh(c.pref_zh)))
        if c.pref_en:
            g.add((c.iri, SKOS.prefLabel, en(c.pref_en)))
        for alt in c.alt_zh:
            g.add((c.iri, SKOS.altLabel, zh(alt)))
        for b in c.broader:
            g.add((c.iri, SKOS.broader, ns.concept(b)))
            g.add((ns.concept(b), SKOS.narrower, c.iri))
        for b in c.sector:
            g.add((c.iri, TB.sector, ns.concept(b)))
        for b in c.combines:
            g.add((c.iri, TB.combines, ns.concept(b)))
        if not any(lex.concepts[b].scheme == c.scheme for b in c.broader):
            g.add((c.iri, SKOS.topConceptOf, scheme))
            g.add((scheme, SKOS.hasTopConcept, c.iri))
        g.add((c.iri, SKOS.notation, Literal(c.id)))
        if c.source:
            g.add((c.iri, DCTERMS.source, Literal(c.source)))
        if c.justification:
            g.add((c.iri, SKOS.editorialNote, en(c.justification)))
    vocab = vocabulary()
    code_scheme = ns.vocab_scheme("code")
    for code in vocab.codes.values():
        iri = ns.vocab("code", code.code)
        g.add((iri, RDF.type, TB.StandardCode))
        g.add((iri, RDF.type, SKOS.Concept))
        g.add((iri, SKOS.inScheme, code_scheme))
        g.add((iri, SKOS.notation, Literal(code.code)))
        g.add((iri, SKOS.prefLabel, zh(code.sector_zh)))
        g.add((iri, SKOS.prefLabel, en(code.sector_en)))
        g.add((iri, TB.codeLevel, vocab.levels[code.level]))
        g.add((iri, DCTERMS.source, Literal(code.source)))
    return g


def framework_labels(nodes: list[tuple[str, str]]) -> Graph:
    """English prefLabels for framework nodes, given as (IRI, zh label) pairs, matched on their zh labels."""
    path = curated_file("framework-en.csv")
    rows = read_csv(path, ["zh", "en", "justification"])
    english = {r["zh"]: r["en"] for _line, r in rows if r["en"]}
    g = new_graph()
    for node, label in nodes:
        if label in english:
            g.add((URIRef(node), SKOS.prefLabel, en(english[label])))
    return g
