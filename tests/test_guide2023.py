"""The 2023 guide loader on the real document and on a small excerpt with the awkward parts."""

from __future__ import annotations

import re
from collections import Counter

from conftest import DATA
from tanbiao.loaders import guide2023
from tanbiao.loaders.base import curated
from tanbiao.loaders.text import normalise, read_lines

# --- the real document ---------------------------------------------------------------


def test_document_metadata(guide):
    assert guide.title == "工业领域碳达峰碳中和标准体系建设指南（2023版）"
    assert guide.edition == "2023" and guide.draft
    assert guide.issuer == "工业和信息化部科技司" and guide.date == "2023-05-22"
    assert guide.url.startswith("https://wap.miit.gov.cn/")


def test_framework_categories_and_subcategories(guide):
    assert [(c.notation, c.label) for c in guide.categories] == [
        ("1", "基础通用"), ("2", "核算与核查"), ("3", "技术与装备"), ("4", "监测"), ("5", "管理与评价")]
    assert [(s.notation, s.label) for s in guide.subcategories] == [
        ("1.1", "术语定义"), ("1.2", "数据质量"), ("1.3", "标识标志"), ("1.4", "报告声明与信息披露"),
        ("2.1", "温室气体核算"), ("2.2", "温室气体核查"),
        ("3.1", "源头控制"), ("3.2", "生产过程控制"), ("3.3", "末端治理"), ("3.4", "协同降碳"),
        ("4.1", "监测技术"), ("4.2", "监测分析方法"), ("4.3", "监测设备及系统"),
        ("5.1", "低碳评价"), ("5.2", "碳排放管理"), ("5.3", "碳资产管理")]
    assert guide.declared_categories == 5
    # the category text declares how many sub-categories it has; the headings agree
    assert {c.notation: c.declared_count for c in guide.categories} == {"1": 4, "2": None, "3": 4, "4": 3, "5": 3}


def test_descriptions_are_whole_sentences_across_page_breaks(guide):
    data_quality = guide.node("1.2")
    assert "包括数据统计方法、数据质量管理、数据质量评价等标准。" in data_quality.description
    project = guide.node("2.1")
    assert "排放因子等，包括温室气体减排量评估通用要求" in project.description
    assert "“工业互联网+能效管理”" in guide.node("3.4").description
    assert "5G、工业互联网、大数据等新一代信息技术" in guide.node("3.4").description


def test_topics_inside_subcategories(guide):
    def topics(notation):
        return [t.label for t in guide.topics if t.parent == notation]

    assert topics("2.1") == ["组织温室气体排放量核算", "项目温室气体减排量核算", "产品碳足迹核算"]
    assert topics("3.1") == ["原/燃料替代与可再生能源利用", "化石能源清洁低碳利用", "低碳设计"]
    assert topics("5.1") == ["低碳产品评价", "低碳企业评价", "低碳园区评价", "低碳供应链评价"]
    assert topics("2.2")[-1] == "温室气体机构/人员核查资质能力要求"
    assert topics("1.3") == ["温室气体排放量或减排量相关的标识标志", "产品碳标签", "低碳评价相关的标识标志"]
    assert all(topics(s.notation) for s in guide.subcategories)


def test_figure_residue_is_recognised_not_parsed_as_headings(guide):
    residue = [i for i in guide.report.issues if "figure" in i.message]
    assert [i.text for i in residue] == ["1. 基础通用", "2. 核算与核查", "3. 技术与装备"]
    assert [c.figure for c in guide.categories][0] == "图2 基础通用标准子体系框架"


def test_standards_counts(guide):
    assert len(guide.standards) == 150
    assert Counter(s.category for s in guide.standards) == {"1": 4, "2": 85, "3": 21, "4": 14, "5": 26}
    assert Counter(s.status for s in guide.standards) == {"已发布": 34, "修订中": 4, "制定中": 112}
    assert guide.report.ok, [i.format() for i in guide.report.errors]


def test_every_row_is_read_exactly_as_printed(guide, guide_path):
    """Independent of the parser: each record's cells sit verbatim on its source line,
    and its category is the last category heading printed above that line."""
    lines = {ln.number: ln.as_printed for ln in read_lines(guide_path)}
    heading_re = re.compile(r"^\|?\s*([一二三四五]、\S+?标准)\s*\|?")
    for s in guide.standards:
        cells = [c.strip() for c in lines[s.line].strip().strip("|").split("|")]
        assert cells == [s.row_number, s.number, s.title, s.status, s.position], s.line
        above = [heading_re.match(lines[n].strip()) for n in range(s.line, 0, -1)]
        heading = next(m.group(1) for m in above if m)
        assert heading == s.category_heading
        assert guide.node(s.category).label == heading.split("、")[1].removesuffix("标准")
        position = [n for n in guide.subcategories if n.label == s.position]
        assert position and position[0].parent == s.category


def test_row_numbers_restart_per_category(guide):
    for cat in "12345":
        rows = [int(s.row_number) for s in guide.standards if s.category == cat]
        assert rows == list(range(1, len(rows) + 1))


def test_lone_headings_between_table_fragments(guide):
    assert guide.report.recognised["appendix 1: category heading between table fragments"] == 2
    first_monitoring = next(s for s in guide.standards if s.category == "4")
    assert first_monitoring.number == "GB/T 8984-2008" and first_monitoring.category_heading == "四、监测标准"


def test_subscripts_normalised_in_titles(guide):
    titles = {s.number: s.title_normalised for s in guide.standards}
    assert titles["HG/T 4487-2012"] == "合成氨生产企业二氧化碳（CO₂）排放量计算方法"
    assert titles["GB/T 34415-2017"] == "大气二氧化碳（CO₂）光腔衰荡光谱观测系统"  # printed with ASCII ()
    assert titles["YB/T 4890-2021"] == "钢铁企业 O₂-CO₂ 气体混合利用技术规范"
    printed = {s.number: s.title for s in guide.standards}
    assert printed["HG/T 4487-2012"] == "合成氨生产企业二氧化碳（CO ₂ ）排放量计算方法"


def test_series_titles(guide):
    row = next(s for s in guide.standards if s.number == "20220802-T-467")
    assert row.series_title == ("温室气体排放核算与报告要求", "4", "铝冶炼企业")
    row = next(s for s in guide.standards if s.number == "20220803-T-467")
    assert row.series_title[1] == "XX"


# --- an excerpt with every awkward part ----------------------------------------------------

MINI = DATA / "mini-guide.txt"


def test_excerpt_with_page_breaks_lone_headings_repeated_header_and_continuation():
    g = guide2023.parse(MINI, curated())
    assert g.report.ok, [i.format() for i in g.report.errors]
    assert g.title == "示例领域碳达峰碳中和标准体系建设指南（2031版）" and g.edition == "2031"
    assert [(s.notation, s.label) for s in g.subcategories] == [
        ("1.1", "术语定义"), ("1.2", "数据质量"), ("2.1", "温室气体核算"), ("2.2", "温室气体核查")]
    assert "数据质量管理、数据质量评价等标准。" in g.node("1.2").description
    assert [s.number for s in g.standards] == [
        "2021-1715T-SH", "20173624-T-303", "GB/T 32151.1-2015",
        "20220802-T-467", "HG/T 4487-2012", "GB/T 34415-2017", "2021-1783T-JC"]
    assert [s.category for s in g.standards] == ["1", "1", "1", "2", "2", "2", "2"]
    merged = g.standards[5]
    assert merged.title == "大气二氧化碳(CO_2)光腔衰荡光谱观测系统" and len(merged.continuation_lines) == 1
    assert merged.title_normalised == "大气二氧化碳（CO₂）光腔衰荡光谱观测系统"  # punctuation in Chinese text: full-width
    assert g.report.recognised["appendix 1: repeated header row"] == 1
    assert g.report.recognised["appendix 1: category heading between table fragments"] == 1
    assert g.report.recognised["appendix 1: blank header after page break"] == 2
    assert [t.label for t in g.topics if t.parent == "2.1"] == ["组织温室气体排放量核算", "产品碳足迹核算"]


def test_normalised_position_matches_framework(guide):
    labels = {s.label for s in guide.subcategories}
    assert {normalise(s.position) for s in guide.standards} <= labels
