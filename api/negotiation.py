"""Content negotiation for SPARQL results and RDF graphs."""

from __future__ import annotations

from tanbiao.errors import NotAcceptable

__all__ = ["RESULTS", "GRAPHS", "BOOLEAN", "choose", "NotAcceptable"]

# media type -> format key understood by the backends
RESULTS = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
BOOLEAN = {k: v for k, v in RESULTS.items() if v in ("json", "xml")}
GRAPHS = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
    "application/rdf+xml": "rdfxml",
    "application/ld+json": "jsonld",
}
CANONICAL = {
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
    "csv": "text/csv", "tsv": "text/tab-separated-values",
    "turtle": "text/turtle", "ntriples": "application/n-triples", "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json", "html": "text/html",
}


def _not_acceptable(accept: str, offered: dict[str, str]) -> NotAcceptable:
    return NotAcceptable(f"none of the requested media types ({accept}) can be produced; "
                         f"available: {', '.join(dict.fromkeys(CANONICAL[v] for v in offered.values()))}")


def _parse(accept: str) -> list[tuple[str, float]]:
    out = []
    for part in accept.split(","):
        pieces = [p.strip() for p in part.split(";")]
        media, q = pieces[0].lower(), 1.0
        for p in pieces[1:]:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        if media:
            out.append((media, q))
    return sorted(out, key=lambda x: -x[1])


def choose(accept: str | None, offered: dict[str, str], default: str, override: str | None = None) -> tuple[str, str]:
    """(format key, media type) for an Accept header; ``override`` is an explicit ?format= value."""
    if override:
        if override in offered:
            return offered[override], CANONICAL[offered[override]]
        keys = {v: CANONICAL[v] for v in offered.values()}
        if override in keys:
            return override, keys[override]
        raise _not_acceptable(override, offered)
    if not accept or not accept.strip():
        return default, CANONICAL[default]
    for media, q in _parse(accept):
        if q <= 0:
            continue
        if media in offered:
            return offered[media], CANONICAL[offered[media]]
        if media in ("*/*", "application/*", "text/*"):
            return default, CANONICAL[default]
    raise _not_acceptable(accept, offered)
