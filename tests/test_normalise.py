"""Normalisation before the rules, canonical numbers, and the table reader's edge cases.

The tables below are SYNTHETIC (typed here to pin one layout rule each: two-row headers, merged cells, total
rows); the real layouts are tested on real excerpts in test_documents.py."""

from __future__ import annotations

import pytest
from tanbiao.loaders.normalise import is_watermark, normalise_line, strip_pinyin
from tanbiao.loaders.numbers import canonical_number
from tanbiao.loaders.tables import Column, read_grid
from tanbiao.loaders.text import ParseReport, normalise_lines, skipped_lines


@pytest.mark.parametrize(("printed", "expected"), [
    ("關(guān)于印發(fā)工業(yè)領(lǐng)域", "关于印发工业领域"),  # pinyin debris, then t2s
    ("碳達峰碳中(zhōng)和标準體(tǐ)系", "碳达峰碳中和标准体系"),
    ("工信廳節函﹝2024﹞411號", "工信厅节函〔2024〕411号"),
    ("商辦流通函[2012]1038號", "商办流通函〔2012〕1038号"),
    ("发文机关:工业和信息化部", "发文机关：工业和信息化部"),
    ("有關行業協會(聯合會)、標準化", "有关行业协会（联合会）、标准化"),
    ("ＧＢ／Ｔ　２４０６７", "GB/T　24067"),
    ("GB/T 24067 (ISO 14067)", "GB/T 24067 (ISO 14067)"),  # no Chinese around: left alone
    ("中(zhōng) CO(2)", "中 CO(2)"),  # a pinyin needs a tone mark: (2) stays
])
def test_normalise_line(printed, expected):
    assert normalise_line(printed) == expected


def test_simplified_text_passes_through():
    text = "为充分发挥标准在推进工业领域碳达峰碳中和工作中的支撑和引领作用，显著"
    assert normalise_line(text) == text


def test_watermark_comment_and_blank_lines_are_skipped_and_reported():
    lines = normalise_lines(["# copied from a web page", "", "本/文-內(nèi)/容/來/自:中-國-碳-排-放-網(wǎng)", " ",
                             "# not leading, kept", "附件"])
    assert [ln.text for ln in lines] == ["", "", "", " ", "# not leading, kept", "附件"]
    assert lines[0].as_printed == "# copied from a web page"
    rep = ParseReport("x")
    skipped_lines(lines, rep)
    assert [(i.line, i.message.split(",")[0]) for i in rep.issues] == [(1, "comment line"), (3, "watermark line")]
    assert not is_watermark("温室气体-产品碳足迹")
    assert strip_pinyin("標(biāo)準(zhǔn)") == "標準"


@pytest.mark.parametrize(("printed", "canonical"), [
    ("T-CECRPA 010-2024", "T/CECRPA 010-2024"), ("GB／T 32151.8—2023", "GB/T 32151.8-2023"),
    ("GB/T32151.1-2015", "GB/T 32151.1-2015"), ("GB/T  32151.1 – 2015", "GB/T 32151.1-2015"),
    ("20220807—T—467", "20220807-T-467"), ("2021-1715T-SH", "2021-1715T-SH"), ("HG/T 4487-2012", "HG/T 4487-2012"),
])
def test_canonical_numbers(printed, canonical):
    assert canonical_number(printed) == canonical


COLUMNS = [Column("row", ("序号",), "row"), Column("group", ("类别",), carry=True),
           Column("number", ("标准编号",), "number"), Column("title", ("标准名称",)),
           Column("issued", ("发布日期", "日期发布"), "date"), Column("effective", ("实施日期", "日期实施"), "date")]


def _grid(text: str, required=None):
    rep = ParseReport("synthetic")
    return read_grid(normalise_lines(text.splitlines()), COLUMNS, rep, "t", required=required), rep


def test_two_row_header_merged_cells_and_total_row():
    grid, rep = _grid("""| 序号 | 类别 | 标准 | | 日期 | |
| | | 编号 | 名称 | 发布 | 实施 |
|---|---|---|---|---|---|
| 1 | 钢铁 | GB/T 1-2024 | 甲 | 2024-01-01 | 2024-07-01 |
| 2 | | GB/T 2-2024 | 乙 | 2024-01-01 | 2024-07-01 |
| 合计 | 2 | | | | |""")
    assert grid.layout == "pipes" and rep.recognised["t: two-row header"] == 1
    assert [(r.cells["group"], r.cells["number"], r.cells["title"]) for r in grid.rows] == [
        ("钢铁", "GB/T 1-2024", "甲"), ("钢铁", "GB/T 2-2024", "乙")]
    assert grid.totals == [(6, "2")] and rep.recognised["t: total row agrees with the rows read"] == 1


def test_total_row_that_disagrees_is_a_warning():
    grid, rep = _grid("序号 类别 标准编号 标准名称\n1 钢铁 GB/T 1-2024 甲 乙\n合计 3", required={"row", "number", "title"})
    assert grid.layout == "whitespace" and grid.rows[0].cells["title"] == "甲 乙"
    assert [i.message for i in rep.issues] == ["t: the total row says 3, 1 rows were read"]


def test_whitespace_rows_with_a_merged_group_cell():
    grid, _ = _grid("序号 类别 标准名称 标准编号\n1 钢铁  甲 乙 GB/T 1-2024\n2 丙 GB/T 2-2024",
                    required={"row", "number", "title"})
    assert [(r.cells["group"], r.cells["title"]) for r in grid.rows] == [("钢铁", "甲 乙"), ("钢铁", "丙")]
