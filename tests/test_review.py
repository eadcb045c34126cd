"""The verdicts against a blind domain review (data/review/): a reader briefed only with the two documents judged
every priority item; the build must agree on at least 97 % of the items the reader called clear-cut, and every
item where it still disagrees (clear-cut or not) must have a disposition that gives the project's reason.

The review is of the documents alone, so it is compared with the documents-only build (``built``)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tanbiao.store import load_build, run_query

REVIEW = Path(__file__).resolve().parent.parent / "data" / "review"
VERDICTS = ("covered", "partial", "gap")


def _csv(name: str) -> list[dict]:
    with open(REVIEW / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def ours(built) -> dict[str, str]:
    rows = run_query(load_build(built.out), """
        PREFIX tb: <https://w3id.org/tanbiao/def#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?item ?coverage WHERE { ?a tb:assesses ?item ; tb:coverage/skos:notation ?coverage }""")
    return {r["item"].rsplit("/", 1)[-1]: r["coverage"] for r in rows}


@pytest.fixture(scope="module")
def review() -> dict[str, dict]:
    rows = _csv("verdicts-review-2026-12-01.csv")
    assert all(r["verdict"] in VERDICTS and r["clear_cut"] in ("yes", "no") and r["reason"].strip() for r in rows)
    out = {r["item_iri"]: r for r in rows}
    assert len(out) == len(rows), "an item is reviewed twice"
    return out


def test_the_review_judges_every_item(ours, review):
    assert set(review) == set(ours) and len(ours) == 280


def test_clear_cut_agreement(ours, review):
    clear = [k for k, r in review.items() if r["clear_cut"] == "yes"]
    agree = [k for k in clear if ours[k] == review[k]["verdict"]]
    assert len(clear) >= 200
    assert len(agree) / len(clear) >= 0.97, (
        f"{len(agree)}/{len(clear)} clear-cut verdicts agree; disagreeing: "
        f"{[(k, ours[k], review[k]['verdict']) for k in clear if k not in agree]}")


def test_every_disagreement_has_a_current_disposition(ours, review):
    """A disposition says what the project decided and why; one that no longer describes the build (the verdict
    moved since) fails, so the file is kept in step with the rules and the curated data."""
    dispositions = {r["item"]: r for r in _csv("dispositions.csv")}
    disagreeing = {k for k, r in review.items() if ours[k] != r["verdict"]}
    missing = sorted(disagreeing - set(dispositions))
    assert not missing, f"disagreements without a disposition in data/review/dispositions.csv: {missing}"
    for k, d in dispositions.items():
        assert d["decision"] in ("kept", "changed") and len(d["reason"]) > 40, k
        assert d["reviewer_verdict"] == review[k]["verdict"], k
        assert d["tanbiao_verdict"] == ours[k], f"{k}: disposition says {d['tanbiao_verdict']}, build says {ours[k]}"
        if d["decision"] == "kept":
            assert ours[k] != review[k]["verdict"], f"{k}: 'kept' but the build now agrees with the reviewer"
        else:
            assert ours[k] == review[k]["verdict"], f"{k}: 'changed' but the build still disagrees"


def test_itemisation_review_rows_name_real_items(review):
    """Each note names a reviewed item; a ``fixed`` one says in ``fix`` which rule fixed it, an ``open`` or
    ``declined`` one says in ``response`` why it is not (yet) followed."""
    rows = _csv("itemisation-review-2026-12-01.csv")
    assert rows and all(r["item"] in review and r["status"] in ("open", "fixed", "declined") and r["reason"]
                        for r in rows)
    for r in rows:
        assert (r["status"] == "fixed") == bool(r["fix"].strip()), f"{r['item']}: status {r['status']}, fix {r['fix']!r}"
        assert (r["status"] != "fixed") == bool(r["response"].strip()), f"{r['item']}: {r['status']} without response"


def test_every_item_has_a_subject_or_says_why_not(built):
    """An item names what it is about (tb:about or its industry), or the graph says why it names nothing."""
    rows = run_query(load_build(built.out), """
        PREFIX tb: <https://w3id.org/tanbiao/def#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?item (COUNT(?note) AS ?notes) WHERE {
          ?item a tb:PriorityItem .
          FILTER NOT EXISTS { ?item tb:about ?s } FILTER NOT EXISTS { ?item tb:industry ?i }
          OPTIONAL { ?item skos:editorialNote ?note }
        } GROUP BY ?item""")
    assert rows, "expected at least the catch-all 2.1-59 to name no subject"
    assert all(r["notes"] == 2 for r in rows), rows  # one @zh, one @en
