"""Text utilities: normalisation of mangled subscripts, page-break re-joining, table rows."""

import pytest
from tanbiao.loaders.text import Line, is_separator_row, join_paragraphs, normalise, normalise_title, split_row


@pytest.mark.parametrize("printed, expected", [
    ("合成氨生产企业二氧化碳（CO ₂ ）排放量计算方法", "合成氨生产企业二氧化碳（CO₂）排放量计算方法"),
    ("化工企业水网络系统二氧化碳(CO ₂)排放量计算方法", "化工企业水网络系统二氧化碳(CO₂)排放量计算方法"),
    ("大气二氧化碳(CO_2)光腔衰荡光谱观测系统", "大气二氧化碳(CO₂)光腔衰荡光谱观测系统"),
    ("钢铁企业 O ₂ -CO ₂ 气体混合利用技术规范", "钢铁企业 O₂-CO₂ 气体混合利用技术规范"),
    ("硝酸生产企业氧化亚氮（N ₂ O）排放量计算方法", "硝酸生产企业氧化亚氮（N₂O）排放量计算方法"),
    ("温室气体排放核算与报告要求 第 17 部分：氟化工企业", "温室气体排放核算与报告要求 第17部分：氟化工企业"),
    ("温室气体排放核算与报告要求 第 XX 部分：铸造企业", "温室气体排放核算与报告要求 第XX部分：铸造企业"),
    ("  石化行业  二氧化碳捕集技术规范\u3000溶剂和工艺类 ", "石化行业 二氧化碳捕集技术规范 溶剂和工艺类"),
])
def test_normalise_fixes_subscripts_and_spacing(printed, expected):
    assert normalise(printed) == expected


def test_normalise_title_drops_stray_outer_quotes():
    assert normalise_title("“钢铁产品碳披露导则”") == "钢铁产品碳披露导则"
    assert normalise_title("钢铁产品碳披露导则”") == "钢铁产品碳披露导则"


def test_join_paragraphs_rejoins_text_broken_by_page_breaks():
    lines = [Line(1, "包括数据统计方法、数据质量管理、"), Line(2, ""), Line(3, "数据质量评价等标准。"),
             Line(4, "下一段。")]
    paras = join_paragraphs(lines, lambda _t: False)
    assert [p.text for p in paras] == ["包括数据统计方法、数据质量管理、数据质量评价等标准。", "下一段。"]
    assert paras[0].lines == [1, 3]


def test_join_paragraphs_does_not_join_across_headings():
    lines = [Line(1, "没有句号的标题"), Line(2, "(1) 术语定义标准"), Line(3, "正文。")]
    paras = join_paragraphs(lines, lambda t: t.startswith("("))
    assert [p.text for p in paras] == ["没有句号的标题", "(1) 术语定义标准", "正文。"]


def test_split_row_and_separator():
    row = split_row(Line(7, "| 1 | GB/T 32151.1-2015 | 标题 | 已发布 | 温室气体核算 |"))
    assert row is not None and row.cells == ["1", "GB/T 32151.1-2015", "标题", "已发布", "温室气体核算"]
    assert row.line == 7
    assert is_separator_row(split_row(Line(8, "|----|---|--|-----|--------|")))
    assert not is_separator_row(row)
    assert split_row(Line(9, "四、监测标准")) is None
