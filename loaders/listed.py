"""Records that documents list — standards in a recommended list, projects in a plan, standards an announcement
publishes — and how they go into the graph: as update records (``updates.add_records``), one named graph per
document, resolved against the whole graph by the build like the rows of an update file.

A record keeps only what its document says (``None``: not said). Its status in the graph is the printed one, else
what the document implies: a published number in a list or an announcement is a published standard (已发布), a
plan number in a plan is a project (制定中; 修订中 when it replaces a standard).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .numbers import PUBLISHED, NumberError, StandardNumber, canonical_number, parse_number
from .text import ParseReport

__all__ = ["Listed", "listed_record", "as_dict", "implied_status"]


@dataclass
class Listed:
    line: int
    raw: str  # the row as printed
    number: StandardNumber | None = None
    title: str | None = None  # simplified, normalised
    status: str | None = None  # as the document prints it
    issued: str | None = None  # ISO dates
    effective: str | None = None
    issuer: str | None = None
    replaces: StandardNumber | None = None
    group: str | None = None  # the group a list puts it in (a merged 试点产品 cell …)
    source_url: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


def listed_record(report: ParseReport, line: int, raw: str, number: str | None, **fields) -> Listed | None:
    """A record with its number parsed (canonical form); None, reported at ``line``, when the number is bad."""
    rec = Listed(line, raw, **{k: v for k, v in fields.items() if k != "replaces"})
    for attr, printed in (("number", number), ("replaces", fields.get("replaces"))):
        if not printed:
            continue
        try:
            setattr(rec, attr, parse_number(canonical_number(printed)))
        except NumberError as exc:
            report.error(line, f"{attr}: {exc}", raw)
            return None
    return rec


def implied_status(rec: Listed) -> str:
    """The status a record's document states or implies (see the module docstring)."""
    if rec.status:
        return rec.status
    if rec.number is None or rec.number.kind == PUBLISHED:
        return "已发布"
    return "修订中" if rec.replaces is not None else "制定中"


def as_dict(rec: Listed) -> dict:
    """The record for ``tanbiao parse -f json``: keys absent when the document does not say."""
    out: dict = {}
    if rec.number is not None:
        out["number"] = rec.number.printed
    for name in ("title", "status", "issued", "effective", "issuer"):
        if getattr(rec, name):
            out[name] = getattr(rec, name)
    if rec.replaces is not None:
        out["replaces"] = rec.replaces.printed
    for name in ("group", "source_url"):
        if getattr(rec, name):
            out[name] = getattr(rec, name)
    out.update(rec.extra)
    out["line"] = rec.line
    return out
