"""The query catalogue (queries/*.rq): headers, SPARQL validity, and for every question the answer the
documents give. Expected values can be checked against data/sources/ (the 2023 guide's 附件1 lists 150
standards, 附件2 the priority directions; the 2024 guide the 19 priority products, targets and drafting rule)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from tanbiao.services.catalogue import CatalogueError, bind, catalogue
from tanbiao.services.catalogue_docs import render_markdown
from tanbiao.store import QueryError, load_build, run_query

ROOT = Path(__file__).resolve().parent.parent
CONCEPT = "https://w3id.org/tanbiao/concept/"
SCHEME = "https://w3id.org/tanbiao/scheme/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
TB = "https://w3id.org/tanbiao/def#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
CJK = re.compile(r"[\u4e00-\u9fff]")
CATALOGUE = catalogue()


@pytest.fixture(scope="module")
def store(built):
    return load_build(built.out)


def _ask(store, text: str) -> bool:
    return run_query(store, text)[0]["boolean"]


def run(store, name: str, **params: str):
    """Rows of catalogue query `name` with `params` bound (True/False for ASK)."""
    query = CATALOGUE[name]
    text = bind(query, params)
    if query.form == "ASK":
        return _ask(store, text)
    return run_query(store, text)


def by(rows: list[dict], key: str) -> dict:
    out = {r[key]: r for r in rows}
    assert len(out) == len(rows), f"'{key}' is not unique in the rows"
    return out


# --- (a) the catalogue files ----------------------------------------------------------------------------------

NEW_QUERIES = {
    "concept-hierarchy", "concept-synonyms", "drafting-rule", "framework-skos", "framework-tree",
    "has-published-standard", "items-of-direction", "items-per-aspect", "items-per-industry",
    "items-with-standards", "number-kinds", "plan-numbers-by-department", "priority-products-2024",
    "priority-sectors", "revisions-in-progress", "series-parts", "source-documents", "standard-provenance",
    "standards-about-concept", "standards-in-subcategory", "standards-per-category", "standards-per-code",
    "standards-per-industry", "standards-per-level", "standards-per-status", "standards-per-subcategory",
    "standards-per-year", "standards-without-subject", "targets",
}


def test_catalogue_holds_the_questions():
    assert set(CATALOGUE) >= NEW_QUERIES
    assert len(CATALOGUE) >= 24


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_header(name):
    q = CATALOGUE[name]
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name)
    assert CJK.search(q.summary_zh), f"{name}: no Chinese summary"
    assert re.match(r"[A-Za-z]", q.summary_en) and q.summary_en != q.summary_zh, f"{name}: no English summary"
    assert q.tags, f"{name}: no tags"
    for p in q.params:
        assert CJK.search(p.description) and re.search(r"[A-Za-z]", p.description), (
            f"{name}: parameter '{p.name}' needs a description '中文 / English'")


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_parameter_specs_have_known_keys(name):
    """An unquoted comma in a flow mapping ({description: a, b}) silently makes a key 'b': catch it."""
    header = "\n".join(line[2:].removeprefix(" ") for line in CATALOGUE[name].text.splitlines() if line.startswith("#+"))
    meta = yaml.safe_load(header)
    assert set(meta) <= {"summary", "tags", "params"}, f"{name}: unknown header keys"
    for pname, spec in (meta.get("params") or {}).items():
        assert set(spec or {}) <= {"type", "lang", "required", "description", "example"}, (
            f"{name}: parameter '{pname}' has unknown keys {sorted(set(spec) - {'type', 'lang', 'required', 'description', 'example'})}")


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_query_is_valid_sparql(store, name):
    """Every file runs as it is (parameters unbound): pyoxigraph parses it, prefixes included."""
    q = CATALOGUE[name]
    if q.form == "ASK":
        assert isinstance(_ask(store, q.text), bool)
    else:
        assert isinstance(run_query(store, q.text), list)


@pytest.mark.parametrize("name", sorted(NEW_QUERIES))
def test_labels_are_chosen_by_language(name):
    """A query reading labels picks the Chinese one (and English through its own FILTER)."""
    text = CATALOGUE[name].text
    if re.search(r"prefLabel|rdfs:label|dcterms:title", text):
        assert re.search(r'LANG\(\?\w+\)\s*=\s*"zh"', text), f"{name}: labels not filtered to @zh"


def test_forms():
    assert CATALOGUE["framework-skos"].form == "CONSTRUCT"
    assert CATALOGUE["has-published-standard"].form == "ASK"
    assert CATALOGUE["standards-per-category"].form == "SELECT"


def test_broken_sparql_is_reported(store):
    with pytest.raises(QueryError):
        run_query(store, "SELECT * WHERE { ?s ?p }")


# --- bind ---------------------------------------------------------------------------------------------------

def test_bind_puts_values_at_the_end_of_the_where_group():
    """Not after the query (a trailing VALUES): Virtuoso ignores, refuses or fails on that (docs/endpoint.md)."""
    text = bind(CATALOGUE["standards-about-concept"], {"concept": CONCEPT + "computers"})
    assert text.endswith(f"  VALUES (?concept) {{ (<{CONCEPT}computers>) }}\n}}\nORDER BY ?concept ?number\n")
    text = bind(CATALOGUE["standards-in-subcategory"], {"notation": "2.1"})
    assert text.endswith('  VALUES (?notation) { ("2.1") }\n}\nORDER BY ?notation ?line\n')
    construct = bind(CATALOGUE["entity"], {"entity": CONCEPT + "steel"})  # in the WHERE group, not the template
    assert construct.rstrip().endswith(f"  VALUES (?entity) {{ (<{CONCEPT}steel>) }}\n}}")
    for name in ("standards-about-concept", "standards-in-subcategory", "entity"):
        q = CATALOGUE[name]
        assert bind(q, {p.name: p.example for p in q.params}).count("VALUES") == q.text.count("VALUES") + 1


def test_parameters_of_grouping_queries_are_group_keys():
    """A VALUES block in the WHERE group restricts the rows before grouping, a trailing one joins the groups: the
    two agree when every parameter is a GROUP BY key of the query's outer SELECT."""
    for name, q in CATALOGUE.items():
        outer = q.text[q.text.rindex("}"):]  # the solution modifiers after the WHERE group
        if q.params and "GROUP BY" in outer:
            keys = outer.split("GROUP BY", 1)[1].split("ORDER BY")[0].split()
            assert all(f"?{p.name}" in keys for p in q.params), name


def test_bind_rejects_unknown_parameter():
    with pytest.raises(CatalogueError, match="unknown parameter"):
        bind(CATALOGUE["standards-about-concept"], {"concept": CONCEPT + "computers", "year": "2021"})
    with pytest.raises(CatalogueError, match="no parameters"):
        bind(CATALOGUE["standards-per-category"], {"category": "2"})


def test_bind_rejects_missing_required_parameter():
    with pytest.raises(CatalogueError, match="missing required"):
        bind(CATALOGUE["standard-provenance"], {})
    with pytest.raises(CatalogueError, match="missing required"):
        bind(CATALOGUE["has-published-standard"], {"concept": ""})


def test_bind_rejects_malformed_iri():
    for bad in ("computers", "https://w3id.org/tanbiao/concept/a b", "<https://w3id.org/x>"):
        with pytest.raises(CatalogueError, match="not an absolute IRI"):
            bind(CATALOGUE["standards-about-concept"], {"concept": bad})


def test_optional_parameter_may_be_left_out(store):
    assert bind(CATALOGUE["standards-per-industry"], {}) == CATALOGUE["standards-per-industry"].text
    assert len(run(store, "standards-per-industry")) == 63


# --- (c) parameter examples ---------------------------------------------------------------------------------

PARAMETERISED = sorted(n for n, q in CATALOGUE.items() if q.params)


def test_some_queries_take_parameters():
    assert {"standards-about-concept", "standards-in-subcategory", "standard-provenance", "items-of-direction",
            "concept-hierarchy", "has-published-standard", "standards-per-industry"} <= set(PARAMETERISED)


@pytest.mark.parametrize("name", PARAMETERISED)
def test_examples_give_an_answer(store, built_current, name):
    """Every example answers; a query about update records (tag ``updates``) over the default build, which has
    them (the documents-only build has none)."""
    q = CATALOGUE[name]
    for p in q.params:
        assert p.example, f"{name}: parameter '{p.name}' declares no example"
    over = load_build(built_current.out) if "updates" in q.tags else store
    result = run(over, name, **{p.name: p.example for p in q.params})
    assert result is True if q.form == "ASK" else len(result) >= 1


# --- (b) one test per question --------------------------------------------------------------------------------

def test_framework_tree(store):
    rows = run(store, "framework-tree")
    assert len(rows) == 46  # every sub-category is divided into topics
    cats = {r["categoryNotation"]: (r["category"], r["categoryStandards"]) for r in rows}
    assert cats == {"1": ("基础通用", 4), "2": ("核算与核查", 85), "3": ("技术与装备", 21), "4": ("监测", 14),
                    "5": ("管理与评价", 26)}
    subs = {r["subcategoryNotation"]: r["subcategoryStandards"] for r in rows}
    assert len(subs) == 16 and sum(subs.values()) == 150
    assert subs["2.1"] == 79 and subs["1.3"] == 0
    topics = by(rows, "topicNotation")
    pcf = topics["2.1.3"]
    assert (pcf["topic"], pcf["topicEn"], pcf["topicItems"]) == ("产品碳足迹核算", "Product carbon footprint accounting", 67)
    assert pcf["topicStandards"] == 15  # 14 产品种类规则 + 钢铁产品碳足迹评估通用要求
    assert (pcf["subcategory"], pcf["category"], pcf["categoryEn"]) == ("温室气体核算", "核算与核查", "Accounting and verification")
    assert [r["topic"] for r in rows if r["subcategoryNotation"] == "3.3"] == ["碳捕集利用与封存（CCUS）", "直接空气碳捕集（DACS）"]
    # 280 items, of which 16 have a sub-category (not a topic) as their aspect: 1.1 (3), 4.1 (5), 5.2 (2), 5.3 (6)
    assert sum(r["topicItems"] for r in rows) == 264


def test_standards_per_category(store):
    rows = run(store, "standards-per-category")
    assert [(r["notation"], r["category"], r["standards"]) for r in rows] == [
        ("1", "基础通用", 4), ("2", "核算与核查", 85), ("3", "技术与装备", 21), ("4", "监测", 14), ("5", "管理与评价", 26)]
    cat2 = rows[1]
    assert (cat2["categoryEn"], cat2["published"], cat2["underRevision"], cat2["inDevelopment"]) == (
        "Accounting and verification", 21, 4, 60)
    assert sum(r["published"] for r in rows) == 34
    assert (rows[0]["published"], rows[4]["published"]) == (0, 0)


def test_standards_per_subcategory(store):
    rows = by(run(store, "standards-per-subcategory"), "notation")
    assert list(rows) == ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "3.1", "3.2", "3.3", "3.4", "4.1", "4.2", "4.3",
                          "5.1", "5.2", "5.3"]
    assert sum(r["standards"] for r in rows.values()) == 150
    r = rows["2.1"]
    assert (r["subcategory"], r["subcategoryEn"], r["category"]) == ("温室气体核算", "Greenhouse gas accounting", "核算与核查")
    assert (r["standards"], r["published"], r["underRevision"], r["inDevelopment"]) == (79, 21, 4, 54)
    assert (rows["1.3"]["subcategory"], rows["1.3"]["standards"], rows["1.3"]["published"]) == ("标识标志", 0, 0)
    assert (rows["3.3"]["standards"], rows["3.3"]["published"]) == (14, 6)
    assert (rows["4.3"]["standards"], rows["4.3"]["published"]) == (1, 1)


def test_standards_per_status(store):
    rows = run(store, "standards-per-status")
    assert [(r["status"], r["statusEn"], r["standards"]) for r in rows] == [
        ("制定中", "In development", 112), ("已发布", "Published", 34), ("修订中", "Under revision", 4),
        ("被代替", "Replaced", 0), ("即将实施", "Issued, not yet in force", 0), ("已废止", "Withdrawn", 0)]


def test_standards_per_level(store):
    rows = run(store, "standards-per-level")
    assert [(r["notation"], r["level"], r["levelEn"], r["standards"], r["published"], r["inProgress"]) for r in rows] == [
        ("industry", "行业标准", "Industry standard", 84, 14, 70), ("national", "国家标准", "National standard", 66, 20, 46)]


def test_standards_per_code(store):
    rows = by(run(store, "standards-per-code"), "code")
    assert {c: r["standards"] for c, r in rows.items()} == {
        "GB": 66, "JC": 27, "YB": 20, "HG": 13, "SJ": 13, "SH": 9, "FZ": 3, "YS": 3}
    assert (rows["SJ"]["sector"], rows["SJ"]["sectorEn"], rows["SJ"]["level"]) == ("电子", "Electronics", "行业标准")
    assert (rows["YB"]["sector"], rows["YB"]["published"], rows["YB"]["plans"]) == ("黑色冶金", 4, 16)
    assert (rows["GB"]["published"], rows["GB"]["plans"]) == (20, 46)
    # four joint numbers such as 2021-1716T-HG/SH count for HG and for SH
    assert sum(r["standards"] for r in rows.values()) == 154


def test_standards_per_year(store):
    rows = by(run(store, "standards-per-year"), "year")
    assert list(rows) == [2008, 2009, 2011, 2012, 2013, 2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022]
    assert sum(r["standards"] for r in rows.values()) == 150
    assert (rows[2015]["standards"], rows[2015]["published"], rows[2015]["plans"]) == (11, 11, 0)  # GB/T 32151.x-2015 …
    assert (rows[2021]["standards"], rows[2021]["published"], rows[2021]["plans"]) == (70, 4, 66)  # the 2021 industry plans
    assert (rows[2008]["standards"], rows[2008]["published"]) == (1, 1)  # GB/T 8984-2008
    assert sum(r["published"] for r in rows.values()) == 34


def test_standards_in_subcategory(store):
    rows = run(store, "standards-in-subcategory", notation="2.1")
    assert len(rows) == 79 and {r["notation"] for r in rows} == {"2.1"}
    first = rows[0]
    assert (first["number"], first["title"], first["status"], first["statusEn"], first["level"], first["line"]) == (
        "20220807-T-467", "工业企业温室气体排放核算和报告通则", "修订中", "Under revision", "国家标准", 283)
    assert rows[1]["number"] == "GB/T 32151.1-2015" and rows[1]["line"] == 284
    assert {"SJ/T 11735-2019", "SJ/T 11736-2019", "20220802-T-467"} <= {r["number"] for r in rows}
    assert [r["line"] for r in rows] == sorted(r["line"] for r in rows)
    assert [r["number"] for r in run(store, "standards-in-subcategory", notation="4.3")] == ["GB/T 34415-2017"]
    assert run(store, "standards-in-subcategory", notation="1.3") == []


def test_series_parts(store):
    rows = run(store, "series-parts")
    gb = [r for r in rows if r["series"] == "GB/T 32151"]
    assert gb[0]["seriesTitle"] == "温室气体排放核算与报告要求"
    assert [r["partNumber"] for r in gb if r["partNumber"] is not None] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 17]
    assert sorted(r["number"] for r in gb if r["partNumber"] is None) == [
        "20192397-T-303", "20220803-T-467", "20220806-T-467", "20220830-T-469", "20220850-T-607"]  # 第XX部分
    parts = {r["partNotation"]: r for r in gb if r["partNotation"]}
    assert (parts["GB/T 32151.1"]["number"], parts["GB/T 32151.1"]["status"]) == ("GB/T 32151.1-2015", "已发布")
    assert (parts["GB/T 32151.4"]["number"], parts["GB/T 32151.4"]["statusEn"]) == ("20220802-T-467", "Under revision")
    assert (parts["GB/T 32151.17"]["number"], parts["GB/T 32151.17"]["status"]) == ("20173628-T-303", "制定中")
    assert {r["partNotation"] for r in gb if r["revision"]} == {"GB/T 32151.4", "GB/T 32151.5", "GB/T 32151.11"}
    yb = [(r["partNotation"], r["number"], r["status"]) for r in rows if r["series"] == "YB/T 4891"]
    assert yb == [("YB/T 4891.1", "YB/T 4891.1-2021", "已发布"), ("YB/T 4891.2", "YB/T 4891.2-2021", "已发布"),
                  ("YB/T 4891.3", "YB/T 4891.3-2021", "已发布")]
    assert len(rows) == 21


def test_revisions_in_progress(store):
    rows = by(run(store, "revisions-in-progress"), "number")
    assert {n: r["revisedPart"] for n, r in rows.items()} == {
        "20220802-T-467": "GB/T 32151.4", "20220804-T-467": "GB/T 32151.11", "20220805-T-467": "GB/T 32151.5",
        "20220807-T-467": None}  # the 通则 revises GB/T 32150, which is not a series part
    r = rows["20220802-T-467"]
    assert (r["title"], r["status"], r["statusEn"], r["revisedPartLabel"]) == (
        "温室气体排放核算与报告要求 第4部分：铝冶炼企业", "修订中", "Under revision", "GB/T 32151.4（第4部分）")
    # the list has no other edition of the parts being revised
    assert all(r["listedEdition"] is None for r in rows.values())


def test_number_kinds(store):
    rows = run(store, "number-kinds")
    assert [(r["kind"], r["status"], r["standards"]) for r in rows] == [
        ("行业标准计划号", "制定中", 70), ("国家标准计划号", "制定中", 42), ("国家标准计划号", "修订中", 4), ("标准号", "已发布", 34)]
    assert [r["kindEn"] for r in rows] == ["Industry standard plan number", "National standard plan number",
                                          "National standard plan number", "Published standard number"]
    published = rows[3]
    assert (published["firstYear"], published["lastYear"]) == (2008, 2021)
    assert (rows[0]["firstYear"], rows[0]["lastYear"]) == (2018, 2021)


def test_plan_numbers_by_department(store):
    rows = by(run(store, "plan-numbers-by-department"), "departmentCode")
    assert {c: r["standards"] for c, r in rows.items()} == {
        "303": 24, "469": 9, "467": 6, "605": 2, "606": 2, "326": 1, "333": 1, "607": 1}
    assert sum(r["standards"] for r in rows.values()) == 46
    r = rows["467"]
    assert (r["revisions"], r["firstNumber"], r["lastNumber"], r["firstYear"]) == (4, "20220802-T-467", "20220807-T-467", 2022)
    assert (rows["469"]["firstNumber"], rows["469"]["firstYear"]) == ("20090162-T-469", 2009)


def test_standards_about_concept(store):
    rows = run(store, "standards-about-concept", concept=CONCEPT + "computers")
    assert [(r["number"], r["viaLabel"]) for r in rows] == [
        ("2021-1810T-SJ", "计算机"), ("SJ/T 11735-2019", "便携式计算机"), ("SJ/T 11736-2019", "台式微型计算机")]
    assert {r["conceptLabel"] for r in rows} == {"计算机"}
    assert [r["status"] for r in rows] == ["制定中", "已发布", "已发布"]
    assert [r["subcategoryNotation"] for r in rows] == ["5.1", "2.1", "2.1"]
    assert rows[1]["viaLabelEn"] == "Portable computer"
    # a narrower concept does not find its broader one's standards
    narrower = run(store, "standards-about-concept", concept=CONCEPT + "portable-computer")
    assert [r["number"] for r in narrower] == ["SJ/T 11735-2019"]
    assert run(store, "standards-about-concept", concept=CONCEPT + "ethylene") == []


def test_standards_per_industry(store):
    (steel,) = run(store, "standards-per-industry", industry=CONCEPT + "steel")
    assert (steel["label"], steel["labelEn"], steel["standards"], steel["published"], steel["direct"]) == (
        "钢铁", "Iron and steel", 22, 5, 17)  # 独立焦化 is coking outside steel works: not a steel standard
    rows = by(run(store, "standards-per-industry"), "label")
    assert len(rows) == 63
    assert [r["label"] for r in list(rows.values())[:3]] == ["建材", "石化化工", "钢铁"]
    assert (rows["建材"]["standards"], rows["石化化工"]["standards"], rows["有色金属"]["standards"]) == (28, 24, 6)
    # 有色金属 itself is in no title: its 6 come from 铝冶炼, 镁冶炼 … below it
    assert rows["有色金属"]["direct"] == 0
    assert (rows["铜冶炼"]["standards"], rows["电子电器"]["standards"]) == (0, 6)  # computers, TVs, monitors


def test_concept_hierarchy(store):
    gases = run(store, "concept-hierarchy", scheme=SCHEME + "gas")
    assert {r["label"] for r in gases} == {"二氧化碳", "甲烷", "氧化亚氮", "氢氟烃", "氢氯氟烃", "全氟化碳", "一氧化碳",
                                            "碳氢化合物", "氧气"}
    assert by(gases, "label")["二氧化碳"]["standards"] == 30
    products = run(store, "concept-hierarchy", scheme=SCHEME + "product")
    computers = [r for r in products if r["label"] == "计算机"]
    assert sorted((r["broaderLabel"], r["narrower"], r["standards"], r["items"], r["labelEn"]) for r in computers) == [
        ("电子", 2, 1, 2, "Computers"), ("电子电器", 2, 1, 2, "Computers")]  # the industry and the 2024 product group
    assert {r["broaderLabel"] for r in products if r["label"] in ("便携式计算机", "台式微型计算机")} == {"计算机"}
    industries = run(store, "concept-hierarchy", scheme=SCHEME + "industry")
    assert len({r["concept"] for r in industries}) == 63
    steel = [r for r in industries if r["label"] == "钢铁"]
    assert [(r["broader"], r["narrower"], r["standards"]) for r in steel] == [(None, 5, 17)]
    # polyhierarchy: 铜矿 is under 矿山 and 有色金属
    assert sorted(r["broaderLabel"] for r in industries if r["label"] == "铜矿") == ["有色金属", "矿山"]


def test_concept_synonyms(store):
    rows = run(store, "concept-synonyms")
    assert len(rows) == 43
    alt = {}
    for r in rows:
        alt.setdefault(r["label"], set()).add(r["altLabel"])
    assert alt["石化化工"] == {"石化、化工", "石油和化学工业"}
    assert alt["氢"] == {"氢气", "氢能"}
    assert alt["有色金属"] == {"有色"}
    assert alt["石油化工产品"] == {"石化产品"}
    assert {r["schemeLabel"] for r in rows if r["label"] == "石油化工产品"} == {"产品"}
    assert {r["labelEn"] for r in rows if r["label"] == "碳捕集利用与封存"} == {"Carbon capture, utilisation and storage (CCUS)"}


def test_items_per_industry(store):
    rows = run(store, "items-per-industry")
    counts: dict[str, int] = {}
    for r in rows:  # one row per industry as written and concept, most items first
        counts.setdefault(r["industry"], r["items"])
    # 2.2 and 5.3 name each of their industries once per kind of standard (3 and 2 items); 1.3's 重点工业产品 is 工业;
    # 2.1-59 names every industry (各行业)
    assert counts == {"钢铁": 38, "石化、化工": 31, "建材": 33, "装备": 22, "工业": 15, "消费品": 13, "有色": 14,
                      "有色金属": 9, "电子": 10, "化工": 6, "石化": 6, "各行业": 1, "道路车辆": 1, "铸造": 1}
    concepts = {(r["industry"], r["conceptLabel"]) for r in rows}
    assert {("石化、化工", "石化化工"), ("有色", "有色金属"), ("工业", None), ("各行业", None)} <= concepts
    # 水泥行业余热利用 is listed under 建材 (its industry as written); the 水泥 it names itself stays a concept (水泥制造)
    assert {c for i, c in concepts if i == "建材"} == {"建材", "水泥制造"}
    assert [r["directions"] for r in rows if r["industry"] == "钢铁"] == [5]


def test_items_of_direction(store):
    rows = run(store, "items-of-direction", direction="2.1")
    assert len(rows) == 107 and [r["index"] for r in rows] == list(range(1, 108))
    first = rows[0]
    assert (first["label"], first["aspectNotation"], first["aspect"], first["industry"], first["subjectLabel"],
            first["line"]) == ("黑色金属矿采选", "2.1.1", "组织温室气体排放量核算", "钢铁", "黑色金属矿采选", 484)
    copper = rows[12]
    assert (copper["label"], copper["group"], copper["industry"]) == ("铜矿采选", "矿采选企业", "有色金属")
    products = run(store, "items-of-direction", direction="2024")
    assert [r["label"] for r in products] == ["电力", "煤炭", "天然气", "燃油", "钢铁", "电解铝", "水泥", "化肥", "氢", "石灰",
                                              "玻璃", "乙烯", "合成氨", "电石", "甲醇", "锂电池", "新能源汽车", "光伏", "电子电器"]
    assert {(r["aspectNotation"], r["aspectEn"], r["line"]) for r in products} == {
        ("2.1.3", "Product carbon footprint accounting", 94)}


def test_items_per_aspect(store):
    rows = by(run(store, "items-per-aspect"), "aspectNotation")
    assert sum(r["items"] for r in rows.values()) == 280
    assert len(rows) == 28
    assert (rows["1.4.2"]["aspect"], rows["1.4.2"]["items"]) == ("环境声明指南", 1)  # 1.4-3 产品环境信息
    pcf = rows["2.1.3"]
    assert (pcf["aspect"], pcf["kind"], pcf["kindEn"], pcf["items"], pcf["directions"]) == (
        "产品碳足迹核算", "细分主题", "Topic", 67, 2)  # 48 from the 2023 guide, 19 from 2024
    assert (rows["2.1.1"]["items"], rows["3.1.1"]["items"], rows["5.1.1"]["items"]) == (41, 34, 38)
    assert (rows["1.1"]["kind"], rows["1.1"]["items"], rows["1.1"]["withSubject"]) == ("标准子类", 3, 3)
    assert (rows["2.1.2"]["items"], rows["2.1.2"]["withSubject"]) == (18, 17)  # the catch-all 2.1-59 names nothing


def test_items_with_standards(store):
    rows = run(store, "items-with-standards")
    assert len(rows) == 46
    pairs = {(r["direction"], r["item"], r["number"]) for r in rows}
    assert ("2.1", "硝酸", "HG/T 4488-2012") in pairs
    assert ("5.1", "计算机", "2021-1810T-SJ") in pairs  # the 低碳产品评价 item, not the 2.1 carbon-footprint one
    assert ("2024", "电解铝", "YS/T 800-2012") in pairs
    assert not any(item == "计算机" and direction == "2.1" for direction, item, _ in pairs)
    assert {r["subcategoryNotation"] for r in rows if r["direction"] == "2024"} == {"2.1"}
    nitric = [r for r in rows if r["item"] == "硝酸"][0]
    assert (nitric["subjectLabelEn"], nitric["status"], nitric["statusEn"]) == ("Nitric acid", "已发布", "Published")


def test_targets(store):
    rows = run(store, "targets")
    assert [(r["year"], r["count"], r["comparator"], r["document"], r["line"]) for r in rows] == [
        (2025, 200, "at-least", "miit-2023-guide-draft", 84),
        (2027, 200, "exactly", "miit-2024-pcf-guide", 62),
        (2027, 100, "about", "miit-2024-pcf-guide", 94)]
    assert rows[0]["targetOf"] == "碳达峰急需标准" and "制定200项以上碳达峰急需标准" in rows[0]["quote"]
    assert rows[0]["setBy"] == "miit-2023-guide-draft" and rows[1]["setBy"] == "miit-2024-pcf-guide"
    assert rows[2]["setBy"] is None and rows[2]["setByPlan"] == "关于印发〈关于建立碳足迹管理体系的实施方案〉的通知"
    assert "100 个左右" in rows[2]["quote"]


def test_priority_products_2024(store):
    rows = run(store, "priority-products-2024")
    assert len({r["index"] for r in rows}) == 19
    standards = {}
    for r in rows:
        standards.setdefault(r["product"], set())
        if r["number"]:
            standards[r["product"]].add(r["number"])
    assert {p for p, s in standards.items() if not s} == {
        "电力", "煤炭", "天然气", "燃油", "化肥", "氢", "乙烯", "锂电池", "新能源汽车"}
    # 电子电器 is the product group of computers, LCD TVs and monitors
    assert standards["电子电器"] == {"SJ/T 11735-2019", "SJ/T 11736-2019", "SJ/T 11717-2018", "SJ/T 11718-2018",
                                     "2021-1810T-SJ", "2021-1811T-SJ"}
    assert standards["电解铝"] == {"YS/T 800-2012", "YS/T 801-2012"}
    assert standards["光伏"] == {"2021-1808T-SJ", "2021-1812T-SJ"}  # 光伏组件, narrower than 光伏
    assert standards["玻璃"] == {"2021-1776T-JC"}
    assert len(standards["钢铁"]) == 3  # the list names products: 钢铁 is steel products, not the industry
    assert len(rows) == len({(r["index"], r["number"]) for r in rows})  # no duplicate rows


def test_drafting_rule(store):
    rows = run(store, "drafting-rule")
    assert {r["elementLabel"] for r in rows} == {"产品种类选取", "功能单位或声明单位", "系统边界", "数据收集和质量", "分配",
                                                "清单计算", "结果解释", "报告", "附录"}
    (rule,) = {(r["rule"], r["namePattern"], r["alignWith"], r["alignWithTitle"], r["document"], r["line"]) for r in rows}
    assert rule == ("重点工业产品碳足迹核算规则标准编制要求", "温室气体 产品碳足迹 量化方法与要求 XX 产品", "GB/T 24067",
                    "温室气体产品碳足迹 量化要求和指南", "miit-2024-pcf-guide", 78)
    assert by(rows, "element")["system-boundary"]["elementLabelEn"] == "System boundary"


def test_standard_provenance(store):
    (row,) = run(store, "standard-provenance", number="GB/T 32151.1-2015")
    assert (row["document"], row["section"], row["line"], row["row"]) == ("miit-2023-guide-draft", "附件1", 284, "2")
    assert row["quote"] == "| 2 | GB/T 32151.1-2015 | 温室气体排放核算与报告要求 第1部分：发电企业 | 已发布 | 温室气体核算 |"
    assert (row["title"], row["printedStatus"], row["printedPosition"]) == ("温室气体排放核算与报告要求 第1部分：发电企业", "已发布", "温室气体核算")
    assert row["standard"] == "https://w3id.org/tanbiao/standard/GB-T-32151.1-2015"
    source = (ROOT / "data/sources/miit-2023-industrial-carbon-standards-guide-draft.txt").read_text(encoding="utf-8")
    assert source.splitlines()[283] == row["quote"]
    (plan,) = run(store, "standard-provenance", number="20220802-T-467")
    assert (plan["line"], plan["printedStatus"]) == (287, "修订中")
    assert run(store, "standard-provenance", number="GB/T 32151.1") == []  # exact match only


def test_source_documents(store):
    rows = by(run(store, "source-documents"), "document")
    assert list(rows) == ["miit-2023-guide-draft", "miit-2024-pcf-guide"]
    g23, g24 = rows["miit-2023-guide-draft"], rows["miit-2024-pcf-guide"]
    assert (g23["title"], g23["publisher"], g23["issued"], g23["edition"], g23["draft"]) == (
        "工业领域碳达峰碳中和标准体系建设指南（2023版）", "工业和信息化部科技司", "2023-05-22", "2023", True)
    assert (g23["standards"], g23["items"]) == (150, 261)
    assert (g24["title"], g24["documentNumber"], g24["issued"], g24["publisher"]) == (
        "重点工业产品碳足迹核算规则标准编制指南", "工信厅节函〔2024〕411号", "2024-11-11", "工业和信息化部办公厅")
    assert (g24["standards"], g24["items"]) == (0, 19)
    assert g24["fileName"] == "miit-2024-product-carbon-footprint-rules-guide.txt"
    assert g23["titleEn"].startswith("MIIT: Guidelines for building")


def test_standards_without_subject(store):
    rows = run(store, "standards-without-subject")
    assert [r["number"] for r in rows] == ["20220807-T-467", "GB/T 33760-2017", "20193353-T-303", "20090162-T-469",
                                           "20192398-T-303", "20193355-T-303"]  # 20173624-T-303 is about 数据质量管理
    assert rows[0]["title"] == "工业企业温室气体排放核算和报告通则" and rows[0]["subcategory"] == "温室气体核算"


def test_framework_skos(store):
    triples = run(store, "framework-skos")
    nodes = {t["s"] for t in triples if t["p"] == RDF_TYPE and t["o"] == SKOS + "Concept"}
    assert len(nodes) == 5 + 16 + 46
    assert {t["p"] for t in triples} <= {RDF_TYPE} | {SKOS + p for p in (
        "inScheme", "notation", "prefLabel", "definition", "broader", "narrower", "topConceptOf", "hasTopConcept")}
    assert not any(t["o"].startswith(TB) for t in triples if isinstance(t["o"], str))
    tops = {t["o"] for t in triples if t["p"] == SKOS + "hasTopConcept"}
    assert len(tops) == 5
    node = "https://w3id.org/tanbiao/framework/2.1"
    labels = {t["o"] for t in triples if t["s"] == node and t["p"] == SKOS + "prefLabel"}
    assert labels == {"温室气体核算", "Greenhouse gas accounting"}
    assert {t["o"] for t in triples if t["s"] == node and t["p"] == SKOS + "broader"} == {"https://w3id.org/tanbiao/framework/2"}
    assert len(triples) == len({(t["s"], t["p"], t["o"]) for t in triples})


def test_has_published_standard(store):
    assert run(store, "has-published-standard", concept=CONCEPT + "computers") is True  # via 便携式计算机
    assert run(store, "has-published-standard", concept=CONCEPT + "portable-computer") is True
    assert run(store, "has-published-standard", concept=CONCEPT + "ethylene") is False
    assert run(store, "has-published-standard", concept=CONCEPT + "nonferrous-metals") is True  # YS/T 800-2012 …


def test_priority_sectors(store):
    rows = run(store, "priority-sectors")
    assert {r["document"] for r in rows} == {"miit-2024-pcf-guide"}
    assert [(r["sectorLabel"], r["standards"]) for r in rows] == [
        ("建材", 28), ("石化化工", 24), ("钢铁", 22), ("有色金属", 6), ("电子电器", 6), ("新能源汽车", 0)]
    assert by(rows, "sectorLabel")["新能源汽车"]["items"] == 1


def test_standards_list(store):
    rows = run(store, "standards")
    assert len(rows) == 150 and (rows[0]["number"], rows[0]["title"]) == ("2021-1715T-SH", "石化行业碳排放管理术语及定义")
    assert Counter(r["status"] for r in rows) == {"已发布": 34, "修订中": 4, "制定中": 112}


def test_items_list(store):
    rows = run(store, "items")
    assert len(rows) == 280
    assert Counter(r["document"] for r in rows) == {"miit-2023-guide-draft": 261, "miit-2024-pcf-guide": 19}


def test_directions_list(store):
    rows = run(store, "directions")
    assert len(rows) == 15 and sum(r["items"] for r in rows) == 280
    assert by(rows, "code")["2024"]["items"] == 19


def _api_rows(api, **params):
    return api.get("/api/gaps", params=params).json()


def test_gap_items_is_the_api_filter(store, api):
    """"Which 2.1 items are gaps?" in SPARQL gives exactly the API's gap rows for 2.1, and each names its aspect."""
    for coverage in ("gap", "partial", "covered"):
        rows = run(store, "gap-items", direction="2.1", coverage=coverage)
        expected = [r for r in _api_rows(api, direction="2.1") if r["coverage"] == coverage]
        assert rows and [r["item"] for r in rows] == [r["iri"] for r in expected]
    assert run(store, "gap-items", direction="2.1") == run(store, "gap-items", direction="2.1", coverage="gap")


def test_gaps_by_industry_code(store):
    """An item is placed by its subject's nearest mapped concept: 钢板及钢带 (-> 钢铁产品 -> 钢铁 ~ C31) is under
    C31, 黑色金属矿采选 (listed under 钢铁, mapped to B08 itself) is not; a section takes its divisions."""
    c31 = {r["label"] for r in run(store, "gaps-by-industry-code", code="C31")}
    assert {"钢铁生产主工序", "钢板及钢带", "钢压延加工"} <= c31 and "黑色金属矿采选" not in c31
    assert {r["label"] for r in run(store, "gaps-by-industry-code", code="B08")} == {"黑色金属矿采选"}
    assert {r["label"] for r in run(store, "gaps-by-industry-code", code="2410")} == c31  # ISIC Rev.4, same concepts
    section_c = {r["item"] for r in run(store, "gaps-by-industry-code", code="C")}
    assert {r["item"] for r in run(store, "gaps-by-industry-code", code="C31")} < section_c
    assert run(store, "gaps-by-industry-code", code="no-such-code") == []


def test_standard_coverage(store, api):
    """The items a plan is evidence for, with the relation: 2021-1739T-YB (钢铁行业产品碳足迹) is a broader
    object for each steel product of 2.1 and the items' verdicts are the API's."""
    rows = run(store, "standard-coverage", number="2021-1739T-YB")
    assert {r["label"] for r in rows} >= {"钢板及钢带", "钢筋", "型钢", "钢管", "盘条"}
    assert {(r["relation"], r["facet"]) for r in rows if r["direction"] == "2.1"} == {("broader", "object")}
    verdict = {r["iri"]: r["coverage"] for r in _api_rows(api)}
    assert all(verdict[r["item"]] == r["coverage"] for r in rows)
    assert run(store, "standard-coverage", number="GB/T 0-0000") == []


def test_coverage_per_aspect_industry_adds_up(store, api):
    rows = run(store, "coverage-per-aspect-industry")
    assert all(r["items"] == r["covered"] + r["partial"] + r["gap"] for r in rows)
    reported = Counter(r["coverage"] for r in _api_rows(api))
    for coverage in ("covered", "partial", "gap"):  # an item with one sector is counted once
        assert sum(r[coverage] for r in rows) >= reported[coverage]
    (steel,) = [r for r in rows if r["aspectNotation"] == "2.1.1" and r["sectorLabel"] == "钢铁"]
    assert steel["covered"] >= 1  # 钢铁生产主工序: GB/T 32151.5 温室气体排放核算与报告要求 第5部分：钢铁生产企业
    assert steel["items"] == steel["covered"] + steel["partial"] + steel["gap"] >= 4  # 主工序, 钢丝, 铁合金, 炭素


# --- docs/queries.md ----------------------------------------------------------------------------------------

def test_docs_page_is_current():
    page = (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")
    assert page == render_markdown(CATALOGUE), (
        "docs/queries.md is out of date: run `python -m tanbiao.services.catalogue_docs > docs/queries.md`")


def test_docs_page_content():
    page = render_markdown(CATALOGUE)
    assert page.startswith("# 查询目录 / Query catalogue")
    assert "tanbiao query queries/" in page and "/api/queries/{name}" in page
    for name, q in CATALOGUE.items():
        assert f"### {name}\n" in page and q.summary_zh in page and q.summary_en in page
        assert f"```sparql\n{q.text.rstrip()}\n```" in page
    assert "| `concept` | iri | yes | `https://w3id.org/tanbiao/concept/computers` |" in page
