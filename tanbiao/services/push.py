"""Upload a build to any SPARQL server through the SPARQL 1.1 Graph Store HTTP Protocol."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pyoxigraph as ox

from tanbiao.errors import PushError, Unavailable

__all__ = ["PushError", "push"]


def push(build_dir: Path, url: str, token: str = "", progress: Callable[[str], None] = lambda _m: None,
         timeout: float = 120.0) -> dict[str, int]:
    """PUT every named graph of ``build_dir/tanbiao.trig`` to ``url?graph=<name>``; returns triples per graph."""
    trig = Path(build_dir) / "tanbiao.trig"
    if not trig.is_file():
        raise Unavailable(f"no build in {build_dir}/ (missing tanbiao.trig) — run `tanbiao build` first")
    store = ox.Store()
    store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    headers = {"Content-Type": "application/n-triples"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    counts: dict[str, int] = {}
    with httpx.Client(timeout=timeout) as client:
        for graph in sorted(store.named_graphs(), key=lambda g: g.value):
            body = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
            try:
                r = client.put(url, params={"graph": graph.value}, content=body, headers=headers)
            except httpx.HTTPError as exc:
                raise PushError(f"cannot reach {url}: {exc}") from None
            if r.status_code >= 300:
                raise PushError(f"{url} refused graph <{graph.value}>: HTTP {r.status_code} {r.text[:300]}")
            counts[graph.value] = (body or b"").count(b"\n")
            progress(f"<{graph.value}>: {counts[graph.value]} triples")
    return counts
