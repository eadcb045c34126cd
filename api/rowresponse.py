"""Record lists as HTTP responses: JSON, CSV (``csv-bom``: with the BOM Excel needs) or XLSX, by ``?format=`` or
``Accept`` (one writer with the CLI: ``tanbiao.services.rows.write_rows``)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from tanbiao.errors import FilterError
from tanbiao.services.rows import EXTENSIONS, MEDIA_TYPES, write_rows

__all__ = ["rows_response", "table_format", "disposition", "TABLE_FORMATS"]

TABLE_FORMATS = ("json", "csv", "csv-bom", "xlsx")
ATTACHMENTS = ("csv-bom", "xlsx")  # files for a spreadsheet program: downloaded, not shown


def disposition(fmt: str, stem: str) -> dict[str, str]:
    """The Content-Disposition of an export: spreadsheets as attachments, text formats inline; {} for pages."""
    if fmt in ("json", "html"):
        return {}
    kind = "attachment" if fmt in ATTACHMENTS else "inline"
    return {"Content-Disposition": f'{kind}; filename="{stem}.{EXTENSIONS.get(fmt, fmt)}"'}


def rows_response(rows: list[dict], fmt: str, filename: str, sheet: str = "rows") -> Response:
    if fmt == "json":
        return JSONResponse(rows)
    return Response(write_rows(rows, fmt, sheet=sheet), media_type=MEDIA_TYPES[fmt],
                    headers=disposition(fmt, filename))


def table_format(request: Request) -> str:
    fmt = request.query_params.get("format")
    if fmt:
        if fmt not in TABLE_FORMATS:
            raise FilterError(f"format must be one of {', '.join(TABLE_FORMATS)}, not '{fmt}'")
        return fmt
    accept = request.headers.get("accept", "")
    if "spreadsheetml" in accept:
        return "xlsx"
    return "csv" if "text/csv" in accept and "json" not in accept else "json"
