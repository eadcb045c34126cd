"""Mappings to external vocabularies: SSSOM mapping sets (``data/mappings/*.sssom.tsv``) and the GB/T 4754-2017
codes they use (``data/mappings/gbt4754-2017.csv``), as RDF for the ``mappings`` named graph.

An SSSOM TSV file is a YAML metadata block (lines starting with ``#``: ``mapping_set_id``, ``license``,
``curie_map`` …), a header row and one mapping per row. Each row becomes one SKOS mapping triple
(``subject predicate object``); the object's label (``object_label``) and, for classification codes, its code
(``skos:notation``) and scheme come along, so pages and queries can show "2410 Manufacture of basic iron and steel"
without fetching anything. Each mapping set is described as a ``void:Linkset`` with its licence and file.

A row that breaks the format (wrong number of cells, unknown CURIE prefix, a predicate that is not a SKOS mapping
property, a confidence outside 0–1, a subject that is not in the graph) is reported as ``file:line: column: what``;
any such error stops the build, so no mapping is dropped silently.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS

from . import namespaces as ns
from .graphing import en, new_graph, zh
from .namespaces import VOID
from .resources import package_dir
from .text import SourceError

__all__ = ["MappingSet", "parse", "load_all", "mapping_files", "to_graph", "gbt4754_graph", "gbt4754_levels",
           "PREDICATES"]

XKOS = Namespace("http://rdf-vocabulary.ddialliance.org/xkos#")
PREDICATES = {f"skos:{p}": SKOS[p] for p in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")}
REQUIRED = ("subject_id", "predicate_id", "object_id", "mapping_justification", "confidence")
REQUIRED_META = ("mapping_set_id", "license", "curie_map")
# classification namespaces whose objects get their printed code as skos:notation; NACE IRIs drop the dots of the
# printed code (24.10 -> .../nace2/2410, 24.4 -> .../nace2/244), ISIC and GB/T 4754 IRIs end with the code as printed
_CODES: dict[str, Callable[[str], str]] = {
    "http://data.europa.eu/ux2/nace2/": lambda local: re.sub(r"^(\d\d)(\d+)$", r"\1.\2", local),
    "https://unstats.un.org/classifications/ISIC/rev4/": str,
    str(ns.gbt4754_scheme()) + "/": str,
}
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Mapping:
    line: int
    subject: URIRef
    predicate: URIRef
    object: URIRef
    object_label: str
    notation: str | None
    confidence: float
    cells: dict[str, str]


@dataclass
class MappingSet:
    path: Path
    meta: dict
    mappings: list[Mapping] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def iri(self) -> URIRef:
        return URIRef(self.meta["mapping_set_id"])


def mapping_files(folder: Path | None = None) -> list[Path]:
    return sorted((folder or package_dir("mappings")).glob("*.sssom.tsv"))


def parse(path: Path) -> MappingSet:
    """Read one SSSOM TSV file; format errors are collected in ``errors`` as ``file:line: …``."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"{path}: cannot read the mapping set ({exc})") from None
    n_meta = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    try:
        meta = yaml.safe_load("\n".join(line[1:] for line in lines[:n_meta])) or {}
    except yaml.YAMLError as exc:
        raise SourceError(f"{path}: the metadata block (lines 1-{n_meta}) is not valid YAML: {exc}") from None
    if not isinstance(meta, dict):
        raise SourceError(f"{path}: the metadata block (lines 1-{n_meta}) must be a YAML mapping")
    ms = MappingSet(Path(path), meta)
    ms.errors += [f"{path}:1: metadata: '{k}' is missing" for k in REQUIRED_META if not meta.get(k)]
    if n_meta >= len(lines):
        ms.errors.append(f"{path}:{n_meta + 1}: no header row after the metadata block")
        return ms
    header = lines[n_meta].split("\t")
    ms.errors += [f"{path}:{n_meta + 1}: header: column '{c}' is missing" for c in REQUIRED if c not in header]
    if ms.errors:
        return ms
    curies = {str(k): str(v) for k, v in (meta.get("curie_map") or {}).items()}
    for number, text in enumerate(lines[n_meta + 1:], start=n_meta + 2):
        if not text.strip():
            continue
        cells = text.split("\t")
        if len(cells) != len(header):
            ms.errors.append(f"{path}:{number}: {len(cells)} cells, the header has {len(header)}")
            continue
        row = dict(zip(header, cells, strict=True))
        problems: list[str] = []

        def expand(column: str, row=row, problems=problems) -> URIRef | None:
            prefix, _, local = row[column].partition(":")
            if not local or prefix not in curies:
                problems.append(f"{column}: '{row[column]}' is not a CURIE with a prefix of the curie_map")
                return None
            return URIRef(curies[prefix] + local)

        subject, obj = expand("subject_id"), expand("object_id")
        predicate = PREDICATES.get(row["predicate_id"])
        if predicate is None:
            problems.append(f"predicate_id: '{row['predicate_id']}' is not one of {', '.join(PREDICATES)}")
        if not row["mapping_justification"].startswith("semapv:"):
            problems.append(f"mapping_justification: '{row['mapping_justification']}' is not a semapv: term")
        try:
            confidence = float(row["confidence"])
            if not 0 <= confidence <= 1:
                raise ValueError
        except ValueError:
            problems.append(f"confidence: '{row['confidence']}' is not a number from 0 to 1")
            confidence = 0.0
        if problems or subject is None or obj is None or predicate is None:
            ms.errors += [f"{path}:{number}: {p}" for p in problems]
            continue
        base = next((b for b in _CODES if str(obj).startswith(b)), None)
        notation = _CODES[base](str(obj)[len(base):]) if base is not None else None
        ms.mappings.append(Mapping(number, subject, predicate, obj, row.get("object_label", ""), notation,
                                   confidence, row))
    return ms


def load_all(folder: Path | None = None) -> list[MappingSet]:
    """Every mapping set of the folder; SourceError listing every format error of every file."""
    sets = [parse(p) for p in mapping_files(folder)]
    errors = [e for s in sets for e in s.errors]
    if errors:
        raise SourceError("mapping sets have errors:\n  " + "\n  ".join(errors))
    return sets


def to_graph(sets: list[MappingSet], known: set[URIRef]) -> Graph:
    """The mapping triples, object labels and codes, and a ``void:Linkset`` per set.

    ``known`` holds the graph's own subjects: a mapping from anything else is an error (a typo in a concept id
    would otherwise publish a link from a resource that does not exist)."""
    unknown = [f"{s.path}:{m.line}: subject_id: '{m.cells['subject_id']}' is not in the graph"
               for s in sets for m in s.mappings if m.subject not in known]
    if unknown:
        raise SourceError("mapping sets have errors:\n  " + "\n  ".join(unknown))
    g = new_graph()
    for s in sets:
        meta = s.meta
        g.add((s.iri, RDF.type, VOID.Linkset))
        g.add((s.iri, DCTERMS.title, en(str(meta.get("mapping_set_title", s.path.name)))))
        if meta.get("mapping_set_description"):
            g.add((s.iri, DCTERMS.description, en(str(meta["mapping_set_description"]))))
        g.add((s.iri, DCTERMS.license, URIRef(str(meta["license"]))))
        g.add((s.iri, DCTERMS.source, Literal(f"data/mappings/{s.path.name}")))
        if meta.get("mapping_set_version"):
            g.add((s.iri, OWL.versionInfo, Literal(str(meta["mapping_set_version"]))))
        if meta.get("object_source"):
            g.add((s.iri, VOID.objectsTarget, URIRef(str(meta["object_source"]))))
        g.add((s.iri, VOID.triples, Literal(len(s.mappings))))
        for p in sorted({m.predicate for m in s.mappings}):
            g.add((s.iri, VOID.linkPredicate, p))
        for m in s.mappings:
            g.add((m.subject, m.predicate, m.object))
            if m.object_label:
                g.add((m.object, SKOS.prefLabel, zh(m.object_label) if _CJK.search(m.object_label)
                       else en(m.object_label)))
            if m.notation:
                g.add((m.object, SKOS.notation, Literal(m.notation)))
            if meta.get("object_source"):
                g.add((m.object, SKOS.inScheme, URIRef(str(meta["object_source"]))))
    return g


def gbt4754_levels(path: Path | None = None) -> dict[str, tuple[str, int]]:
    """The levels of GB/T 4754-2017 (``gbt4754-2017-levels.csv``): name -> (中文 name, depth)."""
    path = path or package_dir("mappings") / "gbt4754-2017-levels.csv"
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    bad = [f"{path}:{n}: depth '{r['depth']}' is not a number"
           for n, r in enumerate(rows, 2) if not r["depth"].isdigit()]
    if bad:
        raise SourceError("GB/T 4754 level list has errors:\n  " + "\n  ".join(bad))
    return {r["level"]: (r["label_zh"], int(r["depth"])) for r in rows}


def gbt4754_graph(path: Path | None = None) -> Graph:
    """The GB/T 4754-2017 codes tanbiao uses (and their ancestors) as a SKOS scheme with XKOS levels."""
    path = path or package_dir("mappings") / "gbt4754-2017.csv"
    levels = gbt4754_levels()
    g = new_graph()
    scheme = ns.gbt4754_scheme()
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    g.add((scheme, SKOS.prefLabel, zh("国民经济行业分类（GB/T 4754-2017）：碳标使用的代码")))
    g.add((scheme, SKOS.prefLabel, en("Industrial classification for national economic activities (GB/T 4754-2017): "
                                        "the codes tanbiao uses")))
    g.add((scheme, DCTERMS.source, Literal("data/mappings/gbt4754-2017.csv")))
    g.add((scheme, XKOS.numberOfLevels, Literal(len(levels))))
    for name, (label_zh, depth) in levels.items():
        level = ns.gbt4754_level(name)
        g.add((level, RDF.type, XKOS.ClassificationLevel))
        g.add((level, XKOS.depth, Literal(depth)))
        g.add((level, SKOS.prefLabel, zh(label_zh)))
        g.add((level, SKOS.prefLabel, en(name)))
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    codes = {r["code"] for r in rows}
    problems = []
    for number, r in enumerate(rows, start=2):
        if r["level"] not in levels:
            problems.append(f"{path}:{number}: level: '{r['level']}' is not one of {', '.join(levels)}")
        if r["broader"] and r["broader"] not in codes:
            problems.append(f"{path}:{number}: broader: '{r['broader']}' is not a code of the file")
        if not r["code"] or not r["title_zh"]:
            problems.append(f"{path}:{number}: code and title_zh are required")
    if problems:
        raise SourceError("GB/T 4754 code list has errors:\n  " + "\n  ".join(problems))
    for r in rows:
        c = ns.gbt4754(r["code"])
        g.add((c, RDF.type, SKOS.Concept))
        g.add((c, SKOS.inScheme, scheme))
        g.add((c, SKOS.notation, Literal(r["code"])))
        g.add((c, SKOS.prefLabel, zh(r["title_zh"].strip())))
        g.add((ns.gbt4754_level(r["level"]), SKOS.member, c))
        g.add((c, DCTERMS.source, Literal(r["source"])))
        if r["broader"]:
            g.add((c, SKOS.broader, ns.gbt4754(r["broader"])))
            g.add((ns.gbt4754(r["broader"]), SKOS.narrower, c))
        else:
            g.add((scheme, SKOS.hasTopConcept, c))
    return g
