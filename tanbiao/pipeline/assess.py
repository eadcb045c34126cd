"""The assess stage: a gap assessment for every priority item, materialised in ``…/graph/assessments``.

The rules are SPARQL (``queries/assess/``, explained with worked examples in docs/gaps.md); ranks, labels and
the wording of explanations are in the ontology (``ontology/vocabularies.ttl``). This module only runs the
queries in their order and writes what they find as RDF, minting the IRIs in ``loaders/namespaces.py``:

1. the facets of items and standards — objects, sectors, gases (``facet-*.rq``, CONSTRUCT);
2. the deciding evidence and the context (``evidence.rq``, ``context.rq``, SELECT), one evidence resource per
   standard and item subject, the closest relation kept;
3. the verdict (``verdict-coverage.rq``, then ``verdict-best-status.rq``, CONSTRUCT over the evidence);
4. explanations in Chinese and English from each coverage's ``tb:explanationTemplate``, and provenance.

Like the links stage it is a pure function of the other graphs: what-if runs it again on a private copy.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS

from tanbiao.loaders import namespaces as ns
from tanbiao.loaders.graphing import en, zh
from tanbiao.loaders.namespaces import TB
from tanbiao.loaders.resources import query_dir

from .context import BuildContext, Triples

__all__ = ["ASSESSMENTS", "RULE_VERSION", "assess", "iri_key", "read_vocab"]

ASSESSMENTS = "assessments"
RULE_VERSION = "2"  # the matching rules of docs/gaps.md; raise it when a rule changes what a verdict means
FACETS = ("facet-objects.rq", "facet-sectors.rq", "facet-gases.rq")
VERDICT = ("verdict-coverage.rq", "verdict-best-status.rq", "evidence-labels.rq")

_PREFIXES = """PREFIX tb: <https://w3id.org/tanbiao/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def _query(name: str) -> str:
    return (query_dir() / "assess" / name).read_text(encoding="utf-8")


def iri_key(iri: str) -> str:
    minted = ns.parse(iri)
    assert minted is not None, f"{iri} is not an IRI of the graph"
    return minted.rest


@dataclass(frozen=True)
class _Vocab:
    ranks: dict[str, int]  # match relation notation -> tb:rank
    labels: dict[str, dict[str, str]]  # IRI -> {lang: label} (aspects, subjects, relations)
    templates: dict[str, dict[str, str]]  # coverage IRI -> {lang: template}


def read_vocab(ctx: BuildContext) -> _Vocab:
    ranks = {r["n"]: r["rank"] for r in ctx.select(
        f"{_PREFIXES}SELECT ?n ?rank WHERE {{ ?r a tb:MatchRelation ; skos:notation ?n ; tb:rank ?rank }}")}
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for r in ctx.select(f"""{_PREFIXES}SELECT ?x ?l (LANG(?l) AS ?lang) WHERE {{
            ?x skos:prefLabel ?l . FILTER (LANG(?l) IN ("zh", "en")) }}"""):
        labels[r["x"]].setdefault(r["lang"], r["l"])
    templates: dict[str, dict[str, str]] = defaultdict(dict)
    for r in ctx.select(f"""{_PREFIXES}SELECT ?c ?t (LANG(?t) AS ?lang) WHERE {{
            ?c a tb:Coverage ; tb:explanationTemplate ?t }}"""):
        templates[r["c"]][r["lang"]] = r["t"]
    return _Vocab(ranks, labels, templates)


def assess(ctx: BuildContext) -> None:
    """(Re-)derive ``…/graph/assessments``."""
    ctx.clear(ASSESSMENTS)
    for name in FACETS:
        ctx.extend(ASSESSMENTS, ctx.construct(_query(name)))
    vocab = read_vocab(ctx)
    items = ctx.select(f"""{_PREFIXES}SELECT ?item ?label WHERE {{
        ?item a tb:PriorityItem ; rdfs:label ?label . FILTER (LANG(?label) = "zh") }}""")
    evidence = _closest(ctx.select(_query("evidence.rq")), vocab.ranks)
    context = _context(ctx.select(_query("context.rq")), evidence, vocab.ranks)
    g = Triples()
    activity = ns.activity("gap-assessment")
    g.add((activity, RDF.type, PROV.Activity))
    g.add((activity, RDFS.label, zh("缺口评估（构建阶段 assess）")))
    g.add((activity, RDFS.label, en("Gap assessment (the build's assess stage)")))
    g.add((activity, TB.ruleVersion, Literal(RULE_VERSION)))
    for row in items:
        item, key = URIRef(row["item"]), iri_key(row["item"])
        a = ns.assessment(key)
        g.add((a, RDF.type, TB.GapAssessment))
        g.add((a, TB.assesses, item))
        g.add((item, TB.assessment, a))
        g.add((a, RDFS.label, zh(f"{key} {row['label']}：缺口评估")))
        g.add((a, RDFS.label, en(f"Gap assessment of priority item {key}")))
        g.add((a, PROV.wasGeneratedBy, activity))
        g.add((a, PROV.wasDerivedFrom, item))
        g.add((a, TB.ruleVersion, Literal(RULE_VERSION)))
    for (item, std, subject), (relation, facet) in evidence.items():
        key = iri_key(item)
        e = ns.evidence(key, iri_key(std), iri_key(subject) if subject else "")
        _evidence(g, ns.assessment(key), e, TB.evidence, std, relation, facet, subject)
    for (item, std), (relation, subject) in context.items():
        key = iri_key(item)
        e = ns.evidence(key, iri_key(std), context=True)
        _evidence(g, ns.assessment(key), e, TB.contextEvidence, std, relation, None, subject)
    ctx.extend(ASSESSMENTS, g)
    for name in VERDICT:
        ctx.extend(ASSESSMENTS, ctx.construct(_query(name)))
    ctx.extend(ASSESSMENTS, _explanations(ctx, vocab))


def _evidence(g, assessment: URIRef, e: URIRef, role: URIRef, std: str, relation: str, facet: str | None,
              subject: str | None) -> None:
    g.add((assessment, role, e))
    g.add((e, RDF.type, TB.Evidence))
    g.add((e, TB.evidenceStandard, URIRef(std)))
    g.add((e, TB.matchRelation, ns.vocab("match", relation)))
    if facet:
        g.add((e, TB.matchedFacet, ns.vocab("facet", facet)))
    if subject:
        g.add((e, TB.forSubject, URIRef(subject)))
    g.add((e, PROV.wasDerivedFrom, URIRef(std)))


_FACET_ORDER = {"object": 0, "sector": 1, "none": 2}


def _closest(rows: list[dict], ranks: dict[str, int]) -> dict[tuple, tuple[str, str]]:
    """(item, standard, subject) -> (relation, facet): the closest relation, by tb:rank, then the object facet."""
    best: dict[tuple, tuple[str, str]] = {}
    for r in rows:
        k = (r["item"], r["std"], r["subject"])
        cand = (r["relation"], r["facet"])
        if k not in best or (ranks[cand[0]], -_FACET_ORDER[cand[1]]) > (ranks[best[k][0]], -_FACET_ORDER[best[k][1]]):
            best[k] = cand
    return best


def _context(rows: list[dict], evidence: dict[tuple, tuple[str, str]], ranks: dict[str, int]) \
        -> dict[tuple, tuple[str, str | None]]:
    """(item, standard) -> (relation, subject) for context standards that are not evidence of the item."""
    deciding = {(item, std) for item, std, _s in evidence}
    out: dict[tuple, tuple[str, str | None]] = {}
    for r in rows:
        k = (r["item"], r["std"])
        if k in deciding:
            continue
        if k not in out or ranks[r["relation"]] > ranks[out[k][0]]:
            out[k] = (r["relation"], r["subject"])
    return out


def _explanations(ctx: BuildContext, vocab: _Vocab):
    """``tb:explanation`` @zh and @en for every assessment, from its coverage's template."""
    rows = ctx.select(f"""{_PREFIXES}SELECT ?a ?coverage ?item ?aspect ?label ?std ?number ?relation ?role ?subject
        WHERE {{
          ?a a tb:GapAssessment ; tb:coverage ?coverage ; tb:assesses ?item .
          ?item tb:aspect ?aspect ; rdfs:label ?label . FILTER (LANG(?label) = "zh")
          OPTIONAL {{
            {{ ?a tb:evidence ?e BIND ("evidence" AS ?role) }}
            UNION {{ ?a tb:contextEvidence ?e BIND ("context" AS ?role) }}
            ?e tb:evidenceStandard ?std ; tb:matchRelation ?relation .
            OPTIONAL {{ ?e tb:forSubject ?subject }}
            ?std dcterms:identifier ?number .
            FILTER NOT EXISTS {{ ?std dcterms:identifier ?other . FILTER (STR(?other) < STR(?number)) }}
          }}
        }}""")
    subjects: dict[str, list[str]] = defaultdict(list)
    for r in ctx.select(f"{_PREFIXES}SELECT ?item ?o WHERE {{ ?item a tb:PriorityItem ; tb:object ?o }} ORDER BY ?o"):
        subjects[r["item"]].append(r["o"])
    by: dict[str, dict] = {}
    for r in rows:
        a = by.setdefault(r["a"], {"coverage": r["coverage"], "item": r["item"], "aspect": r["aspect"],
                                   "label": r["label"], "evidence": defaultdict(set), "context": set()})
        if r["std"] is None:
            continue
        if r["role"] == "evidence":
            a["evidence"][r["relation"]].add(r["number"])
        else:
            a["context"].add(r["number"])
    g = Triples()
    for iri, a in by.items():
        for lang in ("zh", "en"):
            text = _explain(a, subjects.get(a["item"], []), vocab, lang)
            g.add((URIRef(iri), TB.explanation, Literal(text, lang=lang)))
    return g


def _explain(a: dict, subject_iris: list[str], vocab: _Vocab, lang: str) -> str:
    def label(iri: str) -> str:
        names = vocab.labels.get(iri, {})
        return names.get(lang) or names.get("zh") or iri.rsplit("/", 1)[-1]

    sep = "、" if lang == "zh" else ", "
    subjects = sep.join(label(s) for s in subject_iris) or a["label"]
    exact = str(ns.vocab("match", "exact"))
    relations = []
    for relation in sorted(a["evidence"], key=lambda r: -vocab.ranks.get(r.rsplit("/", 1)[-1], 0)):
        numbers = sep.join(sorted(a["evidence"][relation]))
        if lang == "zh":
            relations.append(f"有关于{label(relation)}的标准 {numbers}")
        else:
            relations.append(f"{label(relation).lower()}: {numbers}")
    if lang == "zh":
        context = f"（相关标准 {len(a['context'])} 项：其他方面、其他气体或通用）" if a["context"] else ""
    else:
        context = (f" ({len(a['context'])} related standard(s): other aspects, other gases or cross-cutting)"
                   if a["context"] else "")
    template = vocab.templates[a["coverage"]][lang]
    return template.format(aspect=label(a["aspect"]), subjects=subjects,
                           standards=sep.join(sorted(a["evidence"].get(exact, set()))),
                           relations=("；" if lang == "zh" else "; ").join(relations), context=context)
