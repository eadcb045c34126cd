"""The gate in front of every query and update: size, nesting and the remote calls it would make.

It fails closed and gives the user a clear 4xx, but it is policy, not the boundary: the workers that run
queries without an allowed remote call cannot open a network socket at all (``sandbox.py``). The gate decides
*which* pool may run a request:

1. text ≤ ``max_query_bytes`` (413); no C0 control characters but TAB/LF/CR (400);
2. the census on oxigraph-faithful tokens (``tanbiao.sparqltext``): bracket depth ≤ 64 (deeper texts crash
   oxigraph's parser with SIGSEGV), at most 8 SERVICE/LOAD keywords (rdflib is quadratic in them);
3. no SERVICE/LOAD keyword: run sandboxed. Otherwise the two places where rdflib's lexer and oxigraph's disagree
   are refused (a CR not followed by LF, any ``\\u``/``\\U`` escape), the text must be ≤ 32 KB, and rdflib
   parses it in a sandboxed worker (``remote_calls``): targets from the *resolved parse tree* (its algebra can
   drop a nested ``FILTER EXISTS { SERVICE … }``), IRIs resolved as oxigraph resolves them against the
   configured base; the parse tree, the algebra and the census must count the same number of calls;
4. policy: no variable endpoint, every target equal to an allow-list entry as a parsed, normalised URL
   (never a string prefix); updates never call out. Only a query that passes runs in the federation pool.
"""

from __future__ import annotations

import re
import sys
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from tanbiao.errors import Forbidden, QueryError, TooLarge
from tanbiao.sparqltext import Census, census

__all__ = ["Decision", "check", "remote_calls", "normalise", "MAX_DEPTH", "MAX_REMOTE"]

MAX_DEPTH = 64
MAX_REMOTE = 8
MAX_CHECKED_BYTES = 32 * 1024  # rdflib takes ~2 s on 32 KB of triple patterns
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LONE_CR = re.compile(r"\r(?!\n)")
_UESCAPE = re.compile(r"\\[uU]")


@dataclass(frozen=True)
class Decision:
    census: Census
    federated: bool = False  # True: every SERVICE target is allow-listed, run it where the network is open
    targets: tuple[str, ...] = field(default_factory=tuple)


def normalise(url: str) -> tuple[str, str, int, str, str] | None:
    """(scheme, host, port, path, query) of a plain http(s) URL, or None for anything else (userinfo, dot
    segments, percent-encoded dots, non-ASCII, IPv6 literals): such a target can never match an entry."""
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*://[A-Za-z0-9.:/_~!$&'()*+,;=%@?#-]*", url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "")
    if scheme not in ("http", "https") or "@" in parts.netloc or not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)*", host):
        return None
    path = parts.path or "/"
    if re.search(r"(^|/)\.\.?(/|$)|%2e", path, re.I):
        return None
    return scheme, host, port or (443 if scheme == "https" else 80), path, parts.query


def check(text: str, *, update: bool, base_iri: str, allowlist: tuple[str, ...], max_bytes: int,
          parse: Any, sealed: bool = True, disabled: str = "") -> Decision:
    """Decide where ``text`` may run. ``parse(text, kind, base)`` runs ``remote_calls`` in a worker process.
    ``sealed``: what runs unchecked cannot reach the network (else anything that cannot be checked is refused);
    ``disabled``: why SERVICE and LOAD are refused outright (no seccomp on this platform)."""
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise TooLarge(f"the {'update' if update else 'query'} is {size} bytes; the limit is {max_bytes} bytes")
    bad = _CONTROL.search(text)
    if bad:
        raise QueryError(f"control character U+{ord(bad.group()):04X} at line {text.count(chr(10), 0, bad.start()) + 1}"
                         " is not allowed in SPARQL text")
    c = census(text)
    if c.depth > MAX_DEPTH:
        raise QueryError(f"the text nests brackets {c.depth} deep; the limit is {MAX_DEPTH}")
    if c.remote > MAX_REMOTE:
        raise QueryError(f"more than {MAX_REMOTE} SERVICE/LOAD operations")
    if not c.remote:
        return Decision(c)
    if disabled:
        raise Forbidden(f"SERVICE and LOAD are disabled on this server: {disabled}")
    where = "an update" if update else "a query that uses SERVICE or LOAD"
    if _LONE_CR.search(text):
        raise QueryError(f"a line end made of CR alone is not accepted in {where}; use LF or CRLF")
    if _UESCAPE.search(text):
        raise QueryError(f"\\u / \\U escapes are not accepted in {where}; write the character itself")
    if size > MAX_CHECKED_BYTES:
        raise TooLarge(f"{where} may be at most {MAX_CHECKED_BYTES} bytes")
    found = parse(text, "update" if update else "query", base_iri)
    calls, problem = found.get("calls", []), found.get("error")
    allowed = {normalise(a) for a in allowlist} - {None}
    if not problem and found["tree"] != len(calls):
        problem = "the parser's algebra lost a SERVICE/LOAD operation"
    if sealed and not problem and not calls:
        return Decision(c)  # e.g. a prefix named like 'download:'; the sandbox holds whatever it may be
    if sealed and problem and not allowed:
        return Decision(c)  # cannot be checked: the sandbox pool runs it (any remote call fails there)
    if problem:
        raise QueryError(f"this endpoint could not check where the text would connect ({problem}); "
                         "texts with SERVICE or LOAD that cannot be checked are refused")
    if c.remote != len(calls):
        raise QueryError(f"the query has {c.remote} SERVICE/LOAD keyword(s) but the parser found {len(calls)}; "
                         "it is refused because it cannot be checked")
    for call in calls:
        op, target = call["op"], call["target"]
        if update:
            raise Forbidden(f"{op} {target} is not allowed: updates never contact other servers")
        if call["variable"]:
            raise Forbidden(f"{op} {target}: a variable endpoint is not allowed (this endpoint only contacts "
                            "the endpoints on its allow-list, written as IRIs)")
        if normalise(target) not in allowed:
            raise Forbidden(f"{op} <{target}> is not allowed: this endpoint only contacts the endpoints on its "
                            f"allow-list ({', '.join(allowlist) or 'empty'})")
    return Decision(c, federated=bool(calls), targets=tuple(call["target"] for call in calls))


# --- rdflib's view, run in a sandboxed worker (``remote_calls``) ------------------------------------------------

_URI = re.compile(r"^(?:([^:/?#]+):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$", re.S)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*$")
_LOCAL_ESCAPE = re.compile(r"\\([_~.\-!$&'()*+,;=/?#@%])")


def _remove_dots(path: str) -> str:
    """RFC 3986 section 5.2.4, step by step."""
    out: list[str] = []
    while path:
        if path.startswith("../"):
            path = path[3:]
        elif path.startswith("./"):
            path = path[2:]
        elif path.startswith("/./"):
            path = "/" + path[3:]
        elif path == "/.":
            path = "/"
        elif path.startswith("/../") or path == "/..":
            path = "/" + path[4:]
            if out:
                out.pop()
        elif path in (".", ".."):
            path = ""
        else:
            i = path.find("/", 1)
            out.append(path if i == -1 else path[:i])
            path = "" if i == -1 else path[i:]
    return "".join(out)


def resolve(ref: str, base: str | None) -> str:
    """RFC 3986 resolution as oxigraph 0.5 does it: an absolute IRI is kept verbatim (dot segments included)."""
    m = _URI.match(ref)
    assert m is not None
    scheme, auth, path, query, frag = m.groups()
    if scheme is not None and _SCHEME.match(scheme):
        return ref
    if base is None:
        raise ValueError(f"relative IRI <{ref}> and no base IRI")
    bm = _URI.match(base)
    assert bm is not None
    bscheme, bauth, bpath, bquery, _ = bm.groups()
    if bscheme is None:
        raise ValueError(f"base IRI <{base}> is not absolute")

    def join(a: str | None, p: str, q: str | None) -> str:
        return f"{bscheme}:" + (f"//{a}" if a is not None else "") + p + (f"?{q}" if q is not None else "") + (
            f"#{frag}" if frag is not None else "")

    if auth is not None:
        return join(auth, _remove_dots(path), query)
    if path == "":
        return join(bauth, bpath, query if query is not None else bquery)
    if path.startswith("/"):
        return join(bauth, _remove_dots(path), query)
    merged = "/" + path if bauth is not None and bpath == "" else bpath[: bpath.rfind("/") + 1] + path
    return join(bauth, _remove_dots(merged), query)


def _rdflib_calls(text: str, kind: str, base: str | None) -> dict:
    from pyparsing import ParseResults
    from rdflib import URIRef, Variable
    from rdflib.plugins.sparql.algebra import translateQuery, translateUpdate, traverse
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
    from rdflib.plugins.sparql.parserutils import CompValue

    state: dict[str, Any] = {"base": base, "prefixes": {}}

    def prologue(decls) -> None:
        for d in decls or []:
            if d.name == "Base":
                state["base"] = resolve(str(d.iri), state["base"])
            elif d.name == "PrefixDecl":
                state["prefixes"][d.prefix or ""] = resolve(str(d.iri), state["base"])

    def visit(node: Any):
        if isinstance(node, CompValue) and node.name == "pname":
            prefix = node.prefix or ""
            if prefix not in state["prefixes"]:
                raise ValueError(f"unknown prefix '{prefix}:'")
            return URIRef(state["prefixes"][prefix] + _LOCAL_ESCAPE.sub(r"\1", node.localname or ""))
        if isinstance(node, URIRef) and not isinstance(node, Variable):
            return URIRef(resolve(str(node), state["base"]))
        return None

    def walk(node: Any, out: list, names: tuple[str, ...], seen: set) -> None:
        if id(node) in seen:
            return
        if isinstance(node, (CompValue, dict)):
            seen.add(id(node))
            name = getattr(node, "name", None)
            if name in names:
                term = node.get("term") if name == "ServiceGraphPattern" else node.get("iri")
                out.append({"op": "SERVICE" if name == "ServiceGraphPattern" else "LOAD",
                            "target": ("?" + str(term)) if isinstance(term, Variable) else str(term),
                            "variable": isinstance(term, Variable)})
            for v in node.values():
                walk(v, out, names, seen)
        elif isinstance(node, (list, tuple, ParseResults, set)):
            for v in node:
                walk(v, out, names, seen)
        elif hasattr(node, "algebra"):
            walk(node.algebra, out, names, seen)

    names = ("ServiceGraphPattern", "Load")
    if kind == "query":
        tree: Any = parseQuery(text)
        prologue(tree[0])
        tree[1] = traverse(tree[1], visitPost=visit)
        requests: Any = tree[1]
        algebra: Any = translateQuery(tree)
    else:
        tree = parseUpdate(text)
        requests = []
        for decls, req in zip(tree.prologue, tree.request or [], strict=False):
            prologue(decls)
            requests.append(traverse(req, visitPost=visit))
        if tree.request:
            tree["request"] = requests
        algebra = translateUpdate(tree)
    calls: list[dict] = []
    walk(requests, calls, names, set())  # the resolved parse tree keeps every node
    in_algebra: list[dict] = []
    walk(algebra, in_algebra, names, set())
    if len(in_algebra) != len(calls):
        return {"calls": calls, "tree": -1, "error": "the parser's algebra and parse tree disagree"}
    return {"calls": calls, "tree": len(calls), "error": None}


def remote_calls(text: str, kind: str, base: str | None) -> dict:
    """Every SERVICE / LOAD of ``text`` by rdflib's parser: ``{"calls": [...], "tree": n, "error": str|None}``.
    rdflib recurses per bracket and per triple pattern: it runs on a thread with a 256 MiB stack and a raised
    recursion limit, which is why this runs in a worker process, never in the server."""
    box: list[dict] = []

    def run() -> None:
        try:
            box.append(_rdflib_calls(text, kind, base))
        except RecursionError:
            box.append({"calls": [], "tree": 0, "error": "too deeply nested for the checker"})
        except Exception as exc:  # a parse error, an unknown prefix, a relative IRI without base, an rdflib bug
            box.append({"calls": [], "tree": 0, "error": f"{type(exc).__name__}: {exc}"[:300]})

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 100_000))
    old = threading.stack_size(256 * 1024 * 1024)
    try:
        t = threading.Thread(target=run)
        t.start()
        t.join()
    finally:
        threading.stack_size(old)
    return box[0] if box else {"calls": [], "tree": 0, "error": "the checker failed"}
