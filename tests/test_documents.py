"""Document kinds on real excerpts (tests/data/documents/, each with its .source.md), detection, the parse JSON
contract, traditional script, and mangled input (never a traceback)."""

from __future__ import annotations

import json
import random
import subprocess
import sys

import pytest
from conftest import DATA, GUIDE_2023
from tanbiao.loaders import base, guide2023, guide2024
from tanbiao.loaders.normalise import to_traditional
from tanbiao.loaders.resources import package_dir
from tanbiao.loaders.text import SourceError

DOCS = DATA / "documents"
GUIDE_2024 = package_dir("sources") / "miit-2024-product-carbon-footprint-rules-guide.txt"
EXCERPTS = sorted(DOCS.glob("*.txt"))

# every real excerpt and the kind it is (the loader detection must pick)
KINDS = {
    "miit-2024-industrial-carbon-standards-guide-final-notice.txt": "guide2023",
    "miit-2024-industrial-carbon-standards-guide-final-notice-zh-hant.txt": "guide2023",
    "sac-2023-carbon-peak-neutrality-standards-guide.txt": "guide2023",
    "sac-2023-carbon-peak-neutrality-standards-guide-zh-hant.txt": "guide2023",
    "miit-2024-pcf-rules-drafting-guide-411-zh-hant.txt": "guide2024",
    "miit-2024-pcf-rules-research-topics-notice-347-zh-hant.txt": "notice",
    "samr-2024-pcf-label-pilot-list-notice.txt": "notice",
    "mot-2022-standardisation-plan-batch2-notice.txt": "notice",
    "mofcom-2012-standards-process-notice-zh-hant.txt": "notice",
    "miit-2026-pcf-group-standards-recommended-list-batch3-zh-hant.txt": "standards_list",
    "samr-2025-pcf-label-pilot-certification-catalogue-batch1-zh-hant.txt": "standards_list",
    "standard-records-ghg-accounting-excerpts.txt": "announcement",
}


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "tanbiao", *args], capture_output=True, text=True, timeout=120)


def _json(path, loader=None):
    name, module, record = base.parse_file(path, loader)
    return name, base.as_json(path, module, record)


def test_every_excerpt_has_its_source_note_and_a_kind():
    assert {p.name for p in EXCERPTS} == set(KINDS)
    for p in EXCERPTS:
        assert p.with_suffix(".source.md").is_file(), p.name


@pytest.mark.parametrize("name", sorted(KINDS))
def test_detection_picks_the_kind(name):
    assert base.detect(DOCS / name)[0] == KINDS[name]


def test_the_projects_2024_source_parses_without_a_loader_option():
    r = _cli("parse", str(GUIDE_2024), "-f", "json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["kind"] == guide2024.KIND and out["metadata"]["发文字号"] == "工信厅节函〔2024〕411号"
    assert set(out) == {"path", "kind", "metadata", "records", "targets", "recognised", "issues"}


def test_json_contract_on_a_recommended_list():
    name, out = _json(DOCS / "miit-2026-pcf-group-standards-recommended-list-batch3-zh-hant.txt")
    assert out["metadata"] == {"发文字号": "工信部联节函〔2026〕32号", "成文日期": "2026-01-26",
                               "发文机关": "工业和信息化部、生态环境部、国家发展改革委、市场监管总局",
                               "标题": "工业和信息化部等四部门关于公布工业产品碳足迹核算规则团体标准推荐清单（第三批）的通告"}
    assert out["records"][0] == {"number": "T/CPCIF 0391-2024", "title": "温室气体 产品碳足迹量化方法与要求 轮胎",
                                 "line": 28}
    assert [r["number"] for r in out["records"]] == ["T/CPCIF 0391-2024", "T/CPCIF 0468-2025", "T/CPCIF 0466-2025",
                                                     "T/CPCIF 0467-2025", "T/CSPCI 70021-2025"]
    assert out["records"][4]["title"].endswith("己二酸己二胺盐")  # simplified from 鹽
    by_line = {i["line"]: i for i in out["issues"]}
    assert by_line[22]["severity"] == "info" and "watermark" in by_line[22]["message"]  # the site watermark
    assert by_line[33]["severity"] == "error" and "6 溫室氣體" in by_line[33]["text"]  # row 6, cut off
    assert any("declares 73 entries, 5 rows" in i["message"] for i in out["issues"])


def test_pilot_catalogue_one_cell_per_line_with_merged_cells():
    _, out = _json(DOCS / "samr-2025-pcf-label-pilot-certification-catalogue-batch1-zh-hant.txt")
    recs = out["records"]
    assert len(recs) == 17 and "number" not in recs[0]  # catalogue products, not standards
    assert [(r["group"], r["title"]) for r in recs[:4]] == [
        ("锂电池", "消费型锂离子电池"), ("锂电池", "小动力型锂离子电池"), ("锂电池", "大动力型锂离子电池"),
        ("锂电池", "储能型锂离子电池")]
    assert (recs[7]["group"], recs[7]["title"]) == ("钢铁（含粗钢）", "铁合金")
    assert out["recognised"]["list: merged cell carried from the row above"] == 5


def test_standard_records_number_title_replaces_dates():
    _, out = _json(DOCS / "standard-records-ghg-accounting-excerpts.txt")
    by = {}
    for r in out["records"]:
        by.setdefault(r["number"], r)
    nine = by["GB/T 32151.9-2023"]  # cover with the dot lost: GB/T321519—2023, 第9部分
    assert (nine["title"], nine["replaces"], nine["issued"], nine["effective"]) == (
        "碳排放核算与报告要求 第9部分：陶瓷生产企业", "GB/T 32151.9-2015", "2023-12-28", "2024-07-01")
    assert by["GB/T 32151.7-2015"]["status"] == "已废止"
    assert by["GB/T 24067-2024"]["title"] == "温室气体 产品碳足迹 量化要求和指南"
    assert by["GB/T 32151.33-2025"]["effective"] == "2026-05-01"
    assert all(r["source_url"].startswith("http") for r in out["records"])


def test_final_guide_notice_is_a_partly_recognised_guide():
    name, out = _json(DOCS / "miit-2024-industrial-carbon-standards-guide-final-notice.txt")
    assert name == "guide2023"
    assert out["metadata"]["发文字号"] == "工信厅科〔2024〕7号" and out["metadata"]["成文日期"] == "2024-02-04"
    assert out["metadata"]["标题"] == "关于印发工业领域碳达峰碳中和标准体系建设指南的通知"
    assert any("no framework section" in i["message"] for i in out["issues"])
    hant = _json(DOCS / "miit-2024-industrial-carbon-standards-guide-final-notice-zh-hant.txt")[1]
    assert hant["metadata"]["发文字号"] == "工信厅科〔2024〕7号"


def test_national_guide_declares_its_levels():
    name, module, record = base.parse_file(DOCS / "sac-2023-carbon-peak-neutrality-standards-guide.txt")
    assert record.declared_levels == (4, 15, 63)


def test_notices_metadata_blocks_and_number_lines():
    meta = _json(DOCS / "miit-2024-pcf-rules-research-topics-notice-347-zh-hant.txt")[1]["metadata"]
    assert meta["发文字号"] == "工信厅联节函〔2024〕347号" and meta["发布日期"] == "2024-09-14"
    assert meta["分类"] == "节能与综合利用"  # "分 類" with a space, traditional
    meta = _json(DOCS / "mofcom-2012-standards-process-notice-zh-hant.txt")[1]["metadata"]
    assert meta["发文字号"] == "商办流通函〔2012〕1038号"  # [2012] and 號
    assert meta["发布日期"] == "2012-10-10" and meta["发文机关"] == "商务部办公厅"
    meta = _json(DOCS / "samr-2024-pcf-label-pilot-list-notice.txt")[1]["metadata"]
    assert meta["发文字号"] == "国市监认证发〔2024〕124号"  # the whole notice on one line
    meta = _json(DOCS / "mot-2022-standardisation-plan-batch2-notice.txt")[1]["metadata"]
    assert (meta["发文字号"], meta["成文日期"], meta["发文机关"]) == ("交科技函〔2022〕645号", "2022-11-15", "交通运输部")


def test_traditional_411_excerpt_agrees_with_the_seed():
    seed = _json(GUIDE_2024)[1]
    hant = _json(DOCS / "miit-2024-pcf-rules-drafting-guide-411-zh-hant.txt")[1]
    for label in ("发文字号", "成文日期", "发文机关", "标题"):
        assert hant["metadata"][label] == seed["metadata"][label], label
    assert hant["targets"][0] == {**seed["targets"][0], "line": hant["targets"][0]["line"]}


@pytest.mark.parametrize("seed", [GUIDE_2023, GUIDE_2024], ids=["guide2023", "guide2024"])
def test_traditional_copy_of_a_seed_yields_the_same(seed, tmp_path):
    """The copy is made here with OpenCC s2t from data/sources/ (not a real re-post)."""
    copy = tmp_path / seed.name
    copy.write_text(to_traditional(seed.read_text(encoding="utf-8")), encoding="utf-8")
    assert copy.read_text(encoding="utf-8") != seed.read_text(encoding="utf-8")
    (n1, a), (n2, b) = _json(seed), _json(copy)
    assert n1 == n2
    assert a["metadata"] == b["metadata"] and a["records"] == b["records"] and a["targets"] == b["targets"]
    assert a["recognised"] == b["recognised"]


def test_unknown_kind_is_refused_saying_what_was_looked_for(tmp_path):
    path = tmp_path / "poem.txt"
    path.write_text("床前明月光，疑是地上霜。\n举头望明月，低头思故乡。\n", encoding="utf-8")
    r = _cli("parse", str(path))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    for kind in ("standards-system guide", "government notice", "list of standards", "announcement"):
        assert kind in r.stderr


def test_a_loader_override_on_the_wrong_kind_is_refused():
    with pytest.raises(SourceError, match="not a list of standards"):
        base.parse_file(GUIDE_2024, "standards_list")


def _mangle(text: str, rng: random.Random) -> str:
    lines = text.splitlines()
    op = rng.randrange(8)
    if op == 0:
        return text[: rng.randrange(len(text) + 1)]
    if op == 1 and lines:
        del lines[rng.randrange(len(lines))]
    elif op == 2:
        rng.shuffle(lines)
    elif op == 3 and lines:
        i = rng.randrange(len(lines))
        lines[i] = lines[i].replace(" ", "|") if rng.random() < 0.5 else "|" * rng.randrange(5)
    elif op == 7:  # the whole document as pipe rows, some cut short
        lines = ["| " + " | ".join(ln.split()[: rng.randrange(1, 6)]) + " |" for ln in lines]
    elif op == 4:
        lines.insert(rng.randrange(len(lines) + 1), rng.choice(["附件 1", "序号 标准名称 标准编号", "| 序号 |",
                                                                "### SOURCE: x", "合计 | 99", "1 |", "发文字号："]))
    elif op == 5:
        return "".join(c for c in text if rng.random() > 0.05)
    else:
        lines = [ln[::-1] if rng.random() < 0.2 else ln for ln in lines]
    return "\n".join(lines)


def test_mangled_copies_never_raise_anything_but_a_clear_error(tmp_path):
    rng = random.Random(13)
    seeds = [*EXCERPTS, DATA / "mini-guide.txt", GUIDE_2024]
    outcomes = {"parsed": 0, "refused": 0}
    for k in range(240):
        seed = seeds[k % len(seeds)]
        path = tmp_path / f"m{k}.txt"
        path.write_text(_mangle(seed.read_text(encoding="utf-8"), rng), encoding="utf-8")
        try:
            name, module, record = base.parse_file(path)
            json.dumps(base.as_json(path, module, record), ensure_ascii=False)
            outcomes["parsed"] += 1
        except SourceError as exc:
            assert str(exc).startswith(str(path)), exc
            outcomes["refused"] += 1
    assert outcomes["parsed"] > 100 and outcomes["refused"] > 0  # both paths were exercised


def test_guide_loader_still_reads_the_draft_unchanged(guide):
    assert len(guide.standards) == 150 and guide.report.ok
    assert guide2023.metadata(guide)["征求意见稿"] is True
