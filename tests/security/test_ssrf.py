"""SSRF through SERVICE and LOAD: 149 bypass attempts against the real server, and the boundary on its own.

The corpus (``data/ssrf-corpus.json``, from the security research of issue 11) holds escapes, comments, case,
nesting, ``SERVICE ?var``, ``SILENT``, IRIs in every form, relative references and LOAD in updates. Each entry is
sent to the server with an empty allow-list (the default) and with one allow-listed endpoint; the internal
"victim" listener must see no connection at all, and no answer may carry its secret.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from conftest import serve_app
from tanbiao.api import sandbox
from tanbiao.api.app import create_app
from tanbiao.api.config import Settings
from tanbiao.api.workers import NO_NETWORK, QueryPool, QueryRequest, query_job

from .conftest import SECRET, Listener, http_response

CORPUS = json.loads((Path(__file__).parent / "data" / "ssrf-corpus.json").read_text(encoding="utf-8"))
TOKEN = "security-test-token"
needs_seccomp = pytest.mark.skipif(bool(sandbox.available()), reason=sandbox.available() or "")


def _subst(text: str, victim: Listener, allowed: Listener) -> str:
    target, allow = f"http://127.0.0.1:{victim.port}/sparql", f"http://127.0.0.1:{allowed.port}/sparql"
    return (text.replace("{TARGET}", target).replace("{ALLOWED}", allow)
            .replace("{PORT}", str(victim.port)).replace("{APORT}", str(allowed.port)))


@pytest.fixture(scope="module", params=["default", "allow-listed"])
def attacked(request, built, tmp_path_factory, listeners):
    victim, allowed = listeners
    allow = (f"http://127.0.0.1:{allowed.port}/sparql",) if request.param == "allow-listed" else ()
    settings = Settings(build_dir=built.out, store_dir=tmp_path_factory.mktemp("ssrf") / "store",
                        admin_token=TOKEN, service_allowlist=allow, workers=2, query_timeout=20)
    with serve_app(create_app(settings)) as url:
        yield url, request.param


@pytest.mark.parametrize("entry", CORPUS, ids=[e["id"] for e in CORPUS])
def test_no_bypass_reaches_the_victim(attacked, listeners, entry):
    url, mode = attacked
    victim, allowed = listeners
    text = _subst(entry["text"], victim, allowed)
    headers = {"Content-Type": f"application/sparql-{entry['kind']}", "Authorization": f"Bearer {TOKEN}"}
    if entry.get("base_iri"):  # the entry wants the request's base: the attacker sets the Host header to it
        headers["Host"] = _subst(entry["base_iri"], victim, allowed).split("/")[2]
    r = httpx.post(url + "/sparql", content=text.encode(), headers=headers, timeout=60)
    assert victim.take() == [], f"{entry['id']}: the victim was contacted ({r.status_code} {r.text[:200]})"
    assert SECRET.decode() not in r.text and r.status_code < 500, r.text
    contacted = allowed.take()
    if contacted:  # only the exact allow-listed endpoint, only when it is listed, only for a legitimate query
        assert mode == "allow-listed" and entry.get("legit"), (entry["id"], contacted, r.text)


def test_the_listener_would_see_an_unprotected_engine(listeners):
    """The control: the same corpus on a plain pyoxigraph store does reach the victim (so the test above can
    fail), through the escape tricks that fooled the old text scanner among others."""
    victim, allowed = listeners
    store = ox.Store()
    reached = []
    for entry in CORPUS:
        if entry["id"] in ("esc_hash_line", "u_in_iri_hash_line", "cr_only_comment", "plain", "pname_empty_prefix"):
            with contextlib.suppress(OSError, RuntimeError, SyntaxError):
                store.query(_subst(entry["text"], victim, allowed))
            reached += victim.take()
    assert len(reached) == 5


@pytest.fixture(scope="module")
def store_version(built, tmp_path_factory):
    from tanbiao.api.stores import store_version

    return store_version(built.out, tmp_path_factory.mktemp("sealed") / "store", {})


@needs_seccomp
@pytest.mark.parametrize("sealed", [True, False])
def test_the_sandbox_alone_stops_every_call(store_version, listeners, sealed):
    """No gate at all: a query worker under seccomp cannot connect anywhere (SERVICE, SILENT, LOAD-like
    lookups by name); without the filter the same worker reaches the victim."""
    victim, allowed = listeners
    pool = QueryPool(1, sandbox=sealed, store=store_version, timeout=20)
    try:
        for entry in CORPUS:
            if entry["kind"] != "query" or entry["id"] not in ("plain", "silent", "iri_localhost", "esc_hash_line"):
                continue
            res = pool.run(query_job, QueryRequest(_subst(entry["text"], victim, allowed)), store=store_version)
            seen = victim.take()
            if sealed:
                assert seen == [] and (res.status == 200 or res.body == NO_NETWORK), (entry["id"], res)
            else:
                assert seen, entry["id"]
    finally:
        pool.close()


@needs_seccomp
def test_an_update_cannot_load_even_past_the_gate(store_version, listeners, monkeypatch):
    from tanbiao.api.workers import update_job

    victim, _ = listeners
    pool = QueryPool(1, sandbox=True, timeout=20)
    try:
        with pytest.raises(Exception, match="cannot contact other servers"):
            pool.run(update_job, str(store_version.store_dir), f"LOAD <http://127.0.0.1:{victim.port}/x>", None)
    finally:
        pool.close()
    assert victim.take() == []


# --- allow-listed federation: exact endpoints, fixed error text, a time limit ------------------------------------

@pytest.fixture
def federated(built, tmp_path):
    made = []

    def start(response: bytes | None):
        remote = Listener(response)
        made.append(remote)
        endpoint = f"http://127.0.0.1:{remote.port}/sparql"
        settings = Settings(build_dir=built.out, store_dir=tmp_path / "store", service_allowlist=(endpoint,),
                            workers=1, query_timeout=4)
        return remote, endpoint, create_app(settings)

    yield start
    for m in made:
        m.close()


@pytest.mark.parametrize("response", [
    http_response("500 Internal Server Error", SECRET),
    http_response("404 Not Found", b"<html>" + SECRET + b"</html>", "text/html"),
    http_response("200 OK", b"<sparql><x>" + SECRET + b"</x></sparql>", "application/sparql-results+xml"),
    http_response("302 Found", b"", extra="Location: http://127.0.0.1:1/internal-secret-place\r\n"),
], ids=["500", "404-html", "bad-xml", "redirect"])
def test_a_failing_remote_endpoint_leaks_nothing(federated, response):
    remote, endpoint, app = federated(response)
    with serve_app(app) as url:
        r = httpx.get(url + "/sparql", params={"query": f"SELECT * WHERE {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}"},
                      timeout=30)
    assert remote.take()  # it was asked
    assert r.status_code == 502 and "INTERNAL-SECRET" not in r.text and "internal-secret-place" not in r.text
    assert "a remote endpoint named in SERVICE failed" in r.text


def test_a_hanging_remote_endpoint_is_timed_out(federated):
    remote, endpoint, app = federated(None)
    with serve_app(app) as url:
        r = httpx.get(url + "/sparql", params={"query": f"SELECT * WHERE {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}"},
                      timeout=60)
        assert r.status_code == 503 and "stopped after 4 s" in r.text
        assert httpx.get(url + "/sparql", params={"query": "ASK {}"}, timeout=30).status_code == 200


@pytest.mark.parametrize("target", [
    "{E}/../admin", "{E}/%2e%2e/admin", "{E}x", "http://allowed@{H}/sparql", "http://{H}0/sparql",
    "HTTP://LOCALHOST:{P}/sparql", "{E}/", "http://0x7f000001:{P}/sparql",
])
def test_allow_list_entries_are_compared_as_urls_not_prefixes(federated, target):
    remote, endpoint, app = federated(http_response("200 OK", b"{}", "application/sparql-results+json"))
    host = endpoint.split("/")[2]
    iri = target.replace("{E}", endpoint).replace("{H}", host).replace("{P}", str(remote.port))
    with serve_app(app) as url:
        r = httpx.get(url + "/sparql", params={"query": f"SELECT * WHERE {{ SERVICE <{iri}> {{ ?s ?p ?o }} }}"},
                      timeout=30)
    assert r.status_code == 403 and "allow-list" in r.text, (iri, r.text)
    assert remote.take() == []


def test_the_same_endpoint_written_differently_is_the_same_endpoint():
    from tanbiao.api.gate import normalise

    assert normalise("HTTP://Example.org:80/sparql#x") == normalise("http://example.org/sparql")
    assert normalise("http://example.org/sparql") != normalise("http://example.org/sparql/")
    assert normalise("http://example.org:3030/sparql") != normalise("http://example.org:30301/sparql")
    for bad in ("http://u@example.org/s", "ftp://example.org/s", "http://[::1]/s", "http://example.org/a/../s"):
        assert normalise(bad) is None, bad
