"""Loader for update files: dated records of newly published or re-statused standards (CSV).

Columns (header row, UTF-8; see docs/updates.md): ``number, title, status, issued, effective, issuer,
replaces, position, source_url`` — ``number`` and ``status`` are required; ``replaces`` is a plan number the
record supersedes (the plan and the published number then name one standard, whose IRI does not change);
``position`` (sub-category notation such as ``2.1`` or its label) and ``title`` are required for a standard
the graph does not know yet. A malformed row is reported with its line number and skipped; the other rows load.

Each file becomes its own named graph with provenance. The build then resolves the records against the whole
graph (``tanbiao.pipeline.derive``): a record names a known standard (by its number or ``replaces``) or adds a
new one to this file's graph; the current ``tb:status`` is derived from the latest record, else from the status
the guide listed (``queries/build/current-status.rq``).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from tanbiao.errors import SourceError

from . import namespaces as ns
from .base import Curated, SourceInfo
from .base import curated as shipped_curated
from .graphing import add_document, add_location, new_graph, zh
from .listed import Listed, implied_status
from .namespaces import TB
from .numbers import NumberError, StandardNumber, canonical_number, parse_number
from .text import Line, ParseReport

__all__ = ["KIND", "LOOKS_FOR", "UpdateRow", "Updates", "parse", "to_graph", "detect", "describe", "COLUMNS",
           "add_records", "from_listed", "records"]

CARRIES_RECORDS = True
KIND = "update file"
LOOKS_FOR = "a CSV header row with the columns number and status"

COLUMNS = ("number", "title", "status", "issued", "effective", "issuer", "replaces", "position", "source_url",
           "subjects", "notes")
REQUIRED = ("number", "status")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# cells starting with = + - @ are data here (the exports neutralise them); control characters are not
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_RECORDS = 5000


@dataclass
class UpdateRow:
    line: int
    number: StandardNumber
    title: str
    status: str
    issued: str
    effective: str
    issuer: str
    replaces: StandardNumber | None
    position: str
    source_url: str
    raw: str
    subjects: tuple[str, ...] = ()  # concept ids or zh labels; default: the concepts the title names


@dataclass
class Updates:
    path: str
    rows: list[UpdateRow] = field(default_factory=list)
    report: ParseReport = field(default_factory=lambda: ParseReport(""))


def detect(lines: list[Line]) -> int:
    """2 when the first non-blank line is a CSV header with the required columns."""
    first = next((ln.text for ln in lines if ln.text.strip()), "")
    header = {h.strip() for h in next(csv.reader([first]), [])}
    return 2 if set(REQUIRED) <= header else 0


def parse(path: str | Path, curated: Curated | None = None, text: str | None = None) -> Updates:
    """Parse an update file (or ``text`` in the same CSV format, reported under ``path``), streaming: at most
    ``MAX_RECORDS`` rows are read, so a huge file is refused quickly and in bounded memory."""
    path = Path(path)
    if text is not None:
        return _parse(path, io.StringIO(text), curated or shipped_curated())
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            return _parse(path, f, curated or shipped_curated())
    except FileNotFoundError:
        raise SourceError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path}: not valid UTF-8 ({exc.reason})") from None


def _parse(path: Path, stream: IO[str], curated: Curated) -> Updates:
    vocab, lex = curated.vocab, curated.lexicon
    updates = Updates(str(path), report=ParseReport(str(path)))
    rep = updates.report
    reader = csv.DictReader(stream)
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise SourceError(f"{path}:1: not a CSV file ({exc})") from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise SourceError(f"{path}:1: the header lacks the column(s) {', '.join(missing)} "
                          f"(expected: {', '.join(COLUMNS)})")
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        rep.warning(1, f"unknown column(s) ignored: {', '.join(unknown)}")
    seen: dict[str, UpdateRow] = {}
    rows = iter(reader)
    while True:
        try:
            raw_row = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:
            raise SourceError(f"{path}:{reader.line_num}: {exc}") from None
        line = reader.line_num
        if len(updates.rows) + len(rep.errors) >= MAX_RECORDS:
            raise SourceError(f"{path}:{line}: an update file holds at most {MAX_RECORDS} records; split this one")
        row = {k.strip(): (v or "").strip() for k, v in raw_row.items() if k}
        raw = ",".join(row.get(c, "") for c in header if c)
        if None in raw_row:
            rep.error(line, "row has more cells than the header", raw)
            continue
        problems = _check_row(row, vocab, lex)
        number = replaces = None
        if row.get("number"):
            try:
                number = parse_number(canonical_number(row["number"]))
            except NumberError as exc:
                problems.append(str(exc))
        if row.get("replaces"):
            try:
                replaces = parse_number(canonical_number(row["replaces"]))
            except NumberError as exc:
                problems.append(f"replaces: {exc}")
        if problems or number is None:
            rep.error(line, "; ".join(problems), raw)
            continue
        subjects = tuple(s.strip() for s in row.get("subjects", "").split("|") if s.strip())
        record = UpdateRow(line, number, row.get("title", ""), row["status"], row.get("issued", ""),
                           row.get("effective", ""), row.get("issuer", ""), replaces, row.get("position", ""),
                           row.get("source_url", ""), raw, subjects)
        clash = _clash(seen.get(number.printed), record)
        if clash:
            rep.error(line, clash, raw)
            continue
        seen[number.printed] = record
        updates.rows.append(record)
        rep.count("update record")
    if not updates.rows and not rep.errors:
        rep.warning(None, "the file holds no records")
    return updates


def _check_row(row: dict[str, str], vocab, lex) -> list[str]:
    problems = [f"empty {name}" for name in REQUIRED if not row.get(name)]
    for name, value in row.items():
        bad = _CONTROL.search(value)
        if bad:
            problems.append(f"{name} contains the control character U+{ord(bad.group()):04X}")
    if row.get("status") and vocab.status(row["status"]) is None:
        problems.append(f"status '{row['status']}' is not one of {'、'.join(vocab.statuses)}")
    dates = {}
    for name in ("issued", "effective"):
        if row.get(name):
            try:
                if not _DATE.match(row[name]):
                    raise ValueError
                dates[name] = datetime.date.fromisoformat(row[name])
            except ValueError:
                problems.append(f"{name} '{row[name]}' is not a date (YYYY-MM-DD, a day that exists)")
    if len(dates) == 2 and dates["effective"] < dates["issued"]:
        problems.append(f"effective {row['effective']} is before issued {row['issued']}")
    for s in (s.strip() for s in row.get("subjects", "").split("|")):
        if s and s not in lex.concepts and s not in lex.labels:
            problems.append(f"subject '{s}' is neither a concept id nor a label of data/curated/concepts.csv")
    return problems


def _clash(before: UpdateRow | None, row: UpdateRow) -> str:
    """Why ``row`` cannot follow the earlier record of the same standard (a duplicate or a contradiction)."""
    if before is None:
        return ""
    same = (before.status, before.issued, before.effective, before.title) == (row.status, row.issued, row.effective,
                                                                               row.title)
    if same:
        return f"duplicates line {before.line} ({row.number.printed})"
    if before.issued == row.issued:
        return (f"conflicts with line {before.line}: {row.number.printed} is '{before.status}' there and "
                f"'{row.status}' here for the same issue date '{row.issued or 'none'}'")
    return ""


def describe(updates: Updates) -> dict:
    return {"records": len(updates.rows), "skipped": len(updates.report.errors)}


def records(updates: Updates) -> list[dict]:
    """The rows for ``tanbiao parse -f json`` (keys absent when the row leaves the cell empty)."""
    out = []
    for r in updates.rows:
        rec = {"number": r.number.printed, "title": r.title, "status": r.status, "issued": r.issued,
               "effective": r.effective, "issuer": r.issuer,
               "replaces": r.replaces.printed if r.replaces else "", "source_url": r.source_url}
        out.append({**{k: v for k, v in rec.items() if v}, "line": r.line})
    return out


def to_graph(updates: Updates, source: SourceInfo, curated: Curated) -> Graph:
    """The records as RDF (what they are about is resolved later, over the whole graph)."""
    g = new_graph()
    name = Path(updates.path).name
    doc = add_document(g, source.key, name, source.title_en or f"Update records {name}", source.origin or name, name)
    add_records(g, source.key, doc, updates.rows, curated)
    return g


def from_listed(rec: Listed, position: str = "") -> UpdateRow | None:
    """A record a document lists (``listed.Listed``) as an update row; None when it has no number."""
    if rec.number is None:
        return None
    return UpdateRow(rec.line, rec.number, rec.title or "", implied_status(rec), rec.issued or "",
                     rec.effective or "", rec.issuer or "", rec.replaces, position, rec.source_url or "", rec.raw)


def add_records(g: Graph, key: str, doc: URIRef, rows: list[UpdateRow], curated: Curated) -> None:
    """Update records in the graph of document ``doc`` (an update file, or a document that lists standards)."""
    vocab, lex = curated.vocab, curated.lexicon
    seen: dict[str, int] = {}
    for r in rows:
        seen[r.number.printed] = seen.get(r.number.printed, 0) + 1
        rec = ns.update_record(key, r.number.printed, seen[r.number.printed])
        g.add((rec, RDF.type, TB.UpdateRecord))
        g.add((rec, RDFS.label, zh(f"{r.number.printed} {r.status}")))
        g.add((rec, TB.recordNumber, Literal(r.number.printed)))
        g.add((rec, TB.recordStatus, vocab.statuses[r.status.strip()]))  # known: rows are checked when read
        if r.title:
            g.add((rec, TB.recordTitle, zh(r.title)))
        if r.replaces is not None:
            g.add((rec, TB.replaces, Literal(r.replaces.printed)))
        if r.position:
            g.add((rec, TB.recordPosition, Literal(r.position)))
        for prop, value in ((DCTERMS.issued, r.issued), (TB.effective, r.effective)):
            if value:
                g.add((rec, prop, Literal(value, datatype=XSD.date)))
        if r.issuer:
            g.add((rec, DCTERMS.publisher, zh(r.issuer)))
        if r.source_url:
            g.add((rec, DCTERMS.source, Literal(r.source_url)))
        for s in r.subjects:
            g.add((rec, TB.recordSubject, ns.concept(s if s in lex.concepts else lex.labels[s])))
        add_location(g, rec, key, r.line, "records", r.raw)
        g.add((rec, TB.inUpdateFile, doc))
