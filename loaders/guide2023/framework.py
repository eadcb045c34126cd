"""Section 二 of a standards-system guide: the framework of categories, sub-categories and topics; and the
document's metadata (title, edition, date, issuer) printed before it."""

from __future__ import annotations

import re

from ..text import APPENDIX, CN_NUMERALS, Line, cn_numeral_value, is_blank, join_paragraphs, normalise
from .records import FrameworkNode, Guide

__all__ = ["SECTION_FRAMEWORK", "TOP_HEADING", "SUB_HEADING", "read_framework", "read_metadata", "strip_standard"]

SECTION_FRAMEWORK = "二、建设方案"

_CN = f"[{CN_NUMERALS}]+"
TOP_HEADING = re.compile(rf"^({_CN})\s*、\s*(\S.*)$")
SUB_HEADING = re.compile(rf"^[（(]\s*{_CN}\s*[)）]")
_CATEGORY_HEADING = re.compile(r"^(\d+)\s*[.．、]\s*(\S.*?标准)$")
_SUBCATEGORY_HEADING = re.compile(r"^[（(]\s*(\d+)\s*[)）]\s*(\S.*?标准)$")
_FIGURE_CAPTION = re.compile(r"^图\s*(\d+)\s*(\S.*)$")
_FIGURE_RESIDUE = re.compile(r"^\d+\s*[.．]\s*\S{1,20}$")
_NOTE = re.compile(r"^注\s*[:：]")
_ENUM_INTRO = re.compile(r"(?:包括|分为)(.+?)等")
_ENUM_FALLBACK = re.compile(r"主要规范(.+?)等")
_ENUM_SPLIT = re.compile(r"，以及|以及|、|，")
_COUNT = re.compile(r"等\s*(\d+|[一二三四五六七八九十]+)\s*大?类")
_OVERVIEW = re.compile(r"包括(.+?)等\s*([一二三四五六七八九十\d]+)\s*大类")
_TITLE_QUOTE = re.compile(r"《([^》]+)》")
_DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?$")
_URL = re.compile(r"https?://\S+")


def strip_standard(text: str) -> str:
    text = normalise(text)
    return text[: -len("标准")].strip() if text.endswith("标准") and len(text) > 2 else text


def _int(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() else cn_numeral_value(text)



# --- document metadata --------------------------------------------------------------


def read_metadata(lines: list[Line], guide: Guide, end: int) -> None:
    rep = guide.report
    for line in lines[:end]:
        text = normalise(line.text)
        if not guide.url and (m := _URL.search(text)):
            guide.url = m.group(0).rstrip("）)")
        if not guide.title and (m := _TITLE_QUOTE.search(text)) and re.search(r"指南|体系", m.group(1)):
            guide.title = normalise(m.group(1)).replace(" ", "")
            rep.count("metadata: title")
            if em := re.search(r"[（(]\s*(\d{4})\s*版\s*[)）]", m.group(1)):
                guide.edition = em.group(1)
        if "征求意见稿" in text:
            guide.draft = True
        if not guide.date and (m := _DATE.match(text)):
            y, mo, d = m.groups()
            guide.date = f"{y}-{int(mo):02d}" + (f"-{int(d):02d}" if d else "")
            rep.count("metadata: date")
            prev = [ln for ln in lines[: line.number - 1] if not is_blank(ln.text)]
            if prev and not guide.issuer and len(prev[-1].text.strip()) <= 30:
                guide.issuer = normalise(prev[-1].text)
                rep.count("metadata: issuer")
    if not guide.title:
        rep.warning(None, "no document title in 《…》 found before the framework section")


# --- framework (section 二) ---------------------------------------------------------


def read_framework(lines: list[Line], guide: Guide) -> int:
    """Parse categories, sub-categories and topics; return the index after the section."""
    rep = guide.report
    start = None
    for i, line in enumerate(lines):
        text = line.text.strip()
        if (m := _CATEGORY_HEADING.match(text)) and m.group(1) == "1":
            start = i
            break
        if (m := _OVERVIEW.search(normalise(text))) and guide.declared_categories is None:
            guide.declared_categories = _int(m.group(2))
            rep.count("framework: overview paragraph")
        if _FIGURE_CAPTION.match(text) and not guide.figure:
            guide.figure = normalise(text)
            rep.count("framework: figure caption (figure is an image, not in the text)")
    if start is None:
        rep.error(None, "no framework section: expected category headings like '1.基础通用标准'")
        return 0

    body: dict[str, list[Line]] = {}
    current: FrameworkNode | None = None
    category: FrameworkNode | None = None
    i = start
    while i < len(lines):
        line = lines[i]
        text = line.text.strip()
        if TOP_HEADING.match(text) or APPENDIX.match(text):
            break
        i += 1
        if is_blank(text) or text.startswith("|"):
            continue
        m = _CATEGORY_HEADING.match(text)
        if m and int(m.group(1)) == len(guide.categories) + 1:
            category = FrameworkNode(m.group(1), "category", strip_standard(m.group(2)), text, line.number)
            guide.categories.append(category)
            current = category
            body[category.notation] = []
            rep.count("framework: category heading")
            continue
        m = _SUBCATEGORY_HEADING.match(text)
        if m and category is not None:
            n = len([s for s in guide.subcategories if s.parent == category.notation]) + 1
            if int(m.group(1)) != n:
                rep.warning(line.number, f"sub-category heading ({m.group(1)}) out of sequence, expected ({n})", text)
            notation = f"{category.notation}.{n}"
            current = FrameworkNode(
                notation, "subcategory", strip_standard(m.group(2)), text, line.number, parent=category.notation
            )
            guide.subcategories.append(current)
            body[notation] = []
            rep.count("framework: sub-category heading")
            continue
        m = _FIGURE_CAPTION.match(text)
        if m:
            if category is not None and not category.figure:
                category.figure = normalise(text)
            rep.count("framework: figure caption (figure is an image, not in the text)")
            continue
        if _NOTE.match(text):
            rep.count("framework: note")
            continue
        if _FIGURE_RESIDUE.match(text) and not text.endswith(("。", "；")):
            rep.count("framework: figure label residue")
            rep.info(line.number, "text left from a framework figure, skipped", text)
            continue
        if current is None:
            rep.error(line.number, "text before the first category heading of the framework section", text)
            continue
        body[current.notation].append(line)

    for node in (*guide.categories, *guide.subcategories):
        paras = join_paragraphs(body.get(node.notation, []), lambda _t: False)
        node.description = "\n".join(normalise(p.text) for p in paras)
        node.description_lines = [n for p in paras for n in p.lines]
        if not paras:
            rep.warning(node.line, f"{node.kind} {node.notation} {node.label} has no description text")
        if node.kind == "category" and (m := _COUNT.search(node.description)):
            node.declared_count = _int(m.group(1))
        if node.kind == "subcategory":
            _topics(node, paras, guide)

    if guide.declared_categories and guide.declared_categories != len(guide.categories):
        rep.error(None, f"the text declares {guide.declared_categories} categories but "
                        f"{len(guide.categories)} category headings were found")
    for cat in guide.categories:
        found = len([s for s in guide.subcategories if s.parent == cat.notation])
        if cat.declared_count is not None and cat.declared_count != found:
            rep.error(cat.line, f"category {cat.notation} {cat.label} declares {cat.declared_count} "
                                f"sub-categories but {found} headings were found")
        if found == 0:
            rep.error(cat.line, f"category {cat.notation} {cat.label} has no sub-category headings")
    return i


def _topics(node: FrameworkNode, paras, guide: Guide) -> None:
    """The finer topics the text enumerates inside a sub-category."""
    texts = [normalise(p.text) for p in paras]
    found = None
    for pattern in (_ENUM_INTRO, _ENUM_FALLBACK):
        for text, para in zip(texts, paras, strict=True):
            if m := pattern.search(text):
                found = (m.group(1), para.first_line)
                break
        if found:
            break
    if not found:
        guide.report.info(node.line, f"sub-category {node.notation} names no finer topics")
        return
    enumeration, line = found
    topics = []
    for k, part in enumerate((p.strip() for p in _ENUM_SPLIT.split(enumeration) if p.strip()), start=1):
        topics.append(FrameworkNode(f"{node.notation}.{k}", "topic", part, enumeration, line, parent=node.notation))
        guide.report.count("framework: topic")
    _definitions(topics, texts, paras, guide)
    guide.topics.extend(topics)


def _definitions(topics: list[FrameworkNode], texts: list[str], paras, guide: Guide) -> None:
    """A topic's definition: the sub-category's paragraphs from the one that opens with the topic's label
    ("节能提效降碳标准主要是指…") up to the next that opens with another topic's label."""
    current: FrameworkNode | None = None
    for text, para in zip(texts, paras, strict=True):
        opener = next((t for t in topics if text.startswith(t.label)), None)
        if opener is not None:
            current = opener
            current.description_lines = list(para.lines)
            current.description = text
            guide.report.count("framework: topic definition")
        elif current is not None and current.description:
            current.description += "\n" + text
            current.description_lines += para.lines
