"""Curated concept schemes: well-formed, justified, and a hierarchy that is right, not merely present."""

from __future__ import annotations

import pytest
from tanbiao.loaders.curated import lexicon


@pytest.fixture(scope="module")
def lex():
    return lexicon()


def _ancestors(lex, cid):
    out, stack = set(), [cid]
    while stack:
        for b in lex.concepts[stack.pop()].broader:
            if b not in out:
                out.add(b)
                stack.append(b)
    return out


def _id(lex, label):
    return lex.labels[label]


@pytest.mark.parametrize("narrow, broad", [
    ("便携式计算机", "计算机"), ("台式微型计算机", "计算机"), ("液晶电视机", "音视频设备"), ("液晶显示器", "显示器件"),
    ("冶金石灰", "石灰"), ("钢板及钢带", "钢铁"), ("电工钢", "钢铁"), ("光伏组件", "光伏"),
])
def test_broader_links_that_must_hold(lex, narrow, broad):
    assert _id(lex, broad) in _ancestors(lex, _id(lex, narrow))


@pytest.mark.parametrize("sibling, other", [
    ("水泥", "水泥制品"), ("平板玻璃", "玻璃纤维及制品"), ("水泥", "水泥熟料"), ("石灰", "电石"), ("电石", "电石渣"),
])
def test_siblings_are_not_parents(lex, sibling, other):
    a, b = _id(lex, sibling), _id(lex, other)
    assert a not in _ancestors(lex, b) and b not in _ancestors(lex, a)


@pytest.mark.parametrize("one, other", [("石化产品", "石油化工产品"), ("有色", "有色金属"), ("石化、化工", "石化化工")])
def test_synonyms_are_one_concept(lex, one, other):
    assert _id(lex, one) == _id(lex, other)


def test_no_cycles_and_every_row_justified(lex):
    for cid, c in lex.concepts.items():
        assert cid not in _ancestors(lex, cid), cid
        assert c.justification and c.source and c.pref_en, cid


def test_longest_match_wins(lex):
    assert [lex.concepts[c].pref_zh for c in lex.match("水泥熟料替代原料应用技术规范 电石渣")] == [
        "水泥熟料", "原料替代", "电石渣"]


def test_items_and_standards_share_concepts(union_graph):
    rows = union_graph.query("""
        PREFIX tb: <https://w3id.org/tanbiao/def#>
        SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a tb:Standard ; tb:about ?c . ?i a tb:PriorityItem ; tb:about ?c }""")
    assert next(iter(rows)).n.toPython() >= 20


def test_every_product_and_industry_item_has_a_subject(union_graph):
    rows = list(union_graph.query("""
        PREFIX tb: <https://w3id.org/tanbiao/def#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?label WHERE { ?i a tb:PriorityItem ; rdfs:label ?label ; tb:direction/skos:notation ?d .
            FILTER (?d IN ("2.1", "2.2", "3.2", "4.1", "5.1", "5.3", "2024"))
            FILTER NOT EXISTS { ?i tb:about ?c } }"""))
    assert [str(r.label) for r in rows] == ["各行业产品生命周期的各个环节具备碳减排效益的项目"]
