"""Gap analysis: verdicts a careful reader agrees with, evidence for every item, filters, formats, the report page."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from conftest import ARTIFACTS, headless_chromium, needs_chromium

from tanbiao.services.gaps import gap_report, summary
from tanbiao.store import load_build, run_query


@pytest.fixture(scope="module")
def report(built):
    store = load_build(built.out)
    select = lambda q: run_query(store, q)  # noqa: E731
    rep = gap_report(select)
    return rep, summary(rep, select)


def _item(rep, direction, label, aspect=None):
    rows = [r for r in rep.items if r["direction"] == direction and r["item"] == label
            and (aspect is None or r["aspect"] == aspect)]
    assert len(rows) == 1, (direction, label, len(rows))
    return rows[0]


def _numbers(refs):
    return {r["number"] for r in refs}


def test_every_item_has_a_verdict_with_evidence(report):
    rep, _ = report
    assert len(rep.items) == 261 + 19  # 2.2 and 5.3 are itemised per industry × kind of standard
    for r in rep.items:
        assert r["coverage"] in ("covered", "partial", "gap")
        assert r["explanation"]["zh"] and r["explanation"]["en"]
        assert r["source"]["document"] and r["source"]["line"]
        if r["coverage"] == "covered":
            assert any(s["match"] == "exact" for s in r["standards"])
        if r["coverage"] == "partial":
            assert r["standards"] and not any(s["match"] == "exact" for s in r["standards"])
        if r["coverage"] == "gap":
            assert r["standards"] == [] and r["best_status"] is None


def test_photovoltaic_modules_footprint_is_covered(report):
    r = _item(report[0], "2.1", "光伏组件", "产品碳足迹核算")
    assert r["coverage"] == "covered" and _numbers(r["standards"]) == {"2021-1808T-SJ"}
    assert r["best_status"] == "制定中"
    assert "2021-1812T-SJ" in _numbers(r["related"])  # the low-carbon evaluation of 光伏组件: another aspect


def test_cement_footprint_is_a_gap(report):
    r = _item(report[0], "2.1", "水泥", "产品碳足迹核算")
    assert r["coverage"] == "gap" and r["standards"] == []
    assert "2021-1794T-JC" in _numbers(r["related"])  # 通用硅酸盐水泥 low-carbon evaluation: narrower, other aspect


def test_computers_footprint_is_partial_through_portable_and_desktop(report):
    r = _item(report[0], "2.1", "计算机", "产品碳足迹核算")
    assert r["coverage"] == "partial" and r["best_status"] == "已发布"
    assert {(s["number"], s["match"]) for s in r["standards"]} == {
        ("SJ/T 11735-2019", "narrower"), ("SJ/T 11736-2019", "narrower")}


def test_metallurgical_lime_enterprises_partial_through_lime(report):
    r = _item(report[0], "2.1", "冶金石灰", "组织温室气体排放量核算")
    assert r["coverage"] == "partial"
    # 石灰企业 (lime, broader than metallurgical lime) and the steel industry's enterprise-wide standards
    assert {(s["number"], s["match"]) for s in r["standards"]} == {
        ("2021-1772T-JC", "broader"), ("20220805-T-467", "broader"), ("2018-0453T-YB", "broader"),
        ("2019-0392T-YB", "broader")}


def test_steel_enterprise_evaluation_is_covered_and_general_standards_are_context(report):
    r = _item(report[0], "5.1", "钢铁", "低碳企业评价")
    assert r["coverage"] == "covered" and {"20220823-T-605", "2021-1736T-YB"} <= _numbers(r["standards"])
    assert "20193355-T-303" in _numbers(r["related"])  # 工业低碳企业评价通则: cross-cutting, not coverage
    assert all(s["match"] != "general" for s in r["standards"])


def test_related_leaves_out_broader_standards_of_other_aspects(report):
    r = _item(report[0], "2.1", "钢板及钢带", "产品碳足迹核算")
    assert r["coverage"] == "partial" and ("2021-1739T-YB", "broader") in {(s["number"], s["match"]) for s in r["standards"]}
    # 钢铁行业低碳企业评价指南 is about the steel industry (broader) in 5.1: not context for a steel product's footprint
    assert "20220823-T-605" not in _numbers(r["related"])
    assert all(x["match"] in ("exact", "narrower", "general") for x in r["related"])


def test_status_ranking(report):
    r = _item(report[0], "2.1", "钢铁生产主工序", "组织温室气体排放量核算")
    assert r["coverage"] == "covered" and r["best_status"] == "制定中"
    covered_published = [x for x in report[0].items if x["coverage"] == "covered" and x["best_status"] == "已发布"]
    for x in covered_published:
        assert any(s["status"] == "已发布" and s["match"] == "exact" for s in x["standards"])


def test_2024_products_have_verdicts(report):
    rep, summ = report
    rows = [r for r in rep.items if r["direction"] == "2024"]
    assert len(rows) == 19 and {r["source"]["document"] for r in rows} == {"miit-2024-pcf-guide"}
    assert _item(rep, "2024", "水泥")["coverage"] == "gap"
    assert _item(rep, "2024", "光伏")["coverage"] == "partial"  # through 光伏组件, a narrower concept
    assert sum(summ["priority_products_2024"]["coverage"].values()) == 19


def test_summary_targets(report):
    _, summ = report
    targets = {(t["year"], t["count"]): t for t in summ["targets"]}
    assert targets[(2025, 200)]["counted"] == 150 and targets[(2025, 200)]["by_status"] == {
        "已发布": 34, "修订中": 4, "制定中": 112}
    assert targets[(2027, 200)]["counted"] == 15 and targets[(2027, 200)]["published"] == 4
    assert targets[(2027, 100)]["comparator"] == "about" and targets[(2027, 100)]["remaining"] == 85
    assert sum(summ["coverage"].values()) == 280
    assert summ["by_direction"]["2.1"] == {k: v for k, v in summ["by_direction"]["2.1"].items() if v}


def test_filters_and_unknown_values(report):
    rep, _ = report
    assert {r["coverage"] for r in rep.filtered(coverage="gap")} == {"gap"}
    assert {r["industry"] for r in rep.filtered(industry="钢铁", direction="2.1")} == {"钢铁"}
    with pytest.raises(ValueError, match="allowed: covered, partial, gap"):
        rep.filtered(coverage="maybe")
    with pytest.raises(ValueError, match="direction '9.9' is not known"):
        rep.filtered(direction="9.9")


# --- over HTTP and on the command line -------------------------------------------------------------------


def test_api_gaps_json_and_filters(api):
    rows = api.get("/api/gaps", params={"direction": "2.1", "aspect": "产品碳足迹核算"}).json()
    assert len(rows) == 48
    keys = {"direction", "aspect", "industry", "item", "subject", "coverage", "best_status", "standards", "related",
            "explanation", "source"}
    assert keys <= set(rows[0])
    r = api.get("/api/gaps", params={"coverage": "maybe"})
    assert r.status_code == 400 and "covered, partial, gap" in r.json()["detail"]
    r = api.get("/api/gaps", params={"colour": "red"})
    assert r.status_code == 400 and "filters are" in r.json()["detail"]
    r = api.get("/api/gaps", params={"format": "pdf"})
    assert r.status_code == 400 and "json, csv, csv-bom, xlsx, md, html" in r.json()["detail"]


@pytest.mark.parametrize("fmt, media, check", [
    ("csv", "text/csv", lambda b: b.decode().splitlines()[0].startswith("direction,direction_label,index,aspect")),
    ("md", "text/markdown", lambda b: "| direction |" in b.decode()),
    ("html", "text/html", lambda b: "缺口分析" in b.decode() and "http" not in b.decode().split("<body>")[0]),
    ("xlsx", "application/vnd.openxmlformats", lambda b: b[:2] == b"PK"),
])
def test_api_gap_formats(api, fmt, media, check):
    r = api.get("/api/gaps", params={"format": fmt})
    assert r.status_code == 200 and r.headers["content-type"].startswith(media) and check(r.content)


def test_xlsx_has_items_and_summary(api):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(api.get("/api/gaps", params={"format": "xlsx"}).content))
    assert wb.sheetnames == ["items 条目", "summary 汇总", "targets 目标"]
    assert wb["items 条目"].max_row == 281


def test_api_summary(api):
    s = api.get("/api/gaps/summary").json()
    assert s["items"] == 280 and len(s["targets"]) == 3 and "2.1" in s["by_direction"] and "钢铁" in s["by_industry"]


def test_cli_gaps(built, tmp_path):
    def cli(*args):
        return subprocess.run([sys.executable, "-m", "tanbiao", "gaps", "-b", str(built.out), *args],
                              capture_output=True, text=True, timeout=120)

    rows = json.loads(cli("--direction", "2024").stdout)
    assert len(rows) == 19
    r = cli("--coverage", "maybe")
    assert r.returncode == 2 and "allowed: covered, partial, gap" in r.stderr
    r = cli("-f", "xlsx")
    assert r.returncode == 2 and "--output" in r.stderr
    out = tmp_path / "gaps.html"
    assert cli("-f", "html", "-o", str(out)).returncode == 0 and out.stat().st_size > 10_000


@needs_chromium
def test_report_page_in_headless_chromium(server, tmp_path):
    """The HTML report renders offline: heat-map, bars and the item table; screenshot kept as an artefact."""
    from selenium.webdriver.common.by import By

    with headless_chromium(tmp_path / "profile", "1400,2000") as driver:
        driver.get(server + "/api/gaps?format=html")
        assert "缺口分析" in driver.title or "Gap" in driver.title
        heat = driver.find_element(By.CSS_SELECTOR, "table.heat")
        assert "钢铁" in heat.text and "产品碳足迹核算" in heat.text
        assert len(driver.find_elements(By.CSS_SELECTOR, ".bar")) >= 15
        rows = driver.find_elements(By.CSS_SELECTOR, "table.items tr")
        assert len(rows) == 281
        resources = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        assert all(u.startswith(server) for u in resources), resources
        ARTIFACTS.mkdir(exist_ok=True)
        driver.save_screenshot(str(ARTIFACTS / "gap-report.png"))


def test_what_if_json(api):
    proposals = [{"number": "T/XXXX 001-2099", "title": "温室气体 产品碳足迹 量化方法与要求 水泥产品", "status": "制定中",
                  "position": "2.1"}]
    before = api.get("/api/gaps", params={"direction": "2.1", "coverage": "gap"}).json()
    r = api.post("/api/gaps/what-if", json=proposals)
    assert r.status_code == 200, r.text
    body = r.json()
    changed = {(c["direction"], c["item"]): c for c in body["changed"]}
    assert changed[("2.1", "水泥")]["before"]["coverage"] == "gap"
    assert changed[("2.1", "水泥")]["after"] == {"coverage": "covered", "best_status": "制定中"}
    assert ("2024", "水泥") in changed and len(changed) == 2
    after = api.get("/api/gaps", params={"direction": "2.1", "coverage": "gap"}).json()
    assert after == before  # the served store was not touched


def test_what_if_csv_with_subjects_and_errors(api):
    csv_body = ("number,title,status,position,subjects\n"
                "T/XXXX 002-2099,某新标准,已发布,5.1,cement\n"
                "bad-number,x,已发布,5.1,\n")
    r = api.post("/api/gaps/what-if", content=csv_body.encode(), headers={"Content-Type": "text/csv"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["skipped"] and body["skipped"][0]["line"] == 3
    assert body["proposals"] == 1
    r = api.post("/api/gaps/what-if", json=[{"number": "x", "colour": "red"}])
    assert r.status_code == 400 and "unknown field(s) colour" in r.json()["detail"]
    r = api.post("/api/gaps/what-if", content=b"<xml/>", headers={"Content-Type": "application/xml"})
    assert r.status_code == 415


def test_the_sparql_view_of_the_assessments_equals_the_api(api, built):
    """/api/gaps only reads what the build materialised: for every item, the assessment in the graph (coverage,
    best status, deciding standards and their closest relation, context) is what the API reports."""
    from tanbiao.store import load_build, run_query

    rows = run_query(load_build(built.out), """
        PREFIX tb: <https://w3id.org/tanbiao/def#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?item ?assessment ?coverage ?best ?role ?std ?number ?relation WHERE {
          ?assessment a tb:GapAssessment ; tb:assesses ?item ; tb:coverage/skos:notation ?coverage .
          OPTIONAL { ?assessment tb:bestStatus/skos:prefLabel ?best . FILTER (LANG(?best) = "zh") }
          OPTIONAL {
            { ?assessment tb:evidence ?e BIND ("standards" AS ?role) }
            UNION { ?assessment tb:contextEvidence ?e BIND ("related" AS ?role) }
            ?e tb:evidenceStandard ?std ; tb:matchRelation/skos:notation ?relation .
            ?std tb:number/tb:notation ?number .
          }
        }""")
    rank = {"exact": 5, "narrower": 4, "broader": 3, "general": 1}
    graph: dict[str, dict] = {}
    for r in rows:
        a = graph.setdefault(r["item"], {"assessment": r["assessment"], "coverage": r["coverage"],
                                         "best_status": r["best"], "standards": {}, "related": {}})
        if r["role"]:
            numbers, relation = a[r["role"]].get(r["std"], (set(), r["relation"]))
            if rank[r["relation"]] > rank[relation]:
                relation = r["relation"]
            a[r["role"]][r["std"]] = (numbers | {r["number"]}, relation)
    reported = api.get("/api/gaps").json()
    assert len(reported) == len(graph) == 280
    for item in reported:
        a = graph[item["iri"]]
        assert (item["assessment"], item["coverage"], item["best_status"]) == (
            a["assessment"], a["coverage"], a["best_status"]), item["iri"]
        deciding = set(a["standards"])
        for role in ("standards", "related"):
            expected = {std: rel for std, (_n, rel) in a[role].items() if role == "standards" or std not in deciding}
            listed = item[role]
            assert len(listed) == len(expected), (item["iri"], role)
            for ref in listed:  # each listed standard is one of the graph's, by one of its numbers, same relation
                (std,) = [s for s in expected if ref["number"] in a[role][s][0]]
                assert ref["match"] == expected[std], (item["iri"], role, ref)


def test_an_assessment_dereferences(api):
    """The verdict is a resource: its page names the coverage, the deciding standards by number and relation
    and the item; its Turtle (by Accept) is the graph's."""
    from rdflib import Graph, URIRef

    page = api.get("/assessment/2.1-104", headers={"Accept": "text/html"})
    assert page.status_code == 200
    for text in ("部分覆盖", "SJ/T 11735-2019（下位主题）", "SJ/T 11736-2019 (narrower subject)", "计算机"):
        assert text in page.text, text
    # a concept page lists the evidence of every item about it: the labels name the item, so none repeats
    concept = api.get("/concept/computers", headers={"Accept": "text/html"}).text
    for key in ("2.1-104：2021-1810T-SJ（同一主题）", "5.1-40：2021-1810T-SJ（同一主题）"):
        assert key in concept, key
    ttl = api.get("/assessment/2.1-104", headers={"Accept": "text/turtle"})
    assert ttl.status_code == 200 and ttl.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=ttl.text, format="turtle")
    a = URIRef("https://w3id.org/tanbiao/assessment/2.1-104")
    assert (a, URIRef("https://w3id.org/tanbiao/def#coverage"),
            URIRef("https://w3id.org/tanbiao/vocab/coverage/partial")) in g
    assert "/assessment/2.1-104" in api.get("/item/2.1-104").text


@needs_chromium
def test_saved_report_filters_and_searches_offline(built, tmp_path):
    """The HTML report saved by the CLI works on its own from file://: filters, search, jump links, the heat-map in
    framework order with industries merged by concept, fitting a 1400 px window, and print CSS."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    out = tmp_path / "gaps.html"
    subprocess.run([sys.executable, "-m", "tanbiao", "gaps", "-f", "html", "-o", str(out), "-b", str(built.out)],
                   check=True, capture_output=True, timeout=120)
    with headless_chromium(tmp_path / "profile", "1400,1000") as driver:
        driver.get(out.as_uri())
        shown = lambda: int(driver.find_element(By.ID, "shown").text)  # noqa: E731
        assert shown() == 280
        assert {a.get_attribute("href").rsplit("#", 1)[-1] for a in driver.find_elements(By.CSS_SELECTOR, "nav.jump a")} \
            == {"targets", "heat", "directions", "changes", "items"}
        heat = driver.find_element(By.CSS_SELECTOR, "table.heat")
        assert heat.size["width"] <= 1400 - 40 and driver.execute_script("return document.body.scrollWidth") <= 1400
        aspects = [th.text.split(" ")[0] for th in heat.find_elements(By.CSS_SELECTOR, "thead th")[1:]]
        key = lambda n: [int(p) for p in n.split(".")]  # noqa: E731
        assert aspects == sorted(aspects, key=key) and aspects[0] == "1.1"  # framework order
        industries = [th.text for th in heat.find_elements(By.CSS_SELECTOR, "tbody th")]
        assert "有色金属" in industries and "有色" not in industries  # merged by concept
        Select(driver.find_element(By.ID, "filter-coverage")).select_by_value("gap")
        assert shown() == 189
        Select(driver.find_element(By.ID, "filter-industry")).select_by_value("有色金属")
        assert shown() == 14  # the gaps among the 有色 and 有色金属 items together
        driver.find_element(By.ID, "filter-q").send_keys("电解铝")
        assert 0 < shown() < 14
        rows = [r for r in driver.find_elements(By.CSS_SELECTOR, "table.items tbody tr") if r.is_displayed()]
        assert rows and all("电解铝" in r.text for r in rows)
        driver.find_element(By.ID, "filter-reset").click()
        assert shown() == 280
        driver.find_element(By.CSS_SELECTOR, 'table.heat a[data-industry="钢铁"][data-aspect="2.1.3"]').click()
        assert shown() == 8 and "aspect=2.1.3" in driver.current_url
        resources = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        assert resources == []  # nothing loaded from anywhere
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        assert not driver.find_element(By.CSS_SELECTOR, "form.filters").is_displayed()
        assert all(r.is_displayed() for r in driver.find_elements(By.CSS_SELECTOR, "table.heat tbody tr"))
        ARTIFACTS.mkdir(exist_ok=True)
        driver.save_screenshot(str(ARTIFACTS / "gap-report-print.png"))


def test_standard_and_concept_pages_link_the_assessments(api):
    """The assessments are reached from the standards that are their evidence and the concepts items are about."""
    std = api.get("/standard/SJ-T-11735-2019", headers={"Accept": "text/html"}).text
    assert 'href="/assessment/2.1-104"' in std
    concept = api.get("/concept/computers", headers={"Accept": "text/html"}).text
    assert 'href="/assessment/2.1-104"' in concept
