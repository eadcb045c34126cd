"""Loader for national-standard announcements (国家标准公告) and the records that restate them.

Two shapes carry the same facts — a standard's number, title, the standard it replaces, issue and effective
dates, issuer, status:

* an **announcement table** (``序号 | 国家标准编号 | 国家标准名称 | 代替标准号 | 实施日期``, any layout
  ``tables.read_grid`` reads) under the announcement's notice text; the issue date is the announcement's date
  unless a column gives one, the issuer its signature;
* **standard records**: the cover of a published standard (``GB/T 32151.9—2023`` … ``代替GB/T 32151.9—2015`` …
  ``2023-12-28发布2024-07-01实施`` … ``国家市场监督管理总局 国家标准化管理委员会 发布``) or a database card
  (``Issue Date`` / ``发布日期：`` …), one per block; blocks are separated by ``### SOURCE: <url>`` lines, whose
  URL becomes the record's source. A cover's number whose dot was lost in text extraction (``GB/T321519—2023``)
  is repaired from the part number its title prints (第9部分), and only then.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from tanbiao.errors import SourceError

from . import namespaces as ns
from . import notice as notices
from . import updates
from .base import Curated, SourceInfo
from .listed import Listed, as_dict, listed_record
from .notice import Notice, iso_date
from .numbers import find_numbers
from .tables import Column, read_grid
from .text import Line, is_blank, normalise, read_lines

CARRIES_RECORDS = True  # its records load like an update file's (resolved by the build; bad rows skipped)

__all__ = ["KIND", "LOOKS_FOR", "CARRIES_RECORDS", "Announcement", "detect", "parse", "to_graph", "describe", "records"]

KIND = "national-standard announcement"
LOOKS_FOR = ("an announcement table (国家标准编号 / 国家标准名称 / 代替标准号 / 实施日期) or standard records "
             "(中华人民共和国国家标准 … 发布 … 实施, Issue Date / Implementation)")

COLUMNS = [
    Column("row", ("序号",), "row"),
    Column("number", ("国家标准编号", "标准编号", "标准号"), "number"),
    Column("title", ("国家标准名称", "标准名称", "名称")),
    Column("replaces", ("代替标准号", "被代替标准号", "代替标准编号", "代替标准"), "number"),
    Column("issued", ("发布日期",), "date"),
    Column("effective", ("实施日期",), "date"),
]
_MARKERS = (re.compile(r"国家标准公告|批准.*国家标准|现予以?公布"), re.compile(r"国家标准编号|代替标准号"),
            re.compile(r"中华人民共和国国家标准|Issue Date|发布日期"), re.compile(r"实施日期|Implementation|\d实施"))
_BLOCK = re.compile(r"^#{2,}\s*SOURCE\s*[:：]?\s*(?P<url>\S+)")
_BOTH = re.compile(r"(\d{4}-\d{2}-\d{2})\s*发布\s*(\d{4}-\d{2}-\d{2})\s*实施")
_LABELLED = {
    "issued": re.compile(r"(?:发布日期|Issue Date|Date of Issue)\s*[：:]?\s*(\d{4}-\d{2}-\d{2})?"),
    "effective": re.compile(r"(?:实施日期|Implementation|Date of Implementation)\s*[：:]?\s*(\d{4}-\d{2}-\d{2})?"),
}
_ONE = {"issued": re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:颁布|发布)$"),
        "effective": re.compile(r"^(\d{4}-\d{2}-\d{2})\s*实施$")}
_REPLACES = re.compile(r"(?:代替|Older Standard [(（]superseded by this standard[)）]\s*[:：]?|Replaces)\s*"
                       r"(?P<n>[A-Z]{1,3}/?T?\s*[\d.]+\s*[-—–]\s*\d{4})")
_PART = re.compile(r"第\s*(\d+)\s*部分")
_STATUS = {"Active": "已发布", "Valid": "已发布", "现行": "已发布", "Abolished": "已废止", "废止": "已废止",
           "作废": "已废止", "被代替": "被代替", "Replaced": "被代替", "即将实施": "即将实施"}
_ISSUER = re.compile(r"(国家市场监督管理总局|中华人民共和国国家质量监督检验检疫总局)\s*[、&]?\s*(?:发布)?\s*"
                     r"((?:中国)?国家标准化管理委员会)")
_BOILER = re.compile(r"发布|实施|页|下载|文档|委员会|总局|现行|有效|目次|前言|ICS|CCS|\bPart\b")


@dataclass
class Announcement(Notice):
    records: list[Listed] = field(default_factory=list)
    shape: str = ""  # table | records


def detect(lines: list[Line]) -> int:
    found = [any(m.search(ln.text) for ln in lines) for m in _MARKERS]
    if found[1] or (found[0] and found[3]):
        return 3
    return 2 if found[2] and found[3] and any(find_numbers(ln.text) for ln in lines) else 0


def parse(path: str | Path, curated: Curated | None = None) -> Announcement:
    lines = read_lines(Path(path))
    if not any(not is_blank(ln.text) for ln in lines):
        raise SourceError(f"{path}: the file is empty")
    if not detect(lines):
        raise SourceError(f"{path}: not a {KIND} — no {LOOKS_FOR} found")
    doc = Announcement(str(path))
    doc.report.path = str(path)
    notices.read_notice(lines, doc)
    grid = read_grid(lines, COLUMNS, doc.report, "announcement", required={"number", "title"})
    if grid.layout:
        doc.shape = "table"
        meta = {k: f.value for k, f in doc.metadata.items()}
        for row in grid.rows:
            c = row.cells
            rec = listed_record(doc.report, row.line, row.raw, c.get("number"), title=c.get("title") or None,
                                status="已发布", replaces=c.get("replaces") or None,
                                issued=iso_date(c.get("issued", "")) or meta.get("成文日期"),
                                effective=iso_date(c.get("effective", "")) or None,
                                issuer=meta.get("发文机关"))
            if rec is not None:
                doc.records.append(rec)
                doc.report.count("announced standard")
    else:
        doc.shape = "records"
        doc.metadata = {}  # record cards have labelled dates, not a notice's metadata
        doc.report.issues = [i for i in doc.report.issues if not i.message.startswith("no ")]
        for url, block in _blocks(lines):
            _card(doc, block, url)
    if not doc.records:
        doc.report.error(None, f"no standard found: expected {LOOKS_FOR}")
    return doc


def _blocks(lines: list[Line]) -> list[tuple[str | None, list[Line]]]:
    out: list[tuple[str | None, list[Line]]] = [(None, [])]
    for ln in lines:
        if m := _BLOCK.match(ln.as_printed.strip()):
            out.append((m["url"], []))
        else:
            out[-1][1].append(ln)
    return [(u, b) for u, b in out if any(not is_blank(ln.text) for ln in b)]


def _repair(number: str, part: str | None) -> str:
    """``GB/T 321519-2023`` with title part 9 → ``GB/T 32151.9-2023`` (a dot lost in text extraction)."""
    m = re.match(r"^(\S+ )(\d+)(-\d{4})$", number)
    if m and part and "." not in number and m[2].endswith(part) and len(m[2]) - len(part) >= 4:
        return f"{m[1]}{m[2][: -len(part)]}.{part}{m[3]}"
    return number


def _card(doc: Announcement, block: list[Line], url: str | None) -> None:
    rep = doc.report
    texts = [(ln, normalise(ln.text)) for ln in block if not is_blank(ln.text)]
    where = next(((ln, t) for ln, t in texts if find_numbers(t) and not _REPLACES.search(t)), None)
    if where is None:
        rep.error(block[0].number, "record without a standard number", block[0].as_printed)
        return
    first, head = where
    title = _title(texts, first)
    part = (_PART.search(title or "") or [None, None])[1]
    number = _repair(find_numbers(head)[0][1], part)
    fields: dict[str, str | None] = {"issued": None, "effective": None, "status": None, "issuer": None}
    replaces = None
    for k, (_ln, t) in enumerate(texts):
        if m := _BOTH.search(t.replace(" ", "")):
            fields["issued"], fields["effective"] = fields["issued"] or m[1], fields["effective"] or m[2]
        for name, pattern in _LABELLED.items():
            if (m := pattern.search(t)) and not fields[name]:
                value = m[1] or (texts[k + 1][1][:10] if k + 1 < len(texts) else "")
                fields[name] = value if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
        for name, pattern in _ONE.items():
            if (m := pattern.match(t.lstrip("-•· "))) and not fields[name]:
                fields[name] = m[1]
        if (m := _REPLACES.search(t)) and replaces is None:
            replaces = _repair(find_numbers(m["n"])[0][1], part) if find_numbers(m["n"]) else None
        if t.strip("-•· ") in _STATUS and not fields["status"]:
            fields["status"] = _STATUS[t.strip("-•· ")]
    joined = " ".join(t for _, t in texts)
    if m := _ISSUER.search(joined.replace("\n", " ")):
        fields["issuer"] = f"{m[1]}、{m[2]}"
    rec = listed_record(rep, first.number, "\n".join(ln.as_printed for ln, _ in texts[:12]), number, title=title,
                        replaces=replaces, source_url=url, **fields)
    if rec is not None:
        doc.records.append(rec)
        rep.count("standard record")
        if not title:
            rep.warning(first.number, f"{number}: no Chinese title found", first.as_printed)


def _title(texts: list[tuple[Line, str]], first: Line) -> str | None:
    """The Chinese title: ``标准名称：…``, after the number on its line, or the cover's title lines below it."""
    for _, t in texts:
        if m := re.match(r"^标准名称\s*：\s*(.+)$", t):
            return m[1].strip()
    after = [t for ln, t in texts if ln.number >= first.number]
    if not after:
        return None
    found = find_numbers(after[0])
    head = _cut(after[0][after[0].find(found[0][1][-4:], found[0][0]) + 4:] if found else after[0])
    if len(re.findall(r"[\u4e00-\u9fff]", head)) >= 4:
        return _fix_part(head)
    cands = [t for t in after[1:] if len(re.findall(r"[\u4e00-\u9fff]", t)) >= 4 and not _BOILER.search(t)
             and not t.startswith("中华人民共和国")]
    if not cands:
        return None
    title = cands[0]
    if not _PART.search(title) and len(cands) > 1 and cands[1].startswith("第"):
        title = f"{title} {cands[1]}"
    return _fix_part(title)


def _cut(text: str) -> str:
    """The Chinese title at the start of ``text``: up to an English title, a date or a page suffix."""
    text = re.split(r"[A-Za-z]{4,}|\d{4}-\d{2}-\d{2}|_第\d+页", text)[0]
    return re.sub(r"(?:即将实施|将实施|现行|废止)$", "", text.strip(" ：:—-")).strip()


def _fix_part(title: str) -> str:
    """``第9部分陶瓷生产企业`` → ``第9部分：陶瓷生产企业`` (the colon lost in extraction)."""
    title = re.sub(r"(第\d+部分)\s*[：:]?\s*(?=\S)", r"\1：", title)
    title = re.sub(r"(?<=[\u4e00-\u9fff])(?=第\d+部分)", " ", title)
    return re.sub(r"\s+", " ", title).strip()


def describe(doc: Announcement) -> dict:
    return {**notices.describe(doc), "shape": doc.shape, "standards": len(doc.records)}


def records(doc: Announcement) -> list[dict]:
    return [as_dict(r) for r in doc.records]


def to_graph(doc: Announcement, source: SourceInfo, curated: Curated) -> Graph:
    g = notices.to_graph(doc, source, curated)
    rows = [r for r in (updates.from_listed(rec, source.position) for rec in doc.records) if r is not None]
    updates.add_records(g, source.key, ns.document(source.key), rows, curated)
    return g
