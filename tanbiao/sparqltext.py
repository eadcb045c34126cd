"""SPARQL text read the way the engine reads it: a tokenizer that follows pyoxigraph 0.5's lexical rules.

What the engines do not offer on their own: the census of a request (its form, its bracket depth, its
``SERVICE`` / ``LOAD`` keywords, whether it names its own dataset) and adding the protocol's ``using-graph-uri``
dataset to an update. The rules are oxigraph's, not rdflib's, because oxigraph is what runs the text:

* a ``#`` comment ends at CR *or* LF;
* ``\\u`` / ``\\U`` escapes are decoded only inside IRIs and strings (never in the rest of the text);
* local names take the escapes ``\\#``, ``\\'`` … (so ``ex:p\\#`` is one token, not a comment);
* keywords have no word boundary (``SERVICESILENT<…>`` is SERVICE SILENT), so the census counts SERVICE and LOAD
  anywhere inside a bare word or a prefix name: it may over-count, never under-count.

This module decides nothing about security on its own: the gate (``tanbiao.api.gate``) cross-checks it with
rdflib's parser, and the query workers run behind a seccomp boundary (``tanbiao.api.sandbox``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from tanbiao.errors import DatasetConflict, QueryError

__all__ = ["Token", "Census", "tokens", "census", "query_form", "add_using", "DatasetConflict",
           "has_dataset_clause", "has_from_clause", "where_group_end"]

_PN_CHARS_BASE = ("A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
                  "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff")
_PN_CHARS_U = "_" + _PN_CHARS_BASE
_PN_CHARS = _PN_CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PN_PREFIX = f"[{_PN_CHARS_BASE}][{_PN_CHARS}]*(?:\\.+[{_PN_CHARS}]+)*"
_PN_LOCAL = f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:[{_PN_CHARS}:]|{_PLX})*(?:\\.+(?:[{_PN_CHARS}:]|{_PLX})+)*"
_ECHAR = r"\\[tbnrf\"'\\]"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"

_TOKEN = re.compile(
    rf"""
    (?P<ws>[ \t\n\r]+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>'''(?:(?:''|')?(?:[^'\\]|{_ECHAR}|{_UCHAR}))*'''
              |\"\"\"(?:(?:\"\"|\")?(?:[^\"\\]|{_ECHAR}|{_UCHAR}))*\"\"\"
              |'(?:[^'\\\n\r]|{_ECHAR}|{_UCHAR})*'
              |\"(?:[^\"\\\n\r]|{_ECHAR}|{_UCHAR})*\")
  | (?P<iri><(?:[^<>\"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)
  | (?P<var>[?$][{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*)
  | (?P<bnode>_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}]*(?:\.+[{_PN_CHARS}]+)*))
  | (?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)
  | (?P<lang>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?)
  | (?P<number>[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)
  | (?P<word>[A-Za-z_][A-Za-z_0-9]*)
  | (?P<punct>.)
    """,
    re.X | re.S,
)
_REMOTE = re.compile("SERVICE|LOAD", re.I)
_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


@dataclass(frozen=True)
class Token:
    kind: str  # string iri var bnode pname lang number word punct
    text: str
    start: int


def tokens(text: str) -> Iterator[Token]:
    """The tokens of ``text`` (comments and white space dropped). QueryError on a string that does not end."""
    pos, n = 0, len(text)
    while pos < n:
        m = _TOKEN.match(text, pos)
        assert m is not None  # the last alternative matches any character
        kind, tok = m.lastgroup or "punct", m.group(0)
        if kind == "punct" and tok in "'\"":
            line = text.count("\n", 0, pos) + 1
            raise QueryError(f"SPARQL syntax error: unterminated string at line {line}")
        pos = m.end()
        if kind not in ("ws", "comment"):
            yield Token(kind, tok, m.start())


@dataclass(frozen=True)
class Census:
    form: str  # SELECT | ASK | CONSTRUCT | DESCRIBE ('' for an update)
    remote: int  # SERVICE / LOAD keywords (over-counted, never under-counted)
    depth: int  # deepest nesting of { ( [
    from_clause: bool  # the query names its own dataset (FROM / FROM NAMED)


def census(text: str) -> Census:
    """One linear pass over the tokens."""
    form, remote, depth, deepest, from_clause = "", 0, 0, 0, False
    for t in tokens(text):
        if t.kind == "word":
            remote += len(_REMOTE.findall(t.text))
            upper = t.text.upper()
            if not form and upper in _FORMS:
                form = upper
            elif upper == "FROM" and depth == 0:
                from_clause = True
        elif t.kind == "pname":
            remote += len(_REMOTE.findall(t.text.split(":", 1)[0]))
        elif t.kind == "punct":
            if t.text in "{([":
                depth += 1
                deepest = max(deepest, depth)
            elif t.text in "})]":
                depth -= 1
    return Census(form, remote, deepest, from_clause)


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first such keyword outside comments, strings and IRIs."""
    try:
        return census(text).form or "SELECT"
    except QueryError:
        return "SELECT"


def has_from_clause(text: str) -> bool:
    """Whether a query names its own dataset (``FROM`` / ``FROM NAMED`` outside any group)."""
    try:
        return census(text).from_clause
    except QueryError:
        return False


def where_group_end(text: str) -> int:
    """The index of the ``}`` that closes the query's outermost WHERE group (a CONSTRUCT template is skipped)."""
    depth, in_where, previous = 0, False, None
    for t in tokens(text):
        if t.kind == "punct" and t.text == "{":
            if depth == 0:
                template = previous is not None and previous.kind == "word" and previous.text.upper() == "CONSTRUCT"
                in_where = not template
            depth += 1
        elif t.kind == "punct" and t.text == "}":
            depth -= 1
            if depth == 0 and in_where:
                return t.start
        previous = t
    raise ValueError("the query has no WHERE group")


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
    toks = list(tokens(text))
    depth, inserts, modify = 0, [], False
    for i, t in enumerate(toks):
        if t.kind == "punct" and t.text == "{":
            depth += 1
        elif t.kind == "punct" and t.text == "}":
            depth -= 1
        elif depth == 0 and t.kind == "word":
            word = t.text.upper()
            if word in ("INSERT", "DELETE"):
                nxt = toks[i + 1].text.upper() if i + 1 < len(toks) else ""
                modify = modify or nxt not in ("DATA", "WHERE")
            elif word == "WHERE" and modify:
                inserts.append(t.start)
                modify = False
        elif depth == 0 and t.kind == "punct" and t.text == ";":
            modify = False
    for pos in reversed(inserts):
        text = text[:pos] + clause + text[pos:]
    return text
