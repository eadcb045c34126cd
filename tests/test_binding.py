"""Catalogue parameters are bound as RDF terms, never pasted into the query text: adversarial values stay values.

Each case would pass if ``bind`` formatted the value into the text (``VALUES (?x) { ("…") }``): the value
would then close the literal and add a row of its own, or break the query.
"""

from __future__ import annotations

import pytest

from tanbiao.errors import CatalogueError
from tanbiao.services.catalogue import bind, catalogue
from tanbiao.store import load_build, run_query


@pytest.fixture(scope="module")
def store(built):
    return load_build(built.out)


def _run(store, name: str, **values) -> list[dict]:
    return run_query(store, bind(catalogue()[name], values))


def test_a_value_that_closes_the_literal_adds_no_row(store):
    honest = _run(store, "items-of-direction", direction="2.2")
    assert honest, "direction 2.2 has items"
    injected = _run(store, "items-of-direction", direction='2.1") ("2.2')
    assert injected == []  # no direction is called that; a pasted value would have matched 2.2 (and 2.1)


@pytest.mark.parametrize("value", ['x" } SELECT * WHERE { ?s ?p ?o } #', "a\\\"b", "line\nbreak", "引号“中文”\"",
                                   "tab\there", "\\u0022"])
def test_a_literal_comes_back_exactly_as_given(store, value):
    assert _run(store, "standard-provenance", number=value) == []  # compared as one literal: no such number
    assert _run(store, "standard-provenance", number="GB/T 32151.1-2015")  # while a real number has rows


def test_the_literal_round_trips_through_the_engine(store):
    """Bind a hostile string and read it back from the query itself: it is one literal, unchanged."""
    from tanbiao.services.catalogue import Param, Query

    q = Query("echo", catalogue()["standards"].path, "SELECT ?v WHERE { }", "echo / echo",
              params=(Param("v", type="string", required=True),))
    for value in ['2.1") ("2.2', 'a"b\\c', "x\ny", "}"]:
        assert run_query(store, bind(q, {"v": value})) == [{"v": value}]


@pytest.mark.parametrize("value", ["https://w3id.org/tanbiao/concept/steel> } ?s ?p ?o {<x:",
                                   "not an iri", "http://a b", "<https://w3id.org/tanbiao/concept/steel>"])
def test_iri_values_that_are_not_one_iri_are_refused(value):
    with pytest.raises(CatalogueError, match="not an absolute IRI"):
        bind(catalogue()["standards-about-concept"], {"concept": value})


def test_integer_values_must_be_integers():
    from tanbiao.services.catalogue import Param, Query

    q = Query("n", catalogue()["standards"].path, "SELECT ?n WHERE { }", "n / n",
              params=(Param("n", type="integer", required=True),))
    assert bind(q, {"n": "42"}).endswith('("42"^^<http://www.w3.org/2001/XMLSchema#integer>) }\n}')
    for bad in ("4 2", "42) (43", "1e3", ""):
        with pytest.raises(CatalogueError):
            bind(q, {"n": bad})
