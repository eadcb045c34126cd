"""Finding things: any common spelling of a number finds its standard, the search box on every page, a number
typed as a path redirects to the standard; and the pages that had run-together or repeated text."""

from __future__ import annotations

import re

import pytest

from tanbiao.services.lookup import find_standards, normalise, number_key
from tanbiao.services.rows import standards
from tanbiao.store import load_build, selector

SPELLINGS = ["GB/T 32151.1-2015", "gb/t 32151.1-2015", "GB/T32151.1-2015", "GB/T 32151.1—2015", "GB/T 32151.1–2015",
             "ＧＢ／Ｔ　３２１５１．１－２０１５", "GB／T 32151.1-2015", " GB / T 32151.1 - 2015 ", "GB-T-32151.1-2015"]


@pytest.fixture(scope="module")
def rows(built):
    return standards(selector(load_build(built.out)))


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_any_spelling_finds_the_standard(rows, spelling):
    found, exact = find_standards(rows, spelling)
    assert [r["number"] for r in found] == ["GB/T 32151.1-2015"] and exact


def test_without_the_year_the_candidates(rows):
    found, exact = find_standards(rows, "GB/T 32151")
    assert not exact and len(found) >= 9 and all(r["number"].startswith("GB/T 32151.") for r in found)
    found, exact = find_standards(rows, "gb/t32151.1")
    assert not exact and [r["number"] for r in found] == ["GB/T 32151.1-2015"]


def test_plan_numbers_and_nothing(rows):
    assert [r["number"] for r in find_standards(rows, "20220807-t-467")[0]] == ["20220807-T-467"]
    assert [r["number"] for r in find_standards(rows, "2021—1714T—HG/SH")[0]] == ["2021-1714T-HG/SH"]
    assert find_standards(rows, "GB/T 32151.1-2099") == ([], False)
    assert find_standards(rows, "钢铁") == ([], False)


def test_normalisation_uses_the_loaders_grammar():
    assert normalise("ＧＢ／Ｔ　３２１５１") == "GB/T 32151"
    assert number_key("GB/T 32151.1-2015") == number_key("gb/t32151.1—2015") != number_key("GB 32151.1-2015")
    assert number_key("GB/T 32151.1")[5] is None and number_key("not a number") is None


@pytest.mark.parametrize("spelling", ["gb/t32151.1—2015", "ＧＢ／Ｔ 32151.1-2015", "GB-T-32151.1-2015"])
def test_api_standard_by_any_spelling(api, spelling):
    r = api.get(f"/api/standards/{spelling}")
    assert r.status_code == 200 and r.json()["number"] == "GB/T 32151.1-2015"


def test_api_standard_candidates(api):
    r = api.get("/api/standards/GB/T 32151")
    assert r.status_code == 404 and "candidates: GB/T 32151.1-2015" in r.json()["detail"]


def test_search_box_on_every_page(api):
    for path in ("/", "/standard/2021-1808T-SJ", "/concept/steel", "/framework/2.1", "/downloads", "/def",
                 "/api/gaps?format=html", "/search?q=x", "/no-such-page"):
        page = api.get(path, headers={"Accept": "text/html"}).text
        assert re.search(r'<form class="search" role="search" action="/search"', page), path


def test_search_page(api):
    r = api.get("/search", params={"q": "gb/t32151.1—2015"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/standard/GB-T-32151.1-2015"
    page = api.get("/search", params={"q": "GB/T 32151"}).text
    assert "可能的标准" in page and page.count('href="/standard/GB-T-32151.') >= 9
    hits = api.get("/search", params={"q": "Non-ferrous", "format": "json"}).json()["hits"]
    assert any(h["kind"] == "concept" and h["zh"] == "有色金属" for h in hits)
    assert any(h["kind"] == "standard" for h in hits)  # standards about the concept
    zh = api.get("/search", params={"q": "碳足迹", "format": "json"}).json()["hits"]
    assert any(h["kind"] == "standard" and "碳足迹" in h["zh"] for h in zh)
    assert "Nothing found" in api.get("/search", params={"q": "zzzzqqq"}).text


@pytest.mark.parametrize("path", ["/GB/T 32151.1-2015", "/gb-t-32151.1-2015", "/standard/gb-t-32151.1-2015",
                                  "/number/GB-T-32151.1-2015x", "/GB／T32151.1-2015"])
def test_number_path_redirects_to_the_standard(api, path):
    r = api.get(path, headers={"Accept": "text/html"}, follow_redirects=False)
    if path.endswith("x"):
        assert r.status_code == 404
        return
    assert r.status_code == 301 and r.headers["location"] == "/standard/GB-T-32151.1-2015"


def test_ontology_labels_not_run_together(api):
    page = api.get("/def", headers={"Accept": "text/html"}).text
    assert "碳标本体tanbiao" not in page and "来源文件Source document" not in page
    assert "来源文件 / Source document" in page
    assert '<header class="site">' in page and "pyLODE" in page  # the site's frame around pyLODE's content


def test_concept_page_names_items_with_direction_and_aspect(api):
    page = api.get("/concept/steel").text
    incoming = page[page.index('id="incoming"'):]
    about = next(row for row in incoming.split("<tr>") if "<th>主题 " in row)
    steel = re.findall(r'<span class="muted">([^<]*) ·</span> <a href="/item/[^"]+">(钢铁[^<]*)</a>', about)
    assert len(steel) >= 5 and len(set(steel)) == len(steel)  # 钢铁 items (钢铁：… of 2.2, 5.3), each told apart


def test_direction_text_printed_once(api):
    page = api.get("/direction/2.1").text
    assert page.count("在组织温室气体排放量核算方面") == 1
