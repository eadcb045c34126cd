"""The build: files, counts, graph content, provenance, reasoning, atomic replacement."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from conftest import DATA
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS
from tanbiao.loaders import namespaces as ns
from tanbiao.loaders.namespaces import TB
from tanbiao.loaders.resources import Source, ontology_graph, source_manifest

from tanbiao.pipeline import FILES, BuildError, build
from tanbiao.pipeline.reasoning import check_consistency


def test_all_files_written_and_readable(built):
    for name in FILES.values():
        assert (built.out / name).is_file(), name
    g = Graph().parse(built.out / "tanbiao.ttl", format="turtle")
    assert len(g) == built.summary["triples"]
    assert len(Graph().parse(built.out / "tanbiao.jsonld", format="json-ld")) == len(g)
    assert not any("\\" in str(t) for triple in g for t in triple)  # no escaped local names rdflib misreads
    ds = Dataset()
    ds.parse(built.out / "tanbiao.trig", format="trig")
    names = {str(c.identifier) for c in ds.graphs() if len(c)}
    assert names == {ns.BASE + f"graph/{k}" for k in (
        "ontology", "curated", "links", "inferred", "assessments", "mappings", "miit-2023-guide-draft",
        "miit-2024-pcf-guide")}


def test_summary_counts(built):
    s = built.summary
    assert s["standards-per-category"] == {"1 基础通用": 4, "2 核算与核查": 85, "3 技术与装备": 21, "4 监测": 14,
                                          "5 管理与评价": 26}
    assert s["standards-per-status"] == {"制定中": 112, "已发布": 34, "修订中": 4}
    assert s["framework-nodes"]["sub-categories"] == 16 and s["framework-nodes"]["categories"] == 5
    assert s["shacl"]["violations"] == 0 and s["shacl"]["conforms"]
    assert s["reasoner"] == {"consistent": True, "message": "HermiT: consistent"}
    report = (built.out / FILES["shacl_markdown"]).read_text(encoding="utf-8")
    assert "0 violation(s)" in report


def test_subcategory_notations_in_order(union_graph):
    rows = union_graph.query("""
        PREFIX tb: <https://w3id.org/tanbiao/def#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?n ?zh ?en WHERE { ?s a tb:SubCategory ; skos:notation ?n ; skos:prefLabel ?zh , ?en ;
                                    skos:broader/skos:notation ?c .
            FILTER(LANG(?zh) = "zh" && LANG(?en) = "en") } ORDER BY ?n""")
    got = [(str(r.n), str(r.zh)) for r in rows]
    assert [n for n, _ in got] == ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "3.1", "3.2", "3.3", "3.4",
                                   "4.1", "4.2", "4.3", "5.1", "5.2", "5.3"]
    assert ("4.2", "监测分析方法") in got and ("4.3", "监测设备及系统") in got
    assert all(str(r.en) for r in rows)


def _std(number: str) -> URIRef:
    return ns.standard(number)


def test_published_number_structure(union_graph):
    g = union_graph
    s = _std("GB/T 32151.1-2015")
    n = g.value(s, TB.number)
    assert (n, RDF.type, TB.PublishedNumber) in g
    assert g.value(n, TB.year).toPython() == 2015 and g.value(n, TB.partNumber).toPython() == 1
    assert str(g.value(n, TB.serial)) == "32151"
    assert g.value(s, TB.level) == ns.vocab("level", "national")
    assert g.value(s, TB.nature) == ns.vocab("nature", "recommended")
    series = g.value(s, TB.series)
    assert str(g.value(series, SKOS.notation)) == "GB/T 32151"
    assert set(map(str, g.objects(s, DCTERMS.identifier))) == {"GB/T 32151.1-2015"}


def test_plan_numbers_carry_year_and_industry_codes(union_graph):
    g = union_graph
    n = g.value(_std("2021-1714T-HG/SH"), TB.number)
    assert (n, RDF.type, TB.IndustryPlanNumber) in g and g.value(n, TB.year).toPython() == 2021
    codes = set(g.objects(n, TB.code))
    assert codes == {ns.vocab("code", "HG"), ns.vocab("code", "SH")}
    assert Literal("石油化工", lang="zh") in set(g.objects(ns.vocab("code", "SH"), SKOS.prefLabel))
    n = g.value(_std("20220807-T-467"), TB.number)
    assert (n, RDF.type, TB.NationalPlanNumber) in g and str(g.value(n, TB.departmentCode)) == "467"
    assert g.value(_std("2021-1715T-SH"), TB.level) == ns.vocab("level", "industry")


def test_revision_in_progress_links_to_the_part_it_revises(union_graph):
    g = union_graph
    s = _std("20220802-T-467")
    assert g.value(s, TB.status) == ns.vocab("status", "under-revision")
    part = g.value(s, TB.revisesPart)
    assert part == ns.series_part("GB", "32151", 4)
    assert g.value(part, TB.partOfSeries) == g.value(_std("GB/T 32151.1-2015"), TB.series)
    # part 1 is published in the list, so a revision of part 1 would link to it; part 4 is not:
    assert g.value(s, TB.revises) is None
    assert g.value(_std("GB/T 32151.1-2015"), TB.seriesPart) == ns.series_part("GB", "32151", 1)


def test_titles_and_subjects(union_graph):
    g = union_graph
    s = _std("HG/T 4487-2012")
    assert g.value(s, DCTERMS.title) == Literal("合成氨生产企业二氧化碳（CO₂）排放量计算方法", lang="zh")
    assert g.value(s, TB.titleAsPrinted) == Literal("合成氨生产企业二氧化碳（CO ₂ ）排放量计算方法", lang="zh")
    about = {str(g.value(c, SKOS.notation)) for c in g.objects(_std("SJ/T 11735-2019"), TB.about)}
    assert about == {"portable-computer"}
    assert (ns.concept("portable-computer"), SKOS.broader, ns.concept("computers")) in g


def test_every_standard_has_provenance(union_graph):
    g = union_graph
    doc = ns.document("miit-2023-guide-draft")
    for s in g.subjects(RDF.type, TB.Standard):
        loc = g.value(s, TB.sourceLocation)
        assert g.value(s, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")) == doc
        assert g.value(loc, TB.inDocument) == doc
        number = str(g.value(s, DCTERMS.identifier))
        assert number in str(g.value(loc, TB.quote)), s


def test_hermit_detects_an_inconsistency():
    g = ontology_graph()
    bad = Graph()
    for t in g:
        bad.add(t)
    s = URIRef("https://w3id.org/tanbiao/standard/test")
    bad.add((s, RDF.type, TB.Standard))
    bad.add((s, TB.status, ns.vocab("status", "published")))
    bad.add((s, TB.status, ns.vocab("status", "in-development")))  # functional + AllDifferent
    assert not check_consistency(bad.serialize(format="nt", encoding="utf-8"), len(bad)).consistent
    assert check_consistency(g.serialize(format="nt", encoding="utf-8"), len(g)).consistent


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_failed_build_leaves_previous_build_intact(tmp_path, monkeypatch):
    out = tmp_path / "build"
    build(out, reason=False)
    before = _digest(out)
    damaged = tmp_path / "damaged.txt"
    text = (DATA / "mini-guide.txt").read_text(encoding="utf-8")
    damaged.write_text(text.replace("| 已发布 | 温室气体核算 |", "| 已发布 |", 1), encoding="utf-8")
    with pytest.raises(BuildError) as exc:
        build(out, sources=[Source(damaged, "damaged", "guide2023", "", "")], reason=False)
    assert any(f"{damaged}:" in d and "missing" in d for d in exc.value.details)
    assert _digest(out) == before

    # a SHACL violation also fails the build after everything was written elsewhere
    from tanbiao.pipeline import validation

    def strict(data, shapes=None):
        extra = validation.shapes_graph()
        extra.parse(data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix tb: <https://w3id.org/tanbiao/def#> .
            <urn:test:TooStrict> a sh:NodeShape ; sh:targetClass tb:Standard ;
              sh:property [ sh:path tb:titleAsPrinted ; sh:minCount 2 ] .""", format="turtle")
        return validation.validate(data, extra)

    from tanbiao.pipeline import stages

    monkeypatch.setattr(stages, "validate", strict)
    with pytest.raises(BuildError) as exc:
        build(out, reason=False, shipped_updates=False)
    assert "150 violation(s)" in " ".join(exc.value.details)
    assert _digest(out) == before
    failed = out.with_name("build.failed")
    assert json.loads((failed / FILES["summary"]).read_text())["shacl"]["violations"] == 150


def test_manifest_lists_the_copied_documents():
    for src in source_manifest():
        assert src.path.is_file() and src.path.stat().st_size > 1000


def test_framework_figures_are_drawn_and_docs_copies_are_current(built):
    """图1–图6 as SVG: one node per category / sub-category / topic, with standard counts; docs/figures is current."""
    figures = built.out / "figures"
    names = sorted(p.name for p in figures.glob("*.svg"))
    assert names == [f"figure-{i}.svg" for i in range(1, 7)]
    fig1 = (figures / "figure-1.svg").read_text(encoding="utf-8")
    assert "图1 工业领域碳达峰碳中和标准体系框架" in fig1
    assert fig1.count("<rect") == 1 + 5 + 16  # the system, its categories and sub-categories
    assert ">85</text>" in fig1  # 核算与核查 lists 85 standards
    fig3 = (figures / "figure-3.svg").read_text(encoding="utf-8")
    assert "图 3 核算与核查标准子体系框架" in fig3 and "2.1.3 产品碳足迹核算" in fig3
    docs = Path(__file__).resolve().parents[1] / "docs" / "figures"
    for name in names:
        assert (docs / name).read_text(encoding="utf-8") == (figures / name).read_text(encoding="utf-8"), (
            f"docs/figures/{name} is out of date: run `tanbiao build` and copy data/build/figures/*.svg to docs/figures/")


def test_the_subclass_closure_is_materialised(built):
    """A query writer's ``?n a tb:PlanNumber`` finds the national and industry plan numbers (graph inferred)."""
    from tanbiao.store import load_build, run_query

    store = load_build(built.out)

    def count(cls: str) -> int:
        return run_query(store, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a <https://w3id.org/tanbiao/def#{cls}> }}")[0]["n"]

    assert count("PlanNumber") == count("NationalPlanNumber") + count("IndustryPlanNumber") > 100
    assert count("StandardNumber") == count("PlanNumber") + count("PublishedNumber")
    assert count("SubjectConcept") >= count("Industry") + count("Product") + count("Process") > 300
