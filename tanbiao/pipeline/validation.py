"""SHACL validation of the built graph with pySHACL, and a readable report."""

from __future__ import annotations

from dataclasses import dataclass, field

from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS

from tanbiao.loaders.resources import query_dir, shape_files

__all__ = ["Result", "Validation", "shapes_graph", "validate"]

SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass
class Result:
    severity: str
    focus: str
    focus_label: str
    path: str
    message: str
    shape: str
    value: str = ""


@dataclass
class Validation:
    conforms: bool
    report: Graph
    results: list[Result] = field(default_factory=list)

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    @property
    def violations(self) -> int:
        return self.count("Violation")

    def markdown(self) -> str:
        lines = [
            "# SHACL validation report",
            "",
            f"Conforms: **{'yes' if self.conforms else 'no'}** — "
            f"{self.violations} violation(s), {self.count('Warning')} warning(s), {self.count('Info')} info.",
            "",
        ]
        if self.results:
            lines += ["| severity | focus node | path | message | value |", "|---|---|---|---|---|"]
            for r in sorted(self.results, key=lambda r: (r.severity != "Violation", r.severity, r.focus)):
                cells = [r.severity, f"{r.focus_label} <{r.focus}>", r.path, r.message, r.value]
                lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
        return "\n".join(lines) + "\n"


def shapes_graph() -> Graph:
    g = Graph()
    for path in shape_files():
        g.parse(path, format="turtle")
    return g


def _label(data: Graph, node) -> str:
    for p in (SKOS.prefLabel, RDFS.label):
        for o in data.objects(node, p):
            if isinstance(o, Literal) and o.language in ("zh", None):
                return str(o)
    return ""


def validate(data: Graph, shapes: Graph | None = None) -> Validation:
    conforms, report, text = shacl_validate(
        data, shacl_graph=shapes if shapes is not None else shapes_graph(),
        inference="none", advanced=True, allow_warnings=True,
    )
    if not isinstance(report, Graph):  # pySHACL reports a broken shapes graph this way
        raise ValueError(f"SHACL shapes could not be applied: {report}")
    results = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(r, SH.focusNode)
        severity = SEVERITIES.get(report.value(r, SH.resultSeverity), "Violation")  # type: ignore[arg-type]
        path = report.value(r, SH.resultPath)
        results.append(Result(
            severity=severity,
            focus=str(focus),
            focus_label=_label(data, focus),
            path=data.namespace_manager.normalizeUri(path) if isinstance(path, URIRef) else str(path or ""),
            message=str(report.value(r, SH.resultMessage) or ""),
            shape=str(report.value(r, SH.sourceShape) or ""),
            value=str(report.value(r, SH.value) or ""),
        ))
    check_results = run_checks(data)
    return Validation(bool(conforms) and not check_results, report, results + check_results)


def run_checks(data: Graph) -> list[Result]:
    """``queries/checks/*-violation.rq``: relational rules that return a row per violation."""
    out = []
    for path in sorted((query_dir() / "checks").glob("*-violation.rq")):
        for row in data.query(path.read_text(encoding="utf-8")):
            focus = row.focus  # type: ignore[union-attr]
            out.append(Result("Violation", str(focus), _label(data, focus), "", str(row.message),  # type: ignore[union-attr]
                              f"queries/checks/{path.name}"))
    return out
