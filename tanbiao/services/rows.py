"""Rows of the catalogue's list queries shaped as records (the CLI's and the API's shape), and the one writer
that turns records into JSON, CSV or a text table."""

from __future__ import annotations

import csv
import io
import json

from tanbiao.store import Select

from .catalogue import catalogue

__all__ = ["standards", "directions", "items", "standards_rows", "directions_rows", "items_rows", "write_rows",
           "ROW_FORMATS"]

ROW_FORMATS = ("json", "csv", "table")


def standards(select: Select) -> list[dict]:
    return standards_rows(select(catalogue()["standards"].text))


def directions(select: Select) -> list[dict]:
    return directions_rows(select(catalogue()["directions"].text))


def items(select: Select) -> list[dict]:
    return items_rows(select(catalogue()["items"].text))


def write_rows(rows: list[dict], fmt: str) -> str:
    """``rows`` as JSON (indented), CSV (nested values as JSON) or a plain text table."""
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2)
    columns = list(rows[0].keys()) if rows else []
    flat = [{k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v) for k, v in r.items()}
            for r in rows]
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(flat)
        return buf.getvalue()
    if fmt == "table":
        return "".join("  ".join(str(r[c]) for c in columns) + "\n" for r in flat)
    raise ValueError(f"format must be one of {', '.join(ROW_FORMATS)}, not '{fmt}'")


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
            "index": r["index"],
            "aspect": r["aspectLabel"] or r["aspect"],
            "aspect_node": {"notation": r["aspectNotation"], "label": r["aspect"]},
            "industry": r["industry"] or "",
            "item": r["label"],
            "subject": {"iri": r["subject"], "zh": r["subjectZh"], "en": r["subjectEn"]} if r["subject"] else None,
            "subjects": r["subjects"].split("\t") if r["subjects"] else [],
            "group": r["group"] or "",
            "source": {"document": r["document"], "line": r["line"], "quote": r["quote"]},
            "iri": r["item"],
        }
        for r in rows
    ]
