"""A running server follows a new build atomically; two servers on one store never disturb each other."""

from __future__ import annotations

import hashlib
import time

import httpx
import pytest
from conftest import DATA, tanbiao_serve

from tanbiao.pipeline import build

COUNT = ("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a <https://w3id.org/tanbiao/def#Standard> }")

def _sparql_count(url: str) -> int:
    r = httpx.get(url + "/sparql", params={"query": COUNT}, timeout=60)
    return int(r.json()["results"]["bindings"][0]["n"]["value"])

def _api_count(url: str) -> int:
    return len(httpx.get(url + "/api/standards", timeout=60).json())

@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    root = tmp_path_factory.mktemp("versions")
    plain = build(root / "plain" / "build", reason=False).out
    updated = build(root / "updated" / "build", reason=False, updates=[DATA / "updates-example.csv"]).out
    return plain, updated

def test_counts_of_the_two_builds_differ(builds):
    plain, updated = builds
    assert (plain / "tanbiao.trig").read_bytes() != (updated / "tanbiao.trig").read_bytes()

def test_a_running_server_switches_to_a_new_build(builds, tmp_path):
    plain, _ = builds
    out = tmp_path / "build"
    build(out, reason=False)
    with tanbiao_serve(out, tmp_path / "store") as url:
        before = _sparql_count(url)
        assert _api_count(url) == before
        build(out, reason=False, updates=[DATA / "updates-example.csv"])
        deadline = time.monotonic() + 60
        while _sparql_count(url) == before and time.monotonic() < deadline:
            time.sleep(0.5)
        after = _sparql_count(url)
        assert after > before  # the server follows the build …
        for _ in range(5):  # … and every part of it says the same
            assert _sparql_count(url) == after and _api_count(url) == after
        downloads = httpx.get(url + "/downloads", timeout=30).text

        digest = hashlib.sha256((out / "tanbiao.ttl").read_bytes()).hexdigest()
        assert digest in downloads  # the dumps listed are those of the build it answers from

def test_two_servers_on_one_store_folder(builds, tmp_path):
    plain, updated = builds
    store = tmp_path / "shared-store"
    with tanbiao_serve(plain, store) as first:
        a = _sparql_count(first)
        with tanbiao_serve(updated, store) as second:
            b = _sparql_count(second)
            assert b > a
            for _ in range(10):  # neither replaced the other's store
                assert _sparql_count(first) == a and _sparql_count(second) == b
        with tanbiao_serve(plain, store) as third:  # the first's version is reused, not rebuilt over
            assert _sparql_count(third) == a and _sparql_count(first) == a
