"""The 2024 carbon-footprint guide: metadata, targets, priority products, drafting rules and compliance."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import DATA
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF
from tanbiao.loaders import guide2024
from tanbiao.loaders import namespaces as ns
from tanbiao.loaders.base import curated
from tanbiao.loaders.namespaces import TB
from tanbiao.loaders.resources import package_dir
from tanbiao.loaders.text import SourceError

GUIDE_2024 = package_dir("sources") / "miit-2024-product-carbon-footprint-rules-guide.txt"
PRODUCTS = ["电力", "煤炭", "天然气", "燃油", "钢铁", "电解铝", "水泥", "化肥", "氢", "石灰", "玻璃", "乙烯",
            "合成氨", "电石", "甲醇", "锂电池", "新能源汽车", "光伏", "电子电器"]


@pytest.fixture(scope="module")
def g24():
    return guide2024.parse(GUIDE_2024, curated())


def test_metadata_block(g24):
    meta = {k: f.value for k, f in g24.metadata.items()}
    assert meta == {
        "发文机关": "工业和信息化部办公厅",
        "标题": "工业和信息化部办公厅关于印发《重点工业产品碳足迹核算规则标准编制指南》的通知",
        "发文字号": "工信厅节函〔2024〕411号",
        "成文日期": "2024-11-06", "发布日期": "2024-11-11",
        "发布机构": "节能与综合利用司", "分类": "节能与综合利用",
    }
    assert g24.title == "重点工业产品碳足迹核算规则标准编制指南"
    assert g24.report.ok


def test_targets(g24):
    got = [(t.year, t.count, t.comparator, t.what) for t in g24.targets]
    assert got == [(2027, 200, "exactly", "重点工业产品碳足迹核算规则标准"),
                   (2027, 100, "about", "重点产品碳足迹核算规则标准")]
    assert g24.targets[0].cited == ""  # MIIT's own target
    assert "建立碳足迹管理体系的实施方案" in g24.targets[1].cited  # the 15-department plan


def test_priority_sectors_and_products(g24):
    assert list(g24.sectors.values) == ["钢铁", "有色金属", "石化化工", "建材", "新能源汽车", "电子电器"]
    assert list(g24.products.values) == PRODUCTS


def test_drafting_rules(g24):
    assert g24.name_pattern.value == "温室气体 产品碳足迹 量化方法与要求 XX 产品"
    assert (g24.align_with.number, g24.align_with.title) == ("GB/T 24067", "温室气体产品碳足迹 量化要求和指南")
    assert list(g24.elements.values) == ["产品种类选取", "功能单位或声明单位", "系统边界", "数据收集和质量", "分配", "清单计算",
                               "结果解释", "报告", "附录"]


def test_wrong_kind_of_document(guide_path, tmp_path):
    with pytest.raises(SourceError, match="not a carbon-footprint drafting guide"):
        guide2024.parse(guide_path, curated())
    damaged = tmp_path / "d.txt"
    damaged.write_text(GUIDE_2024.read_text(encoding="utf-8").replace("优先聚焦", "聚焦于"), encoding="utf-8")
    g = guide2024.parse(damaged, curated())
    assert [e.message for e in g.report.errors] == ["no priority product list (优先聚焦A、B…等重点产品) found"]


# --- in the built graph ------------------------------------------------------------------------


def test_targets_are_queryable(union_graph):
    rows = union_graph.query("""
        PREFIX tb: <https://w3id.org/tanbiao/def#>
        SELECT ?year ?n ?cmp ?what WHERE { ?t a tb:Target ; tb:targetYear ?year ; tb:targetCount ?n ;
            tb:comparator ?cmp ; tb:targetOf ?what } ORDER BY ?year DESC(?n)""")
    got = [(r.year.toPython(), r["n"].toPython(), str(r.cmp), str(r.what)) for r in rows]
    assert got == [(2025, 200, "at-least", "碳达峰急需标准"),
                   (2027, 200, "exactly", "重点工业产品碳足迹核算规则标准"),
                   (2027, 100, "about", "重点产品碳足迹核算规则标准")]


def test_document_record(union_graph):
    doc = ns.document("miit-2024-pcf-guide")
    assert union_graph.value(doc, TB.documentNumber) == Literal("工信厅节函〔2024〕411号")
    assert set(union_graph.objects(doc, DCTERMS.identifier)) == {Literal("miit-2024-pcf-guide")}
    assert str(union_graph.value(doc, DCTERMS.created)) == "2024-11-06"
    sectors = set(union_graph.objects(doc, TB.prioritySector))
    assert ns.concept("steel") in sectors and len(sectors) == 6


def test_priority_products_are_items_of_pcf_accounting(union_graph):
    rows = list(union_graph.query("""
        PREFIX tb: <https://w3id.org/tanbiao/def#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?label ?aspect ?doc ?subject WHERE {
            ?i tb:direction/skos:notation "2024" ; rdfs:label ?label ; tb:itemIndex ?n ;
               tb:aspect/skos:notation ?aspect ; prov:wasDerivedFrom ?doc ; tb:about ?subject } ORDER BY ?n"""))
    assert [str(r.label) for r in rows] == PRODUCTS
    assert {str(r.aspect) for r in rows} == {"2.1.3"}
    assert {r.doc for r in rows} == {ns.document("miit-2024-pcf-guide")}
    # the same concepts as the 2023 guide's items: 水泥 of 2024 is 水泥 of 2.1
    cement_2023 = union_graph.value(URIRef(ns.BASE + "item/2.1-68"), TB.about)
    assert cement_2023 == ns.concept("cement") == rows[6].subject


def test_compliance_shapes_state_no_rule_of_their_own():
    """The rule is stated once, in the guide (parsed into the tb:DraftingRule): the shapes only read it."""
    shapes = Graph().parse(package_dir("shapes") / "compliance-pcf-2024.ttl", format="turtle")
    sh = "http://www.w3.org/ns/shacl#"
    assert not set(shapes.objects(None, URIRef(sh + "hasValue"))) | set(shapes.objects(None, URIRef(sh + "pattern")))
    terms = {str(t) for triple in shapes for t in triple}
    assert not [t for t in terms if "pcf-element" in t or "/reference/" in t or "量化方法与要求" in t or "24067" in t]


def test_appendix1_footprint_standards_reported_against_the_naming_rule(built):
    report = (built.out / "validation-report.md").read_text(encoding="utf-8")
    flagged = {line.split("<")[1].split(">")[0] for line in report.splitlines()
               if line.startswith("| Warning") and "统一命名" in line}
    assert ns.standard("SJ/T 11735-2019").toPython() in flagged
    assert ns.standard("2021-1808T-SJ").toPython() in flagged
    assert len(flagged) == 15  # 14 产品种类规则 + 钢铁产品碳足迹评估通用要求
    assert built.summary["shacl"]["violations"] == 0
    # the report graph holds the same results, messages in both languages, and conforms
    g = Graph().parse(built.out / "validation-report.ttl", format="turtle")
    sh = "http://www.w3.org/ns/shacl#"
    naming = URIRef("https://w3id.org/tanbiao/shapes/compliance#NamingRuleShape")
    results = set(g.subjects(URIRef(sh + "sourceShape"), naming))
    assert {str(g.value(r, URIRef(sh + "focusNode"))) for r in results} == flagged
    assert {m.language for r in results for m in g.objects(r, URIRef(sh + "resultMessage"))} == {"zh", "en"}
    assert set(g.objects(None, URIRef(sh + "conforms"))) == {Literal(True)}


def _comply(path, build_dir=None):
    env = {**os.environ, "TANBIAO_BUILD_DIR": str(build_dir)} if build_dir else None
    return subprocess.run([sys.executable, "-m", "tanbiao", "comply", str(path)], capture_output=True, text=True,
                          env=env)


def test_comply_compliant_candidate(tmp_path):
    r = _comply(DATA / "candidate-compliant.ttl", build_dir=tmp_path / "no-build")  # the rule is parsed, not built
    assert r.returncode == 0, r.stdout + r.stderr
    assert "1 candidate(s), 0 finding(s)" in r.stdout


def test_comply_noncompliant_candidate(tmp_path):
    r = _comply(DATA / "candidate-noncompliant.ttl", build_dir=tmp_path / "no-build")
    assert r.returncode == 1
    assert "统一命名" in r.stdout and "GB/T 24067" in r.stdout
    assert "报告" in r.stdout and "附录" in r.stdout and "系统边界" not in r.stdout
    assert "1 candidate(s), 4 finding(s)" in r.stdout
    # one message per finding, the rule's own words filled in: Chinese, then English
    glass = "https://example.org/candidate/glass: "
    assert sorted(line.removeprefix(glass) for line in r.stdout.splitlines()[:-1]) == [
        "名称不符合《温室气体 产品碳足迹 量化方法与要求 XX 产品》的统一命名（工信厅节函〔2024〕411号） / "
        "Title does not follow the required name 《温室气体 产品碳足迹 量化方法与要求 XX 产品》 (工信厅节函〔2024〕411号).",
        "未声明与 GB/T 24067《温室气体产品碳足迹 量化要求和指南》保持一致 / Does not declare consistency with GB/T 24067.",
        "缺少要素：报告 / Missing element: Report.",
        "缺少要素：附录 / Missing element: Annexes.",
    ]


def test_comply_bad_input(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    r = _comply(bad)
    assert r.returncode == 1 and r.stderr.startswith("error:") and "not valid Turtle" in r.stderr
    empty = tmp_path / "empty.ttl"
    empty.write_text("", encoding="utf-8")
    assert "no tb:CandidateStandard" in _comply(empty).stderr


def test_rdf_type_of_items(union_graph):
    assert len(set(union_graph.subjects(RDF.type, TB.PriorityItem))) == 261 + 19  # 2.2 and 5.3 are itemised per industry × kind of standard
