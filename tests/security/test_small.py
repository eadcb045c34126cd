"""The smaller findings: the admin token, the Host header, bad IRIs in parameters and paths, OPTIONS, what-if."""

from __future__ import annotations

import socket

import httpx
import pytest
from conftest import serve_app
from tanbiao.api.app import create_app
from tanbiao.api.config import Settings

from tanbiao.services.catalogue import catalogue

TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def app_url(built, tmp_path_factory):
    settings = Settings(build_dir=built.out, store_dir=tmp_path_factory.mktemp("small") / "store", admin_token=TOKEN,
                        whatif_max_rows=5)
    with serve_app(create_app(settings)) as url:
        yield url


@pytest.mark.parametrize("header, status", [
    (f"Bearer {TOKEN}", 204), (f"bearer {TOKEN}", 204), (f"BEARER  {TOKEN}", 204),
    (f"Bearer {TOKEN}x", 401), ("Bearer", 401), (TOKEN, 401), (f"Basic {TOKEN}", 401),
])
def test_the_admin_token(app_url, header, status):
    r = httpx.post(app_url + "/sparql", content=b"INSERT DATA { <urn:x:s> <urn:x:p> 1 }",
                   headers={"Content-Type": "application/sparql-update", "Authorization": header})
    assert r.status_code == status, r.text


def test_the_service_description_ignores_the_host_header(app_url):
    r = httpx.get(app_url + "/sparql", headers={"Host": "evil.example:666", "Accept": "text/turtle"})
    assert r.status_code == 200 and "evil.example" not in r.text
    assert app_url + "/sparql" in r.text  # the address the server listens on


def _raw(url: str, target: bytes) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as s:
        s.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nAccept: text/turtle\r\nConnection: close\r\n\r\n")
        s.settimeout(30)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return data


IRI_QUERIES = [(q.name, p.name) for q in catalogue().values() for p in q.params if p.type == "iri"]


@pytest.mark.parametrize("name, param", IRI_QUERIES)
@pytest.mark.parametrize("value", [b"%01", b"%7F", b"%FF", b"%EF%BF%BF", b"%C2%85", b"%20", b"%3C"])
def test_bad_iri_parameters_are_400(app_url, name, param, value):
    answer = _raw(app_url, f"/api/queries/{name}?{param}=https://w3id.org/tanbiao/x".encode() + value + b"y")
    assert answer.startswith(b"HTTP/1.1 400"), answer[:300]
    assert b"not" in answer and param.encode() in answer


@pytest.mark.parametrize("char", list(b'"{}|^`\\<>'))
def test_entity_paths_with_characters_iris_cannot_hold_are_4xx(app_url, char):
    answer = _raw(app_url, b"/standard/GB-T-32151.1-2015" + bytes([char]))
    status = int(answer.split(b" ", 2)[1])
    assert 400 <= status < 500, answer[:300]


def test_options_on_sparql_lists_post(app_url):
    r = httpx.options(app_url + "/sparql")
    assert r.status_code == 204 and "POST" in r.headers["allow"] and "GET" in r.headers["allow"]


def test_what_if_is_capped(app_url):
    rows = [{"number": f"GB/T 9900{i}-2099", "status": "已发布", "position": "2.1"} for i in range(6)]
    r = httpx.post(app_url + "/api/gaps/what-if", json=rows, timeout=120)
    assert r.status_code == 413 and "at most 5" in r.json()["detail"]
    r = httpx.post(app_url + "/api/gaps/what-if", json=[{**rows[0], "subjects": [None]}], timeout=120)
    assert r.status_code == 400
    r = httpx.post(app_url + "/api/gaps/what-if", json=rows[:1], timeout=120)
    assert r.status_code == 200 and r.json()["proposals"] == 1  # runs, in its own worker process


def test_what_if_runs_where_it_can_be_stopped(built, tmp_path):
    settings = Settings(build_dir=built.out, store_dir=tmp_path / "store", whatif_timeout=0.01)  # a fresh process cannot even start in that time
    with serve_app(create_app(settings)) as url:
        r = httpx.post(url + "/api/gaps/what-if", json=[{"number": "GB/T 99001-2099", "status": "已发布"}],
                       timeout=60)
        assert r.status_code == 503 and "stopped after 0.01 s" in r.json()["detail"]
        assert httpx.get(url + "/health").status_code == 200
