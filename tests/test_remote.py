"""The remote backend against a real Oxigraph server on loopback: `tanbiao push` uploads the build through the
Graph Store Protocol, and the API and every catalogue query answer exactly as on the embedded store."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from conftest import free_port, loopback_server, serve_app
from tanbiao.api.app import create_app
from tanbiao.api.config import Settings

from tanbiao.services.catalogue import catalogue

OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    if not Path(OXIGRAPH).exists():
        pytest.fail("the oxigraph server binary is missing: `pip install oxigraph` (part of the test extras)")
    port = free_port()
    command = [OXIGRAPH, "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")),
               "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    with loopback_server(command, port, "/query?query=ASK%7B%7D") as url:
        yield url


@pytest.fixture(scope="module")
def remote(oxigraph_server, built):
    r = subprocess.run([sys.executable, "-m", "tanbiao", "push", oxigraph_server + "/store", "-b", str(built.out)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "named graphs" in r.stdout
    settings = Settings(store="remote", sparql_url=oxigraph_server + "/query", update_url=oxigraph_server + "/update")
    with serve_app(create_app(settings)) as url:
        yield url


def test_push_uploaded_every_named_graph(oxigraph_server, remote, built):
    q = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    rows = httpx.get(oxigraph_server + "/query", params={"query": q},
                     headers={"Accept": "application/sparql-results+json"}).json()["results"]["bindings"]
    graphs = {b["g"]["value"] for b in rows}
    assert {g.split("/")[-1] for g in graphs} == {"ontology", "curated", "links", "inferred", "assessments", "mappings",
                                                 "miit-2023-guide-draft", "miit-2024-pcf-guide"}
    assert sum(int(b["n"]["value"]) for b in rows) >= built.summary["triples"]


def _canonical(rows):
    return sorted(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in rows)


def test_standards_api_same_on_both_backends(server, remote):
    a, b = httpx.get(server + "/api/standards").json(), httpx.get(remote + "/api/standards").json()
    assert len(a) == 150 and a == b


@pytest.mark.parametrize("name", sorted(catalogue()))
def test_catalogue_query_same_on_both_backends(server, remote, name):
    query = catalogue()[name]
    params = {p.name: p.example for p in query.params if p.example is not None}
    if query.form in ("CONSTRUCT", "DESCRIBE"):
        from rdflib import Graph
        from rdflib.compare import isomorphic
        ga = Graph().parse(data=httpx.get(f"{server}/api/queries/{name}", params=params).text, format="turtle")
        gb = Graph().parse(data=httpx.get(f"{remote}/api/queries/{name}", params=params).text, format="turtle")
        assert len(ga) > 0 and isomorphic(ga, gb)
        return
    ra = httpx.get(f"{server}/api/queries/{name}", params=params, timeout=60)
    rb = httpx.get(f"{remote}/api/queries/{name}", params=params, timeout=60)
    assert ra.status_code == rb.status_code == 200, (ra.text[:300], rb.text[:300])
    assert _canonical(ra.json()) == _canonical(rb.json())


def test_sparql_passthrough_and_errors(remote):
    q = "PREFIX tb: <https://w3id.org/tanbiao/def#> SELECT (COUNT(?s) AS ?n) WHERE { ?s a tb:Standard }"
    r = httpx.get(remote + "/sparql", params={"query": q}, headers={"Accept": "text/csv"})
    assert r.status_code == 200 and r.text.splitlines()[1].strip() == "150"
    r = httpx.get(remote + "/sparql", params={"query": "SELECT * WHERE {"})
    assert r.status_code == 400
    r = httpx.post(remote + "/sparql", data={"update": "CLEAR ALL"})
    assert r.status_code == 403  # read-only here as well


# --- the federated query template ------------------------------------------------------------------------------

FEDERATED = Path(__file__).resolve().parents[1] / "queries" / "federated" / "wikidata-labels.rq"


def test_federated_template_is_refused_unless_allowed(server):
    r = httpx.post(server + "/sparql", content=FEDERATED.read_text(encoding="utf-8"),
                   headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 403 and "https://query.wikidata.org/sparql" in r.text and "allow-list" in r.text


def test_federated_template_runs_when_the_endpoint_is_allowed(built, tmp_path):
    """A loopback Oxigraph server stands in for Wikidata (tests never use the internet)."""
    port = free_port()
    command = [OXIGRAPH, "serve", "--location", str(tmp_path / "wd"), "--bind", f"127.0.0.1:{port}"]
    with loopback_server(command, port, "/query?query=ASK%7B%7D") as wikidata:
        stand_in = wikidata + "/query"
        fixture = ('<http://www.wikidata.org/entity/Q1997> <http://www.w3.org/2000/01/rdf-schema#label> '
                   '"carbon dioxide"@en , "二氧化碳"@zh . <http://www.wikidata.org/entity/Q45190> '
                   '<http://www.w3.org/2000/01/rdf-schema#label> "cement"@en .')
        assert httpx.post(wikidata + "/store?default", content=fixture,
                          headers={"Content-Type": "text/turtle"}).status_code in (200, 201, 204)
        query = FEDERATED.read_text(encoding="utf-8").replace("https://query.wikidata.org/sparql", stand_in)
        settings = Settings(build_dir=built.out, store_dir=tmp_path / "store", service_allowlist=(stand_in,))
        with serve_app(create_app(settings)) as url:
            r = httpx.post(url + "/sparql", content=query, timeout=60,
                           headers={"Content-Type": "application/sparql-query",
                                    "Accept": "application/sparql-results+json"})
            assert r.status_code == 200, r.text
            rows = {b["concept"]["value"]: b for b in r.json()["results"]["bindings"]}
            co2 = rows["https://w3id.org/tanbiao/concept/co2"]
            assert co2["wikidataZh"]["value"] == "二氧化碳" and co2["wikidataEn"]["value"] == "carbon dioxide"
            assert "wikidataEn" not in rows["https://w3id.org/tanbiao/concept/methane"]  # not in the stand-in
            assert "wikidataEn" not in rows["https://w3id.org/tanbiao/concept/cement"]  # not in the VALUES list


def test_entity_pages_on_the_remote_backend(remote, server):
    """An IRI's description is a catalogue query, so the remote store answers it as the embedded one does."""
    from rdflib import Graph
    from rdflib.compare import isomorphic

    for path in ("/standard/2021-1808T-SJ", "/concept/cement-manufacturing", "/framework/2.1"):
        got = [Graph().parse(data=httpx.get(base + path, headers={"Accept": "text/turtle"}, timeout=60).text,
                             format="turtle") for base in (remote, server)]
        assert len(got[0]) > 10 and isomorphic(got[0], got[1]), path
    page = httpx.get(remote + "/standard/2021-1808T-SJ", headers={"Accept": "text/html"}, timeout=60)
    assert page.status_code == 200 and "光伏组件" in page.text and "covered" in page.text
