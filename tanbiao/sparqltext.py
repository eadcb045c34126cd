"""Light lexical work on SPARQL text that the engines do not offer: which remote addresses a request would
contact (SERVICE, LOAD), adding the protocol's ``using-graph-uri`` dataset to an update, whether a query names its
own dataset (FROM), and where its WHERE group ends (the catalogue binds parameters there).

The scanner skips comments, strings and IRIs, so keywords inside them never count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tanbiao.errors import DatasetConflict

__all__ = ["Token", "tokens", "remote_targets", "add_using", "DatasetConflict", "has_dataset_clause", "query_form",
           "has_from_clause", "where_group_end"]

_TOKEN = re.compile(
    r"""(?P<comment>\#[^\n]*)
      | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                  |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)
      | (?P<pname>[A-Za-z\u00c0-\uffff][\w\u00b7\u00c0-\uffff.-]*?:[\w\u00b7\u00c0-\uffff.:%-]*
                 |:[\w\u00b7\u00c0-\uffff.:%-]*)
      | (?P<word>[A-Za-z_]+)
      | (?P<open>[{])
      | (?P<close>[}])
      | (?P<other>\S)
    """,
    re.X,
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int


def tokens(text: str) -> list[Token]:
    out = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind != "comment":
            out.append(Token(kind, m.group(0), m.start()))
    return out


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first such keyword outside comments, strings and IRIs."""
    for t in tokens(text):
        if t.kind == "word" and t.text.upper() in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return t.text.upper()
    return "SELECT"


def has_from_clause(text: str) -> bool:
    """Whether a query names its own dataset (``FROM`` / ``FROM NAMED``)."""
    return any(t.kind == "word" and t.text.upper() == "FROM" for t in tokens(text))


def where_group_end(text: str) -> int:
    """The index of the ``}`` that closes the query's outermost WHERE group (a CONSTRUCT template is skipped)."""
    depth, in_where, previous = 0, False, None
    for t in tokens(text):
        if t.kind == "open":
            if depth == 0:
                template = previous is not None and previous.kind == "word" and previous.text.upper() == "CONSTRUCT"
                in_where = not template
            depth += 1
        elif t.kind == "close":
            depth -= 1
            if depth == 0 and in_where:
                return t.start
        previous = t
    raise ValueError("the query has no WHERE group")


def _prefixes(toks: list[Token]) -> dict[str, str]:
    out = {}
    for i, t in enumerate(toks[:-2]):
        is_prefix = t.kind == "word" and t.text.upper() == "PREFIX"
        if is_prefix and toks[i + 1].kind == "pname" and toks[i + 2].kind == "iri":
            out[toks[i + 1].text.rstrip(":").split(":")[0]] = toks[i + 2].text[1:-1]
    return out


def remote_targets(text: str) -> list[str]:
    """Addresses a query or update would contact: SERVICE and LOAD targets ('?var' when not fixed)."""
    toks = tokens(text)
    prefixes = _prefixes(toks)
    out = []
    for i, t in enumerate(toks):
        if t.kind == "word" and t.text.upper() in ("SERVICE", "LOAD"):
            j = i + 1
            if j < len(toks) and toks[j].kind == "word" and toks[j].text.upper() == "SILENT":
                j += 1
            if j >= len(toks):
                continue
            target = toks[j]
            if target.kind == "iri":
                out.append(target.text[1:-1])
            elif target.kind == "pname":
                prefix, _, local = target.text.partition(":")
                out.append(prefixes.get(prefix, target.text) + local if prefix in prefixes else target.text)
            else:
                out.append(target.text)
    return out


def has_dataset_clause(text: str) -> bool:
    return any(t.kind == "word" and t.text.upper() in ("USING", "WITH") for t in tokens(text))


def add_using(text: str, using: tuple[str, ...], using_named: tuple[str, ...]) -> str:
    """Insert ``USING <g>`` / ``USING NAMED <g>`` before the WHERE of each INSERT/DELETE … WHERE operation."""
    if not using and not using_named:
        return text
    if has_dataset_clause(text):
        raise DatasetConflict("the update names its own dataset (USING/WITH) and the request also gives "
                              "using-graph-uri / using-named-graph-uri")
    clause = " ".join([f"USING <{g}>" for g in using] + [f"USING NAMED <{g}>" for g in using_named]) + " "
    toks = tokens(text)
    depth, inserts, modify = 0, [], False
    for i, t in enumerate(toks):
        if t.kind == "open":
            depth += 1
        elif t.kind == "close":
            depth -= 1
        elif depth == 0 and t.kind == "word":
            word = t.text.upper()
            if word in ("INSERT", "DELETE"):
                nxt = toks[i + 1].text.upper() if i + 1 < len(toks) else ""
                modify = modify or nxt not in ("DATA", "WHERE")
            elif word == "WHERE" and modify:
                inserts.append(t.start)
                modify = False
        elif depth == 0 and t.kind == "other" and t.text == ";":
            modify = False
    for pos in reversed(inserts):
        text = text[:pos] + clause + text[pos:]
    return text
