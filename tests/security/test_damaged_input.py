"""Damaged input must be reported: truncated guides, impossible update rows, huge update files."""

from __future__ import annotations

import subprocess
import sys

import pytest
from tanbiao.loaders import guide2023, updates
from tanbiao.loaders.base import curated
from tanbiao.loaders.resources import package_dir
from tanbiao.loaders.text import SourceError

GUIDE = package_dir("sources") / "miit-2023-industrial-carbon-standards-guide-draft.txt"
HEADER = "number,title,status,issued,effective,issuer,replaces,position,source_url,subjects\n"


@pytest.mark.parametrize("fraction", [0.95, 0.9, 0.75, 0.5])
def test_a_truncated_guide_is_reported(tmp_path, fraction):
    text = GUIDE.read_text(encoding="utf-8")
    cut = tmp_path / "cut.txt"
    cut.write_text(text[: int(len(text) * fraction)], encoding="utf-8")
    assert guide2023.parse(GUIDE, curated()).report.ok  # the whole document is clean
    report = guide2023.parse(cut, curated()).report
    assert not report.ok and any("truncated" in e.message for e in report.errors)
    r = subprocess.run([sys.executable, "-m", "tanbiao", "parse", str(cut)], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 1 and "truncated" in r.stdout + r.stderr and "Traceback" not in r.stderr


def test_a_table_cut_mid_row_is_reported_at_its_line(tmp_path):
    lines = GUIDE.read_text(encoding="utf-8").splitlines()
    n = next(i for i, ln in enumerate(lines) if ln.startswith("| 12. |"))  # a row of 附件2
    lines[n] = lines[n][:60]
    damaged = tmp_path / "damaged.txt"
    damaged.write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors = guide2023.parse(damaged, curated()).report.errors
    assert any(e.line == n + 1 and "ends in the middle" in e.message for e in errors), errors


def _rows(tmp_path, *rows: str):
    path = tmp_path / "updates.csv"
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return updates.parse(path, curated())


@pytest.mark.parametrize("row, message", [
    ("GB/T 32151.1-2015,,已发布,2099-13-45,,,,,,", "issued '2099-13-45' is not a date"),
    ("GB/T 32151.1-2015,,已发布,2099-02-30,,,,,,", "issued '2099-02-30' is not a date"),
    ("GB/T 32151.1-2015,,已发布,,2023-02-29,,,,,", "effective '2023-02-29' is not a date"),
    ("GB/T 32151.1-2015,,已发布,2024-05-01,2024-04-01,,,,,", "effective 2024-04-01 is before issued 2024-05-01"),
    ("GB/T 32151.1-2015,标准\x00名称,已发布,,,,,,,", "title contains the control character U+0000"),
    ("GB/T 32151.1-2015,,已发布,,,发布\x1b方,,,,", "issuer contains the control character U+001B"),
])
def test_impossible_update_rows_are_reported_with_their_line(tmp_path, row, message):
    parsed = _rows(tmp_path, "GB/T 24067-2024,,已发布,2024-03-15,2024-10-01,,,,,", row)
    assert [r.line for r in parsed.rows] == [2]
    assert [(e.line, message in e.message) for e in parsed.report.errors] == [(3, True)], parsed.report.errors


def test_duplicated_and_conflicting_rows_name_both_lines(tmp_path):
    parsed = _rows(tmp_path,
                   "GB/T 24067-2024,,已发布,2024-03-15,,,,,,",
                   "GB/T 24067-2024,,已发布,2024-03-15,,,,,,",
                   "GB/T 24067-2024,,制定中,2024-03-15,,,,,,",
                   "GB/T 24067-2024,,已发布,2025-01-01,,,,,,")  # a later record: history, not a conflict
    assert [r.line for r in parsed.rows] == [2, 5]
    msgs = {e.line: e.message for e in parsed.report.errors}
    assert "duplicates line 2" in msgs[3] and "conflicts with line 2" in msgs[4]


def test_formula_like_cells_are_data(tmp_path):
    parsed = _rows(tmp_path, "GB/T 24067-2024,=HYPERLINK(\"x\"),已发布,,,@SUM(1),,,,")
    assert parsed.report.ok and parsed.rows[0].title == '=HYPERLINK("x")' and parsed.rows[0].issuer == "@SUM(1)"


def test_a_huge_update_file_is_refused_quickly_in_bounded_memory(tmp_path):
    """50 MB of rows: streamed, stopped at the record limit (no timing asserted; the peak memory is)."""
    path = tmp_path / "huge.csv"
    row = "GB/T 24067-2024,产品碳足迹 量化要求和指南" + "很长" * 40 + ",已发布,2024-03-15,,,,,,\n"
    with open(path, "w", encoding="utf-8") as f:
        f.write(HEADER)
        for _ in range(50_000_000 // len(row.encode())):
            f.write(row)
    # the peak of this process's own memory (VmHWM): ru_maxrss would carry over the forking pytest's own peak
    code = ("import re, sys; from tanbiao.loaders import updates\n"
            "try:\n    updates.parse(sys.argv[1])\nexcept Exception as e:\n    print(type(e).__name__, e)\n"
            "print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))")
    r = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=300)
    kind, *_, peak = r.stdout.split()
    assert kind == "SourceError" and f"at most {updates.MAX_RECORDS} records" in r.stdout
    assert int(peak) < 400_000  # KiB: the file is 50 MB, the parse never holds it
    with pytest.raises(SourceError, match="at most"):
        updates.parse(path, curated())
