"""Compliance of candidate standards with the 2024 guide's rules for carbon-footprint accounting rule standards.

The rules are data: ``shapes/compliance-pcf-2024.ttl`` holds generic SHACL-SPARQL constraints that read every
``tb:DraftingRule`` of the data graph, and the rule itself is parsed from the project's copy of the 2024 guide by
its loader, exactly as the build does — so no build is needed. Findings are Warnings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, Graph

from tanbiao.errors import SourceError
from tanbiao.loaders import base
from tanbiao.loaders.namespaces import TB
from tanbiao.loaders.resources import ontology_graph, package_dir, source_manifest
from tanbiao.pipeline.validation import Result, validate

__all__ = ["Compliance", "comply", "drafting_rules"]

RULES_LOADER = "guide2024"


@dataclass
class Compliance:
    candidates: int
    findings: list[Result]


def drafting_rules() -> Graph:
    """The graph of every source of ``sources.csv`` read by the 2024 guide's loader (its tb:DraftingRule included),
    parsed as the build parses it; SourceError if there is none or it does not parse."""
    curated = base.curated()
    loader = base.get(RULES_LOADER)
    g = Graph()
    for src in source_manifest():
        if (src.loader or base.detect(src.path)[0]) != RULES_LOADER:
            continue
        record = loader.parse(src.path, curated)
        if not record.report.ok:
            raise SourceError(f"{src.path}: {len(record.report.errors)} part(s) could not be parsed",
                              [i.format(str(src.path)) for i in record.report.errors])
        g += loader.to_graph(record, base.SourceInfo(src.key, src.title_en, src.origin), curated)
    if not any(g.subjects(RDF.type, TB.DraftingRule)):
        raise SourceError(f"no drafting rule: no source in sources.csv is read by the {RULES_LOADER} loader")
    return g


def comply(file: Path) -> Compliance:
    """Check the ``tb:CandidateStandard`` descriptions of a Turtle file; SourceError if it is not one."""
    data = Graph()
    try:
        data.parse(file, format="turtle")
    except FileNotFoundError:
        raise SourceError(f"{file}: no such file") from None
    except Exception as exc:  # rdflib raises several parser error types
        raise SourceError(f"{file}: not valid Turtle ({str(exc).splitlines()[0][:300]})") from None
    candidates = len(set(data.subjects(RDF.type, TB.CandidateStandard)))
    if not candidates:
        raise SourceError(f"{file}: no tb:CandidateStandard in the file")
    shapes = Graph().parse(package_dir("shapes") / "compliance-pcf-2024.ttl", format="turtle")
    result = validate(data + ontology_graph() + drafting_rules(), shapes)
    return Compliance(candidates, [r for r in result.results if r.severity in ("Warning", "Violation")])
