"""SPARQL syntax errors a person can read: the line and column, the offending line with a caret under the spot, the
parser's expectations without its character-class ranges, and a hint for the common mistakes (an undeclared prefix
names the PREFIX line to add; an unclosed brace; a query that does not start with a query form).

``explain(query, message)`` rewrites the message of Oxigraph's parser (``error at 4:20: expected one of …``); a
message it does not recognise is returned unchanged.
"""

from __future__ import annotations

import re

from tanbiao.loaders import namespaces as ns

__all__ = ["explain", "KNOWN_PREFIXES"]

# prefixes a hint may propose: the graph's own and the vocabularies it uses
KNOWN_PREFIXES = {**{k: str(v) for k, v in ns.PREFIXES.items()},
                  "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
                  "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "owl": "http://www.w3.org/2002/07/owl#",
                  "xsd": "http://www.w3.org/2001/XMLSchema#", "skos": "http://www.w3.org/2004/02/skos/core#",
                  "dcterms": "http://purl.org/dc/terms/", "prov": "http://www.w3.org/ns/prov#",
                  "void": "http://rdfs.org/ns/void#", "sh": "http://www.w3.org/ns/shacl#"}
_AT = re.compile(r"error at (\d+):(\d+): (.*)", re.S)
_PNAME = re.compile(r"(?<![\w<?$:/#])([A-Za-z][\w.-]*)?:(?=[\w%\\]|\s|$)")
_DECLARED = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:", re.I)
_QUOTED = re.compile(r'"([^"]+)"')
_WORDS = re.compile(r"(?<![\w'\"\[])([A-Z][A-Z]+|The [^,\]]+|Prefix not found)(?=[,\]]|$)")
_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


def _strip_comments(text: str) -> str:
    return re.sub(r"#[^\n]*", "", re.sub(r'"(?:[^"\\\n]|\\.)*"|<[^<>\s]*>', lambda m: " " * len(m.group()), text))


def _undeclared(query: str) -> list[str]:
    """The prefixes the query uses but does not declare."""
    body = _strip_comments(query)
    declared = {m.group(1) or "" for m in _DECLARED.finditer(body)}
    body = re.sub(r"(?i)\bPREFIX\s+[\w.-]*:\s*", " ", body)
    used = [m.group(1) or "" for m in _PNAME.finditer(body)]
    return [p for p in dict.fromkeys(used) if p not in declared]


_SPARQL_12 = {"{|", "|}", "~", "<<", ">>", "<<(", ")>>"}  # RDF 1.2 annotation syntax: noise in a 1.1 hint
_SEMANTIC = {"The SELECT contains a variable that is unbound":
             "with GROUP BY, every selected variable must be grouped (GROUP BY ?x) or aggregated "
             "(COUNT(?x) AS ?n)"}


def _expected(rest: str) -> list[str]:
    tokens = [t for t in _QUOTED.findall(rest) if t.strip() and t not in _SPARQL_12]
    words = [w for w in _WORDS.findall(rest) if len(w) > 2 and w != "Prefix not found" and not w.startswith("The ")]
    return list(dict.fromkeys(tokens + words))


def _hints(query: str, rest: str) -> list[str]:
    hints = []
    missing = _undeclared(query)
    if "Prefix not found" in rest or missing:
        for p in missing or []:
            iri = KNOWN_PREFIXES.get(p)
            line = f"PREFIX {p}: <{iri}>" if iri else f"PREFIX {p}: <…>"
            hints.append(f"the prefix {p}: is not declared — add this line at the top: {line}")
        if not missing:
            hints.append("a prefixed name uses a prefix that is not declared: add its PREFIX line at the top")
    hints += [_SEMANTIC.get(s.strip(), s.strip()) for s in re.findall(r"The [^,\]]+", rest)]
    body = _strip_comments(query)
    opened, closed = body.count("{"), body.count("}")
    if opened > closed:
        hints.append(f"{opened - closed} '{{' not closed by a '}}'")
    elif closed > opened:
        hints.append(f"{closed - opened} '}}' more than there are '{{'")
    words = re.findall(r"[A-Za-z]+", re.sub(r"(?im)^\s*(PREFIX|BASE)\b[^\n]*", "", body))
    if words and words[0].upper() not in _FORMS + ("WITH", "INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE",
                                                 "ADD", "MOVE", "COPY"):
        hints.append(f"a query starts with {', '.join(_FORMS)} after its PREFIX lines, not '{words[0]}'")
    return hints


def explain(query: str, message: str) -> str:
    """The parser's ``message`` about ``query`` as a readable error (see the module docstring)."""
    m = _AT.search(message)
    if not m:
        return message
    line_no, col, rest = int(m.group(1)), int(m.group(2)), m.group(3)
    lines = query.split("\n")
    line = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
    out = [f"SPARQL syntax error at line {line_no}, column {col}:", f"  {line}", "  " + " " * max(col - 1, 0) + "^"]
    expected = _expected(rest)
    if expected and "The " not in rest:
        out.append("expected: " + " ".join(expected))
    out += [f"hint: {h}" for h in _hints(query, rest)]
    return "\n".join(out)
