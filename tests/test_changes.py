"""The edition view: which verdicts the update records moved (the build's changes stage, ``…/graph/changes``),
checked against an independent baseline — the documents-only build (``built``, ``--no-updates``) run through the
whole pipeline on its own — and served as ``/api/gaps/changes``, ``tanbiao gaps --changes`` and a section of the
HTML report."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from pydantic import TypeAdapter
from tanbiao.api import models
from tanbiao.api.app import create_app
from tanbiao.api.config import Settings
from typer.testing import CliRunner

from tanbiao.cli import app as cli_app
from tanbiao.services.gaps import changes, gap_report
from tanbiao.store import load_build, selector

RECORDS_OF = """PREFIX tb: <https://w3id.org/tanbiao/def#>
SELECT ?record ?std WHERE { ?record a tb:UpdateRecord ; tb:recordFor ?std }"""
DECIDING = """PREFIX tb: <https://w3id.org/tanbiao/def#>
SELECT ?item ?std WHERE { ?a tb:assesses ?item ; tb:evidence/tb:evidenceStandard ?std }"""
COUNT = "PREFIX tb: <https://w3id.org/tanbiao/def#> SELECT (COUNT(*) AS ?n) WHERE { ?c a tb:VerdictChange }"


def _verdicts(report) -> dict[str, tuple]:
    return {r["iri"]: (r["coverage"], r["best_status"]) for r in report.items}


@pytest.fixture(scope="module")
def selects(built, built_current):
    return selector(load_build(built.out)), selector(load_build(built_current.out))


@pytest.fixture(scope="module")
def moved(selects):
    _docs, current = selects
    report = gap_report(current)
    return report, changes(report, current)


def test_changes_are_exactly_the_verdicts_the_records_moved(selects, moved):
    """Every item whose verdict differs between the documents-only build and the default build has a change, with
    the documents-only verdict as ``before`` and the current one as ``after``; no other item has one."""
    docs, current = selects
    before, now = _verdicts(gap_report(docs)), _verdicts(gap_report(current))
    expected = {item for item in now if now[item] != before[item]}
    report, rows = moved
    assert expected and {r["iri"] for r in rows} == expected
    for r in rows:
        assert (r["before"]["coverage"], r["before"]["best_status"]) == before[r["iri"]], r["item"]
        assert (r["after"]["coverage"], r["after"]["best_status"]) == now[r["iri"]], r["item"]
    kinds = {(r["before"]["coverage"], r["after"]["coverage"]) for r in rows}
    assert ("gap", "covered") in kinds and ("partial", "partial") in kinds  # a new standard; a re-statused one


def test_each_change_names_the_records_about_its_deciding_standards(selects, moved):
    docs, current = selects
    record_std = {r["record"]: r["std"] for r in current(RECORDS_OF)}
    deciding: dict[str, set[str]] = {}
    for select in (docs, current):
        for r in select(DECIDING):
            deciding.setdefault(r["item"], set()).add(r["std"])
    _report, rows = moved
    for r in rows:
        assert r["records"], f"{r['item']}: moved by no record"
        for rec in r["records"]:
            assert record_std[rec["iri"]] in deciding[r["iri"]], f"{r['item']}: {rec['number']} decides nothing"
            assert rec["number"] and rec["source"].startswith("http")
    by_key = {f"{r['direction']}-{r['index']}": r for r in rows}
    # 2.1-11 建筑防水材料: a gap in the 2023 draft, covered by GB/T 32151.40-2025 since
    assert (by_key["2.1-11"]["before"]["coverage"], by_key["2.1-11"]["after"]["coverage"]) == ("gap", "covered")
    assert [x["number"] for x in by_key["2.1-11"]["records"]] == ["GB/T 32151.40-2025"]


def test_a_build_without_records_has_no_changes(built, selects, api):
    docs, _current = selects
    assert docs(COUNT)[0]["n"] == 0 and "changes" not in built.summary
    assert api.get("/api/gaps/changes").json() == []
    assert api.get("/api/gaps/summary").json()["changes"] == {"items": 0, "moves": {}, "rows": []}


@pytest.fixture(scope="module")
def current_api(built_current, tmp_path_factory):
    settings = Settings(build_dir=built_current.out, store_dir=tmp_path_factory.mktemp("changes-store") / "store")
    with TestClient(create_app(settings), base_url="http://testserver") as client:
        yield client


def test_the_changes_route(current_api, moved, built_current):
    _report, rows = moved
    r = current_api.get("/api/gaps/changes")
    assert r.status_code == 200
    got = TypeAdapter(list[models.GapChange]).validate_python(r.json(), strict=False)
    assert len(got) == len(rows) == sum(built_current.summary["changes"].values())
    only = current_api.get("/api/gaps/changes", params={"direction": "2024"}).json()
    assert only and {c["direction"] for c in only} == {"2024"} and len(only) < len(got)
    text = current_api.get("/api/gaps/changes", params={"format": "csv"}).text
    table = list(csv.DictReader(io.StringIO(text)))
    assert len(table) == len(rows) and "before.coverage" in table[0] and "records.number" in table[0]
    assert current_api.get("/api/gaps/changes", params={"direction": "9.9"}).status_code == 400
    assert current_api.get("/api/gaps/changes", params={"coverage": "gap"}).status_code == 400
    summary = current_api.get("/api/gaps/summary").json()["changes"]
    assert summary["items"] == len(rows) and sum(summary["moves"].values()) == len(rows)


def test_the_report_page_shows_the_changes(current_api):
    page = current_api.get("/api/gaps", params={"format": "html"}).text
    section = page[page.index('id="changes"'):page.index('id="items"')]
    assert "/assessment/2.1-11" in section and "GB/T 32151.40-2025" in section
    page = current_api.get("/api/gaps", params={"format": "html", "direction": "5.1"}).text
    section = page[page.index('id="changes"'):page.index('id="items"')]
    assert "/assessment/2.1-11" not in section  # the section follows the report's filters


def test_the_cli_lists_the_changes(built_current, moved):
    _report, rows = moved
    result = CliRunner().invoke(cli_app, ["gaps", "--changes", "-f", "csv", "-b", str(built_current.out)])
    assert result.exit_code == 0, result.output
    assert len(list(csv.DictReader(io.StringIO(result.stdout)))) == len(rows)
    result = CliRunner().invoke(cli_app, ["gaps", "--changes", "-f", "md", "-b", str(built_current.out)])
    assert result.exit_code != 0 and "--changes writes" in result.output


def test_the_cli_runs_what_if(built, tmp_path):
    """`tanbiao gaps --what-if FILE` (docs/gaps.md): the API's what-if from a CSV file."""
    import json

    proposals = tmp_path / "proposals.csv"
    proposals.write_text("number,title,status,position,subjects\nT/XXXX 003-2099,水泥产品碳足迹评价,已发布,2.1,cement\n",
                         encoding="utf-8")
    result = CliRunner().invoke(cli_app, ["gaps", "--what-if", str(proposals), "-b", str(built.out)])
    assert result.exit_code == 0, result.output
    changed = json.loads(result.stdout)["changed"]
    assert {(c["item"], c["before"]["coverage"], c["after"]["coverage"]) for c in changed} == {("水泥", "gap", "covered")}
    result = CliRunner().invoke(cli_app, ["gaps", "--what-if", str(tmp_path / "none.csv"), "-b", str(built.out)])
    assert result.exit_code != 0 and "none.csv" in result.output


@pytest.mark.parametrize("args, says", [
    (["--summary", "--direction", "2.1"], "--summary covers every item: --direction would be ignored"),
    (["--changes", "--coverage", "gap"], "--changes takes --direction only: --coverage would be ignored"),
    (["--changes", "--summary"], "--summary and --changes are separate views"),
    (["--what-if", "p.csv", "-f", "table"], "--what-if prints JSON"),
])
def test_the_gaps_command_refuses_options_it_would_ignore(built, args, says):
    result = CliRunner().invoke(cli_app, ["gaps", *args, "-b", str(built.out)])
    assert result.exit_code != 0 and says in result.output, result.output


def test_what_if_names_the_file_it_read(built, tmp_path):
    bad = tmp_path / "nocols.csv"
    bad.write_text("title\nx\n", encoding="utf-8")
    result = CliRunner().invoke(cli_app, ["gaps", "--what-if", str(bad), "-b", str(built.out)])
    assert result.exit_code != 0 and f"{bad}:1: the header lacks" in result.output, result.output


def test_a_missing_query_file_is_named(built):
    result = CliRunner().invoke(cli_app, ["query", "no-such-query.rq", "-b", str(built.out)])
    assert result.exit_code != 0 and "no-such-query.rq: no such file" in result.output, result.output
