"""Exports people open in Excel: flat CSV (plain and with a BOM), formatted XLSX read back with openpyxl, text
tables, spreadsheet formulas neutralised; filters that behave the same everywhere."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from tanbiao.services.rows import write_rows

HOSTILE = ["=HYPERLINK(\"http://example.invalid\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "tanbiao", *args], capture_output=True, timeout=300)


def _csv(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_columns_are_flat(api):
    rows = _csv(api.get("/api/standards", params={"format": "csv"}).content)
    assert len(rows) == 150
    first = rows[0]
    assert first["position.notation"] == "1.1" and first["position.label"] == "术语定义"
    assert first["source.line"] and "position" not in first
    for r in rows:
        assert not any(v.startswith(("{", "[")) for v in r.values()), r  # no JSON inside a cell
    gb = next(r for r in rows if r["number"] == "GB/T 32151.1-2015")
    assert "GB/T 32151.1-2015" in gb["identifiers"].split("; ")


def test_gap_csv_carries_index_iri_and_codes(api):
    rows = _csv(api.get("/api/gaps", params={"format": "csv", "direction": "2.1"}).content)
    plate = next(r for r in rows if r["item"] == "钢板及钢带")
    assert plate["index"] and plate["iri"].startswith("https://w3id.org/tanbiao/item/2.1-")
    assert "C31" in plate["industry_codes"].split("; ") and plate["direction_label"] == "温室气体核算"
    assert plate["standards.number"].split("; ")[0] == "2021-1739T-YB"
    assert len(plate["standards.number"].split("; ")) == len(plate["standards.match"].split("; "))
    assert plate["explanation.zh"].startswith("部分覆盖") and plate["explanation.en"].startswith("Partial")
    assert not any(v.startswith(("{", "[")) for r in rows for v in r.values())


@pytest.mark.parametrize("path", ["/api/gaps", "/api/standards"])
def test_csv_for_excel_has_a_bom(api, path):
    plain = api.get(path, params={"format": "csv"}).content
    excel = api.get(path, params={"format": "csv-bom"})
    assert not plain.startswith(b"\xef\xbb\xbf")
    assert excel.content.startswith(b"\xef\xbb\xbf") and excel.headers["content-type"].startswith("text/csv")
    assert "attachment" in excel.headers["content-disposition"]
    assert _csv(excel.content) == _csv(plain)


def test_cli_csv_bom_and_table(built):
    out = _cli("standards", "-f", "csv-bom", "-b", str(built.out)).stdout
    assert out.startswith(b"\xef\xbb\xbf") and len(_csv(out)) == 150
    table = _cli("items", "-f", "table", "-d", "2024", "-b", str(built.out)).stdout.decode()
    assert "direction" in table and "条目" in table and "水泥" in table
    assert "None" not in table and "{" not in table
    query = _cli("query", "SELECT ?x WHERE { VALUES ?x { 1 } OPTIONAL { ?x ?p ?o } } ", "-b", str(built.out))
    assert "None" not in query.stdout.decode()


def test_formulas_are_neutralised_in_csv():
    rows = [{"title": t, "n": 1} for t in HOSTILE]
    for fmt in ("csv", "csv-bom"):
        back = _csv(write_rows(rows, fmt))
        assert [r["title"] for r in back] == ["'" + t for t in HOSTILE]
        assert back[0]["n"] == "1"


def test_formulas_stay_text_in_xlsx():
    rows = [{"title": t} for t in HOSTILE]
    ws = load_workbook(io.BytesIO(write_rows(rows, "xlsx"))).active
    cells = [ws.cell(i, 1) for i in range(2, len(HOSTILE) + 2)]
    assert [c.value for c in cells] == [t.replace("\r", "\n") for t in HOSTILE]  # XML reads a CR as LF
    assert {c.data_type for c in cells} == {"s"}  # a string, not a formula ("f")
    assert all(c.quotePrefix for c in cells)


@pytest.fixture(scope="module")
def gap_workbook(api):
    r = api.get("/api/gaps", params={"format": "xlsx"})
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert r.headers["content-disposition"].startswith("attachment") and 'filename="gaps.xlsx"' in \
        r.headers["content-disposition"]
    return load_workbook(io.BytesIO(r.content))


def test_xlsx_items_sheet_is_formatted(gap_workbook):
    ws = gap_workbook["items 条目"]
    header = [c.value for c in ws[1]]
    assert header[0] == "重点方向\ndirection" and header[1] == "方向名称\ndirection_label"  # bilingual, name by code
    col = {h.split("\n")[-1]: i + 1 for i, h in enumerate(header)}
    assert col["aspect_node.label"] == col["aspect_node.notation"] + 1
    assert all(c.font.bold for c in ws[1]) and ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == ws.dimensions and ws.max_row == 281
    letter = ws.cell(1, col["explanation.zh"]).column_letter
    assert ws.column_dimensions[letter].width >= 40  # widths from the content
    long_cell = next(ws.cell(r, col["explanation.zh"]) for r in range(2, 50) if len(ws.cell(r, col["explanation.zh"]).value) > 40)
    assert long_cell.alignment.wrap_text
    iri = ws.cell(2, col["iri"])
    assert iri.hyperlink is not None and iri.hyperlink.target == iri.value
    coverage = ws.cell(2, col["coverage"])
    assert coverage.fill.fgColor.rgb.endswith({"covered": "C6EFCE", "partial": "FFEB9C", "gap": "FFC7CE"}[coverage.value])


def test_xlsx_summary_and_targets_sheets(gap_workbook):
    assert gap_workbook.sheetnames == ["items 条目", "summary 汇总", "targets 目标"]
    ws = gap_workbook["summary 汇总"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("重点方向\ndirection", "方向名称\ndirection_label", "已覆盖\ncovered")
    assert rows[[r[0] for r in rows].index("2.1")][:2] == ("2.1", "温室气体核算")
    total = rows[-1]
    assert total[0] == "合计 total" and total[-1] == 280 and all(c.font.bold for c in ws[ws.max_row])
    assert ws.freeze_panes == "A2" and all(c.font.bold for c in ws[1])
    targets = gap_workbook["targets 目标"]
    head = [c.value.split("\n")[-1] for c in targets[1]]
    rows = [dict(zip(head, r, strict=True)) for r in targets.iter_rows(min_row=2, values_only=True)]
    by_year = {(r["year"], r["count"]): r for r in rows}
    t = by_year[(2027, 200)]
    assert t["wording"] == "制定出台 200 项重点工业产品碳足迹核算规则标准"
    assert by_year[(2025, 200)]["comparator_label.zh"] == "以上" and by_year[(2025, 200)]["comparator_label.en"] == "at least"
    assert by_year[(2027, 100)]["comparator_label.zh"] == "左右"
    assert "产品碳足迹核算" in t["progress_label.zh"] and "4 of them published" in t["progress_label.en"]
    assert targets.cell(2, head.index("progress") + 1).number_format == "0.0%"


def test_cli_xlsx_needs_a_file_and_writes_one(built, tmp_path):
    r = _cli("standards", "-f", "xlsx", "-b", str(built.out))
    assert r.returncode == 2 and b"--output" in r.stderr
    out = tmp_path / "standards.xlsx"
    assert _cli("standards", "-f", "xlsx", "-o", str(out), "-b", str(built.out)).returncode == 0
    ws = load_workbook(out).active
    assert ws.title == "standards 标准" and ws.max_row == 151 and ws.cell(1, 1).value == "编号\nnumber"


# --- filters behave the same everywhere -------------------------------------------------------------------


def test_repeated_values_mean_either(api):
    one = api.get("/api/gaps", params={"direction": "2.1"}).json()
    two = api.get("/api/gaps", params=[("direction", "2.1"), ("direction", "2.2")]).json()
    other = api.get("/api/gaps", params={"direction": "2.2"}).json()
    assert len(two) == len(one) + len(other) and {r["direction"] for r in two} == {"2.1", "2.2"}
    std = api.get("/api/standards", params=[("status", "已发布"), ("status", "修订中")]).json()
    assert len(std) == 34 + 4


@pytest.mark.parametrize("code", ["C3011", "2394", "23.51", "C30"])
def test_help_examples_of_code_work(api, code):
    rows = api.get("/api/gaps", params={"code": code}).json()
    assert rows, code
    assert any(r["item"] == "水泥" for r in rows)
    assert all(r["industry_concept"] and r["industry_concept"]["zh"] == "建材" or "C30" in r["industry_codes"]
               for r in rows)


def test_unknown_code_and_section_letter(api):
    r = api.get("/api/gaps", params={"code": "C9999"})
    assert r.status_code == 400 and "allowed" in r.json()["detail"]


def test_industries_filter_by_concept(api):
    a = api.get("/api/gaps", params={"industry": "有色"}).json()
    b = api.get("/api/gaps", params={"industry": "有色金属"}).json()
    c = api.get("/api/gaps", params={"industry": "nonferrous-metals"}).json()
    # 15 in 2.1, 3 in 5.1, and 2.2 and 5.3 per kind of standard (有色：… × 3 and × 2)
    assert len(a) == len(b) == len(c) == 23 and {r["industry"] for r in a} == {"有色", "有色金属"}


def test_standards_filters(api):
    rows = api.get("/api/standards", params={"status": "Published", "position": "2.1"}).json()
    assert rows and {(r["status"], r["position"]["notation"]) for r in rows} == {("已发布", "2.1")}
    assert api.get("/api/standards", params={"position": "温室气体核算"}).json() == \
        api.get("/api/standards", params={"position": "2.1"}).json()
    assert {r["level"] for r in api.get("/api/standards", params={"level": "national"}).json()} == {"national"}
    for params, allowed in (({"status": "done"}, "已发布"), ({"position": "9.9"}, "2.1"), ({"level": "x"}, "national"),
                            ({"colour": "red"}, "filters are")):
        r = api.get("/api/standards", params=params)
        assert r.status_code == 400 and allowed in r.json()["detail"], (params, r.text)


def test_cli_repeated_filters(built):
    r = _cli("gaps", "--direction", "2.1", "--direction", "2.2", "--code", "C3011", "-f", "csv", "-b", str(built.out))
    rows = _csv(r.stdout)
    assert r.returncode == 0 and rows and {x["direction"] for x in rows} <= {"2.1", "2.2"}
