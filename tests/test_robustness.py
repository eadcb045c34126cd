"""Damaged input: clear errors naming the line, never a traceback, never silently lost rows."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import DATA
from tanbiao.loaders import guide2023
from tanbiao.loaders.base import curated
from tanbiao.loaders.text import SourceError

MINI = (DATA / "mini-guide.txt").read_text(encoding="utf-8")
ROW = "| 2 | HG/T 4487-2012 | 合成氨生产企业二氧化碳（CO ₂ ）排放量计算方法 | 已发布 | 温室气体核算 |"


def _write(tmp_path, text: str, name: str = "damaged.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "tanbiao", *args], capture_output=True, text=True, timeout=120)


def test_missing_cell_is_reported_with_its_line(tmp_path):
    text = MINI.replace(ROW, "| 2 | HG/T 4487-2012 | 合成氨生产企业二氧化碳排放量计算方法 | 已发布 |")
    g = guide2023.parse(_write(tmp_path, text), curated())
    errors = g.report.errors
    assert len(errors) == 1
    assert errors[0].line == _line_of(text, "HG/T 4487-2012") and "missing position" in errors[0].message
    assert "HG/T 4487-2012" not in [s.number for s in g.standards]
    assert len(g.standards) == 6  # the other rows are all kept


def test_duplicated_header_rows_are_skipped(tmp_path):
    header = "| 序号 | 标准编号 | 标准名称 | 状态 | 体系位置 |"
    text = MINI.replace(header, header + "\n" + header, 1)
    g = guide2023.parse(_write(tmp_path, text), curated())
    assert g.report.ok and len(g.standards) == 7
    assert g.report.recognised["appendix 1: repeated header row"] == 2


def test_truncated_file_mid_row(tmp_path):
    cut = MINI.index("| 3 | GB/T 34415-2017") + len("| 3 | GB/T 34415-2017 | 大气二氧化碳")
    text = MINI[:cut]
    g = guide2023.parse(_write(tmp_path, text), curated())
    assert {e.line for e in g.report.errors} == {len(text.splitlines())}
    assert "cells" in g.report.errors[0].message
    assert any("no priority directions" in e.message for e in g.report.errors)  # the cut lost 附件2 as well
    assert len(g.standards) == 5


def test_truncated_before_the_standards_list(tmp_path):
    text = MINI[: MINI.index("附件 1")]
    g = guide2023.parse(_write(tmp_path, text), curated())
    assert any("no standards list" in e.message for e in g.report.errors)


@pytest.mark.parametrize("old, new, message", [
    ("| 已发布 | 温室气体核算 |", "| 已作废了 | 温室气体核算 |", "状态 '已作废了' is not a known status"),
    ("HG/T 4487-2012", "HG/T 4487/2012", "is neither a published number"),
    ("| 已发布 | 温室气体核算 |", "| 已发布 | 碳足迹 |", "体系位置 '碳足迹' is not a sub-category"),
    ("| 2 | HG/T", "| 二 | HG/T", "序号 '二' is not a row number"),
    ("| 2 | HG/T 4487-2012 |", "| 2 | XX/T 4487-2012 |", "code 'XX'"),
])
def test_bad_cells_are_named(tmp_path, old, new, message):
    text = MINI.replace(old, new, 1)
    g = guide2023.parse(_write(tmp_path, text), curated())
    assert len(g.report.errors) == 1, g.report.errors
    assert message in g.report.errors[0].message
    assert g.report.errors[0].line == _line_of(text, new)


def test_missing_subcategory_heading_is_an_error(tmp_path):
    text = MINI.replace("(2) 数据质量标准", "数据质量标准说明")
    g = guide2023.parse(_write(tmp_path, text), curated())
    assert any("declares 2 sub-categories but 1" in e.message for e in g.report.errors)


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (b"\x00\x01\x02binary", "binary"),
    ("第一行\n".encode() + b"\xff\xfe bad", ":2: not valid UTF-8"),
    ("这是一份普通的通知，没有框架也没有标准清单。\n".encode(), "not a standards-system guide"),
])
def test_unreadable_or_foreign_files(tmp_path, content, message):
    path = tmp_path / "x.txt"
    path.write_bytes(content)
    with pytest.raises(SourceError) as exc:
        guide2023.parse(path, curated())
    assert message in str(exc.value)


def test_cli_parse_reports_problems_without_traceback(tmp_path):
    text = MINI.replace(ROW, "| 2 | HG/T 4487-2012 | 合成氨 |")
    path = _write(tmp_path, text)
    r = _cli("parse", str(path))
    assert r.returncode == 1
    assert "Traceback" not in r.stderr + r.stdout
    assert f"{path}:{_line_of(text, 'HG/T 4487-2012')}: error: row has 3 cells" in r.stdout


@pytest.mark.parametrize("content", [b"", b"\x00binary", "随便的一段文字。\n".encode()])
def test_cli_parse_unreadable_files(tmp_path, content):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    r = _cli("parse", str(path))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.startswith("error: ")


def test_cli_parse_missing_file(tmp_path):
    r = _cli("parse", str(tmp_path / "nope.txt"))
    assert r.returncode != 0 and "Traceback" not in r.stderr and "no such file" in r.stderr


def test_cli_parse_real_document_is_clean(guide_path):
    r = _cli("parse", str(guide_path))
    assert r.returncode == 0, r.stdout
    assert "standards: 150" in r.stdout and "could not parse: 0" in r.stdout
