"""Record lists as HTTP responses: JSON, or CSV by ``?format=csv`` / ``Accept: text/csv`` (one writer with the
CLI: ``tanbiao.services.rows.write_rows``)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from tanbiao.errors import FilterError
from tanbiao.services.rows import write_rows

__all__ = ["rows_response", "table_format"]


def rows_response(rows: list[dict], fmt: str, filename: str) -> Response:
    if fmt == "csv":
        return Response(write_rows(rows, "csv"), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'inline; filename="{filename}.csv"'})
    return JSONResponse(rows)


def table_format(request: Request) -> str:
    fmt = request.query_params.get("format")
    if fmt:
        if fmt not in ("json", "csv"):
            raise FilterError(f"format must be json or csv, not '{fmt}'")
        return fmt
    accept = request.headers.get("accept", "")
    return "csv" if "text/csv" in accept and "json" not in accept else "json"
