"""API documentation: /docs and /redoc from vendored assets (offline), an OpenAPI document that describes every
operation (valid OpenAPI 3, the what-if body, the /sparql parameters, response models of the JSON routes)."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate


@pytest.fixture(scope="module")
def spec(api):
    return api.get("/openapi.json").json()


def test_openapi_is_valid(spec):
    validate(spec)


def test_every_operation_is_described(spec):
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            assert op.get("summary"), (method, path)
            assert "200" in op["responses"] or "204" in op["responses"], (method, path)


def test_sparql_parameters_and_bodies(spec):
    get = spec["paths"]["/sparql"]["get"]
    assert {"query", "default-graph-uri", "named-graph-uri", "format"} <= {p["name"] for p in get["parameters"]}
    post = spec["paths"]["/sparql"]["post"]
    assert {"application/x-www-form-urlencoded", "application/sparql-query", "application/sparql-update"} <= \
        set(post["requestBody"]["content"])
    assert {"using-graph-uri", "using-named-graph-uri"} <= {p["name"] for p in post["parameters"]}
    assert {"application/sparql-results+json", "text/csv", "text/turtle"} <= \
        set(get["responses"]["200"]["content"])


def test_what_if_body(spec):
    body = spec["paths"]["/api/gaps/what-if"]["post"]["requestBody"]["content"]
    item = body["application/json"]["schema"]["items"]
    assert set(item["required"]) == {"number", "status"} and {"title", "position", "subjects"} <= set(item["properties"])
    assert "text/csv" in body


@pytest.mark.parametrize("path, model", [("/api/gaps", "GapItem"), ("/api/gaps/summary", "GapSummary"),
                                         ("/api/standards", "Standard"), ("/api/queries", "QueryInfo"),
                                         ("/api/gaps/what-if", "WhatIfResult")])
def test_json_routes_have_response_models(spec, path, model):
    ops = spec["paths"][path]
    op = ops.get("get") or ops["post"]
    assert model in str(op["responses"]["200"]["content"]["application/json"]["schema"])
    assert model in spec["components"]["schemas"]


def test_repeatable_filters_are_arrays(spec):
    params = {p["name"]: p for p in spec["paths"]["/api/gaps"]["get"]["parameters"]}
    assert "array" in str(params["direction"]["schema"]) and "either" in params["direction"]["description"]
    params = {p["name"]: p for p in spec["paths"]["/api/standards"]["get"]["parameters"]}
    assert {"status", "position", "level", "category", "q", "format"} <= set(params)


@pytest.mark.parametrize("path, assets", [("/docs", ["/static/swagger-ui/swagger-ui-bundle.js",
                                                      "/static/swagger-ui/swagger-ui.css"]),
                                           ("/redoc", ["/static/redoc/redoc.standalone.js"])])
def test_docs_pages_use_vendored_assets(api, path, assets):
    page = api.get(path).text
    for asset in assets:
        assert asset in page
        r = api.get(asset)
        assert r.status_code == 200 and len(r.content) > 100_000
    # nothing the page loads comes from elsewhere (only the page's own links to the site)
    assert not re.findall(r"""(?:src|href)=["']https?://""", page)
    assert "fonts.googleapis" not in page and "cdn.jsdelivr" not in page


def test_redoc_bundle_fetches_no_logo():
    from tanbiao.api.routers.editor import STATIC_DIR

    assert b"cdn.redoc.ly" not in (STATIC_DIR / "redoc" / "redoc.standalone.js").read_bytes()
