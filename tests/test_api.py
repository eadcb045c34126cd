"""The JSON routes answer what their response models (api/models.py) say, and errors map the same way everywhere."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter
from tanbiao.api import models


@pytest.mark.parametrize("path, model", [
    ("/health", models.Health),
    ("/api/queries", list[models.QueryInfo]),
    ("/api/standards", list[models.Standard]),
    ("/api/standards/GB/T 32151.1-2015", models.Standard),
    ("/api/gaps", list[models.GapItem]),
    ("/api/gaps/summary", models.GapSummary),
])
def test_json_routes_match_their_models(api, path, model):
    r = api.get(path)
    assert r.status_code == 200, r.text
    TypeAdapter(model).validate_python(r.json(), strict=False)  # extra="forbid": no undeclared field either


def test_what_if_matches_its_model(api):
    r = api.post("/api/gaps/what-if", json=[{"number": "T/XXXX 003-2099", "title": "水泥产品碳足迹评价",
                                             "status": "已发布", "position": "2.1", "subjects": ["cement"]}])
    assert r.status_code == 200, r.text
    result = models.WhatIfResult.model_validate(r.json())
    assert result.proposals == 1 and result.changed


def test_openapi_declares_the_models(api):
    spec = api.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    for name in ("Standard", "GapItem", "GapSummary", "WhatIfResult", "QueryInfo"):
        assert name in schemas, name
    ok = spec["paths"]["/api/gaps"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["items"]["$ref"].endswith("/GapItem")


def test_errors_map_once_json_on_the_api_text_on_the_protocol(api):
    r = api.get("/api/gaps", params={"coverage": "maybe"})
    assert r.status_code == 400 and r.headers["content-type"].startswith("application/json")
    assert "covered, partial, gap" in r.json()["detail"]
    r = api.get("/api/standards/GB-T-99999-2099")
    assert r.status_code == 404 and "GB-T-99999-2099" in r.json()["detail"]
    r = api.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers={"Accept": "image/png"})
    assert r.status_code == 406 and r.headers["content-type"].startswith("text/plain")
    assert "available: application/sparql-results+json" in r.text


def test_the_servers_own_queries_have_their_own_limits(built, tmp_path):
    """The gap report is the server's own work over data of any size: it runs under the internal limits, while a
    query a visitor shapes (/sparql, a catalogue query with parameters) keeps the visitor's time limit."""
    from fastapi.testclient import TestClient
    from tanbiao.api.app import create_app
    from tanbiao.api.config import Settings

    settings = Settings(build_dir=built.out, store_dir=tmp_path / "store", query_timeout=0.001)
    with TestClient(create_app(settings), base_url="http://testserver") as client:
        assert client.get("/api/queries/items", params={"format": "json"}).status_code == 503
        assert client.post("/sparql", data={"query": "SELECT * WHERE { ?s ?p ?o } ORDER BY ?o"},
                           headers={"Accept": "application/sparql-results+json"}).status_code == 503
        r = client.get("/api/gaps")
        assert r.status_code == 200 and len(r.json()) == 280


@pytest.mark.parametrize("warm", [True, False])
def test_the_gap_report_can_be_computed_at_start_up(built, tmp_path, warm):
    """`tanbiao serve` warms the report so the first visitor does not wait for it; a bare app computes it on demand."""
    import time

    from fastapi.testclient import TestClient
    from tanbiao.api.app import create_app
    from tanbiao.api.config import Settings

    settings = Settings(build_dir=built.out, store_dir=tmp_path / "store", warm_gaps=warm)
    with TestClient(create_app(settings), base_url="http://testserver") as client:
        svc = client.app.state.service
        deadline = time.monotonic() + 60
        while warm and svc._gaps is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert (svc._gaps is not None) is warm
        assert client.get("/api/gaps/summary").status_code == 200 and svc._gaps is not None


def test_serve_warms_the_gap_report_unless_told_otherwise():
    from tanbiao.api.config import settings_from_env

    assert settings_from_env({}).warm_gaps is False
    assert settings_from_env({"TANBIAO_WARM_GAPS": "1"}).warm_gaps is True
    assert settings_from_env({"TANBIAO_WARM_GAPS": "0"}).warm_gaps is False


def test_empty_queries_and_stray_parameters_are_explained(api):
    r = api.get("/sparql", params={"query": "  "})
    assert r.status_code == 400 and "the query is empty" in r.text
    r = api.post("/sparql", data={"update": ""})
    assert r.status_code == 400 and "the update is empty" in r.text
    r = api.get("/api/gaps/summary", params={"direction": "2.1"})
    assert r.status_code == 400 and "takes no parameters" in r.json()["detail"]
