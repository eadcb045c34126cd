"""The command line: --help everywhere, standards listing, SPARQL queries, clear errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
import typer

from tanbiao.cli import app

COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def _cli(*args, check=True):
    r = subprocess.run([sys.executable, "-m", "tanbiao", *args], capture_output=True, text=True, timeout=300)
    if check:
        assert r.returncode == 0, r.stderr
    return r


def test_top_level_help_lists_commands():
    out = _cli("--help").stdout
    for name in ("build", "parse", "standards", "query", "summary"):
        assert name in out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_subcommand_has_help(command):
    r = _cli(command, "--help")
    assert "Usage:" in r.stdout and len(r.stdout.splitlines()) > 3


def test_standards_json(built):
    rows = json.loads(_cli("standards", "--format", "json", "--build-dir", str(built.out)).stdout)
    assert len(rows) == 150
    first = rows[0]
    assert first["number"] == "2021-1715T-SH" and first["title"] == "石化行业碳排放管理术语及定义"
    assert first["status"] == "制定中" and first["category"] == "基础通用"
    assert first["position"] == {"notation": "1.1", "label": "术语定义"}
    by_number = {r["number"]: r for r in rows}
    assert by_number["HG/T 4487-2012"]["title"] == "合成氨生产企业二氧化碳（CO ₂ ）排放量计算方法"
    assert by_number["GB/T 8984-2008"]["position"] == {"notation": "4.2", "label": "监测分析方法"}


def test_standards_csv(built):
    text = _cli("standards", "-f", "csv", "-b", str(built.out)).stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 150 and {"number", "title", "status", "category", "position.notation"} <= set(rows[0])
    assert (rows[0]["position.notation"], rows[0]["position.label"]) == ("1.1", "术语定义")


def test_query_command(built):
    q = ("PREFIX tb: <https://w3id.org/tanbiao/def#> "
         "SELECT (COUNT(?s) AS ?n) WHERE { ?s a tb:Standard }")
    out = json.loads(_cli("query", q, "-f", "json", "-b", str(built.out)).stdout)
    assert out == [{"n": 150}]


def test_query_syntax_error_is_a_clear_error(built):
    r = _cli("query", "SELEKT nothing", "-b", str(built.out), check=False)
    assert r.returncode == 2 and r.stderr.startswith("error: SPARQL syntax error") and "Traceback" not in r.stderr


def test_commands_without_a_build_say_so(tmp_path):
    r = _cli("standards", "-b", str(tmp_path / "none"), check=False)
    assert r.returncode == 1 and "run `tanbiao build` first" in r.stderr


def test_bad_format_is_rejected(built):
    r = _cli("standards", "-f", "xml", "-b", str(built.out), check=False)
    assert r.returncode == 2 and "xml" in r.stderr


def test_directions_json(built):
    rows = json.loads(_cli("directions", "-f", "json", "-b", str(built.out)).stdout)
    assert [r["direction"] for r in rows][:5] == ["1.1", "1.2", "1.3", "1.4", "2.1"]
    assert len(rows) == 15 and rows[-1]["direction"] == "2024"
    d21 = next(r for r in rows if r["direction"] == "2.1")
    assert d21["subcategory"] == "温室气体核算" and d21["printed_row"] == "5." and d21["items"] == 107
    assert d21["text"].count("\n") == 2


def test_items_json_and_csv(built):
    rows = json.loads(_cli("items", "-f", "json", "-d", "2.1", "-b", str(built.out)).stdout)
    plate = next(r for r in rows if r["item"] == "钢板及钢带")
    assert plate["direction"] == "2.1" and plate["aspect"] == "产品碳足迹核算" and plate["industry"] == "钢铁"
    assert plate["subject"]["iri"].endswith("/concept/steel-plate-and-strip") and plate["subject"]["en"]
    assert plate["source"]["document"] == "miit-2023-guide-draft" and "钢板及钢带" in plate["source"]["quote"]
    text = _cli("items", "-f", "csv", "-b", str(built.out)).stdout
    table = list(csv.DictReader(io.StringIO(text)))
    assert len(table) == 261 + 19  # 2.2 and 5.3 are itemised per industry × kind of standard
    assert {"direction", "aspect", "industry", "item", "subject.zh", "source.line"} <= set(table[0])


def test_items_unknown_direction_lists_the_known_ones(built):
    r = _cli("items", "-d", "9.9", "-b", str(built.out), check=False)
    assert r.returncode == 2 and "known: 1.1, 1.2" in r.stderr


@pytest.mark.parametrize("args", [["gaps", "--nope"], ["query", "x", "-f", "turtle"]])
def test_usage_errors_are_one_line_too(args):
    """An unknown option or a bad choice is one `error:` line on stderr with the way to help (README), exit 2."""
    r = subprocess.run([sys.executable, "-m", "tanbiao", *args], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "--help" in lines[0], r.stderr
