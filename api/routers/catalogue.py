"""``/api/queries``: the query catalogue, and one route per catalogue query (``/api/queries/{name}``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tanbiao.services.catalogue import Query, bind, catalogue

from .. import negotiation as neg
from ..models import QueryInfo
from ..rowresponse import rows_response, table_format
from ..service import service
from ..workers import QueryRequest

__all__ = ["router", "describe_query"]

router = APIRouter(tags=["catalogue"])
IRI_PATTERN = r"^[a-zA-Z][a-zA-Z0-9+.-]*:[!#-;=?-\[\]_a-z~]*$"  # an absolute IRI in ASCII (the server takes any)


def describe_query(q: Query) -> dict:
    return {
        "name": q.name, "summary_zh": q.summary_zh, "summary_en": q.summary_en, "tags": list(q.tags),
        "form": q.form, "path": f"/api/queries/{q.name}", "text": q.text,
        "params": [{"name": p.name, "type": p.type, "lang": p.lang, "required": p.required,
                    "description": p.description, "example": p.example} for p in q.params],
    }


@router.get("/api/queries", response_model=list[QueryInfo],
            summary="The query catalogue (name, summaries, tags, parameters)")
async def list_queries() -> list[dict]:
    return [describe_query(q) for q in catalogue().values()]


def _route(query: Query):
    async def run_catalogue_query(request: Request) -> Response:
        svc = service(request)
        text = bind(query, {k: v for k, v in request.query_params.items() if k != "format"})
        if request.query_params.get("format") == "sparql":  # the query with its parameters bound (the editor's form)
            return Response(text, media_type="application/sparql-query; charset=utf-8")
        if query.form in ("CONSTRUCT", "DESCRIBE"):
            fmt, media = neg.choose(request.headers.get("accept"), neg.GRAPHS, "turtle",
                                    request.query_params.get("format"))
            res = await svc.run(QueryRequest(text, graph_format=fmt, max_bytes=svc.settings.max_result_bytes))
            if res.status != 200:
                return Response(res.body, status_code=res.status, media_type="text/plain; charset=utf-8")
            return Response(res.body, media_type=f"{media}; charset=utf-8")
        rows = await svc.select(text, visitor=True)
        return rows_response(rows, table_format(request), query.name)

    return run_catalogue_query


def _parameters(query: Query) -> list[dict]:
    return [
        {"name": p.name, "in": "query", "required": p.required,
         "description": f"{p.description} ({p.type}{', @' + p.lang if p.lang else ''})".strip(),
         "schema": {"type": "integer" if p.type == "integer" else "string",
                    **({"format": "iri", "pattern": IRI_PATTERN} if p.type == "iri" else {}),
                    **({"example": p.example} if p.example else {})}}
        for p in query.params
    ] + [{"name": "format", "in": "query", "required": False,
          "description": "json, csv, csv-bom or xlsx (SELECT/ASK); turtle, ntriples, rdfxml or jsonld "
                         "(CONSTRUCT/DESCRIBE); sparql: the query text with the parameters bound, not run",
          "schema": {"type": "string"}}]


for _query in catalogue().values():
    router.add_api_route(
        f"/api/queries/{_query.name}", _route(_query), methods=["GET"],
        summary=f"{_query.summary_en} / {_query.summary_zh}", name=f"query_{_query.name}",
        description=f"Catalogue query `queries/{_query.name}.rq` ({_query.form}).\n\n```sparql\n{_query.text}\n```",
        openapi_extra={"parameters": _parameters(_query)},
    )
