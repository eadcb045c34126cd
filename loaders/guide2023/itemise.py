"""Priority items from the priority-direction texts: which things a direction names, in which aspect and
industry, about which subject concepts.

The grammar of the clauses is ``loaders/items.py``; the rules here are about what the pieces mean, and they hold
for any edition written the same way:

* **aspect** — the finest framework topic that fits: the topic an aspect marker names (在X方面); else the topic
  whose section-二 definition lists most of the clause's items (3.2's 能源梯级利用 … are listed in the
  definition of 节能提效降碳); else a topic label or a keyword (企业 / 产品 / 项目) only one topic has; else the
  topic whose label shares clearly the most words with the clause (3.3's 二氧化碳捕集、…、封存 → 碳捕集利用与
  封存（CCUS）); otherwise the sub-category. When only that last resort or nothing decided, an item decides its
  own topic if it can: the topic its label names (1.2's 数据质量管理), else the one whose label names what the
  item is about or a broader concept of it (1.4's 产品环境信息 is an 环境声明 → 环境声明指南);
* **industry × kind** — a clause that lists industries and then several kinds of standard ("钢铁、建材…等行业
  的生产企业…核查、碳减排项目…核查、产品碳足迹核查相关的…标准") names one item per industry and kind, each in
  the topic of its kind;
* **industry as written** — the clause's (…等建材行业: 水泥行业余热利用 is a 建材 item that names 水泥 too), else
  its leading scope (工业领域…, 重点工业产品的… → 工业; 各行业产品… → 各行业, a cross-industry item), else the
  one an item names itself (铸造行业低碳园区设计); a lone industry listed before the clause's own industry is an
  example of it, and the clause is the item (氟化工等石化、化工企业二氧化碳连续监测: the 石化、化工 industry);
* **shared parts** — members of a list get back the part they share with it (``_compositions``): a head or
  leading word where the curated lexicon knows the whole (氢氯氟烃（HCFCs）、氢氟烃（HFCs）类制冷剂替代 →
  …（HCFCs）类制冷剂替代; 二氧化碳捕集、分离 → 二氧化碳分离; …等可再生能源开发、…以及分布式应用 → 可再生能源
  分布式应用; 碳标签、碳足迹等标志标识 → 碳足迹标志标识); what the list's head does to a class the lexicon puts
  the member under (冶炼渣、…、废橡胶等工业固废再利用 → 冶炼渣再利用; 废塑料、…等废弃化学品再生和回收利用 →
  废塑料再生和回收利用); the enterprise type a member is the kind of (铜矿、铅锌矿等矿采选企业 → 铜矿采选);
* **subjects** — the concepts of the lexicon the item names (longest match; several when it names several),
  read with its group head when the item alone names none (碳排放 + 信息披露与报告要求), preferring product
  concepts in product aspects and industry concepts in organisation aspects; the gases its clause names go with
  it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..curated import Lexicon
from ..items import Clause, ItemText, split_list, split_paragraph, split_top, wording
from ..text import ParseReport
from .records import Direction, FrameworkNode, Guide, Item

__all__ = ["itemise"]

_TOPIC_KEYWORDS = ("企业", "产品", "项目", "园区", "供应链")
_KIND_CUTS = ("相关的", "相关", "等标准", "等")


def itemise(direction: Direction, guide: Guide, lex: Lexicon) -> None:
    rep = guide.report
    topics = [t for t in guide.topics if t.parent == direction.code]
    clause_no = 0
    for text, line in direction.paragraphs:
        for clause in split_paragraph(text):
            clause_no += 1
            if not clause.items:
                rep.warning(line, f"direction {direction.code}: a clause names no items", clause.text)
            kinds = _kinds(clause) if clause.industries_listed else []
            if len(kinds) >= 2:  # industries × kinds of standard
                for it in clause.items:
                    for kind in kinds:
                        aspect_label, aspect = _topic_for(kind, topics) or (direction.label, direction.code)
                        _add(direction, it.label + "：" + kind, aspect_label, aspect, it.label, "", clause, line,
                             clause_no, lex, rep, industry_subject=True)
                continue
            aspect_label, aspect, weak = _resolve_aspect(clause, direction, topics)
            if (example := _lone_example(clause, lex)) is not None:  # 氟化工等石化、化工企业…: the clause is the item
                rep.info(line, f"direction {direction.code}: '{example}' is an example of the clause's industry "
                               f"'{clause.industry}': the item is the clause", clause.text)
                _add(direction, wording(clause.text), aspect_label, aspect, clause.industry, "", clause, line,
                     clause_no, lex, rep, industry_subject=True)
                continue
            restored = _restore_shared(clause.items, lex)
            for before, after in zip(clause.items, restored, strict=True):
                if before.label != after.label:
                    rep.info(line, f"direction {direction.code}: list member '{before.label}' read as "
                                   f"'{after.label}' (the part it shares with its list)", clause.text)
            if clause.industry.startswith("各"):
                rep.info(line, f"direction {direction.code}: the clause names every industry ('{clause.industry}'): "
                               "a cross-industry item", clause.text)
            for it in restored:
                own = _own_topic(it, topics, lex) if weak else None
                label, notation = own or (aspect_label, aspect)
                # the industry as written: the clause's (…等建材行业), else the one the item names itself
                industry = it.label if clause.industries_listed else (clause.industry or it.industry)
                _add(direction, it.label, label, notation, industry, it.group, clause, line, clause_no, lex, rep,
                     industry_subject=clause.industries_listed, own_industry=it.industry)


def _add(direction: Direction, label: str, aspect_label: str, aspect: str, industry: str, group: str,
         clause: Clause, line: int, clause_no: int, lex: Lexicon, rep: ParseReport, industry_subject: bool,
         own_industry: str = "") -> None:
    prefer = ("product",) if "产品" in aspect_label else (("industry",) if _organisational(aspect_label) else ())
    if industry_subject:
        subjects = [c for c in [lex.industry(industry)] if c]
        industries = list(subjects)
    else:
        subjects = _subjects(label, lex, prefer) or _subjects(label + group, lex, prefer)
        industries = [c for c in (lex.industry(clause.industry) if clause.industry else None,
                                  lex.industry(own_industry) if own_industry else None) if c]
    gases = [c for c in lex.match(clause.rest or clause.text) if lex.concepts[c].scheme == "gas"]
    item = Item(direction.code, len(direction.items) + 1, label, aspect_label, aspect, industry, group,
                clause.text, line, clause_no, subjects=subjects, gases=gases, industries=industries)
    direction.items.append(item)
    rep.count("appendix 2: priority item")
    if not subjects:
        rep.info(line, f"item {direction.code}-{item.index} '{label}' names no concept of "
                       "data/curated/concepts.csv: it is assessed as a general item of its aspect", clause.text)


def _organisational(aspect_label: str) -> bool:
    return any(k in aspect_label for k in ("组织", "企业"))


_EXAMPLES = re.compile(r"[（(]如[^）)]*[）)]")


def _subjects(text: str, lex: Lexicon, prefer: tuple[str, ...]) -> list[str]:
    """The non-gas concepts ``text`` names (longest match first, in text order), each in its preferred sense;
    examples in brackets (（如工程机械、农业机械等）) are not subjects."""
    out = []
    for label in lex.match_labels(_EXAMPLES.sub("", text)):
        cid = lex.sense(label, prefer)
        if cid and lex.concepts[cid].scheme != "gas" and cid not in out:
            out.append(cid)
    return out


def _kinds(clause: Clause) -> list[str]:
    """The kinds of standard a clause that lists industries asks for: "…等行业的A、B、C相关的…标准"."""
    body = clause.rest
    for marker in ("行业", "领域", "企业"):
        body = body.removeprefix(marker)
    body = body.removeprefix("的")
    for cut in _KIND_CUTS:
        pos = body.find(cut)
        if pos > 0:
            body = body[:pos]
            break
    return split_list(body)


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _topic_for(text: str, topics: list[FrameworkNode], literal_only: bool = False) -> tuple[str, str] | None:
    """The topic a piece of text names: its label inside the text, else (unless ``literal_only``) the topic
    sharing clearly the most two-character words with it (at least two, and more than any other)."""
    hits = [t for t in topics if len(t.label) >= 4 and (t.label in text or _core(t.label) in text)]
    if len(hits) == 1:
        return hits[0].label, hits[0].notation
    if literal_only or not topics:
        return None
    scored = sorted(((len(_bigrams(text) & _bigrams(_core(t.label))), t) for t in topics), key=lambda s: -s[0])
    if scored[0][0] >= 2 and (len(scored) == 1 or scored[0][0] > scored[1][0]):
        return scored[0][1].label, scored[0][1].notation
    return None


def _core(label: str) -> str:
    """A topic label without a bracketed abbreviation: 碳捕集利用与封存（CCUS） -> 碳捕集利用与封存."""
    return split_top(label, ("（", "("))[0] if label else label


def _resolve_aspect(clause: Clause, direction: Direction, topics: list[FrameworkNode]) -> tuple[str, str, bool]:
    """(aspect label, framework notation, weak) for a clause of a direction; ``weak`` when no rule decided a topic
    or only the last resort did (the words the clause shares with a topic label): its items' own labels may
    then decide theirs."""
    if clause.aspect:  # 在X方面: the topic whose label holds X (原料替代 ~ 原/燃料替代与可再生能源利用)
        for t in topics:
            if _subsequence(clause.aspect, t.label) or (len(t.label) >= 4 and t.label in clause.aspect):
                return clause.aspect, t.notation, False
        return clause.aspect, direction.code, True
    if clause.industries_listed and "、" in clause.rest:  # "…等行业的A、B、C相关的…": spans several topics
        return direction.label, direction.code, True
    defined = _defining_topic(clause.items, topics)
    if defined is not None:
        return defined.label, defined.notation, False
    present = [k for k in _TOPIC_KEYWORDS if k in clause.rest or k in clause.text]
    hits = [t for t in topics if len(t.label) >= 4 and t.label in clause.text]
    if len(hits) == 1:
        return hits[0].label, hits[0].notation, False
    if len(present) == 1:
        owners = [t for t in topics if present[0] in t.label]
        if len(owners) == 1:
            return owners[0].label, owners[0].notation, False
    found = _topic_for(clause.text, topics)
    return (*found, True) if found else (direction.label, direction.code, True)


def _own_topic(it: ItemText, topics: list[FrameworkNode], lex: Lexicon) -> tuple[str, str] | None:
    """The topic an item decides itself: the one its label names (数据质量管理), else the one whose label names
    what the item is about or a broader concept of it (产品环境信息 is an 环境声明: 环境声明指南)."""
    literal = _topic_for(it.label, topics, literal_only=True)
    if literal is not None:
        return literal
    about = {a for c in _subjects(it.label, lex, ()) or _subjects(it.label + it.group, lex, ())
             for a in (c, *_ancestors(c, lex))}
    named = [t for t in topics if about & set(_subjects(t.label, lex, ()))]
    return (named[0].label, named[0].notation) if len(named) == 1 else None


def _ancestors(cid: str, lex: Lexicon) -> list[str]:
    """The concepts ``cid`` is narrower than, transitively (nearest first)."""
    out: list[str] = []
    todo = list(lex.concepts[cid].broader)
    while todo:
        b = todo.pop(0)
        if b not in out:
            out.append(b)
            todo.extend(lex.concepts[b].broader)
    return out


def _lone_example(clause: Clause, lex: Lexicon) -> str | None:
    """The one thing listed before a clause's industry when it is an industry of that industry: an example
    (氟化工等石化、化工企业…), not the item."""
    if clause.industries_listed or len(clause.items) != 1 or clause.items[0].group:
        return None
    member, whole = lex.industry(clause.items[0].label), lex.industry(clause.industry)
    return clause.items[0].label if member and whole and whole in _ancestors(member, lex) else None


def _defining_topic(items: list[ItemText], topics: list[FrameworkNode]) -> FrameworkNode | None:
    """The topic whose section-二 definition names most of the items (at least half of them, and more than any
    other topic's definition does)."""
    if not items:
        return None
    counts = sorted(((sum(1 for it in items if it.label in t.description), t) for t in topics if t.description),
                    key=lambda c: -c[0])
    if not counts or counts[0][0] * 2 < len(items) or (len(counts) > 1 and counts[0][0] == counts[1][0]):
        return None
    return counts[0][1]


def _subsequence(short: str, long: str) -> bool:
    chars = iter(long)
    return all(ch in chars for ch in short)


def _restore_shared(items: list[ItemText], lex: Lexicon) -> list[ItemText]:
    """Give list members back the part they share with their list (``_compositions``)."""
    out = list(items)
    for k, it in enumerate(out):
        group = [x for x in out if x.part == it.part and x.group == it.group]
        for candidate in _compositions(it, group, out[:k], lex):
            out[k] = ItemText(candidate, it.group, it.industry, it.part)
            break
    return out


def _names_thing(text: str, lex: Lexicon) -> bool:
    """Whether ``text`` names a concept that is not only a gas."""
    return any(lex.concepts[c].scheme != "gas" for c in lex.match(text))


def _compositions(it: ItemText, group: list[ItemText], before: list[ItemText], lex: Lexicon) -> Iterator[str]:
    """Candidate wholes for a member. A member that names nothing takes a part of its list where the lexicon knows
    the whole: a leading word of the group's first member before it, a tail of the group's last member after
    it, the head of the group listed before it, or its own group's head (碳足迹…等标志标识 -> 碳足迹标志标识).
    Any member takes what its group's head does to a class it is a kind of (``_shared_tails``)."""
    if not _names_thing(it.label, lex):
        first, last = group[0].label, group[-1].label
        wholes = [first[:i] + it.label for i in range(2, len(first))]
        wholes += [it.label + last[i:] for i in range(1, len(last) - 1)]
        heads = [b.group for b in before if b.group and b.group != it.group]
        if heads:
            wholes += [heads[-1][:i] + it.label for i in range(2, len(heads[-1]) + 1)]
        wholes += [it.label + it.group] if it.group else []
        yield from (w for w in wholes if lex.sense(w))
    yield from _shared_tails(it, lex)


def _shared_tails(it: ItemText, lex: Lexicon) -> Iterator[str]:
    """A member under a head "class + what is done" gets what is done, when the lexicon puts the member under the
    class (冶炼渣…等工业固废再利用 -> 冶炼渣再利用, 废塑料…等废弃化学品再生和回收利用 -> 废塑料再生和回收利用);
    a member under an enterprise type that opens with the word the member ends with is that type of enterprise
    (铜矿、铅锌矿等矿采选企业 -> 铜矿采选). A head that lists several things (开发、输送、储能) gives nothing."""
    head = it.group
    if not head or "、" in head:
        return
    classes = {label for c in lex.match(it.label) for a in _ancestors(c, lex)
               for label in (lex.concepts[a].pref_zh, *lex.concepts[a].alt_zh)}
    for i in range(len(head) - 1, 1, -1):  # the longest class first
        if head[:i] in classes and not it.label.endswith(head[i:]):
            yield it.label + head[i:]
            return
    stem = head.removesuffix("企业")
    if stem != head:
        for k in range(min(len(stem), len(it.label)) - 1, 0, -1):
            if it.label.endswith(stem[:k]):
                yield it.label + stem[k:]
                return
