"""Compliance of candidate standards with the 2024 guide's rules for carbon-footprint accounting rule standards
(``shapes/compliance-pcf-2024.ttl``, run by pySHACL; findings are Warnings)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, Graph

from tanbiao.errors import SourceError
from tanbiao.loaders.namespaces import TB
from tanbiao.loaders.resources import ontology_graph, package_dir
from tanbiao.pipeline.validation import Result, validate

__all__ = ["Compliance", "comply"]


@dataclass
class Compliance:
    candidates: int
    findings: list[Result]


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
    result = validate(data + ontology_graph(), shapes)
    return Compliance(candidates, [r for r in result.results if r.severity in ("Warning", "Violation")])
