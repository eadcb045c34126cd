"""The itemisation rules of loaders/guide2023/itemise.py, each pinned twice: on the real 附件2 (the items the
review of 2026-12-01 noted, data/review/itemisation-review-2026-12-01.csv) and on a small synthetic clause with a
lexicon of its own, so that a rule which only happens to fit this edition's words fails here."""

from __future__ import annotations

import pytest
from tanbiao.loaders.curated import Concept, Lexicon
from tanbiao.loaders.guide2023.itemise import itemise
from tanbiao.loaders.guide2023.records import Direction, FrameworkNode, Guide, Item


def _item(guide: Guide, key: str) -> Item:
    code, index = key.rsplit("-", 1)
    return next(d for d in guide.directions if d.code == code).items[int(index) - 1]


def _lexicon(*rows: tuple[str, str, str, str]) -> Lexicon:
    """(id, scheme, zh label, broader ids separated by |)."""
    return Lexicon({cid: Concept(cid, scheme, zh, cid, [], [b for b in broader.split("|") if b], "test", "test", 0)
                    for cid, scheme, zh, broader in rows})


def _itemise(text: str, lex: Lexicon, topics: tuple[str, ...] = (), code: str = "9.1") -> tuple[list[Item], Guide]:
    guide = Guide("synthetic", topics=[FrameworkNode(f"{code}.{k}", "topic", label, label, 0, parent=code)
                                       for k, label in enumerate(topics, 1)])
    direction = Direction(code, "合成方向", "9 合成", "1.", 1, paragraphs=[(text, 1)])
    itemise(direction, guide, lex)
    return direction.items, guide


def _labels(items: list[Item]) -> list[str]:
    return [i.label for i in items]


def _infos(guide: Guide) -> list[str]:
    return [i.message for i in guide.report.issues]


# --- shared parts: what the list's head does to a class the member is a kind of -----------------------------

def test_members_get_what_their_head_does_to_their_class(guide):
    assert [_item(guide, f"3.1-{k}").label for k in range(8, 18)] == [
        f"{w}再利用" for w in ("冶炼渣", "焦油渣", "铁合金渣", "电石渣", "铝灰渣", "赤泥", "尾矿", "煤矸石", "废塑料", "废橡胶")]
    assert [_item(guide, f"3.1-{k}").label for k in range(4, 8)] == [
        "再生钢铁原料利用", "再生铜铝原料利用", "再生铅利用", "风电叶片利用"]
    # the same 废塑料 under another head is another item: 2.1's project, not 3.1's reuse of a solid waste
    assert [_item(guide, f"2.1-{k}").label for k in (51, 52, 53)] == [
        "废塑料再生和回收利用", "废橡胶再生和回收利用", "废催化剂再生和回收利用"]
    assert _item(guide, "2.1-51").subjects == _item(guide, "3.1-16").subjects == ["waste-plastics"]


SLAGS = _lexicon(("solid-waste", "process", "工业固废", ""), ("slag", "process", "冶炼渣", "solid-waste"),
                 ("steel-slag", "process", "钢渣", "slag"), ("fly-ash", "process", "粉煤灰", "solid-waste"),
                 ("scrap", "process", "废钢", ""))


def test_class_and_what_is_done_on_a_synthetic_clause():
    items, guide = _itemise("重点制定钢渣、粉煤灰、废钢等工业固废综合利用技术和装备标准。", SLAGS)
    # 钢渣 is a 冶炼渣, which is a 工业固废 (the class may be any broader concept); 废钢 is not one: kept as written
    assert _labels(items) == ["钢渣综合利用", "粉煤灰综合利用", "废钢"]
    assert [i.subjects for i in items] == [["steel-slag"], ["fly-ash"], ["scrap"]]
    assert "list member '钢渣' read as '钢渣综合利用' (the part it shares with its list)" in " ".join(_infos(guide))
    # a member that says it already is not told twice
    items, _ = _itemise("重点制定钢渣综合利用、粉煤灰等工业固废综合利用技术和装备标准。", SLAGS)
    assert _labels(items) == ["钢渣综合利用", "粉煤灰综合利用"]


def test_a_head_that_lists_several_stages_gives_nothing():
    """…等可再生能源开发、输送、利用: the stages are a list (3.1-34's open question), not one thing done."""
    lex = _lexicon(("re", "process", "可再生能源", ""), ("solar", "process", "太阳能", "re"),
                   ("wind", "process", "风能", "re"))
    items, _ = _itemise("重点制定太阳能、风能等可再生能源开发、输送、利用相关技术和装备标准。", lex)
    assert _labels(items) == ["太阳能", "风能"]


def test_real_lists_whose_head_is_no_class_of_theirs_keep_their_members(guide):
    assert [_item(guide, f"3.1-{k}").label for k in (21, 25, 28)] == ["玻璃熔窑窑炉氢能煅烧", "工业电加热炉", "太阳能"]
    assert _item(guide, "3.4-7").label == "钢化联产"  # …等产业链协同降碳: no 产业链 word shared with 联产


# --- shared parts: the enterprise type a member is the kind of ------------------------------------------------

def test_enterprise_type_the_member_is_the_kind_of(guide):
    assert [(_item(guide, k).label, _item(guide, k).industry) for k in ("2.1-13", "2.1-14")] == [
        ("铜矿采选", "有色金属"), ("铅锌矿采选", "有色金属")]
    assert _item(guide, "2.1-13").subjects == ["copper-mining"]


def test_enterprise_type_on_a_synthetic_clause():
    lex = _lexicon(("gold", "industry", "金矿", ""), ("silver", "industry", "银矿", ""),
                   ("nf", "industry", "有色金属", ""), ("al", "industry", "铝冶炼", "nf"))
    items, _ = _itemise("重点制定金矿、银矿等矿采选企业，铝冶炼等有色金属行业重点企业的二氧化碳排放核算标准。", lex)
    assert _labels(items) == ["金矿采选", "银矿采选", "铝冶炼"]
    # only a head that names an enterprise type (…企业) is completed by the word the member ends with
    items, _ = _itemise("重点制定金矿、银矿等矿采选示范，铝冶炼等有色金属行业重点企业的二氧化碳排放核算标准。", lex)
    assert _labels(items)[:2] == ["金矿", "银矿"]


# --- shared parts: the member's own head, where the lexicon knows the whole -----------------------------------

def test_own_head_where_the_lexicon_knows_the_whole(guide):
    item = _item(guide, "1.3-2")
    assert (item.label, item.subjects, item.industry) == ("碳足迹标志标识", ["carbon-footprint-mark"], "工业")
    assert (_item(guide, "1.3-1").label, _item(guide, "1.3-1").industry) == ("重点工业产品的碳标签", "工业")


def test_own_head_on_a_synthetic_clause():
    lex = _lexicon(("label", "practice", "碳标签", ""), ("water-mark", "practice", "水足迹标志标识", ""))
    items, _ = _itemise("重点工业产品的碳标签、水足迹、能效等标志标识标准。", lex)
    # 能效标志标识 is no concept: 能效 stays as written
    assert [(i.label, i.industry) for i in items] == [
        ("重点工业产品的碳标签", "工业"), ("水足迹标志标识", "工业"), ("能效", "工业")]


# --- industry as written -------------------------------------------------------------------------------------

def test_the_clauses_industry_is_the_industry_as_written(guide):
    item = _item(guide, "2.1-47")
    assert (item.label, item.industry) == ("水泥行业余热利用", "建材")
    assert item.industries == ["building-materials", "cement-manufacturing"]  # the 水泥 it names stays a sector
    assert [(_item(guide, k).industry, _item(guide, k).label) for k in ("3.1-36", "3.1-37")] == [
        ("铸造", "铸造行业低碳园区设计"), ("", "集成电路低碳工厂设计")]  # no clause industry: the item's own


def test_industry_as_written_on_a_synthetic_clause():
    lex = _lexicon(("bm", "industry", "建材", ""), ("glass", "industry", "玻璃", "bm"))
    items, _ = _itemise("重点制定玻璃行业余热利用、窑炉烟气碳捕集等建材行业碳减排技术的二氧化碳减排量核算标准。", lex)
    assert [(i.label, i.industry, i.industries) for i in items] == [
        ("玻璃行业余热利用", "建材", ["bm", "glass"]), ("窑炉烟气碳捕集", "建材", ["bm"])]


def test_every_industry_is_a_cross_industry_item(guide):
    item = _item(guide, "2.1-59")
    assert (item.industry, item.subjects, item.industries) == ("各行业", [], [])
    assert any("names every industry ('各行业')" in i.message and i.line == item.line for i in guide.report.issues)


@pytest.mark.parametrize(("text", "industry"), [
    ("各行业产品生命周期的各个环节具备碳减排效益的项目。", "各行业"),
    ("重点消费品产品的环境信息披露标准。", "消费品"),
    ("重点行业产品的环境信息披露标准。", ""),  # 重点行业 names no industry
])
def test_leading_scope_on_a_synthetic_clause(text, industry):
    items, guide = _itemise(text, _lexicon())
    assert [i.industry for i in items] == [industry]
    assert any("names every industry" in m for m in _infos(guide)) is industry.startswith("各")


# --- a lone industry before the clause's industry is an example ----------------------------------------------

def test_a_lone_industry_example_makes_the_clause_the_item(guide):
    item = _item(guide, "4.1-4")
    assert (item.label, item.industry, item.subjects, item.gases) == (
        "氟化工等石化、化工企业二氧化碳连续监测", "石化、化工", ["petroleum-and-chemical-industry"], ["co2"])
    assert _item(guide, "5.1-32").label == "家用洗涤剂"  # a lone product of 消费品领域重点产品 is the item


CHEMICALS = _lexicon(("chem", "industry", "化工", ""), ("chlor", "industry", "氯碱", "chem"),
                     ("coking", "industry", "焦化", ""), ("detergent", "product", "洗衣粉", "chem"))


@pytest.mark.parametrize(("text", "label"), [
    ("重点制定氯碱等化工企业二氧化碳连续监测标准。", "氯碱等化工企业二氧化碳连续监测"),  # an industry of 化工: an example
    ("重点制定焦化等化工企业二氧化碳连续监测标准。", "焦化"),  # not under 化工 in this lexicon: the item
    ("重点制定洗衣粉等化工行业重点产品的低碳评价标准。", "洗衣粉"),  # a product, not an industry: the item
    ("重点制定氯碱、焦化等化工企业二氧化碳连续监测标准。", "氯碱"),  # two listed: a list, not an example
])
def test_lone_example_on_a_synthetic_clause(text, label):
    items, _ = _itemise(text, CHEMICALS)
    assert items[0].label == label


# --- an item decides its own topic when only the last resort decided its clause's ------------------------------

def test_an_item_decides_its_topic_by_the_concept_it_is_about(guide):
    assert [(_item(guide, k).label, _item(guide, k).aspect) for k in ("1.4-1", "1.4-2", "1.4-3")] == [
        ("重点行业或企业的碳排放", "1.4.3"), ("碳减排量", "1.4.3"), ("产品环境信息", "1.4.2")]
    assert _item(guide, "1.4-3").aspect_label == "环境声明指南"


TOPICS_14 = ("碳披露导则", "环境声明指南", "碳排放量及减排量报告声明（信息披露）要求与指南")
DISCLOSURE = _lexicon(("disclosure", "practice", "碳排放信息披露", ""), ("declaration", "practice", "环境声明", ""),
                      ("pei", "practice", "产品环境信息", "declaration"), ("water", "practice", "水环境信息", ""))


def test_own_topic_on_a_synthetic_clause():
    items, _ = _itemise("工业领域重点企业的碳排放、产品环境信息、水环境信息等信息披露与报告要求相关标准。", DISCLOSURE,
                        TOPICS_14, code="1.4")
    # the clause shares most words with 1.4.3; 产品环境信息 is an 环境声明 (1.4.2); 水环境信息 is under no topic's concept
    assert [(i.label, i.aspect) for i in items] == [
        ("重点企业的碳排放", "1.4.3"), ("产品环境信息", "1.4.2"), ("水环境信息", "1.4.3")]


def test_a_topic_a_rule_decided_is_kept():
    """在X方面 names the topic: an item's concepts do not move it."""
    items, _ = _itemise("在信息披露方面，重点制定碳排放、产品环境信息等信息披露与报告要求相关标准。", DISCLOSURE,
                        TOPICS_14, code="1.4")
    assert [i.aspect for i in items] == ["1.4.3", "1.4.3"]
