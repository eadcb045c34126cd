"""Appendix 2: priority directions re-joined across page breaks, numbered by sub-category, itemised."""

from __future__ import annotations

from conftest import DATA
from tanbiao.loaders import guide2023
from tanbiao.loaders.base import curated


def _direction(guide, code):
    return next(d for d in guide.directions if d.code == code)


def _items(guide, code, aspect=None, industry=None):
    return [i.label for i in _direction(guide, code).items
            if (aspect is None or i.aspect == aspect) and (industry is None or i.industry == industry)]


def test_fourteen_directions_numbered_by_subcategory(guide):
    assert [d.code for d in guide.directions] == [
        "1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "3.1", "3.2", "3.3", "3.4", "4.1", "5.1", "5.2", "5.3"]
    labels = {s.notation: s.label for s in guide.subcategories}
    assert all(d.label == labels[d.code] for d in guide.directions)


def test_misplaced_row_number_belongs_to_the_next_direction(guide):
    assert _direction(guide, "2.1").printed_row == "5."
    assert _direction(guide, "2.2").printed_row == "6."
    assert _direction(guide, "3.1").printed_row == "7."
    warning = [i for i in guide.report.issues if "printed on a continuation row" in i.message]
    assert len(warning) == 1 and warning[0].line == 492 and "belongs to 2.2" in warning[0].message


def test_sentences_are_whole_across_page_breaks(guide):
    text = _direction(guide, "2.1").text
    assert "生物发酵、造纸和纸制品、家用洗涤剂等消费品领域重点企业的二氧化碳排放核算标准；" in text
    assert "纺织品服装等消费品领域重点产品的碳足迹核算标准；" in text
    assert "计算机、显示器件、音视频设备、光伏组件等电子领域重点产品的碳足迹核算标准。" in text
    assert "”" not in text and "“" not in text  # the stray closing quote is gone
    assert "重点产品的碳足迹核算标准" not in _direction(guide, "2.2").text
    assert _direction(guide, "3.1").paragraphs[-1][0].startswith("在低碳设计方面")


def test_direction_21_holds_the_three_aspect_paragraphs(guide):
    paragraphs = [p for p, _line in _direction(guide, "2.1").paragraphs]
    assert len(paragraphs) == 3
    assert [p[:12] for p in paragraphs] == ["在组织温室气体排放量核算", "在项目温室气体减排量核算", "在产品碳足迹核算方面，重"]


def test_steel_product_footprint_items(guide):
    assert _items(guide, "2.1", "2.1.3", "钢铁") == [
        "钢板及钢带", "钢筋", "型钢", "钢管", "盘条", "铁合金", "不锈钢", "电工钢"]


def test_all_lists_of_21_itemised(guide):
    assert _items(guide, "2.1", "2.1.1", "钢铁") == [
        "黑色金属矿采选", "钢铁生产主工序", "钢压延加工", "钢丝及制品", "铁合金", "炭素", "冶金石灰"]
    assert _items(guide, "2.1", "2.1.1", "石化、化工")[-2:] == ["合成树脂", "废弃化学品处置"]
    assert "炼油企业" in _items(guide, "2.1", "2.1.1")
    assert _items(guide, "2.1", "2.1.1", "有色金属")[:2] == ["铜矿采选", "铅锌矿采选"]  # …等矿采选企业
    assert _items(guide, "2.1", "2.1.1", "装备") == ["船舶", "道路车辆", "铸造", "锻压", "热处理"]
    assert _items(guide, "2.1", "2.1.2", "消费品") == ["废旧纺织品回收利用", "定型机余热回收"]
    assert _items(guide, "2.1", "2.1.3", "消费品") == ["玻璃管制产品", "氨基酸", "有机酸", "玉米淀粉", "淀粉糖", "酵母",
                                                    "纺织品服装"]
    assert _items(guide, "2.1", "2.1.3", "电子") == ["计算机", "显示器件", "音视频设备", "光伏组件"]
    aspects = {i.aspect_label for i in _direction(guide, "2.1").items}
    assert aspects == {"组织温室气体排放量核算", "项目温室气体减排量核算", "产品碳足迹核算"}


def test_51_enterprise_and_product_lists(guide):
    d = _direction(guide, "5.1")
    enterprise = [i for i in d.items if i.aspect_label == "低碳企业评价"]
    assert [i.label for i in enterprise] == ["钢铁", "建材", "有色", "石化", "化工"]
    assert all(i.industry == i.label for i in enterprise)
    assert _items(guide, "5.1", "5.1.1", "钢铁")[:3] == ["黑色金属矿产品", "钢板及钢带", "钢筋"]
    assert _items(guide, "5.1", "5.1.1", "装备") == ["氢燃料内燃机", "甲醇内燃机", "通用汽油机", "动力蓄电池", "氢燃料电池",
                                                 "驱动电机", "道路车辆"]
    assert len(d.items) == len(enterprise) + len(_items(guide, "5.1", "5.1.1"))


def test_brackets_are_not_split(guide):
    labels = _items(guide, "3.1")
    assert "高排放非道路移动机械（如工程机械、农业机械等）原燃料结构优化" in labels
    assert "工程机械" not in labels


def test_every_item_is_written_in_its_direction(guide):
    """An item's label is written in its direction, or composed of what is: an industry and a kind of standard
    (钢铁：生产企业二氧化碳排放量核查), or a list member with the part it shares with its list, which the report
    names (分离 -> 二氧化碳分离)."""
    restored = {i.message.split("' read as '")[1].split("'")[0] for i in guide.report.issues if "read as" in i.message}
    for d in guide.directions:
        for item in d.items:
            assert item.clause in d.text
            if "：" in item.label:
                industry, kind = item.label.split("：")
                assert industry in item.clause and kind in item.clause, (d.code, item.label)
            elif item.label not in d.text:
                assert item.label in restored, (d.code, item.label)
    assert restored == {
        "氢氯氟烃（HCFCs）类制冷剂替代", "可再生能源分布式应用", "二氧化碳分离", "二氧化碳资源化利用", "二氧化碳封存",
        "碳足迹标志标识", "铜矿采选", "铅锌矿采选", "废塑料再生和回收利用", "废橡胶再生和回收利用", "废催化剂再生和回收利用",
        "再生钢铁原料利用", "再生铜铝原料利用", "再生铅利用", "风电叶片利用",
        *(f"{w}再利用" for w in ("冶炼渣", "焦油渣", "铁合金渣", "电石渣", "铝灰渣", "赤泥", "尾矿", "煤矸石", "废塑料", "废橡胶"))}


def test_excerpt_rejoins_and_renumbers():
    g = guide2023.parse(DATA / "mini-guide.txt", curated())
    assert g.report.ok, [i.format() for i in g.report.errors]
    assert [(d.code, d.printed_row) for d in g.directions] == [("1.1", "1."), ("2.1", "2."), ("2.2", "3.")]
    d21 = g.directions[1]
    assert "钢铁行业重点企业的二氧化碳排放核算标准。" in d21.text
    assert "计算机、光伏组件等电子领域重点产品的碳足迹核算标准。" in d21.text
    # in this excerpt 产品碳足迹核算 is the second topic the text names, so its notation is 2.1.2
    assert [i.label for i in d21.items if i.aspect == "2.1.2"] == ["钢板及钢带", "电工钢", "计算机", "光伏组件"]
    # 2.2 crosses two industries with two kinds of verification: four items, each in its kind's topic
    assert [(i.label, i.aspect) for i in g.directions[2].items] == [
        ("钢铁：生产企业二氧化碳排放量核查", "2.2.1"), ("钢铁：产品碳足迹核查", "2.2"),
        ("建材：生产企业二氧化碳排放量核查", "2.2.1"), ("建材：产品碳足迹核查", "2.2")]
