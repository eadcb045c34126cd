"""The remote backend against two real SPARQL servers on loopback, Oxigraph server and Virtuoso Open Source:
`tanbiao push` uploads the build through the Graph Store Protocol, and `tanbiao serve` with TANBIAO_STORE=remote
answers every catalogue query, the gap report and the pages exactly as the embedded store does.

Compared strictly: the API's rows as they are served, and the SPARQL JSON terms of `/sparql` (type, value,
datatype, language), as multisets (order-insensitive); blank-node labels are the only thing masked. What makes
Virtuoso's answers equal is done in the client (`api/backends.py` RemoteBackend, `bind()`) and in the queries;
docs/endpoint.md lists each difference.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from conftest import free_port, listening_sockets, loopback_server, tanbiao_serve
from rdflib import Graph
from rdflib.compare import isomorphic
from tanbiao.api.backends import RemoteBackend
from tanbiao.api.config import Settings
from tanbiao.api.workers import QueryRequest
from virtuoso_server import READ_ONLY, VirtuosoError, VirtuosoServer

from tanbiao.services.catalogue import bind, catalogue

OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
JSON_RESULTS = "application/sparql-results+json"


@dataclass(frozen=True)
class Engine:
    name: str
    query_url: str  # SPARQL 1.1 Protocol: queries
    update_url: str
    graph_store_url: str  # Graph Store Protocol: what `tanbiao push` writes to


@contextlib.contextmanager
def oxigraph_engine(location: Path):
    if not Path(OXIGRAPH).exists():
        pytest.fail("the oxigraph server binary is missing: `pip install oxigraph` (part of the test extras)")
    port = free_port()
    # no --union-default-graph: the client names the dataset (and with it the server would ignore FROM)
    command = [OXIGRAPH, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    with loopback_server(command, port, "/query?query=ASK%7B%7D") as url:
        yield Engine("oxigraph", url + "/query", url + "/update", url + "/store")


@contextlib.contextmanager
def virtuoso_engine(**options):
    try:
        vt = VirtuosoServer(**options).start()
    except VirtuosoError as exc:
        pytest.fail(str(exc))
    try:
        yield Engine("virtuoso", vt.sparql_url, vt.sparql_url, vt.graph_store_url)
    finally:
        vt.stop()


def push(engine: Engine, build: Path) -> subprocess.CompletedProcess:
    r = subprocess.run([sys.executable, "-m", "tanbiao", "push", engine.graph_store_url, "-b", str(build)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def engine(request, built, tmp_path_factory):
    """Each engine in turn, started empty, with the session build pushed into it."""
    started = oxigraph_engine(tmp_path_factory.mktemp("oxigraph")) if request.param == "oxigraph" \
        else virtuoso_engine()
    with started as e:
        r = push(e, built.out)
        assert "8 named graphs" in r.stdout  # documents, ontology, curated, mappings, links, inferred, assessments
        yield e


@pytest.fixture(scope="module")
def remote(engine, built, tmp_path_factory):
    """`tanbiao serve` over the engine (TANBIAO_STORE=remote), as docs/endpoint.md says to run it."""
    with tanbiao_serve(built.out, tmp_path_factory.mktemp("unused-store"), store="remote",
                       sparql_url=engine.query_url, sparql_update_url=engine.update_url) as url:
        yield url


def _sparql(url: str, query: str, **data) -> httpx.Response:
    return httpx.post(url, data={"query": query, **data}, headers={"Accept": JSON_RESULTS}, timeout=60)


def test_push_uploaded_every_named_graph(engine, built):
    store = ox.Store()
    store.bulk_load(path=str(built.out / "tanbiao.trig"), format=ox.RdfFormat.TRIG)
    want = {g.value: sum(1 for _ in store.quads_for_pattern(None, None, None, g)) for g in store.named_graphs()}
    q = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    rows = _sparql(engine.query_url, q, **{"named-graph-uri": list(want)}).json()["results"]["bindings"]
    assert {b["g"]["value"]: int(b["n"]["value"]) for b in rows} == want
    assert sum(want.values()) == built.summary["triples"]


def test_the_server_listens_on_loopback_only(engine):
    sockets = listening_sockets(int(engine.query_url.split(":")[2].split("/")[0]))
    assert sockets and all(s.startswith("127.0.0.1:") for s in sockets), sockets


def _canonical(rows):
    return sorted(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in rows)


def _terms(body: dict) -> tuple[list[str], Counter]:
    """SPARQL JSON results: the variables, and the multiset of rows of exact terms (blank-node labels masked)."""
    if "boolean" in body:
        return [], Counter([body["boolean"]])
    rows = Counter()
    for b in body["results"]["bindings"]:
        cells = [b.get(v) for v in body["head"]["vars"]]
        rows[json.dumps([{**c, "value": "_"} if c and c["type"] == "bnode" else c for c in cells],
                        ensure_ascii=False, sort_keys=True)] += 1
    return body["head"]["vars"], rows


def test_standards_api_same_on_both_backends(server, remote):
    a, b = httpx.get(server + "/api/standards").json(), httpx.get(remote + "/api/standards").json()
    assert len(a) == 150 and a == b


CASES = [(name, "examples") for name, q in sorted(catalogue().items())] + \
        [(name, "unbound") for name, q in sorted(catalogue().items()) if q.params and not any(p.required for p in q.params)]


@pytest.mark.parametrize("name,variant", CASES, ids=[f"{n}-{v}" for n, v in CASES])
def test_catalogue_query_same_on_both_backends(server, remote, name, variant):
    """The API's answer (rows, or the graph), and the SPARQL JSON terms of the same query through /sparql."""
    query = catalogue()[name]
    params = {p.name: p.example for p in query.params if p.example is not None and variant == "examples"}
    if query.form in ("CONSTRUCT", "DESCRIBE"):
        got = [Graph().parse(data=httpx.get(f"{base}/api/queries/{name}", params=params, timeout=60).text,
                             format="turtle") for base in (server, remote)]
        assert len(got[0]) > 0 and isomorphic(*got)
        return
    ra = httpx.get(f"{server}/api/queries/{name}", params=params, timeout=60)
    rb = httpx.get(f"{remote}/api/queries/{name}", params=params, timeout=60)
    assert ra.status_code == rb.status_code == 200, (ra.text[:300], rb.text[:300])
    # a query about update records is empty over this documents-only build: test_the_edition_view_… has them
    assert (ra.json() or "updates" in query.tags) and _canonical(ra.json()) == _canonical(rb.json())
    text = bind(query, params)
    assert _terms(_sparql(server + "/sparql", text).json()) == _terms(_sparql(remote + "/sparql", text).json())


@pytest.mark.parametrize("kind", ["oxigraph", "virtuoso"])
def test_the_edition_view_same_on_both_backends(kind, built_current, tmp_path):
    """The verdicts the update records moved (/api/gaps/changes, the gap-changes query) over a build that has
    update records, pushed into a fresh engine: the same as on the embedded store."""
    started = oxigraph_engine(tmp_path / "oxigraph") if kind == "oxigraph" else virtuoso_engine()
    with started as e:
        assert "10 named graphs" in push(e, built_current.out).stdout  # the 8 + the update file's and changes
        with tanbiao_serve(built_current.out, tmp_path / "unused", store="remote", sparql_url=e.query_url,
                           sparql_update_url=e.update_url) as remote, \
                tanbiao_serve(built_current.out, tmp_path / "store") as local:
            a, b = (httpx.get(base + "/api/gaps/changes", timeout=120).json() for base in (local, remote))
            assert len(a) == sum(built_current.summary["changes"].values()) > 0
            assert _canonical(a) == _canonical(b)
            text = catalogue()["gap-changes"].text
            assert _terms(_sparql(local + "/sparql", text).json()) == _terms(_sparql(remote + "/sparql", text).json())


def test_gap_report_same_on_both_backends(server, remote):
    a, b = (httpx.get(base + "/api/gaps", timeout=120).json() for base in (server, remote))
    assert len(a) == 280 and _canonical(a) == _canonical(b)
    assert httpx.get(server + "/api/gaps/summary").json() == httpx.get(remote + "/api/gaps/summary").json()


def test_only_the_builds_graphs_are_queried(server, remote, built):
    """Virtuoso's default graph holds its system graphs too: the client names the build's graphs instead."""
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    for q in (count, graphs):
        assert _terms(_sparql(server + "/sparql", q).json()) == _terms(_sparql(remote + "/sparql", q).json())
    names = {b["g"]["value"] for b in _sparql(remote + "/sparql", graphs).json()["results"]["bindings"]}
    assert names == set(built.summary["named_graphs"])


def test_a_query_naming_its_own_dataset_gets_it(remote, built):
    links = next(g for g in built.summary["named_graphs"] if g.endswith("/links"))
    q = f"SELECT (COUNT(*) AS ?n) FROM <{links}> WHERE {{ ?s ?p ?o }}"
    by_from = int(_sparql(remote + "/sparql", q).json()["results"]["bindings"][0]["n"]["value"])
    by_protocol = _sparql(remote + "/sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                          **{"default-graph-uri": links}).json()["results"]["bindings"][0]["n"]["value"]
    assert 0 < by_from == int(by_protocol) < built.summary["triples"]


@pytest.mark.parametrize("accept", ["text/csv", "text/tab-separated-values", "application/sparql-results+xml"])
def test_every_results_format_is_the_embedded_stores(server, remote, accept):
    text = catalogue()["series-parts"].text  # strings, integers, booleans and unbound cells
    a, b = (httpx.post(base + "/sparql", data={"query": text}, headers={"Accept": accept}) for base in (server, remote))
    assert a.status_code == b.status_code == 200 and a.headers["content-type"] == b.headers["content-type"]
    assert sorted(a.text.splitlines()) == sorted(b.text.splitlines())


def test_sparql_passthrough_and_errors(remote):
    q = "PREFIX tb: <https://w3id.org/tanbiao/def#> SELECT (COUNT(?s) AS ?n) WHERE { ?s a tb:Standard }"
    r = httpx.get(remote + "/sparql", params={"query": q}, headers={"Accept": "text/csv"})
    assert r.status_code == 200 and r.text.splitlines()[1].strip() == "150"
    r = httpx.get(remote + "/sparql", params={"query": "SELECT * WHERE {"})
    assert r.status_code == 400
    r = httpx.post(remote + "/sparql", data={"update": "CLEAR ALL"})
    assert r.status_code == 403  # read-only here as well


@pytest.mark.parametrize("fmt,parser", [("turtle", "turtle"), ("ntriples", "nt"), ("rdfxml", "xml"),
                                        ("jsonld", "json-ld")])
def test_every_graph_format_is_the_embedded_stores(server, remote, fmt, parser):
    """Virtuoso's own JSON-LD drops language tags: the client asks for N-Triples and writes JSON-LD itself."""
    params = {"entity": "https://w3id.org/tanbiao/standard/2021-1808T-SJ", "format": fmt}
    got = [Graph().parse(data=httpx.get(base + "/api/queries/entity", params=params, timeout=60).text, format=parser)
           for base in (server, remote)]
    assert len(got[0]) > 10 and isomorphic(*got)


def test_entity_pages_on_the_remote_backend(remote, server):
    """An IRI's description is a catalogue query, so the remote store answers it as the embedded one does."""
    for path in ("/standard/2021-1808T-SJ", "/concept/cement-manufacturing", "/framework/2.1"):
        got = [Graph().parse(data=httpx.get(base + path, headers={"Accept": "text/turtle"}, timeout=60).text,
                             format="turtle") for base in (remote, server)]
        assert len(got[0]) > 10 and isomorphic(got[0], got[1]), path
    page = httpx.get(remote + "/standard/2021-1808T-SJ", headers={"Accept": "text/html"}, timeout=60)
    assert page.status_code == 200 and "光伏组件" in page.text and "covered" in page.text


@pytest.fixture(scope="module")
def small_virtuoso(built):
    """A Virtuoso of its own with [SPARQL] ResultSetMaxRows = 100, the build pushed into it."""
    try:
        vt = VirtuosoServer(result_max_rows=100).start()
    except VirtuosoError as exc:
        pytest.fail(str(exc))
    try:
        push(Engine("virtuoso", vt.sparql_url, vt.sparql_url, vt.graph_store_url), built.out)
        yield vt
    finally:
        vt.stop()


def test_a_result_virtuoso_cuts_short_is_an_error(small_virtuoso, built):
    """Virtuoso stops at ResultSetMaxRows with a 200 (only a header says so): the client refuses the answer."""
    backend = RemoteBackend(Settings(store="remote", sparql_url=small_virtuoso.sparql_url, build_dir=built.out))
    cut = backend.query(QueryRequest("SELECT * WHERE { ?s ?p ?o }"))
    assert cut.status == 502 and b"cut the result short at 100 rows" in cut.body
    whole = backend.query(QueryRequest("SELECT * WHERE { ?s ?p ?o } LIMIT 99"))
    assert whole.status == 200 and len(json.loads(whole.body)["results"]["bindings"]) == 99


def test_a_read_only_virtuoso_replica_refuses_writes_and_answers(small_virtuoso, built):
    """docs/endpoint.md's read-only replica: after READ_ONLY, no write gets through either endpoint."""
    small_virtuoso.isql(";\n".join(READ_ONLY) + ";")
    r = httpx.put(small_virtuoso.graph_store_url, params={"graph": "urn:x"}, content=b"<urn:a> <urn:b> <urn:c> .\n",
                  headers={"Content-Type": "application/n-triples"})
    assert r.status_code == 403
    r = _sparql(small_virtuoso.sparql_url, "INSERT DATA { GRAPH <urn:y> { <urn:a> <urn:b> <urn:c> } }")
    assert r.status_code >= 400 and "access denied" in r.text
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:y> { ?s ?p ?o } }"
    assert _sparql(small_virtuoso.sparql_url, count).json()["results"]["bindings"][0]["n"]["value"] == "0"
    backend = RemoteBackend(Settings(store="remote", sparql_url=small_virtuoso.sparql_url, build_dir=built.out))
    assert {r["g"] for r in _rows(backend.query(QueryRequest(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")))} == set(built.summary["named_graphs"])


def _rows(result) -> list[dict]:
    from tanbiao.api.backends import rows_from_json

    assert result.status == 200, result.body[:300]
    return rows_from_json(result.body)


# --- the federated query template ------------------------------------------------------------------------------

FEDERATED = Path(__file__).resolve().parents[1] / "queries" / "federated" / "wikidata-labels.rq"


def test_federated_template_is_refused_unless_allowed(server):
    r = httpx.post(server + "/sparql", content=FEDERATED.read_text(encoding="utf-8"),
                   headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 403 and "https://query.wikidata.org/sparql" in r.text and "allow-list" in r.text


def test_federated_template_runs_when_the_endpoint_is_allowed(built, tmp_path):
    """A loopback Oxigraph server stands in for Wikidata (tests never use the internet)."""
    from conftest import serve_app
    from tanbiao.api.app import create_app

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
