"""Further attacks of the same kinds: random queries full of lexical traps (quote styles, escapes, ``#``, CR, CRLF,
U+2028, ``\\u`` sequences, local-name escapes, nesting, EXISTS) against the gate *with federation on*, where the
gate is the only check: a query it lets through runs in a worker that can reach the network. The internal victim
must see nothing. (The generator follows the differential fuzzer of the issue-11 research; ``TANBIAO_FUZZ_SEED``
and ``TANBIAO_FUZZ_N`` explore further.)"""

from __future__ import annotations

import os
import random

import pytest
from tanbiao.api import gate
from tanbiao.api.workers import QueryPool, QueryRequest, check_job, query_job

from tanbiao.errors import TanbiaoError

SEED = int(os.environ.get("TANBIAO_FUZZ_SEED", "11"))
N = int(os.environ.get("TANBIAO_FUZZ_N", "150"))
WS = [" ", " ", "\n", "\r", "\t", "\r\n"]
LOCALS = ["p", "p\\#", "p\\'", "p\\.x", "%41", "p\\~"]


def _string(r: random.Random, content: list[str]) -> str:
    style = r.choice(["'", '"', "'''", '"""'])
    parts = []
    for _ in range(r.randint(0, 4)):
        c = r.choice(content)
        if len(style) == 1:
            c = ("\\" + c if c == style else c).replace("\n", "\\n").replace("\r", "\\r")
        elif c.startswith(style[0]):
            c = "\\" + c
        parts.append(c)
    body = "".join(parts)
    return style + body + ("a" if len(style) == 3 and body.endswith(style[0]) else "") + style


def _item(r: random.Random, target: str, content: list[str], depth: int = 0) -> str:
    service = f"{r.choice(['SERVICE', 'service', 'SeRvIcE'])}{r.choice(['', ' SILENT'])} <{target}> {{ }}"
    k = r.randint(0, 9)
    if k == 0:
        return service
    if k == 1:
        return f"BIND({_string(r, content)} AS ?v{r.randint(0, 99)})"
    if k == 2:
        return f"BIND({_string(r, content)} && EXISTS {{ {service} }}{r.choice(WS)} AS ?e{r.randint(0, 99)})"
    if k == 3:
        return "#" + "".join(r.choice(content) for _ in range(3)).replace("\n", "") + r.choice(
            ["\n", "\r", "\r\n", "\u2028\n", "\u0085\n", "\\u000A"])
    if k == 4:
        return f"BIND(ex:{r.choice(LOCALS)} AS ?p{r.randint(0, 99)})"
    if k == 5:
        frag = "".join(r.choice(["a", "#", "'", "\\u0041", "\\u0023", "\\u003E"]) for _ in range(3))
        return f"BIND(<http://e/{frag}> AS ?i{r.randint(0, 99)})"
    if k == 6:
        return f"VALUES ?w{r.randint(0, 99)} {{ {_string(r, content)} }}"
    if k == 7 and depth < 3:
        inner = " ".join(_item(r, target, content, depth + 1) for _ in range(r.randint(1, 3)))
        return r.choice(["OPTIONAL { %s }", "{ %s }", "FILTER EXISTS { %s }", "MINUS { %s }"]) % inner
    if k == 8:
        return f"FILTER({_string(r, content)} != {_string(r, content)})"
    return "?s ?p ?o ."


def queries(target: str, seed: int, n: int) -> list[str]:
    r = random.Random(seed)
    content = ["a", "#", "'", '"', "\\'", '\\"', "\\\\", "\\u0022", "\\u0027", "\\u000A", "\\u0023", "\\u00000022",
               f"SERVICE <{target}> {{ }}", "}", "{", " ", "\\n", "''", '""', "<", ">", "\\u005C"]
    out = []
    for _ in range(n):
        body = "".join(_item(r, target, content) + r.choice(WS) for _ in range(r.randint(1, 5)))
        out.append("PREFIX ex: <http://example.org/>\nSELECT * WHERE {" + r.choice(WS) + body + "}")
    return out


@pytest.fixture(scope="module")
def pools(built, tmp_path_factory):
    from tanbiao.api.stores import store_version

    version = store_version(built.out, tmp_path_factory.mktemp("fuzz") / "store", {})
    sealed = QueryPool(1, sandbox=True, store=version, timeout=20)
    open_ = QueryPool(1, sandbox=False, store=version, timeout=20)
    yield version, sealed, open_
    sealed.close()
    open_.close()


@pytest.mark.parametrize("seed", [SEED, SEED + 1])
def test_fuzzed_queries_never_reach_the_victim_through_the_gate(pools, listeners, seed):
    version, sealed, open_ = pools
    victim, allowed = listeners
    allow = (f"http://127.0.0.1:{allowed.port}/sparql",)
    target = f"http://127.0.0.1:{victim.port}/sparql"
    federated = refused = 0
    for text in queries(target, seed, N):
        try:
            decision = gate.check(text, update=False, base_iri="http://127.0.0.1:8000/sparql", allowlist=allow,
                                  max_bytes=65536, parse=lambda t, k, b: sealed.run(check_job, t, k, b, store=version))
        except TanbiaoError:
            refused += 1
            continue
        pool = open_ if decision.federated else sealed
        federated += decision.federated
        pool.run(query_job, QueryRequest(text, federated=decision.federated), store=version)
        assert victim.take() == [], text
    assert federated == 0 and refused > N // 4  # the victim is never allowed; most traps are refused outright
