"""Update files: dated records of newly published or re-statused standards (tanbiao build --updates)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import DATA
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS
from tanbiao.loaders import namespaces as ns
from tanbiao.loaders import updates
from tanbiao.loaders.base import curated
from tanbiao.loaders.namespaces import TB

from tanbiao.pipeline import build
from tanbiao.services.gaps import gap_report
from tanbiao.services.rows import standards
from tanbiao.store import load_build, selector

EXAMPLE = DATA / "updates-example.csv"


@pytest.fixture(scope="module")
def updated(tmp_path_factory):
    """The documents and the illustrative update file alone (not the shipped updates): as-of date 2024-11-11, the
    latest issue date of the documents, so the 2099 records are issued but not yet in force (即将实施)."""
    return build(tmp_path_factory.mktemp("upd") / "build", reason=True, updates=[EXAMPLE], shipped_updates=False)


def test_parse_reports_bad_rows_with_line_numbers():
    u = updates.parse(EXAMPLE, curated())
    assert [r.line for r in u.rows] == [2, 3, 4, 5]
    errors = {e.line: e.message for e in u.report.errors}
    assert set(errors) == {6, 7, 8}
    assert "neither a published number" in errors[6]
    assert "status '已作废了'" in errors[7]
    assert "issued '2099/05/01' is not a date" in errors[8]


def test_build_with_updates_keeps_everything_else(updated):
    s = updated.summary
    assert s["shacl"]["violations"] == 0 and s["reasoner"]["consistent"]
    assert sum(s["standards-per-category"].values()) == 151  # 150 + one new standard
    skipped = [i for r in updated.reports for i in r.issues if i.severity == "error"]
    assert sorted(i.line for i in skipped) == [5, 6, 7, 8]  # row 5: a new standard without a position


def test_plan_and_published_number_are_one_standard(updated):
    rows = {r["iri"]: r for r in standards(selector(load_build(updated.out)))}
    std = rows[str(ns.standard("20220802-T-467"))]
    assert std["number"] == "GB/T 32151.4-2099" and std["plan_number"] == "20220802-T-467"
    assert std["status"] == "即将实施" and std["identifiers"] == ["20220802-T-467", "GB/T 32151.4-2099"]
    assert std["source"] == {"line": 287, "row": "5"}  # still the guide's row


def test_each_file_is_its_own_named_graph_with_provenance(updated):
    """The update file's graph holds its records (and the numbers they add); the guide's graph is never edited:
    it keeps the status it lists; the current status is derived into the links graph."""
    ds = Dataset()
    ds.parse(updated.out / "tanbiao.trig", format="trig")
    g_upd = ds.graph(ns.graph("updates-updates-example"))
    g_doc = ds.graph(ns.graph("miit-2023-guide-draft"))
    g_links = ds.graph(ns.graph("links"))
    std = ns.standard("20220802-T-467")
    assert (std, TB.listedStatus, ns.vocab("status", "under-revision")) in g_doc  # what the guide printed
    assert (std, TB.status, None) not in g_doc and (std, TB.status, None) not in g_upd
    assert (std, DCTERMS.identifier, Literal("GB/T 32151.4-2099")) in g_upd  # the number the record adds
    assert list(g_links.objects(std, TB.status)) == [ns.vocab("status", "upcoming")]  # effective 2099-10-01
    assert g_links.value(std, DCTERMS.issued) == Literal("2099-03-01", datatype=URIRef(
        "http://www.w3.org/2001/XMLSchema#date"))
    record = g_links.value(std, TB.updatedBy)
    assert (record, TB.recordFor, std) in g_links
    assert str(g_upd.value(record, DCTERMS.source)) == "https://example.org/illustrative/1"
    assert g_upd.value(g_upd.value(record, TB.sourceLocation), TB.lineNumber).toPython() == 2


def test_gap_report_reflects_updates(updated):
    rep = gap_report(selector(load_build(updated.out)))
    cement = next(r for r in rep.items if r["direction"] == "2.1" and r["item"] == "水泥"
                  and r["aspect"] == "产品碳足迹核算")
    assert cement["coverage"] == "covered" and cement["best_status"] == "即将实施"
    assert [s["number"] for s in cement["standards"]] == ["GB/T 99001-2099"]


def test_cli_build_with_updates(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("titel,stand\nx,y\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "tanbiao", "build", "-q", "--no-reason", "-o", str(tmp_path / "b"),
                        "-u", str(bad)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 1 and "lacks the column(s) number, status" in r.stderr
    assert not (tmp_path / "b").exists()
