"""Splitting the guides' enumerations into items.

The priority-direction texts are regular Chinese policy prose:

    [在X方面，]重点制定 A、B、C等Y行业重点企业的Z标准；D、E等W领域重点产品的Z标准。

* a paragraph may open with an aspect marker ``在X方面，``;
* ``；`` separates clauses, each about one industry (``等钢铁行业`` / ``等消费品领域`` /
  ``等石化、化工企业``) — or, when ``等`` is followed directly by ``行业``, the listed
  things *are* the industries (``钢铁、建材、有色等行业的…``);
* inside a clause, ``，`` and ``以及`` separate groups; a group ``A、B等G`` lists items A, B
  belonging to G; ``、`` separates items; nothing inside brackets is split;
* a clause without the ``等X行业`` marker may open with its scope: ``工业领域…``, ``道路车辆企业…``,
  ``重点工业产品的…`` (工业), ``各行业产品…`` (各行业, every industry).

Only the grammar lives here; what the items are about is looked up in the curated lexicon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Clause", "ItemText", "split_top", "split_paragraph", "split_list", "strip_quotes", "wording"]

_OPEN, _CLOSE = "（(《“[", "）)》”]"
_ASPECT = re.compile(r"^在(?P<aspect>[^，,]{2,30}?)方面[，,]\s*")
_LEAD = re.compile(r"^(?:重点制定|重点研制)")
# "等" + industry + marker, at the end of a clause's subject part
_INDUSTRY_TAIL = re.compile(r"等(?P<industry>[^，等]{0,12}?)(?P<marker>行业|领域|企业)")
_LEADING_SCOPE = re.compile(r"^(?P<industry>[^、，等的]{2,6}?)(?P<marker>行业|领域|生产企业|企业|产品)(?=[^、，]{2,})")
_GENERIC_SCOPES = ("", "相关", "其他", "各")  # of a scope without its 重点: "重点行业…" names no industry
_TRAILING = re.compile(r"(?:等)?(?:相关的|相关)?(?:技术(?:和|与)装备)?(?:标准|方面)+[。；;]*$")


@dataclass
class ItemText:
    label: str  # as written
    group: str = ""  # the "等G" the item is listed under, if any
    industry: str = ""  # an industry the item itself names first ("铸造行业低碳园区设计" -> 铸造)
    part: int = 0  # which comma-separated part of its clause it is in (members of one list share it)


@dataclass
class Clause:
    text: str  # the clause as written (after the aspect marker and 重点制定)
    aspect: str  # from "在X方面" ("" if none)
    industry: str  # as the text names it ("钢铁", "石化、化工", "" for cross-industry)
    industries_listed: bool  # True when the items themselves are industries ("钢铁、建材等行业的…")
    rest: str  # what follows the industry: "重点企业的二氧化碳排放核算标准"
    items: list[ItemText] = field(default_factory=list)


def strip_quotes(text: str) -> str:
    """Drop quotation marks that have no partner (a stray ” left by the conversion)."""
    for left, right in (("“", "”"), ("‘", "’")):
        if text.count(left) != text.count(right):
            text = text.replace(left, "").replace(right, "")
    return text


def wording(clause: str) -> str:
    """What a clause asks for, as written, without the trailing kind of document: "…企业二氧化碳连续监测标准"
    -> "…企业二氧化碳连续监测"."""
    return _TRAILING.sub("", clause).strip()


def split_top(text: str, separators: tuple[str, ...]) -> list[str]:
    """Split at any of ``separators`` that is not inside brackets."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        ch = text[i]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0:
            sep = next((s for s in separators if text.startswith(s, i)), None)
            if sep:
                parts.append(text[start:i])
                i += len(sep)
                start = i
                continue
        i += 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def split_list(text: str, last_and: bool = False) -> list[str]:
    """``A、B、C`` -> [A, B, C]; with ``last_and`` also ``…、X和Y`` -> [… X, Y]."""
    items = split_top(text, ("、",))
    if last_and and items and "和" in items[-1]:
        items[-1:] = split_top(items[-1], ("和",))
    return items


def _groups(subject: str) -> list[ItemText]:
    out: list[ItemText] = []
    for part, group in enumerate(split_top(subject, ("，", ",", "以及"))):
        idx = _last_top_index(group, "等")  # "A、B等G": items A, B of group G
        if idx > 0 and not _enumerates_at_top(group):
            out.extend(ItemText(x, group[idx + 1:], part=part) for x in split_list(group[:idx]))
        else:  # "X等Y、Z、W": the enumeration is at the top level, each item may name its industry
            for x in split_list(group.rstrip("等")):
                m = _LEADING_SCOPE.match(x)
                industry = m["industry"] if m and m["marker"] in ("行业", "领域") else ""
                out.append(ItemText(x, "", industry, part=part))
    return out


def _enumerates_at_top(group: str) -> bool:
    """``X行业A等B、Y行业C、D``: the 、 list comes after a single 等-phrase."""
    idx = _last_top_index(group, "等")
    return idx > 0 and not _has_top(group[:idx], "、") and _has_top(group[idx + 1:], "、")


def _has_top(text: str, char: str) -> bool:
    return _last_top_index(text, char) >= 0


def _last_top_index(text: str, char: str) -> int:
    depth, found = 0, -1
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and ch == char:
            found = i
    return found


def split_paragraph(paragraph: str) -> list[Clause]:
    """A priority-direction paragraph into clauses with their items."""
    text = strip_quotes(paragraph.strip())
    aspect = ""
    if m := _ASPECT.match(text):
        aspect = m["aspect"]
        text = text[m.end():]
    text = _LEAD.sub("", text)
    clauses = []
    for clause in split_top(text.rstrip("。"), ("；", ";")):
        clause = _LEAD.sub("", clause).strip()
        clauses.append(_clause(clause, aspect))
    return clauses


def _industry_ok(industry: str) -> bool:
    """An industry as a list marker names short sector words: 钢铁 / 石化、化工 / 消费品."""
    return all(0 < len(part) <= 4 for part in industry.split("、")) if industry else True


def _clause(clause: str, aspect: str) -> Clause:
    # the industry marker "等X行业/领域/企业" outside brackets: the last one with a list before it
    best = None
    for m in _INDUSTRY_TAIL.finditer(clause):
        if _depth_at(clause, m.start()) == 0 and _industry_ok(m["industry"]):
            best = m
    if best is not None:
        industry = best["industry"]
        subject, rest = clause[: best.start()], clause[best.start() + 1 + len(industry):]
        if industry == "":  # "钢铁、建材、有色等行业的…": the list names the industries
            return Clause(clause, aspect, "", True, rest, [ItemText(n) for n in split_list(subject)])
        return Clause(clause, aspect, industry, False, rest, _groups(subject))
    body = wording(clause)
    if not body:
        return Clause(clause, aspect, "", False, "", [])
    if _enumerates_at_top(body):  # each item names its own industry
        return Clause(clause, aspect, "", False, "", _groups(body))
    scope = ""
    lead = _LEADING_SCOPE.match(body)
    if lead and (named := lead["industry"].removeprefix("重点")) not in _GENERIC_SCOPES:  # 重点工业产品的… -> 工业
        scope = named
        if lead["marker"] in ("行业", "领域") and (_has_top(body, "、") or _has_top(body, "等")):
            body = body[lead.end():]  # "工业领域A、B等…": the scope is not part of the items
    if _has_top(body, "、") or _has_top(body, "等"):
        return Clause(clause, aspect, scope, False, "", _groups(body))
    return Clause(clause, aspect, scope, False, "", [ItemText(body)])


def _depth_at(text: str, pos: int) -> int:
    depth = 0
    for ch in text[:pos]:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
    return depth
