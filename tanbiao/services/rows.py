"""Rows of the catalogue's list queries shaped as records (the CLI's and the API's shape), and the one writer
that turns records into JSON, CSV (plain, or with a BOM for Excel), XLSX or a text table (``tabular``)."""

from __future__ import annotations

import io
import json

from tanbiao.store import Select

from . import tabular
from .catalogue import catalogue
from .filters import Filter, apply_filters

__all__ = ["standards", "directions", "items", "standards_rows", "directions_rows", "items_rows", "write_rows",
           "ROW_FORMATS", "TEXT_FORMATS", "MEDIA_TYPES", "STANDARD_FILTERS", "filter_standards"]

ROW_FORMATS = ("json", "csv", "csv-bom", "xlsx", "table")
TEXT_FORMATS = ("json", "csv", "csv-bom", "table")  # what a terminal can show (xlsx needs a file)
MEDIA_TYPES = {
    "json": "application/json", "csv": "text/csv; charset=utf-8", "csv-bom": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "table": "text/plain; charset=utf-8",
}
EXTENSIONS = {"json": "json", "csv": "csv", "csv-bom": "excel.csv", "xlsx": "xlsx", "table": "txt"}


def standards(select: Select) -> list[dict]:
    return standards_rows(select(catalogue()["standards"].text))


def directions(select: Select) -> list[dict]:
    return directions_rows(select(catalogue()["directions"].text))


def items(select: Select) -> list[dict]:
    return items_rows(select(catalogue()["items"].text))


def write_rows(rows: list[dict], fmt: str, columns: list[str] | None = None, sheet: str = "rows") -> bytes:
    """``rows`` as JSON (indented), CSV with flat columns (``csv-bom``: with the BOM Excel needs), an XLSX workbook
    (one formatted sheet named ``sheet``) or a text table (``columns``: the columns it shows, default all)."""
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    if fmt in ("csv", "csv-bom"):
        return tabular.to_csv(rows, bom=fmt == "csv-bom")
    if fmt == "table":
        return tabular.to_text_table(rows, columns).encode("utf-8")
    if fmt == "xlsx":
        return workbook(lambda wb: tabular.add_sheet(wb, sheet, rows))
    raise ValueError(f"format must be one of {', '.join(ROW_FORMATS)}, not '{fmt}'")


def workbook(fill) -> bytes:
    """An XLSX file: ``fill(wb)`` adds the sheets to an empty workbook."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    fill(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


STANDARD_FILTERS = {  # what a standard answers to, per filter: the printed value, its code, en label or IRI
    "status": Filter("status", lambda r: [r["status"], r["status_en"] or "", r["status_iri"],
                                          r["status_iri"].rsplit("/", 1)[-1]]),
    "position": Filter("position", lambda r: [r["position"]["notation"], r["position"]["label"]]),
    "category": Filter("category", lambda r: [r["category"], r["category_notation"]]),
    "level": Filter("level", lambda r: [r["level"] or ""]),
    "aspect": Filter("aspect", lambda r: [r["aspect"] or ""]),
    "year": Filter("year", lambda r: [str(r["year"] or "")]),
}


def filter_standards(rows: list[dict], **given: str | list[str] | None) -> list[dict]:
    """The standards every given filter selects (several values of one filter: either); unknown values refused."""
    allowed = {
        "status": sorted({r["status"] for r in rows}),
        "position": sorted({r["position"]["notation"] for r in rows}, key=lambda n: [int(p) for p in n.split(".")]),
        "category": sorted({r["category"] for r in rows}),
        "level": sorted({r["level"] for r in rows if r["level"]}),
        "aspect": sorted({r["aspect"] for r in rows if r["aspect"]}),
        "year": sorted({str(r["year"]) for r in rows if r["year"]}),
    }
    return apply_filters(rows, STANDARD_FILTERS, allowed, given)


def standards_rows(rows: list[dict]) -> list[dict]:
    """Rows of queries/standards.rq -> one record per standard (the CLI's and the API's shape)."""
    out = []
    for r in rows:
        out.append({
            "number": r["number"],
            "title": r["title"],
            "status": r["status"],
            "category": r["category"],
            "position": {"notation": r["positionNotation"], "label": r["position"]},
            "title_normalised": r["titleNormalised"],
            "status_en": r["statusEn"],
            "status_iri": r["statusIri"],
            "category_notation": r["categoryNotation"],
            "aspect": r["aspect"],
            "level": r["level"],
            "nature": r["nature"],
            "year": r["year"],
            "plan_number": r["plan"],
            "identifiers": sorted(r["identifiers"].split("\t")) if r["identifiers"] else [],
            "subjects": sorted(r["subjects"].split("\t")) if r["subjects"] else [],
            "series": r["series"],
            "revises": r["revises"],
            "iri": r["std"],
            "source": {"line": r["line"], "row": r["row"]},
        })
    return out


def directions_rows(rows: list[dict]) -> list[dict]:
    """Rows of queries/directions.rq -> one record per priority direction."""
    return [
        {
            "direction": r["code"],
            "subcategory": r["subcategory"],
            "subcategory_en": r["subcategoryEn"],
            "category": r["category"],
            "printed_row": r["printedRow"],
            "text": r["text"],
            "items": r["items"],
            "source": {"document": r["document"], "line": r["line"]},
            "iri": r["direction"],
        }
        for r in rows
    ]


def items_rows(rows: list[dict]) -> list[dict]:
    """Rows of queries/items.rq -> one record per priority item."""
    return [
        {
            "direction": r["direction"],
            "direction_label": r["directionLabel"] or "",
            "index": r["index"],
            "aspect": r["aspectLabel"] or r["aspect"],
            "aspect_node": {"notation": r["aspectNotation"], "label": r["aspect"]},
            "industry": r["industry"] or "",
            "industry_concept": ({"iri": r["industryConcept"], "zh": r["industryZh"], "en": r["industryEn"]}
                                 if r["industryConcept"] else None),
            "item": r["label"],
            "subject": {"iri": r["subject"], "zh": r["subjectZh"], "en": r["subjectEn"]} if r["subject"] else None,
            "subjects": r["subjects"].split("\t") if r["subjects"] else [],
            "group": r["group"] or "",
            "source": {"document": r["document"], "line": r["line"], "quote": r["quote"]},
            "iri": r["item"],
        }
        for r in rows
    ]
