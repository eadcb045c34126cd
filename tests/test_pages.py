"""Dereferenceable IRIs: every kind of resource answered at its path with HTML, Turtle, JSON-LD and N-Triples; the
home, downloads and ontology pages; 404s; a reader following links in headless Chromium."""

from __future__ import annotations

import hashlib
import json

import pytest
from conftest import ARTIFACTS, headless_chromium, needs_chromium
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, SKOS

BASE = "https://w3id.org/tanbiao/"
# one resource of each kind the build mints, with a label its page must show
ENTITIES = [
    ("standard/2021-1808T-SJ", "产品碳足迹 产品种类规则 光伏组件"),
    ("concept/steel", "钢铁"),
    ("framework/2.1", "温室气体核算"),
    ("framework/2.1.3", "产品碳足迹核算"),
    ("framework", "工业领域碳达峰碳中和标准体系框架"),
    ("direction/2.1", "2.1"),
    ("item/2.1-8", "烧结墙体材料"),
    ("scheme/industry", "行业"),
    ("series/GB-32151", "GB/T 32151"),
    ("source/miit-2023-guide-draft/e62a7a243e85", "line 360"),  # keyed by section and quote (ontology/README.md)
    ("vocab/status/published", "已发布"),
    ("target/miit-2024-pcf-guide/2027-200", "200"),
    ("reference/GB-T-24067", "GB/T 24067"),
    ("gbt4754-2017/C3011", "水泥制造"),
    ("mappings/industries-isic4", "ISIC"),
]
RDF_FORMATS = [("text/turtle", "turtle"), ("application/ld+json", "json-ld"), ("application/n-triples", "nt")]


@pytest.mark.parametrize("path,label", ENTITIES, ids=[e[0] for e in ENTITIES])
def test_html_for_browsers(api, path, label):
    r = api.get(f"/{path}", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert label in r.text and BASE + path in r.text
    assert "Accept" in r.headers.get("vary", "")
    for fmt in ("turtle", "jsonld", "ntriples"):
        assert f"?format={fmt}" in r.text  # links to the other representations


@pytest.mark.parametrize("path,label", ENTITIES, ids=[e[0] for e in ENTITIES])
@pytest.mark.parametrize("media,parser", RDF_FORMATS, ids=[f[1] for f in RDF_FORMATS])
def test_rdf_by_accept(api, path, label, media, parser):
    r = api.get(f"/{path}", headers={"Accept": media})
    assert r.status_code == 200 and r.headers["content-type"].startswith(media)
    g = Graph().parse(data=r.text, format=parser)
    subject = URIRef(BASE + path)
    assert any(g.predicate_objects(subject)), f"nothing said about {subject}"
    assert any(label in str(o) for s, p, o in g), f"{label} not in the {media} description"


def test_format_parameter_overrides_accept(api):
    r = api.get("/standard/2021-1808T-SJ", params={"format": "jsonld"}, headers={"Accept": "text/html"})
    assert r.headers["content-type"].startswith("application/ld+json")
    assert json.loads(r.text)


def test_unacceptable_media_type(api):
    r = api.get("/standard/2021-1808T-SJ", headers={"Accept": "image/png"})
    assert r.status_code == 406 and "text/turtle" in r.text


def test_standard_page_shows_status_position_subject_source_and_verdicts(api):
    page = api.get("/standard/2021-1808T-SJ").text
    for text in ("制定中", "2.1 温室气体核算", "光伏组件", "Photovoltaic modules",  # status, position, subject (zh/en)
                 "| 63 | 2021-1808T-SJ |", "line 360",  # the quoted row and where it is
                 "covered", "光伏"):  # the items it covers, with their verdicts
        assert text in page, text


def test_concept_page_shows_mappings(api):
    page = api.get("/concept/cement-manufacturing").text
    assert "skos:exactMatch" in page and "C3011 水泥制造" in page
    assert "https://unstats.un.org/classifications/ISIC/rev4/2394" in page
    assert "http://data.europa.eu/ux2/nace2/2351" in page


def test_unknown_iri_gets_a_helpful_404(api):
    r = api.get("/standard/GB-T-99999-2099", headers={"Accept": "text/html"})
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "/api/standards/GB-T-99999-2099" in r.text and "/framework" in r.text
    r = api.get("/standard/GB-T-99999-2099", headers={"Accept": "text/turtle"})
    assert r.status_code == 404 and "not a resource of this graph" in r.text
    assert api.get("/no-such-kind/x", headers={"Accept": "text/html"}).status_code == 404
    # API routes keep their JSON errors
    r = api.get("/api/standards/GB-T-99999-2099")
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/json")


def test_hostile_paths_are_not_found(api):
    for path in ("/standard/..%2F..%2Fetc%2Fpasswd", "/concept/%3E%20%3Fs%20%3Fp", "/downloads/..%2Fsummary.json",
                 "/figures/..%2Fsummary.json"):
        r = api.get(path, headers={"Accept": "text/html"})
        assert r.status_code in (400, 404), (path, r.status_code)


def test_ontology_document(api, built):
    html = api.get("/def", headers={"Accept": "text/html"})
    assert html.status_code == 200 and "pyLODE" in html.text and "tb:Standard" not in html.text[:100]
    ttl = api.get("/def", headers={"Accept": "text/turtle"})
    g = Graph().parse(data=ttl.text, format="turtle")
    onto = URIRef(BASE + "def")
    assert (onto, RDF.type, OWL.Ontology) in g
    assert g.value(onto, OWL.versionInfo) is not None


def test_downloads_are_versioned_and_identical_to_the_build(api, built):
    from tanbiao.loaders.resources import ontology_version

    version = ontology_version()
    page = api.get("/downloads").text
    name = f"tanbiao-{version}.ttl"
    assert name in page
    data = api.get(f"/downloads/{name}")
    assert data.status_code == 200 and data.content == (built.out / "tanbiao.ttl").read_bytes()
    assert hashlib.sha256(data.content).hexdigest() in page
    assert api.get("/downloads/tanbiao-0.0.0-old.ttl").status_code == 404


def test_void_links_the_dumps(api):
    from tanbiao.loaders.resources import ontology_version

    g = Graph().parse(data=api.get("/.well-known/void", headers={"Accept": "text/turtle"}).text,
                      format="turtle")
    dumps = {str(o) for o in g.objects(None, URIRef("http://rdfs.org/ns/void#dataDump"))}
    assert any(d.endswith(f"/downloads/tanbiao-{ontology_version()}.ttl") for d in dumps), dumps


def test_home_page_draws_the_framework(api):
    page = api.get("/").text
    assert "<svg" in page and "图1 工业领域碳达峰碳中和标准体系框架" in page
    assert 'href="/framework/2.1"' in page and "/figures/figure-3.svg" in page
    svg = api.get("/figures/figure-3.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml") and "核算与核查标准子体系框架" in svg.text


def test_gbt4754_scheme_page(api):
    g = Graph().parse(data=api.get("/gbt4754-2017", headers={"Accept": "text/turtle"}).text,
                      format="turtle")
    assert (URIRef(BASE + "gbt4754-2017"), RDF.type, SKOS.ConceptScheme) in g
    assert (URIRef(BASE + "gbt4754-2017"), SKOS.hasTopConcept, URIRef(BASE + "gbt4754-2017/C")) in g
    assert Literal("制造业", lang="zh") in set(g.objects(URIRef(BASE + "gbt4754-2017/C"), SKOS.prefLabel))


@needs_chromium
def test_reader_follows_links_home_standard_subcategory_gap(server, tmp_path):
    """Home → (figure 1) sub-category 2.1 → a standard listed there → back to its sub-category → an item with a gap."""
    from selenium.webdriver.common.by import By

    with headless_chromium(tmp_path / "profile", "1300,1600") as driver:
        driver.get(server + "/")
        node = driver.find_element(By.CSS_SELECTOR, '#figure-1 a[href="/framework/2.1"]')
        driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", node)
        assert driver.current_url.endswith("/framework/2.1")
        driver.find_element(By.CSS_SELECTOR, '#incoming a[href="/standard/2021-1808T-SJ"]').click()
        assert driver.find_element(By.ID, "title").text.startswith("产品碳足迹 产品种类规则 光伏组件")
        driver.find_element(By.CSS_SELECTOR, '#properties a[href="/framework/2.1"]').click()
        assert "温室气体核算" in driver.find_element(By.ID, "title").text
        gap_items = driver.find_elements(By.XPATH, "//tr[.//span[contains(@class,'badge') and text()='gap']]//a")
        assert gap_items, "the sub-category page lists no item with a gap"
        gap_items[0].click()
        assert "/item/" in driver.current_url
        assert driver.find_element(By.CSS_SELECTOR, "#gaps + p .badge.gap").text.startswith("gap")
        resources = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        assert all(u.startswith(server) for u in resources), resources
        ARTIFACTS.mkdir(exist_ok=True)
        driver.save_screenshot(str(ARTIFACTS / "item-page.png"))
