"""Loader for government notices (通知 / 通告 / 公告 / 函): their metadata, attachments and targets.

A notice says who issued it, its number and date in one of two ways, and ``read_metadata`` reads both:

* the **metadata block** of a ministry's web page — ``发文机关：…``, ``标 题：…``, ``发文字号：…``, ``成文日期：…``,
  ``发布日期：…``, ``发布机构：…``, ``分 类：…`` (labels may hold spaces; ``【发文字号】…`` and the labels of law
  databases, ``【法规标题】`` ``【颁布单位】`` ``【颁布时间】``, are read as the same fields);
* or the printed notice itself — a title line (``关于…的通知``), a **document-number line** (``工信厅科〔2024〕7号``,
  brackets normalised), the addressees, and the signature: the issuing bodies on the lines above a **date line**
  (``2024年2月4日``).

Fields are keyed by the label the block prints (``发文字号`` …); dates come out ISO (``2024-02-04``). A notice
carries no standards records of its own; what it sets (``到2025年…制定…N项…标准``) are targets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, XSD

from tanbiao.errors import SourceError

from .base import Curated, SourceInfo
from .graphing import add_document, new_graph, zh
from .namespaces import TB
from .targets import Target, add_targets, find_targets
from .text import Line, ParseReport, is_blank, join_paragraphs, normalise, read_lines, skipped_lines

__all__ = ["KIND", "LOOKS_FOR", "Field", "Notice", "META", "read_metadata", "iso_date", "add_metadata", "detect",
           "parse", "to_graph", "describe", "DOC_NUMBER", "DATE_LINE"]

KIND = "government notice"
LOOKS_FOR = ("a metadata block (发文机关：… 发文字号：… 成文日期：…) or a document-number line (…〔2024〕7号) "
             "with a date line (2024年2月4日)")

# The labels of the metadata block, by the field they fill (keys as the documents print them).
META = ("发文机关", "标题", "发文字号", "成文日期", "发布日期", "发布机构", "分类")
_ALIASES = {"法规标题": "标题", "颁布单位": "发文机关", "颁布时间": "发布日期", "文号": "发文字号",
            "发文单位": "发文机关"}
_DATES = ("成文日期", "发布日期")
_META_LINE = re.compile(
    r"^[•·\-\s]*(?:【(?P<key1>[^】]{2,8})】|(?P<key2>[\u4e00-\u9fff\s]{2,8}?)\s*：)\s*(?P<value>.*)$")
DOC_NUMBER = re.compile(r"(?P<number>[\u4e00-\u9fff]{1,12}〔\d{4}〕\d+号)")
_NUMBER_LINE = re.compile(r"^【?\s*" + DOC_NUMBER.pattern + r"\s*】?")
DATE_LINE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_TITLE = re.compile(r"(?P<t>[^\s，。：；【】]{0,40}关于[^。：；【】]{2,90}?的(?:通知|通告|公告|决定|意见|函))")
_ATTACHMENT = re.compile(r"^附件\s*[0-9]*\s*：\s*(?P<title>\S.*)$")


@dataclass(frozen=True)
class Field:
    """A value as the document prints it (dates ISO), and the line it is on."""

    value: str
    line: int


@dataclass
class Notice:
    path: str
    metadata: dict[str, Field] = field(default_factory=dict)  # label as printed (发文字号 …) -> value
    attachments: list[Field] = field(default_factory=list)  # 附件：… titles
    targets: list[Target] = field(default_factory=list)
    report: ParseReport = field(default_factory=lambda: ParseReport(""))

    @property
    def title(self) -> str:
        t = self.metadata.get("标题")
        return t.value if t else ""


def iso_date(text: str) -> str | None:
    """``2024年2月4日`` / ``2024-2-4`` → ``2024-02-04``; None for anything else."""
    m = DATE_LINE.match(text.strip()) or _ISO.match(text.strip())
    return f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}" if m else None


def _label(text: str) -> str | None:
    label = re.sub(r"\s+", "", text)
    label = _ALIASES.get(label, label)
    return label if label in META else None


def read_metadata(lines: list[Line], report: ParseReport, limit: int | None = None) -> dict[str, Field]:
    """The notice's metadata (see the module docstring), from the first ``limit`` lines (default: all)."""
    meta: dict[str, Field] = {}
    scan = lines[:limit] if limit else lines
    for line in scan:
        m = _META_LINE.match(line.text.strip())
        key = _label(m["key1"] or m["key2"]) if m else None
        if m and key and key not in meta and m["value"].strip():
            value = normalise(m["value"])
            if key in _DATES:
                value = iso_date(value) or value
            meta[key] = Field(value, line.number)
            report.count("metadata field")
    for line in scan:
        text = normalise(line.text)
        if "发文字号" not in meta and (m := _NUMBER_LINE.match(text)):
            meta["发文字号"] = Field(m["number"], line.number)
            report.count("metadata: document number line")
        if "成文日期" not in meta and (iso := iso_date(text)):
            meta["成文日期"] = Field(iso, line.number)
            report.count("metadata: date line")
            if "发文机关" not in meta:
                signers = _signature(scan, line.number)
                if signers:
                    meta["发文机关"] = Field("、".join(s for s, _ in signers), signers[0][1])
                    report.count("metadata: signature")
    if "标题" not in meta and (title := _find_title(scan)):
        meta["标题"] = title
        report.count("metadata: title line")
    return meta


def _find_title(lines: list[Line]) -> Field | None:
    """The notice's title: a line that is a title (关于…的通知), else the first title inside a line."""
    inline = None
    for line in lines[:40]:
        text = normalise(line.text)
        m = _TITLE.search(text)
        if m and m.group(0) == text:
            return Field(text, line.number)
        if m and inline is None:
            inline = Field(m["t"], line.number)
    return inline


def _signature(lines: list[Line], date_line: int) -> list[tuple[str, int]]:
    """The issuing bodies printed on the lines just above the date line (one per line)."""
    out: list[tuple[str, int]] = []
    for line in reversed([ln for ln in lines if ln.number < date_line]):
        text = normalise(line.text)
        if is_blank(text):
            continue
        if len(text) > 20 or re.search(r"[，。：；]", text):
            break
        out.insert(0, (text, line.number))
    return out


_MARKERS = (re.compile(r"发文字号\s*：|【发文字号】"), re.compile(r"^【?[\u4e00-\u9fff]{1,12}〔\d{4}〕\d+号"),
            DATE_LINE)


def detect(lines: list[Line]) -> int:
    """1 when the text shows a notice's metadata (a block, or a number line with a date line): the general kind,
    which every more specific kind outscores."""
    found = [any(m.search(ln.text.strip()) for ln in lines) for m in _MARKERS]
    return 1 if found[0] or (found[1] and found[2]) or (found[1] and _title_line(lines)) else 0


def _title_line(lines: list[Line]) -> bool:
    return any(_TITLE.search(ln.text) for ln in lines[:10])


def parse(path: str | Path, curated: Curated | None = None) -> Notice:
    lines = read_lines(Path(path))
    if not any(not is_blank(ln.text) for ln in lines):
        raise SourceError(f"{path}: the file is empty")
    notice = Notice(str(path), report=ParseReport(str(path)))
    read_notice(lines, notice)
    if not notice.metadata:
        raise SourceError(f"{path}: not a {KIND} — no {LOOKS_FOR} found")
    return notice


def read_notice(lines: list[Line], notice: Notice) -> None:
    """Metadata, attachments and targets of a notice (shared by the kinds a notice carries)."""
    rep = notice.report
    skipped_lines(lines, rep)
    notice.metadata = read_metadata(lines, rep)
    for line in lines:
        if m := _ATTACHMENT.match(normalise(line.text)):
            notice.attachments.append(Field(m["title"].strip(), line.number))
            rep.count("attachment")
    for label in ("发文字号", "标题"):
        if label not in notice.metadata:
            rep.warning(None, f"no {label} found")
    prose = [ln for ln in lines if not ln.text.strip().startswith("|")]
    notice.targets = find_targets(join_paragraphs(prose, lambda t: len(t) <= 20 and "。" not in t))
    rep.count("target", len(notice.targets))


def describe(notice: Notice) -> dict:
    return {"title": notice.title, "attachments": [a.value for a in notice.attachments]}


def add_metadata(g: Graph, doc: URIRef, meta: dict[str, str]) -> None:
    """A notice's metadata on its document node (shared by every kind a notice carries)."""
    if "发文字号" in meta:
        g.add((doc, TB.documentNumber, Literal(meta["发文字号"])))
    for label, prop in (("成文日期", DCTERMS.created), ("发布日期", DCTERMS.issued)):
        if label in meta and iso_date(meta[label]):
            g.remove((doc, prop, None))
            g.add((doc, prop, Literal(meta[label], datatype=XSD.date)))
    for label, prop in (("发布机构", TB.publishingUnit), ("分类", TB.documentCategory), ("标题", TB.fullTitle)):
        if label in meta:
            g.add((doc, prop, zh(meta[label])))


def to_graph(notice: Notice, source: SourceInfo, curated: Curated) -> Graph:
    g = new_graph()
    meta = {k: f.value for k, f in notice.metadata.items()}
    date = meta.get("发布日期") or meta.get("成文日期", "")
    doc = add_document(g, source.key, notice.title or Path(notice.path).name, source.title_en or notice.title,
                       source.origin or Path(notice.path).name, Path(notice.path).name,
                       issuer=meta.get("发文机关", ""), date=date)
    add_metadata(g, doc, meta)
    add_targets(g, notice.targets, source.key, doc, "通知正文")
    return g
