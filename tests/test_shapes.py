"""The shapes against small hand-written fixtures (shapes/tests/).

* every ``valid/*.ttl`` gives no Violation and no Warning together with the ontology, and a
  ``valid/<Shape>--<what>.ttl`` nothing at all from the shape it names;
* every ``invalid/<Rule>--<what>.ttl`` is reported by the rule it names, and by no other
  rule: each invalid fixture breaks exactly one rule;
* every ``warning/<Shape>--<what>.ttl`` gives a Warning from the shape it names, from no other
  shape, and no Violation;
* every rule that can report a Violation (a node shape of shapes/*.ttl, SHACL-SPARQL
  constraints included) has at least one invalid fixture, and every shape that can report a
  Warning at least one warning fixture;
* every sh:message is stated twice, once @zh and once @en, and a result shows them as "zh / en".
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from tanbiao.loaders.resources import ontology_files

from tanbiao.pipeline.validation import Result, shapes_graph, validate

FIXTURES = Path(__file__).resolve().parent.parent / "shapes" / "tests"
VALID = sorted((FIXTURES / "valid").glob("*.ttl"))
INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))
WARNING = sorted((FIXTURES / "warning").glob("*.ttl"))

SHAPES = shapes_graph()

# shape parameters that are not constraints (targets, reporting, metadata)
_NOT_CONSTRAINTS = {
    SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target,
    SH.property, SH.severity, SH.message, SH.deactivated, SH.name, SH.description,
    SH.order, SH.group, SH.declare, SH.prefixes,
}
_NESTED_LISTS = (SH["or"], SH["and"], SH.xone)
_NESTED_SHAPES = (SH["not"], SH.node, SH.qualifiedValueShape, SH.property)


def _local(shape: URIRef) -> str:
    return str(shape).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _node_shapes() -> list[URIRef]:
    return sorted(s for s in SHAPES.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef))


def _nested(shape) -> list:
    """Shapes nested in ``shape`` (property shapes, sh:or / sh:and / sh:xone members, sh:not …)."""
    out = []
    for p in _NESTED_SHAPES:
        out += list(SHAPES.objects(shape, p))
    for p in _NESTED_LISTS:
        for lst in SHAPES.objects(shape, p):
            out += list(Collection(SHAPES, lst))
    return out


def _owners() -> dict[str, str]:
    """Shape node (as the report prints it) -> owning node shape's local name."""
    by_node: dict[str, str] = {}
    for ns in _node_shapes():
        todo, seen = [ns], set()
        while todo:
            s = todo.pop()
            if s in seen:
                continue
            seen.add(s)
            by_node[str(s)] = _local(ns)
            todo += _nested(s)
    return by_node


OWNER_BY_NODE = _owners()


def _severity(shape) -> URIRef:
    return SHAPES.value(shape, SH.severity) or SH.Violation  # type: ignore[return-value]


def _can_report(ns: URIRef, severity: URIRef) -> bool:
    """A node shape that can report at ``severity``: its own constraints (sh:sparql included) at that
    severity, or a property shape of it at that severity (severity is per shape, not inherited)."""
    deactivated = SHAPES.value(ns, SH.deactivated)
    if isinstance(deactivated, Literal) and deactivated.toPython() is True:
        return False
    own = any(p.startswith(str(SH)) and p not in _NOT_CONSTRAINTS for p in SHAPES.predicates(ns, None))
    if own and _severity(ns) == severity:
        return True
    return any(_severity(ps) == severity for ps in SHAPES.objects(ns, SH.property))


def violation_rules() -> set[str]:
    return {_local(ns) for ns in _node_shapes() if _can_report(ns, SH.Violation)}


def warning_shapes() -> set[str]:
    return {_local(ns) for ns in _node_shapes() if _can_report(ns, SH.Warning)}


def rule_of(result: Result) -> str:
    """The rule (node shape local name) a result comes from."""
    return OWNER_BY_NODE.get(result.shape, result.shape)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    g = Graph()
    for path in ontology_files():
        g.parse(path, format="turtle")
    return g


def _validate(ontology: Graph, fixture: Path):
    g = Graph()
    g += ontology
    g.parse(fixture, format="turtle")
    return validate(g, SHAPES)


def _describe(results: list[Result]) -> str:
    return "\n".join(f"  [{rule_of(r)}] <{r.focus}> {r.path} {r.message} {r.value}" for r in results)


def _of(results: list[Result], severity: str) -> list[Result]:
    return [r for r in results if r.severity == severity]


def _named(fixture: Path) -> str:
    shape, sep, what = fixture.stem.partition("--")
    assert sep and what, f"{fixture.name}: name it <Shape>--<what>.ttl"
    return shape


def test_fixtures_exist():
    assert len(VALID) >= 2
    assert INVALID
    assert WARNING


@pytest.mark.parametrize("fixture", VALID, ids=lambda p: p.stem)
def test_valid_fixture_conforms(ontology, fixture):
    v = _validate(ontology, fixture)
    violations = _of(v.results, "Violation")
    assert not violations, f"{fixture.name} should conform:\n{_describe(violations)}"
    assert v.conforms
    warnings = _of(v.results, "Warning")
    assert not warnings, f"{fixture.name} should give no warning:\n{_describe(warnings)}"


@pytest.mark.parametrize("fixture", [p for p in VALID if "--" in p.stem], ids=lambda p: p.stem)
def test_valid_fixture_gives_nothing_from_its_shape(ontology, fixture):
    shape = _named(fixture)
    assert shape in {_local(ns) for ns in _node_shapes()}, f"{fixture.name}: no node shape {shape!r}"
    v = _validate(ontology, fixture)
    from_it = [r for r in v.results if rule_of(r) == shape]
    assert not from_it, f"{fixture.name}: {shape} should report nothing:\n{_describe(from_it)}"


@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_breaks_exactly_its_rule(ontology, fixture):
    rule = _named(fixture)
    assert rule in violation_rules(), f"{fixture.name}: {rule!r} is not a rule that reports Violations"
    v = _validate(ontology, fixture)
    violations = _of(v.results, "Violation")
    assert not v.conforms, f"{fixture.name} should not conform"
    assert (None, SH.conforms, Literal(False)) in v.report, f"{fixture.name}: the report graph says it conforms"
    reported = {rule_of(r) for r in violations}
    assert rule in reported, f"{fixture.name}: {rule} reported nothing; got:\n{_describe(violations)}"
    others = [r for r in violations if rule_of(r) != rule]
    assert not others, f"{fixture.name} also breaks other rules:\n{_describe(others)}"


@pytest.mark.parametrize("fixture", WARNING, ids=lambda p: p.stem)
def test_warning_fixture_warns_from_exactly_its_shape(ontology, fixture):
    shape = _named(fixture)
    assert shape in warning_shapes(), f"{fixture.name}: {shape!r} is not a shape that reports Warnings"
    v = _validate(ontology, fixture)
    violations = _of(v.results, "Violation")
    assert not violations, f"{fixture.name} should give no Violation:\n{_describe(violations)}"
    assert v.conforms
    warnings = _of(v.results, "Warning")
    assert shape in {rule_of(r) for r in warnings}, f"{fixture.name}: {shape} gave no warning; got:\n{_describe(warnings)}"
    others = [r for r in warnings if rule_of(r) != shape]
    assert not others, f"{fixture.name} also warns from other shapes:\n{_describe(others)}"


def test_every_rule_has_an_invalid_fixture():
    covered = {p.stem.partition("--")[0] for p in INVALID}
    missing = sorted(violation_rules() - covered)
    assert not missing, f"rules without a fixture in shapes/tests/invalid/: {missing}"


def test_every_warning_shape_has_a_warning_fixture():
    covered = {p.stem.partition("--")[0] for p in WARNING}
    missing = sorted(warning_shapes() - covered)
    assert not missing, f"shapes without a fixture in shapes/tests/warning/: {missing}"


def test_rule_discovery_sees_the_known_rules():
    """Guard the coverage tests themselves: they must find node shapes, property-shape-only shapes and
    SHACL-SPARQL constraints, at the severity each reports."""
    rules = violation_rules()
    assert {"StandardShape", "PublishedStatusShape", "OntologyTermShape", "NotationPrefixShape",
            "ItemAspectShape"} <= rules
    # Info / Warning only: nothing to break at Violation severity
    assert not {"RevisionTargetShape", "SubjectShape", "EnglishLabelShape", "NamingRuleShape"} & rules
    assert warning_shapes() == {"EnglishLabelShape", "NamingRuleShape", "AlignmentShape", "RequiredElementsShape",
                              "ReplacedByShape"}


def test_every_message_is_stated_in_zh_and_en():
    """One @zh and one @en literal per sh:message, not one literal holding both languages."""
    wrong = []
    for s in set(SHAPES.subjects(SH.message, None)):
        langs = sorted(str(m.language) if isinstance(m, Literal) else "" for m in SHAPES.objects(s, SH.message))
        if langs != ["en", "zh"]:
            wrong.append((str(s), langs, [str(m) for m in SHAPES.objects(s, SH.message)]))
    assert not wrong, wrong


@pytest.mark.parametrize("fixture", ["invalid/ItemAspectShape--aspect-outside-direction.ttl",
                                     "warning/RequiredElementsShape--element-missing.ttl",
                                     "invalid/StandardShape--missing-status.ttl"])
def test_a_result_has_one_message_zh_then_en(ontology, fixture):
    """pySHACL puts both messages into each result (dropping the tag of a filled-in SHACL-SPARQL message):
    the report graph has them tagged again, the result shows "zh / en"."""
    v = _validate(ontology, FIXTURES / fixture)
    shape = _named(Path(fixture))
    nodes = [n for n in v.report.subjects(RDF.type, SH.ValidationResult)
             if OWNER_BY_NODE.get(str(v.report.value(n, SH.sourceShape))) == shape]
    assert nodes
    for node in nodes:
        by_lang = {m.language: str(m) for m in v.report.objects(node, SH.resultMessage)}
        assert sorted(by_lang, key=str) == ["en", "zh"], by_lang
        assert re.search(r"[\u4e00-\u9fff]", by_lang["zh"]) and not re.search(r"\{[?$]", by_lang["en"] + by_lang["zh"])
        focus = str(v.report.value(node, SH.focusNode))
        assert f"{by_lang['zh']} / {by_lang['en']}" in {r.message for r in v.results
                                                       if r.focus == focus and rule_of(r) == shape}
