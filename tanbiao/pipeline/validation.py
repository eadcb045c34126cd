"""SHACL validation of the built graph with pySHACL, and a readable report.

Every rule is a shape of ``shapes/*.ttl`` — relational ones as SHACL-SPARQL constraints — so the pySHACL report
holds every result. Each shape states its ``sh:message`` twice, once ``@zh`` and once ``@en``; pySHACL copies
every value into each result, and drops the language tag of a SHACL-SPARQL message when it fills in its
``{?var}`` placeholders, so :func:`validate` tags those again from the templates and :class:`Result` carries one
message, "中文 / English".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query

from tanbiao.loaders.resources import shape_files

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


class _PreparedQueries(Graph):
    """A view of a graph's store that parses each SPARQL text once.

    pySHACL runs a SHACL-SPARQL constraint's query as text once per focus node, and rdflib parses the text every
    time (about 12 ms, against well under 1 ms to evaluate it with ``$this`` bound): hundreds of focus nodes
    took seconds. Evaluation is rdflib's own, with the same bindings and namespaces."""

    def __init__(self, data: Graph):
        super().__init__(store=data.store, identifier=data.identifier, namespace_manager=data.namespace_manager)
        self._prepared: dict[str, Query] = {}

    def query(self, query_object, processor="sparql", result="sparql", initNs=None, initBindings=None,  # type: ignore[override]
              use_store_provided=True, **kwargs):
        if isinstance(query_object, str) and processor == "sparql" and initNs is None and not kwargs:
            if query_object not in self._prepared:
                self._prepared[query_object] = prepareQuery(query_object, initNs=dict(self.namespaces()))
            query_object = self._prepared[query_object]
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


def validate(data: Graph, shapes: Graph | None = None) -> Validation:
    shapes = shapes if shapes is not None else shapes_graph()
    # In place: in advanced mode pySHACL would first copy the data graph, for the triples of sh:rule rules; no
    # shape has rules and there is no inference, so nothing is added to it either way
    plain = type(data) is Graph
    conforms, report, text = shacl_validate(
        _PreparedQueries(data) if plain else data, shacl_graph=shapes, inference="none", advanced=True,
        allow_warnings=True, inplace=plain,
    )
    if not isinstance(report, Graph):  # pySHACL reports a broken shapes graph this way
        raise ValueError(f"SHACL shapes could not be applied: {report}")
    results = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        _tag_messages(report, r, shapes)
        focus = report.value(r, SH.focusNode)
        level = report.value(r, SH.resultSeverity)
        severity = SEVERITIES.get(level, "Violation") if isinstance(level, URIRef) else "Violation"
        path = report.value(r, SH.resultPath)
        results.append(Result(
            severity=severity,
            focus=str(focus),
            focus_label=_label(data, focus),
            path=data.namespace_manager.normalizeUri(path) if isinstance(path, URIRef) else str(path or ""),
            message=_message_of(report, r),
            shape=str(report.value(r, SH.sourceShape) or ""),
            value=str(report.value(r, SH.value) or ""),
        ))
    return Validation(bool(conforms), report, results)


_PLACEHOLDER = re.compile(r"\{[?$]\w+\}")


def _template_regex(template: str) -> re.Pattern:
    """A ``sh:message`` with ``{?var}`` placeholders as a regex matching the message pySHACL filled in."""
    return re.compile("(.*?)".join(re.escape(part) for part in _PLACEHOLDER.split(template)), re.S)


def _tag_messages(report: Graph, result, shapes: Graph) -> None:
    """Give an untagged result message the language of the ``sh:message`` template it was filled in from
    (those of the result's source constraint and source shape)."""
    templates = [m for node in (report.value(result, SH.sourceConstraint), report.value(result, SH.sourceShape))
                 if node is not None for m in shapes.objects(node, SH.message)
                 if isinstance(m, Literal) and m.language]
    for message in list(report.objects(result, SH.resultMessage)):
        if not isinstance(message, Literal) or message.language or not templates:
            continue
        lang = next((t.language for t in templates if _template_regex(str(t)).fullmatch(str(message))), None)
        if lang:
            report.remove((result, SH.resultMessage, message))
            report.add((result, SH.resultMessage, Literal(str(message), lang=lang)))


def _message_of(report: Graph, result) -> str:
    """One message for a result: its @zh and @en messages as "中文 / English" (others, untagged, after them)."""
    def order(m) -> tuple:
        lang = m.language if isinstance(m, Literal) else None
        return ({"zh": 0, "en": 1}.get((lang or "").split("-")[0].lower(), 2), str(m))

    texts: list[str] = []
    for m in sorted(report.objects(result, SH.resultMessage), key=order):
        if str(m) not in texts:
            texts.append(str(m))
    return " / ".join(texts)
