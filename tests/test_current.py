"""The default build: the documents and the shipped update records (data/updates/), the status lifecycle, the
as-of date, and published numbers that redirect to their standard."""

from __future__ import annotations

import csv
from collections import Counter

import pytest
from conftest import DATA
from fastapi.testclient import TestClient
from tanbiao.api.app import create_app
from tanbiao.api.config import Settings
from tanbiao.loaders.resources import package_dir, update_manifest

from tanbiao.pipeline import build
from tanbiao.store import load_build, selector

SHIPPED = package_dir("updates") / "2026-12-01-published-since-2023-draft.csv"
STATUS = """PREFIX tb: <https://w3id.org/tanbiao/def#> PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?id ?status ?by ?pos ?level ?publisher WHERE { ?s a tb:Standard ; dcterms:identifier ?id ; tb:status ?st ;
  tb:position/skos:notation ?pos ; tb:level/skos:notation ?level . ?st skos:prefLabel ?status FILTER (LANG(?status) = "zh")
  OPTIONAL { ?s dcterms:isReplacedBy/dcterms:identifier ?by } OPTIONAL { ?s dcterms:publisher ?publisher } }"""


def _standards(out) -> dict[str, dict]:
    return {r["id"]: r for r in selector(load_build(out))(STATUS)}


@pytest.fixture(scope="module")
def current(built_current):
    return _standards(built_current.out)


def test_every_shipped_record_has_a_public_source_and_loads():
    rows = list(csv.DictReader(SHIPPED.open(encoding="utf-8")))
    assert len(rows) == 30
    assert all(r["source_url"].startswith("http") and r["notes"] for r in rows)
    assert [u.as_of for u in update_manifest()] == ["2026-12-01"]


def test_default_build_includes_the_shipped_updates(built, built_current):
    s0, s1 = built.summary, built_current.summary
    assert s1["update_records"] == 30 and s0["update_records"] == 0
    assert s1["as_of"] == "2026-12-01" and s0["as_of"] == "2024-11-11"  # the 2024 guide's 发布日期
    assert s0["standards-per-status"] == {"制定中": 112, "已发布": 34, "修订中": 4}
    assert s1["standards-per-status"] == {"制定中": 112, "已发布": 57, "修订中": 4, "被代替": 3, "已废止": 1}
    assert s1["shacl"]["violations"] == 0 and s1["reasoner"]["consistent"]
    assert not [i for r in built_current.reports for i in r.issues if i.severity == "error"]


def test_editions_replace_and_statuses_follow(current):
    old, new = current["GB/T 32151.8-2015"], current["GB/T 32151.8-2023"]
    assert (old["status"], old["by"]) == ("被代替", "GB/T 32151.8-2023")
    assert (new["status"], new["pos"]) == ("已发布", "2.1")  # position taken from the edition it replaces
    assert current["GB/T 32151.10-2015"]["status"] == "被代替"  # no record of its own: its successor is in force
    assert current["GB/T 32151.7-2015"]["status"] == "已废止"
    assert current["20173621-T-303"]["status"] == "制定中"  # a title match does not publish the plan
    assert current["GB/T 32151.13-2023"]["status"] == "已发布"


def test_group_standards_level_and_issuer(current):
    assert current["T/CPCIF 0391-2024"]["level"] == "group"
    assert current["T/CECRPA 010-2024"]["publisher"] == "中国生态文明研究与促进会"  # printed T-CECRPA 010-2024
    assert Counter(r["level"] for r in current.values())["group"] == 8


def test_upcoming_by_effective_date_against_the_as_of_date(tmp_path):
    """SYNTHETIC records (made up here, year 2026-27 numbers that do not exist) to pin the rule: the as-of date
    is the shipped manifest's (2026-12-01), not the clock; a T/CISA number without an issuer gets the one its
    code names (data/curated/group-codes.csv)."""
    extra = tmp_path / "synthetic.csv"
    extra.write_text("number,title,status,issued,effective,position\n"
                     "GB/T 99901-2026,合成测试标准甲,已发布,2026-11-01,2027-01-01,2.1\n"
                     "GB/T 99902-2026,合成测试标准乙,即将实施,2026-01-01,2026-06-01,2.1\n"
                     "T/CISA 99903-2026,合成测试标准丙,已发布,,,2.1\n", encoding="utf-8")
    result = build(tmp_path / "b", reason=False, updates=[extra])
    got = _standards(result.out)
    assert got["GB/T 99901-2026"]["status"] == "即将实施"
    assert got["GB/T 99902-2026"]["status"] == "已发布"
    assert got["T/CISA 99903-2026"]["publisher"] == "中国钢铁工业协会"
    assert result.summary["as_of"] == "2026-12-01"


@pytest.fixture(scope="module")
def example_app(tmp_path_factory):
    """An app over a build with the illustrative update file (tests/data/updates-example.csv, year 2099)."""
    out = tmp_path_factory.mktemp("example") / "build"
    build(out, reason=False, shipped_updates=False, updates=[DATA / "updates-example.csv"])
    settings = Settings(build_dir=out, store_dir=tmp_path_factory.mktemp("example-store") / "store")
    with TestClient(create_app(settings), base_url="http://testserver") as client:
        yield client


def test_published_number_paths_redirect_to_the_standard(example_app):
    r = example_app.get("/standard/GB-T-32151.4-2099", follow_redirects=False)  # published from plan 20220802-T-467
    assert r.status_code == 303 and r.headers["location"] == "/standard/20220802-T-467"
    r = example_app.get("/number/GB-T-32151.4-2099?format=turtle", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/standard/20220802-T-467?format=turtle"
    r = example_app.get("/number/20220802-T-467", headers={"Accept": "text/html"})
    assert r.status_code == 200 and "20220802-T-467" in r.text and r.url.path == "/standard/20220802-T-467"
    assert example_app.get("/standard/GB-T-32151.1-2015", follow_redirects=False).status_code == 200
    assert example_app.get("/standard/GB-T-1-1999", follow_redirects=False).status_code == 404


def test_home_page_and_gap_report_state_the_as_of_date(built_current, tmp_path_factory):
    settings = Settings(build_dir=built_current.out, store_dir=tmp_path_factory.mktemp("cur-store") / "store")
    with TestClient(create_app(settings), base_url="http://testserver") as client:
        assert "data as of</span> 2026-12-01" in client.get("/").text
        assert "data as of 2026-12-01" in client.get("/api/gaps?format=html").text
        assert client.get("/api/gaps/summary").json()["as_of"] == "2026-12-01"


def test_lists_and_records_documents_load_like_update_files(tmp_path):
    """Real excerpts as sources of a build: the recommended list (rows 1-5; row 6 cut off is reported, not fatal)
    and the standard records (GB/T 32151.9-2023 replaces GB/T 32151.9-2015)."""
    from tanbiao.loaders.resources import Source, source_manifest

    docs = DATA / "documents"
    extra = [Source(docs / "miit-2026-pcf-group-standards-recommended-list-batch3-zh-hant.txt", "pcf-list-3", "", "",
                    "http://m.bulleintime.com/zhengcefagui/2026/0203116845.html", "2.1"),
             Source(docs / "standard-records-ghg-accounting-excerpts.txt", "ghg-records", "", "", "", "2.1")]
    result = build(tmp_path / "b", sources=source_manifest() + extra, reason=False, shipped_updates=False)
    got = _standards(result.out)
    assert got["T/CPCIF 0391-2024"]["pos"] == "2.1" and got["T/CPCIF 0391-2024"]["level"] == "group"
    assert (got["GB/T 32151.9-2015"]["status"], got["GB/T 32151.9-2015"]["by"]) == ("被代替", "GB/T 32151.9-2023")
    assert got["GB/T 32151.7-2015"]["status"] == "已废止"
    assert "https://w3id.org/tanbiao/graph/pcf-list-3" in result.summary["named_graphs"]
    errors = [i for r in result.reports for i in r.issues if i.severity == "error"]
    assert [(e.line, e.text[:6]) for e in errors if "row without" in e.message] == [(33, "6 溫室氣體")]
