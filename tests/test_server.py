"""The SPARQL endpoint and the API, over real HTTP: SPARQLWrapper and Accept headers against `tanbiao serve`."""

from __future__ import annotations

import csv
import io
import json
import threading
import time

import httpx
import pytest
from conftest import serve_app
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, POST, TSV, XML, SPARQLWrapper
from tanbiao.api.app import create_app
from tanbiao.api.config import Settings

COUNT = "PREFIX tb: <https://w3id.org/tanbiao/def#> SELECT (COUNT(?s) AS ?n) WHERE { ?s a tb:Standard }"
CONSTRUCT = ("PREFIX skos: <http://www.w3.org/2004/02/skos/core#> CONSTRUCT { ?s skos:prefLabel ?l } "
             "WHERE { ?s a <https://w3id.org/tanbiao/def#SubCategory> ; skos:prefLabel ?l }")


def _wrapper(server, fmt):
    w = SPARQLWrapper(server + "/sparql")
    w.setQuery(COUNT)
    w.setReturnFormat(fmt)
    return w


def test_sparqlwrapper_json_get_and_post(server):
    for method in ("GET", POST):
        w = _wrapper(server, JSON)
        w.setMethod(method)
        result = w.query().convert()
        assert result["results"]["bindings"][0]["n"]["value"] == "150"


@pytest.mark.parametrize("fmt, check", [
    (XML, lambda r: "150" in r.toxml()),
    (CSV, lambda r: r.decode().splitlines() == ["n", "150"]),
    (TSV, lambda r: r.decode().splitlines()[1] == "150"),
])
def test_sparqlwrapper_other_result_formats(server, fmt, check):
    assert check(_wrapper(server, fmt).query().convert())


@pytest.mark.parametrize("accept, media", [
    (None, "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/sparql-results+xml"),
])
def test_select_content_negotiation(server, accept, media):
    headers = {"Accept": accept} if accept else {}
    r = httpx.get(server + "/sparql", params={"query": COUNT}, headers=headers)
    assert r.status_code == 200 and r.headers["content-type"].startswith(media)
    assert "150" in r.text


@pytest.mark.parametrize("accept, media, rdflib_format", [
    (None, "text/turtle", "turtle"),
    ("application/n-triples", "application/n-triples", "nt"),
    ("application/rdf+xml", "application/rdf+xml", "xml"),
    ("application/ld+json", "application/ld+json", "json-ld"),
])
def test_construct_content_negotiation(server, accept, media, rdflib_format):
    headers = {"Accept": accept} if accept else {}
    r = httpx.post(server + "/sparql", content=CONSTRUCT.encode(),
                   headers={"Content-Type": "application/sparql-query", **headers})
    assert r.status_code == 200 and r.headers["content-type"].startswith(media)
    g = Graph().parse(data=r.text, format=rdflib_format)
    labels = {str(o) for o in g.objects()}
    assert len(g) == 32 and "温室气体核算" in labels and "Greenhouse gas accounting" in labels


def test_ask_and_not_acceptable(server):
    r = httpx.post(server + "/sparql", data={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "application/sparql-results+xml"})
    assert r.status_code == 200 and "<boolean>true</boolean>" in r.text
    r = httpx.get(server + "/sparql", params={"query": COUNT}, headers={"Accept": "image/png"})
    assert r.status_code == 406 and "application/sparql-results+json" in r.text


def test_dataset_parameters(server):
    g2023 = "https://w3id.org/tanbiao/graph/miit-2023-guide-draft"
    r = httpx.get(server + "/sparql", params={"query": COUNT, "default-graph-uri": g2023})
    assert json.loads(r.text)["results"]["bindings"][0]["n"]["value"] == "150"
    r = httpx.get(server + "/sparql", params={"query": COUNT, "default-graph-uri": "https://w3id.org/tanbiao/graph/ontology"})
    assert json.loads(r.text)["results"]["bindings"][0]["n"]["value"] == "0"
    q = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    r = httpx.get(server + "/sparql", params={"query": q, "named-graph-uri": g2023})
    assert [b["g"]["value"] for b in json.loads(r.text)["results"]["bindings"]] == [g2023]


def test_service_description(server):
    r = httpx.get(server + "/sparql")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    from rdflib import URIRef
    assert (URIRef(server + "/sparql"), URIRef(sd + "endpoint"), URIRef(server + "/sparql")) in g
    assert "https://w3id.org/tanbiao/graph/miit-2023-guide-draft" in r.text and "void:triples" in r.text


def test_cors(server):
    r = httpx.get(server + "/sparql", params={"query": COUNT}, headers={"Origin": "http://example.org"})
    assert r.headers["access-control-allow-origin"] == "*"
    r = httpx.options(server + "/sparql", headers={"Origin": "http://example.org", "Access-Control-Request-Method": "POST",
                                                  "Access-Control-Request-Headers": "content-type"})
    assert r.status_code == 200 and "POST" in r.headers["access-control-allow-methods"]


def test_read_only_by_default(server):
    r = httpx.post(server + "/sparql", content=b"CLEAR ALL", headers={"Content-Type": "application/sparql-update"})
    assert r.status_code == 403 and "read-only" in r.text
    r = httpx.post(server + "/sparql", data={"update": "CLEAR ALL"})
    assert r.status_code == 403
    assert "150" in httpx.get(server + "/sparql", params={"query": COUNT}).text  # nothing was lost


def test_bad_queries(server):
    r = httpx.get(server + "/sparql", params={"query": "SELECT * WHERE { ?s ?p "})
    assert r.status_code == 400 and "SPARQL syntax error at line 1, column" in r.text
    r = httpx.post(server + "/sparql", content=b"ASK {}", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://203.0.113.5/sparql> { ?s ?p ?o } }",
    "PREFIX e: <http://example.org/> SELECT * WHERE { SERVICE SILENT e:sparql { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }",
])
def test_service_to_unlisted_addresses_is_refused(server, query):
    r = httpx.get(server + "/sparql", params={"query": query})
    assert r.status_code == 403 and "allow-list" in r.text


def test_api_standards(server):
    rows = httpx.get(server + "/api/standards").json()
    assert len(rows) == 150 and rows[0]["position"] == {"notation": "1.1", "label": "术语定义"}
    text = httpx.get(server + "/api/standards", headers={"Accept": "text/csv"}).text
    assert len(list(csv.DictReader(io.StringIO(text)))) == 150
    one = httpx.get(server + "/api/standards/GB/T 32151.1-2015").json()
    assert one["title"] == "温室气体排放核算与报告要求 第1部分：发电企业" and one["status"] == "已发布"
    assert httpx.get(server + "/api/standards/2021-1714T-HG/SH").json()["number"] == "2021-1714T-HG/SH"
    r = httpx.get(server + "/api/standards/GB/T 99999-2099")
    assert r.status_code == 404 and "GB/T 99999-2099" in r.json()["detail"]
    assert httpx.get(server + "/api/standards", params={"format": "pdf"}).status_code == 400


def test_api_catalogue(server):
    listing = httpx.get(server + "/api/queries").json()
    names = {q["name"] for q in listing}
    assert {"standards", "items", "directions"} <= names
    rows = httpx.get(server + "/api/queries/directions").json()
    assert len(rows) == 15
    text = httpx.get(server + "/api/queries/directions", params={"format": "csv"}).text
    assert text.splitlines()[0].startswith("direction,")
    r = httpx.get(server + "/api/queries/directions", params={"nope": "1"})
    assert r.status_code == 400 and "unknown parameter" in r.json()["detail"]
    assert httpx.get(server + "/api/queries/no-such-query").status_code == 404
    spec = httpx.get(server + "/openapi.json").json()
    assert all(f"/api/queries/{n}" in spec["paths"] for n in names)


# --- protection: timeout and size limit (in-process server with small limits) -----------------------------

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def limited(built, tmp_path_factory):
    settings = Settings(build_dir=built.out, store_dir=tmp_path_factory.mktemp("lstore") / "store",
                        query_timeout=2.0, max_result_bytes=20_000, workers=2)
    with serve_app(create_app(settings)) as url:
        yield url


def test_runaway_query_is_stopped_and_others_are_served(limited):
    answers = {}

    def runaway():
        t0 = time.monotonic()
        r = httpx.get(limited + "/sparql", params={"query": RUNAWAY}, timeout=60)
        answers["runaway"] = (r.status_code, r.text, time.monotonic() - t0)

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    quick = httpx.get(limited + "/sparql", params={"query": COUNT}, timeout=30)
    assert quick.status_code == 200 and "150" in quick.text  # served while the runaway query runs
    thread.join(timeout=60)
    status, text, seconds = answers["runaway"]
    assert status == 503 and "stopped after 2 s" in text and seconds < 20
    assert "150" in httpx.get(limited + "/sparql", params={"query": COUNT}, timeout=30).text  # still serving


def test_result_size_limit(limited):
    r = httpx.get(limited + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, timeout=30)
    assert r.status_code == 413 and "larger than the limit of 20000 bytes" in r.text
