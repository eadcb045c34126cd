"""Readable SPARQL errors (line, column, the line with a caret, a hint) from /sparql and the CLI; a browser opening
/sparql without a query lands on the editor; the editor's vocabulary and bound catalogue queries."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tanbiao.sparqlerrors import explain

MISSING_PREFIX = "PREFIX tb: <https://w3id.org/tanbiao/def#>\nSELECT * WHERE {\n  ?s a tb:Standard ;\n     skos:prefLabel ?l .\n}"


def _sparql_error(api, query: str) -> str:
    r = api.post("/sparql", data={"query": query})
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/plain")
    return r.text


def test_undeclared_prefix_names_the_prefix_line(api):
    text = _sparql_error(api, MISSING_PREFIX)
    lines = text.splitlines()
    assert lines[0] == "SPARQL syntax error at line 4, column 20:"
    assert lines[1] == "       skos:prefLabel ?l ."
    assert lines[2].index("^") == 2 + 19  # under column 20 of the quoted line
    assert "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>" in text
    assert "\\u{" not in text and "'0' ..= '9'" not in text  # no raw expected-token lists


@pytest.mark.parametrize("query, hint", [
    ("SELECT * WHERE { ?s ?p ?o ", "'{' not closed"),
    ("SELECT * WHERE { ?s ?p ?o }}", "'}' more than"),
    ("SELEC * WHERE { ?s ?p ?o }", "a query starts with SELECT"),
    ("SELECT ?x WHERE { ?s ?p ?o } GROUP BY ?y", "grouped"),
    ("SELECT * WHERE { ?s a tbc:steel }", "PREFIX tbc: <https://w3id.org/tanbiao/concept/>"),
])
def test_hints_for_common_mistakes(api, query, hint):
    text = _sparql_error(api, query)
    assert text.startswith("SPARQL syntax error at line 1, column") and hint in text, text


def test_cli_query_error(built):
    r = subprocess.run([sys.executable, "-m", "tanbiao", "query", "SELECT * { ?s a tb:X }", "-b", str(built.out)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "line 1, column" in r.stderr and "PREFIX tb: <https://w3id.org/tanbiao/def#>" in r.stderr


def test_unknown_messages_pass_through():
    assert explain("x", "something else") == "something else"


def test_browser_opening_sparql_lands_on_the_editor(api):
    r = api.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("/editor")
    sd = api.get("/sparql", headers={"Accept": "text/turtle"})
    assert sd.status_code == 200 and "sd:Service" in sd.text  # clients still get the service description
    q = api.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "text/html,*/*;q=0.8"})
    assert q.status_code == 200  # with a query it answers


def test_editor_vocabulary_comes_from_the_data(api):
    v = api.get("/editor/vocabulary").json()
    assert v["prefixes"]["tb"] == "https://w3id.org/tanbiao/def#" and v["prefixes"]["tbc"].endswith("/concept/")
    classes = {c["iri"] for c in v["classes"]}
    properties = {p["iri"] for p in v["properties"]}
    assert "https://w3id.org/tanbiao/def#Standard" in classes and "https://w3id.org/tanbiao/def#PriorityItem" in classes
    assert "https://w3id.org/tanbiao/def#about" in properties and "http://www.w3.org/2004/02/skos/core#prefLabel" in properties


def test_catalogue_query_bound_text(api):
    r = api.get("/api/queries/standards-about-concept",
                params={"concept": "https://w3id.org/tanbiao/concept/cement", "format": "sparql"})
    assert r.headers["content-type"].startswith("application/sparql-query")
    # the value is bound in a VALUES block at the end of the WHERE group (docs/endpoint.md), as the server runs it
    assert "  VALUES (?concept) { (<https://w3id.org/tanbiao/concept/cement>) }\n}\nORDER BY" in r.text
