"""Where the packaged files are, and the controlled vocabularies read from them.

Ontology, shapes, queries, curated data and the source documents ship as package
data (``tanbiao.ontology`` …), so they are found the same way from a checkout and
from an installed wheel.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from .namespaces import TB

__all__ = [
    "package_dir", "ontology_files", "shape_files", "query_dir", "curated_file", "source_manifest",
    "Source", "UpdateFile", "update_manifest", "Vocabulary", "vocabulary", "ontology_graph", "ontology_version",
]


def package_dir(name: str) -> Path:
    """The folder of a data package: ``ontology``, ``shapes``, ``queries``, ``sources``, ``curated``."""
    return Path(str(files(f"tanbiao.{name}")))


def ontology_files() -> list[Path]:
    return sorted(package_dir("ontology").glob("*.ttl"))


def shape_files() -> list[Path]:
    return sorted(package_dir("shapes").glob("*.ttl"))


def query_dir() -> Path:
    return package_dir("queries")


def curated_file(name: str) -> Path:
    return package_dir("curated") / name


@dataclass(frozen=True)
class Source:
    path: Path
    key: str
    loader: str
    title_en: str
    origin: str
    position: str = ""  # default sub-category of new standards a list carries


@dataclass(frozen=True)
class UpdateFile:
    path: Path
    as_of: str  # the date its records were checked as of (ISO)
    title_en: str


def update_manifest() -> list[UpdateFile]:
    """The update files shipped with tanbiao (``data/updates/manifest.csv``): the default build loads them."""
    folder = package_dir("updates")
    with open(folder / "manifest.csv", encoding="utf-8", newline="") as fh:
        return [UpdateFile(folder / r["file"], r["as_of"], r["title_en"]) for r in csv.DictReader(fh)]


def source_manifest() -> list[Source]:
    """The source documents listed in ``data/sources/sources.csv``."""
    folder = package_dir("sources")
    with open(folder / "sources.csv", encoding="utf-8", newline="") as fh:
        return [
            Source(folder / r["file"], r["key"], r["loader"], r["title_en"], r["origin"], r.get("position") or "")
            for r in csv.DictReader(fh)
        ]


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    g = Graph()
    for path in ontology_files():
        g.parse(path, format="turtle")
    return g


@dataclass(frozen=True)
class Code:
    code: str
    level: str  # national | industry | local | group | enterprise
    sector_zh: str
    sector_en: str
    source: str


@dataclass(frozen=True)
class Vocabulary:
    """Printed values -> controlled-vocabulary IRIs, all read from files."""

    statuses: dict[str, URIRef]  # zh label (pref or alt) -> status concept
    natures: dict[str, URIRef]  # plan letter Q/T/Z -> nature concept
    levels: dict[str, URIRef]  # notation -> level concept
    codes: dict[str, Code]  # standard / industry code -> its record
    issuers: dict[str, str]  # group-standard code (T/CISA) -> the association that issues it (group-codes.csv)

    def status(self, printed: str) -> URIRef | None:
        return self.statuses.get(printed.strip())

    def code_for(self, code: str) -> Code | None:
        """The record of a code; group (T/xxx), enterprise (Q/xxx) and local (DBnn) codes by prefix."""
        if code in self.codes:
            return self.codes[code]
        for prefix in ("T/", "Q/"):
            if code.startswith(prefix):
                return self.codes.get(prefix[0])
        if code.startswith("DB"):
            return self.codes.get("DB")
        return None


def _labels(g: Graph, cls: URIRef) -> dict[str, URIRef]:
    out: dict[str, URIRef] = {}
    for s in g.subjects(RDF.type, cls):
        for p in (SKOS.prefLabel, SKOS.altLabel):
            for o in g.objects(s, p):
                if isinstance(o, Literal) and o.language == "zh":
                    out[str(o)] = s  # type: ignore[assignment]
    return out


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    g = ontology_graph()
    natures = {str(o): s for s, o in g.subject_objects(TB.planLetter)}
    levels = {
        str(n): s for s in g.subjects(RDF.type, TB.StandardLevel) for n in g.objects(s, SKOS.notation)
    }
    with open(curated_file("standard-codes.csv"), encoding="utf-8", newline="") as fh:
        codes = {r["code"]: Code(**r) for r in csv.DictReader(fh)}
    with open(curated_file("group-codes.csv"), encoding="utf-8", newline="") as fh:
        issuers = {r["code"]: r["issuer"] for r in csv.DictReader(fh)}
    return Vocabulary(_labels(g, TB.StandardStatus), natures, levels, codes, issuers)  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def ontology_version() -> str:
    """``owl:versionInfo`` of the ontology: the version of the published data."""
    text = (package_dir("ontology") / "tanbiao.ttl").read_text(encoding="utf-8")
    m = re.search(r'owl:versionInfo\s+"([^"]+)"', text)
    return m.group(1) if m else "unknown"
