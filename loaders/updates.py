"""Loader for update files: dated records of newly published or re-statused standards (CSV).

Columns (header row, UTF-8; see docs/updates.md): ``number, title, status, issued, effective, issuer,
replaces, position, source_url`` — ``number`` and ``status`` are required; ``replaces`` is a plan number the
record supersedes (the plan and the published number then name one standard, whose IRI does not change);
``position`` (sub-category notation such as ``2.1`` or its label) and ``title`` are required for a standard
the graph does not know yet. A malformed row is reported with its line number and skipped; the other rows load.

Each file becomes its own named graph with provenance. The build then applies the records (``apply``): the
record's status becomes the standard's current ``tb:status``; the status the guide printed stays in the
guide's graph as ``tb:listedStatus``.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from . import namespaces as ns
from .curated import lexicon
from .graphing import add_document, add_location, add_number, new_graph, zh
from .namespaces import TB
from .numbers import NumberError, StandardNumber, parse_number
from .resources import Vocabulary
from .text import ParseReport, SourceError, normalise, normalise_title

__all__ = ["UpdateRow", "Updates", "parse", "to_graph", "apply", "COLUMNS"]

COLUMNS = ("number", "title", "status", "issued", "effective", "issuer", "replaces", "position", "source_url",
           "subjects")
REQUIRED = ("number", "status")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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


def parse(path: str | Path, vocab: Vocabulary | None = None, text: str | None = None) -> Updates:
    """Parse an update file (or ``text`` in the same CSV format, reported under ``path``)."""
    path = Path(path)
    if text is None:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise SourceError(f"{path}: no such file") from None
        except UnicodeDecodeError as exc:
            raise SourceError(f"{path}: not valid UTF-8 ({exc.reason})") from None
    updates = Updates(str(path), report=ParseReport(str(path)))
    rep = updates.report
    lines = text.splitlines()
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise SourceError(f"{path}:1: the header lacks the column(s) {', '.join(missing)} "
                          f"(expected: {', '.join(COLUMNS)})")
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        rep.warning(1, f"unknown column(s) ignored: {', '.join(unknown)}")
    for raw_row in reader:
        line = reader.line_num
        row = {k.strip(): (v or "").strip() for k, v in raw_row.items() if k}
        raw = lines[line - 1] if 0 < line <= len(lines) else ""
        if None in raw_row:
            rep.error(line, "row has more cells than the header", raw)
            continue
        problems = []
        for name in REQUIRED:
            if not row.get(name):
                problems.append(f"empty {name}")
        number = replaces = None
        if row.get("number"):
            try:
                number = parse_number(row["number"])
            except NumberError as exc:
                problems.append(str(exc))
        if row.get("replaces"):
            try:
                replaces = parse_number(row["replaces"])
            except NumberError as exc:
                problems.append(f"replaces: {exc}")
        if vocab is not None and row.get("status") and vocab.status(row["status"]) is None:
            problems.append(f"status '{row['status']}' is not one of {'、'.join(vocab.statuses)}")
        for name in ("issued", "effective"):
            if row.get(name) and not _DATE.match(row[name]):
                problems.append(f"{name} '{row[name]}' is not a date (YYYY-MM-DD)")
        subjects = tuple(s.strip() for s in row.get("subjects", "").split("|") if s.strip())
        lex = lexicon()
        for s in subjects:
            if s not in lex.concepts and s not in lex.labels:
                problems.append(f"subject '{s}' is neither a concept id nor a label of data/curated/concepts.csv")
        if problems:
            rep.error(line, "; ".join(problems), raw)
            continue
        updates.rows.append(UpdateRow(line, number, row.get("title", ""), row["status"], row.get("issued", ""),
                                      row.get("effective", ""), row.get("issuer", ""), replaces,
                                      row.get("position", ""), row.get("source_url", ""), raw, subjects))
        rep.count("update record")
    if not updates.rows and not rep.errors:
        rep.warning(None, "the file holds no records")
    return updates


def describe(updates: Updates) -> dict:
    return {"records": len(updates.rows), "skipped": len(updates.report.errors)}


def to_graph(updates: Updates, key: str, vocab: Vocabulary, title_en: str = "", origin: str = "") -> Graph:
    """The records as RDF (targets resolved later by ``apply``, which sees the whole graph)."""
    g = new_graph()
    name = Path(updates.path).name
    doc = add_document(g, key, name, title_en or f"Update records {name}", origin or name, name)
    for r in updates.rows:
        rec = ns.update_record(key, r.line)
        g.add((rec, RDF.type, TB.UpdateRecord))
        g.add((rec, RDFS.label, zh(f"{r.number.printed} {r.status}")))
        g.add((rec, TB.recordNumber, Literal(r.number.printed)))
        g.add((rec, TB.recordStatus, vocab.status(r.status)))
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
        lex = lexicon()
        for s in r.subjects:
            g.add((rec, TB.recordSubject, ns.concept(s if s in lex.concepts else lex.labels[s])))
        add_location(g, rec, key, r.line, "records", r.raw)
        g.add((rec, TB.inUpdateFile, doc))
    return g


def apply(updates_graph: Graph, key: str, union: Graph, graphs: dict[str, Graph], vocab: Vocabulary,
          report: ParseReport) -> None:
    """Apply the records of one update file: resolve each to a standard (by ``replaces`` or by number) or create
    one; the record's status becomes current. Changes go into ``updates_graph``; the guides' graphs only swap
    ``tb:status`` for ``tb:listedStatus``."""
    lex = lexicon()
    by_identifier = {str(o): s for s, o in union.subject_objects(DCTERMS.identifier)
                     if (s, RDF.type, TB.Standard) in union}
    subcats = {}
    for node in union.subjects(RDF.type, TB.SubCategory):
        subcats[str(union.value(node, SKOS.notation))] = node
        for label in union.objects(node, SKOS.prefLabel):
            subcats[str(label)] = node
    records = sorted(updates_graph.subjects(RDF.type, TB.UpdateRecord),
                     key=lambda r: (str(updates_graph.value(r, DCTERMS.issued) or ""), str(r)))
    for rec in records:
        number = str(updates_graph.value(rec, TB.recordNumber))
        replaces = updates_graph.value(rec, TB.replaces)
        line = int(updates_graph.value(updates_graph.value(rec, TB.sourceLocation), TB.lineNumber))
        std = by_identifier.get(number) or (by_identifier.get(str(replaces)) if replaces else None)
        if replaces is not None and std is None:
            report.warning(line, f"replaces '{replaces}', which no standard of the graph is known by; "
                                 f"{number} is loaded as a new standard")
        status = updates_graph.value(rec, TB.recordStatus)
        if std is None:
            title = updates_graph.value(rec, TB.recordTitle)
            position = subcats.get(normalise(str(updates_graph.value(rec, TB.recordPosition) or "")))
            if title is None or position is None:
                report.error(line, f"{number} is not in the graph, and a new standard needs a title and a "
                                   "position (sub-category notation or label); record skipped")
                continue
            std = ns.standard(number)
            updates_graph.add((std, RDF.type, TB.Standard))
            clean = normalise_title(str(title))
            updates_graph.add((std, DCTERMS.title, zh(clean)))
            updates_graph.add((std, RDFS.label, zh(clean)))
            updates_graph.add((std, TB.titleAsPrinted, zh(str(title))))
            updates_graph.add((std, TB.position, position))
            updates_graph.add((std, TB.category, union.value(position, SKOS.broader)))
            given = list(updates_graph.objects(rec, TB.recordSubject))
            for concept in given or [ns.concept(cid) for cid in lex.match(clean)]:
                updates_graph.add((std, TB.about, concept))
            by_identifier[number] = std
            add_number(updates_graph, std, parse_number(number), vocab, with_level=True)
        elif number not in {str(o) for o in union.objects(std, DCTERMS.identifier)}:
            add_number(updates_graph, std, parse_number(number), vocab, with_level=False)
            by_identifier[number] = std
        # the record's status is now the current one
        for g in graphs.values():
            for old in list(g.objects(std, TB.status)):
                g.remove((std, TB.status, old))
                g.add((std, TB.listedStatus, old))
        for old in list(updates_graph.objects(std, TB.status)):
            updates_graph.remove((std, TB.status, old))
        updates_graph.add((std, TB.status, status))
        updates_graph.add((std, TB.updatedBy, rec))
        updates_graph.add((std, TB.sourceLocation, updates_graph.value(rec, TB.sourceLocation)))
        updates_graph.add((std, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), ns.document(key)))
        for prop in (DCTERMS.issued, TB.effective, DCTERMS.publisher):
            value = updates_graph.value(rec, prop)
            if value is not None:
                updates_graph.set((std, prop, value))
        report.count("update record applied")
