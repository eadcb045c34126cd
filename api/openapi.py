"""The OpenAPI document as the server behaves: every error status a route can give, every media type it sends,
and the values ``format`` takes. schemathesis checks the two against each other (``tests/security``)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from tanbiao.services.catalogue import catalogue
from tanbiao.services.reports import FORMATS, MEDIA_TYPES

from .negotiation import BOOLEAN, CANONICAL, GRAPHS, RESULTS

__all__ = ["install"]

_ERRORS = {
    "400": "Bad request: a parameter, filter or query that does not fit (the message says which)",
    "404": "Nothing is known by this name",
    "406": "None of the accepted media types can be produced",
    "408": "The request body paused too long",
    "413": "The request, the query or the result is larger than the server's limit",
    "414": "The URL is longer than the server's limit",
    "503": "Busy or timed out (with Retry-After when busy), or no build yet",
}
_SPARQL_ERRORS = {"401": "Updates need the admin token", "403": "Refused by policy (updates off, SERVICE target "
                  "not on the allow-list)", "415": "A POST body of another media type",
                  "502": "A remote endpoint named in SERVICE failed"}
_JSON_ERROR = {"application/json": {"schema": {"type": "object", "properties": {"detail": {"type": "string"}}}}}
_TEXT = {"text/plain": {"schema": {"type": "string"}}}
_ANY: dict[str, dict] = {"schema": {}}


def _media(*types: str) -> dict:
    return {t: _ANY for t in dict.fromkeys(types)}


def _ok(path: str, method: str) -> dict | None:
    """The 200 content of an operation whose responses are not (only) JSON."""
    every = (*RESULTS, *GRAPHS, *(CANONICAL[v] for v in {*RESULTS.values(), *GRAPHS.values()}))
    if path == "/sparql":
        return _media(*(CANONICAL[v] for v in {*RESULTS.values(), *BOOLEAN.values(), *GRAPHS.values()}), *every)
    if path == "/.well-known/void":
        return _media(*(CANONICAL[v] for v in GRAPHS.values()))
    if path in ("/api/standards", "/api/standards/{number}"):
        return _media("application/json", "text/csv")
    if path == "/api/gaps":
        return _media(*(MEDIA_TYPES[f] if f != "json" else "application/json" for f in FORMATS))
    name = path.removeprefix("/api/queries/")
    query = catalogue().get(name) if path.startswith("/api/queries/") else None
    if query is not None and query.form in ("CONSTRUCT", "DESCRIBE"):
        return _media(*(CANONICAL[v] for v in GRAPHS.values()))
    if query is not None:
        return _media("application/json", "text/csv")
    return None


def _format_values(path: str) -> list[str] | None:
    name = path.removeprefix("/api/queries/")
    query = catalogue().get(name) if path.startswith("/api/queries/") else None
    if query is not None:
        return sorted(set(GRAPHS.values())) if query.form in ("CONSTRUCT", "DESCRIBE") else ["csv", "json"]
    if path == "/api/gaps":
        return list(FORMATS)
    if path == "/sparql":
        return sorted({*RESULTS.values(), *GRAPHS.values()})
    return None


def _complete(schema: dict[str, Any]) -> dict[str, Any]:
    for path, item in schema.get("paths", {}).items():
        for method, op in item.items():
            responses = op.setdefault("responses", {})
            errors = {**_ERRORS, **(_SPARQL_ERRORS if path == "/sparql" else {}),
                      **({"415": "A body of another media type"} if method == "post" else {})}
            for code, text in errors.items():
                responses.setdefault(code, {"description": text,
                                            "content": _TEXT if path.startswith("/sparql") else _JSON_ERROR})
            if path == "/sparql" and method == "post":
                responses.setdefault("204", {"description": "The update was applied"})
            content = _ok(path, method)
            if content is not None:
                ok = responses.setdefault("200", {"description": "OK"})
                ok["content"] = {**content, **{k: v for k, v in ok.get("content", {}).items() if k in content}}
            values = _format_values(path)
            for p in op.get("parameters", []):
                if p.get("name") == "format" and values:
                    p["schema"] = {"type": "string", "enum": values}
    return schema


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _complete(get_openapi(title=app.title, version=app.version,
                                                       description=app.description, routes=app.routes))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
