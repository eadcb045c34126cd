"""The W3C SPARQL 1.1 Protocol test suite, played against our /sparql endpoint by a manifest runner.

Each manifest entry is one test: its data files are loaded into the named graphs it lists, then its HTTP
requests are sent in order and each response is checked (status class, result format, boolean value).
The endpoint runs with updates enabled (admin token) on an empty embedded store; update requests carry
the token, which is this server's way of allowing them.
"""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pyoxigraph as ox
import pytest
from conftest import DATA, serve_app
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS
from tanbiao.api.app import create_app
from tanbiao.api.config import Settings

SUITE = DATA / "w3c-sparql11-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
TOKEN = "w3c-test-token"

MANIFEST = Graph().parse(SUITE / "manifest.ttl", format="turtle", publicID=(SUITE / "manifest.ttl").as_uri())
ENTRIES = list(Collection(MANIFEST, next(MANIFEST.objects(None, MF.entries))))


def _name(entry: URIRef) -> str:
    return str(entry).rsplit("#", 1)[-1]


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    store_dir = tmp_path_factory.mktemp("w3c") / "store"
    ox.Store(str(store_dir)).flush()  # an empty on-disk store
    settings = Settings(build_dir=store_dir.parent / "no-build", store_dir=store_dir, admin_token=TOKEN)
    with serve_app(create_app(settings)) as url:
        yield url + "/sparql"


def _load_graph_data(endpoint: str, entry: URIRef) -> None:
    parts = ["CLEAR ALL"]
    for gd in MANIFEST.objects(entry, UT.graphData):
        data = Path(str(MANIFEST.value(gd, UT.graph)).removeprefix("file://")).read_text(encoding="utf-8")
        parts.append(f"INSERT DATA {{ GRAPH <{MANIFEST.value(gd, RDFS.label)}> {{ {data} }} }}")
    r = httpx.post(endpoint, content=" ;\n".join(parts).encode(),
                   headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 204, r.text


def _boolean(response: httpx.Response) -> bool:
    if "json" in response.headers["content-type"]:
        return json.loads(response.text)["boolean"]
    root = ElementTree.fromstring(response.content)
    return next(e.text for e in root.iter() if e.tag.endswith("boolean")) == "true"


@pytest.mark.parametrize("entry", ENTRIES, ids=_name)
def test_protocol(endpoint, entry):
    _load_graph_data(endpoint, entry)
    action = MANIFEST.value(entry, MF.action)
    for req in Collection(MANIFEST, MANIFEST.value(action, HT.requests)):
        method = str(MANIFEST.value(req, HT.methodName))
        path = str(MANIFEST.value(req, HT.absolutePath)).replace("/sparql/", "", 1)
        headers = {}
        hlist = MANIFEST.value(req, HT.headers)
        for h in Collection(MANIFEST, hlist) if hlist is not None else []:
            headers[str(MANIFEST.value(h, HT.fieldName))] = str(MANIFEST.value(h, HT.fieldValue))
        body = MANIFEST.value(req, HT.body)
        content = None
        if body is not None:
            encoding = str(MANIFEST.value(body, CNT.characterEncoding) or "UTF-8")
            content = str(MANIFEST.value(body, CNT.chars)).encode(encoding.lower().replace("utf-16", "utf-16"))
        if content is not None and "update" in (headers.get("content-type", "") + content.decode("latin-1")[:7]):
            headers["Authorization"] = f"Bearer {TOKEN}"
        r = httpx.request(method, endpoint + path, headers=headers, content=content, timeout=30)
        resp = MANIFEST.value(req, HT.resp)
        expected = {str(s).removeprefix(HTS) for s in MANIFEST.objects(resp, MF.expectedStatus)}
        assert f"{r.status_code // 100}xx" in expected, f"{_name(entry)}: {r.status_code} {r.text[:300]}"
        fmt = MANIFEST.value(resp, MF.expectedFormat)
        ctype = r.headers.get("content-type", "")
        if fmt is not None and str(fmt) == "tabular":
            assert ctype.split(";")[0] in ("application/sparql-results+json", "application/sparql-results+xml",
                                           "text/csv", "text/tab-separated-values")
        if fmt is not None and str(fmt) == "RDF":
            assert ctype.split(";")[0] in ("text/turtle", "application/n-triples", "application/rdf+xml")
        expected_boolean = MANIFEST.value(resp, MF.expectedBoolean)
        if expected_boolean is not None:
            assert _boolean(r) is expected_boolean.toPython(), _name(entry)


def test_every_entry_is_run():
    assert len(ENTRIES) == 34


# --- service description suite ---------------------------------------------------------------------------


def test_service_description_returns_rdf_with_endpoint_triple(endpoint):
    r = httpx.get(endpoint)
    assert r.status_code == 200
    g = Graph().parse(data=r.text, format="turtle")
    svc = URIRef(endpoint)
    assert (svc, SD.endpoint, svc) in g  # has-endpoint-triple
    assert (svc, RDF.type, SD.Service) in g  # returns-rdf
    # conforms-to-schema: the terms used are those of the SD vocabulary
    assert {p for p in g.predicates() if str(p).startswith(str(SD))} <= {
        SD.endpoint, SD.supportedLanguage, SD.resultFormat, SD.feature, SD.defaultDataset, SD.defaultGraph,
        SD.namedGraph, SD.name, SD.graph}
    assert (svc, SD.supportedLanguage, SD.SPARQL11Update) in g
