"""HTTP behaviour of a mature server: HEAD on every GET route, gzip, ETag / Last-Modified with 304, checksum files
beside the dumps and a stable ``latest`` alias."""

from __future__ import annotations

import hashlib
import re
from email.utils import formatdate, parsedate_to_datetime

import pytest
from tanbiao.loaders.resources import ontology_version

VERSION = ontology_version()
# a value for every path parameter of a GET route (a new route with a new parameter must add one here)
EXAMPLES = {"rest": "2.1", "name": f"tanbiao-{VERSION}.ttl", "number": "GB/T 32151.1-2015",
            "path": "yasgui/yasgui.min.css"}


def _get_routes(api) -> list[str]:
    """Every GET path of the app (catalogue routes once), with example parameter values."""
    def walk(routes):
        for r in routes:
            if hasattr(r, "original_router"):
                yield from walk(r.original_router.routes)
            elif hasattr(r, "routes") and not hasattr(r, "path"):
                yield from walk(r.routes)
            elif getattr(r, "path", None) and ("GET" in (getattr(r, "methods", None) or ()) or
                                               type(r).__name__ == "Mount"):
                yield r.path + ("/{path}" if type(r).__name__ == "Mount" else "")

    paths, seen_catalogue = [], False
    for path in walk(api.app.routes):
        if path.startswith("/api/queries/"):
            if seen_catalogue:
                continue
            seen_catalogue, path = True, "/api/queries/standards-per-status"
        if path.startswith("/framework/") or path == "/framework":
            path = path.replace("{rest:path}", "2.1")
        for name, value in EXAMPLES.items():
            path = re.sub(r"\{" + name + r"(:path)?\}", value, path)
        assert "{" not in path, f"no example for a parameter of {path}: add one to EXAMPLES"
        paths.append(path.replace("/standard/2.1", "/standard/2021-1808T-SJ").replace("/concept/2.1", "/concept/steel"))
    return sorted(set(paths))


def test_head_on_every_get_route(api):
    paths = _get_routes(api)
    assert len(paths) > 20 and "/" in paths and "/downloads" in paths and "/sparql" in paths
    for path in paths:
        get = api.get(path)
        head = api.head(path)
        assert head.status_code == get.status_code, (path, head.status_code, get.status_code)
        assert head.content == b"", path
        assert head.headers.get("content-type") == get.headers.get("content-type"), path
        if get.status_code == 200:
            assert head.headers["etag"] == get.headers["etag"], path


def test_gzip(api):
    r = api.get("/api/gaps", params={"format": "html"}, headers={"Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip" and "缺口分析" in r.text  # httpx decodes it
    assert int(r.headers["content-length"]) < len(r.content) / 3
    plain = api.get("/api/gaps", params={"format": "html"}, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers


@pytest.mark.parametrize("path", ["/", "/standard/2021-1808T-SJ", "/api/gaps", "/api/standards?format=csv",
                                  f"/downloads/tanbiao-{VERSION}.ttl", "/sparql?query=ASK%7B%7D", "/def"])
def test_etag_and_last_modified_give_304(api, path):
    r = api.get(path)
    etag, modified = r.headers["etag"], r.headers["last-modified"]
    assert etag.startswith('W/"') and parsedate_to_datetime(modified)
    again = api.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert api.get(path, headers={"If-None-Match": 'W/"other"'}).status_code == 200
    assert api.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    assert api.get(path, headers={"If-Modified-Since": formatdate(0, usegmt=True)}).status_code == 200


def test_a_changed_body_changes_the_etag(api):
    a = api.get("/api/gaps", params={"direction": "2.1"}).headers["etag"]
    b = api.get("/api/gaps", params={"direction": "2.2"}).headers["etag"]
    assert a != b


def test_checksum_files_and_latest_alias(api, built):
    page = api.get("/downloads").text
    for name in ("tanbiao.ttl", "tanbiao.nt", "tanbiao.trig", "tanbiao.jsonld"):
        stem, ext = name.split(".")
        versioned = f"{stem}-{VERSION}.{ext}"
        digest = hashlib.sha256((built.out / name).read_bytes()).hexdigest()
        checksum = api.get(f"/downloads/{versioned}.sha256")
        assert checksum.status_code == 200 and checksum.text == f"{digest}  {versioned}\n"  # sha256sum -c reads it
        assert f"/downloads/{versioned}.sha256" in page and f"/downloads/{stem}-latest.{ext}" in page
        latest = api.get(f"/downloads/{stem}-latest.{ext}")
        assert latest.status_code == 200 and hashlib.sha256(latest.content).hexdigest() == digest
        assert latest.headers["content-location"] == f"/downloads/{versioned}"
        assert api.get(f"/downloads/{stem}-latest.{ext}.sha256").text == checksum.text
    assert api.get("/downloads/tanbiao-0.0.1.ttl.sha256").status_code == 404
