"""The gap-assessment rules, one hand-written fixture per rule (tests/data/gaps/<rule>.ttl).

Each fixture holds a few items and standards over a small framework and concept hierarchy (``_base.ttl``) and
says in ``# expect`` lines what the build's assess stage must conclude:

    # expect <item> <coverage> best=<status notation|none> evidence=<number>:<relation>,… [context=…]

The test runs the real derived stages (infer, assess) on the fixture plus the ontology and compares the
assessments in the graph — coverage, best status, deciding evidence and context — with the expectation.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph
from tanbiao.loaders.resources import ontology_graph

from tanbiao.pipeline.context import BuildContext
from tanbiao.pipeline.stages import DERIVED, run_stages
from tanbiao.services.gaps import _dedupe

FIXTURES = Path(__file__).resolve().parent / "data" / "gaps"
RULES = sorted(p for p in FIXTURES.glob("*.ttl") if not p.name.startswith("_"))
EXPECT = re.compile(r"^# expect (?P<item>\S+) (?P<coverage>covered|partial|gap) best=(?P<best>\S+)"
                    r" evidence=(?P<evidence>\S*)(?: context=(?P<context>\S*))?$")

QUERY = """PREFIX tb: <https://w3id.org/tanbiao/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?item ?coverage ?best ?role ?number ?relation WHERE {
  ?a a tb:GapAssessment ; tb:assesses ?item ; tb:coverage/skos:notation ?coverage .
  OPTIONAL { ?a tb:bestStatus/skos:notation ?best }
  OPTIONAL {
    { ?a tb:evidence ?e BIND ("evidence" AS ?role) } UNION { ?a tb:contextEvidence ?e BIND ("context" AS ?role) }
    ?e tb:evidenceStandard/dcterms:identifier ?number ; tb:matchRelation/skos:notation ?relation .
  }
}"""


def assess(fixture: Path) -> dict[str, dict]:
    ctx = BuildContext()
    ctx.add("ontology", ontology_graph())
    data = Graph().parse(FIXTURES / "_base.ttl", format="turtle").parse(fixture, format="turtle")
    ctx.add("fixture", data)
    run_stages(ctx, tuple(s for s in DERIVED if s.name != "link"))  # the fixtures state current statuses
    out: dict[str, dict] = {}
    for r in ctx.select(QUERY):
        a = out.setdefault(r["item"].rsplit("/", 1)[-1], {"coverage": r["coverage"], "best": r["best"] or "none",
                                                          "evidence": set(), "context": set()})
        if r["role"]:
            a[r["role"]].add(f"{r['number']}:{r['relation']}")
    return out


def expectations(fixture: Path) -> list[re.Match]:
    found = [m for line in fixture.read_text(encoding="utf-8").splitlines() if (m := EXPECT.match(line))]
    assert found, f"{fixture.name} states no '# expect' line"
    return found


@pytest.mark.parametrize("fixture", RULES, ids=[p.stem for p in RULES])
def test_rule(fixture):
    got = assess(fixture)
    for m in expectations(fixture):
        a = got[m["item"]]
        assert (a["coverage"], a["best"]) == (m["coverage"], m["best"]), (fixture.name, m["item"], a)
        assert a["evidence"] == {e for e in m["evidence"].split(",") if e}, (fixture.name, m["item"])
        if m["context"] is not None:
            assert a["context"] == {e for e in m["context"].split(",") if e}, (fixture.name, m["item"])


def test_every_rule_of_docs_gaps_has_a_fixture():
    names = {p.stem for p in RULES}
    assert {"exact", "broader", "narrower", "industry-mismatch", "combined-subjects", "general-standard",
            "other-aspect", "best-status", "dedupe"} <= names


@pytest.mark.parametrize("refs, listed", [
    ([("S-1", "broader"), ("S-1", "exact")], [("S-1", "exact")]),
    ([("S-1", "exact"), ("S-1", "narrower"), ("S-2", "broader")], [("S-1", "exact"), ("S-2", "broader")]),
    ([("S-2", "narrower"), ("S-1", "narrower"), ("S-2", "general")], [("S-1", "narrower"), ("S-2", "narrower")]),
])
def test_the_report_lists_a_standard_once_by_its_closest_match(refs, listed):
    closeness = {"exact": 5, "narrower": 4, "broader": 3, "general": 1}
    rows = [{"iri": n, "number": n, "match": m} for n, m in refs]
    assert [(r["number"], r["match"]) for r in _dedupe(rows, closeness)] == listed
