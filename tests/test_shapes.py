"""The integrity rules against small hand-written fixtures (shapes/tests/).

* every ``valid/*.ttl`` conforms (no Violation) together with the ontology;
* every ``invalid/<Rule>--<what>.ttl`` is reported by the rule it names, and by no other
  rule: each invalid fixture breaks exactly one rule;
* every rule that can report a Violation (a node shape of shapes/*.ttl or a
  queries/checks/*-violation.rq) has at least one invalid fixture.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from tanbiao.loaders.resources import ontology_files, query_dir

from tanbiao.pipeline.validation import Result, shapes_graph, validate

FIXTURES = Path(__file__).resolve().parent.parent / "shapes" / "tests"
VALID = sorted((FIXTURES / "valid").glob("*.ttl"))
INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))
CHECKS = sorted((query_dir() / "checks").glob("*-violation.rq"))

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


def _owners() -> tuple[dict[str, str], dict[str, str]]:
    """Shape node (as the report prints it) -> owning node shape's local name; also message -> owner."""
    by_node: dict[str, str] = {}
    by_message: dict[str, str] = {}
    for ns in _node_shapes():
        todo, seen = [ns], set()
        while todo:
            s = todo.pop()
            if s in seen:
                continue
            seen.add(s)
            by_node[str(s)] = _local(ns)
            for m in SHAPES.objects(s, SH.message):
                by_message[str(m)] = _local(ns)
            todo += _nested(s)
    return by_node, by_message


OWNER_BY_NODE, OWNER_BY_MESSAGE = _owners()


def _severity(shape) -> URIRef:
    return SHAPES.value(shape, SH.severity) or SH.Violation  # type: ignore[return-value]


def _can_violate(ns: URIRef) -> bool:
    """A node shape that can report a Violation: its own constraints at Violation severity,
    or a property shape of it at Violation severity (severity is per shape, not inherited)."""
    deactivated = SHAPES.value(ns, SH.deactivated)
    if isinstance(deactivated, Literal) and deactivated.toPython() is True:
        return False
    own = any(p.startswith(str(SH)) and p not in _NOT_CONSTRAINTS for p in SHAPES.predicates(ns, None))
    if own and _severity(ns) == SH.Violation:
        return True
    return any(_severity(ps) == SH.Violation for ps in SHAPES.objects(ns, SH.property))


def violation_rules() -> set[str]:
    return {_local(ns) for ns in _node_shapes() if _can_violate(ns)} | {q.stem for q in CHECKS}


def rule_of(result: Result) -> str:
    """The rule (node shape local name, or check query stem) a result comes from."""
    if result.shape.startswith("queries/checks/"):
        return Path(result.shape).stem
    if result.shape in OWNER_BY_NODE:
        return OWNER_BY_NODE[result.shape]
    if result.message in OWNER_BY_MESSAGE:  # in case the report's blank nodes are copies
        return OWNER_BY_MESSAGE[result.message]
    return result.shape


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


def test_fixtures_exist():
    assert len(VALID) >= 2
    assert INVALID


@pytest.mark.parametrize("fixture", VALID, ids=lambda p: p.stem)
def test_valid_fixture_conforms(ontology, fixture):
    v = _validate(ontology, fixture)
    violations = [r for r in v.results if r.severity == "Violation"]
    assert not violations, f"{fixture.name} should conform:\n{_describe(violations)}"
    assert v.conforms


@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_breaks_exactly_its_rule(ontology, fixture):
    rule, sep, what = fixture.stem.partition("--")
    assert sep and what, f"{fixture.name}: name it <Rule>--<what-is-wrong>.ttl"
    assert rule in violation_rules(), f"{fixture.name}: {rule!r} is not a rule that reports Violations"
    v = _validate(ontology, fixture)
    violations = [r for r in v.results if r.severity == "Violation"]
    assert not v.conforms, f"{fixture.name} should not conform"
    reported = {rule_of(r) for r in violations}
    assert rule in reported, f"{fixture.name}: {rule} reported nothing; got:\n{_describe(violations)}"
    others = [r for r in violations if rule_of(r) != rule]
    assert not others, f"{fixture.name} also breaks other rules:\n{_describe(others)}"


def test_every_rule_has_an_invalid_fixture():
    covered = {p.stem.partition("--")[0] for p in INVALID}
    missing = sorted(violation_rules() - covered)
    assert not missing, f"rules without a fixture in shapes/tests/invalid/: {missing}"


def test_rule_discovery_sees_the_known_rules():
    """Guard the coverage test itself: it must find node shapes, property-shape-only shapes and checks."""
    rules = violation_rules()
    assert {"StandardShape", "PublishedStatusShape", "OntologyTermShape", "notation-prefix-violation"} <= rules
    # Info / Warning only: nothing to break at Violation severity
    assert not {"RevisionTargetShape", "SubjectShape", "EnglishLabelShape"} & rules
