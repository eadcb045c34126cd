"""Reading the converted documents: lines, paragraphs, markdown-like tables, normalisation.

The source texts are PDF/web pages converted to UTF-8 with tables as ``| a | b |`` rows,
split at the original page breaks. Everything here is document-independent; the
per-document modules decide what the pieces mean.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from tanbiao.errors import SourceError

from .normalise import is_comment, is_watermark, normalise_line

__all__ = [
    "Line", "Paragraph", "TableRow", "ParseReport", "Issue", "SourceError",
    "read_lines", "read_text", "normalise_lines", "skipped_lines",
    "normalise", "normalise_title", "is_blank", "split_row", "is_separator_row",
    "strip_markup", "join_paragraphs", "ends_sentence", "CN_NUMERALS", "cn_numeral_value", "read_table",
    "map_columns", "find_appendix", "APPENDIX",
]

# Chinese numerals as printed in headings such as 一、 / （二）.
CN_NUMERALS = "零一二三四五六七八九十"
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_BLANK = re.compile(r"^[\s\u3000\xa0\u200b]*$")
_SENTENCE_END = tuple("。；！？：:;!?")


@dataclass(frozen=True)
class Line:
    number: int  # 1-based line number in the source file
    text: str  # the line as the rules read it (``normalise.normalise_line``; "" for a watermark or comment)
    printed: str | None = None  # the line as printed, when it differs from ``text``

    @property
    def as_printed(self) -> str:
        return self.text if self.printed is None else self.printed


@dataclass
class Paragraph:
    """Text re-joined across page breaks; ``lines`` are the source lines it came from."""

    text: str
    lines: list[int]

    @property
    def first_line(self) -> int:
        return self.lines[0]


@dataclass
class TableRow:
    line: int
    cells: list[str]  # normalised
    raw: str  # the row as printed
    printed_cells: list[str] = field(default_factory=list)  # the cells as printed (same positions as ``cells``)
    printed_fields: dict[str, str] = field(default_factory=dict)  # read_table: the cells as printed, by field

    def printed(self, index: int) -> str:
        return self.printed_cells[index] if index < len(self.printed_cells) else self.cells[index]


@dataclass(frozen=True)
class Issue:
    line: int | None
    severity: str  # "error" (a row or section could not be parsed) | "warning" | "info"
    message: str
    text: str = ""

    def format(self, path: str = "") -> str:
        where = f"{path}:{self.line}" if self.line else (path or "-")
        quote = f"  «{self.text.strip()[:80]}»" if self.text.strip() else ""
        return f"{where}: {self.severity}: {self.message}{quote}"


@dataclass
class ParseReport:
    """What a loader recognised and what it could not parse, with line numbers."""

    path: str
    recognised: dict[str, int] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    def count(self, what: str, n: int = 1) -> None:
        self.recognised[what] = self.recognised.get(what, 0) + n

    def add(self, line: int | None, severity: str, message: str, text: str = "") -> None:
        self.issues.append(Issue(line, severity, message, text))

    def error(self, line: int | None, message: str, text: str = "") -> None:
        self.add(line, "error", message, text)

    def warning(self, line: int | None, message: str, text: str = "") -> None:
        self.add(line, "warning", message, text)

    def info(self, line: int | None, message: str, text: str = "") -> None:
        self.add(line, "info", message, text)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "recognised": dict(self.recognised),
            "issues": [
                {"line": i.line, "severity": i.severity, "message": i.message, "text": i.text}
                for i in self.issues
            ],
        }


def read_lines(path: Path) -> list[Line]:
    """The file's lines, 1-based, normalised for the rules (the printed text kept); a clear SourceError for
    anything that is not UTF-8 text."""
    return normalise_lines(read_text(path).splitlines())


def normalise_lines(texts: list[str]) -> list[Line]:
    """Lines as the rules read them: each normalised (``normalise.normalise_line``); site watermarks and a
    leading ``# …`` comment line become blank (``skipped_lines`` lists them)."""
    out = []
    leading = True
    for number, printed in enumerate(texts, start=1):
        text = "" if leading and is_comment(printed) or is_watermark(printed) else normalise_line(printed)
        leading = leading and is_blank(printed)
        out.append(Line(number, text, None if text == printed else printed))
    return out


def skipped_lines(lines: list[Line], report: ParseReport) -> None:
    """Report the lines normalisation left out (watermarks, a leading comment)."""
    for ln in lines:
        if ln.printed is not None and not ln.text and not is_blank(ln.printed):
            what = "comment line" if is_comment(ln.printed) else "watermark line"
            report.count(f"{what} skipped")
            report.info(ln.number, f"{what}, not part of the document, skipped", ln.printed)


def read_text(path: Path) -> str:
    """The file's text; a clear SourceError for anything that is not UTF-8 text."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise SourceError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise SourceError(f"{path}: is a directory, expected a text file") from None
    except OSError as exc:
        raise SourceError(f"{path}: cannot be read ({exc.strerror})") from None
    if b"\x00" in data[:4096]:
        raise SourceError(f"{path}: looks like a binary file, expected UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(f"{path}:{line}: not valid UTF-8 ({exc.reason})") from None
    return text


def is_blank(text: str) -> bool:
    return bool(_BLANK.match(text))


def normalise(text: str) -> str:
    """Whitespace and mangled-subscript clean-up that keeps the wording unchanged.

    ``CO ₂`` / ``CO_2`` / ``(CO ₂ )`` -> ``CO₂`` / ``(CO₂)``; runs of spaces collapse;
    ``第 17 部分`` -> ``第17部分``.
    """
    text = text.replace("\u3000", " ").replace("\xa0", " ").replace("\u200b", "")
    text = re.sub(r"(?<=[A-Za-z])_\{?(\d)\}?", lambda m: m.group(1).translate(_SUBSCRIPT), text)
    text = re.sub(r"(?<=[A-Za-z])\s+(?=[₀-₉])", "", text)
    text = re.sub(r"(?<=[₀-₉])\s+(?=[)）\]\-–,，、;；:：A-Za-z])", "", text)
    text = re.sub(r"(?<=[(（])\s+", "", text)
    text = re.sub(r"第\s*([0-9０-９XxＸ]+)\s*部分", r"第\1部分", text)
    text = re.sub(r"\s+", " ", text)
    return text.strip()


def normalise_title(text: str) -> str:
    """A standard title as it should read: normalised, with stray outer quotation marks removed."""
    text = normalise(text)
    for left, right in (("“", "”"), ('"', '"'), ("《", "》")):
        if text.startswith(left) and text.endswith(right) and len(text) > 2:
            text = text[1:-1].strip()
    return text.strip("“”\"").strip()


def ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(_SENTENCE_END)


def strip_markup(cell: str) -> list[str]:
    """Split a cell holding ``<p>…</p>`` paragraphs into plain paragraphs (HTML tags dropped)."""
    parts = re.split(r"</?p\s*>", cell)
    out = [re.sub(r"<[^>]+>", "", p).strip() for p in parts]
    return [p for p in out if p]


def split_row(line: Line) -> TableRow | None:
    """A markdown-like table row ``| a | b |`` into stripped cells (None if the line is not a row)."""
    cells = _pipe_cells(line.text)
    if cells is None:
        return None
    printed = _pipe_cells(line.as_printed) or []
    return TableRow(line.number, cells, line.as_printed.strip(), printed if len(printed) == len(cells) else [])


def _pipe_cells(text: str) -> list[str] | None:
    raw = text.strip()
    if not raw.startswith("|"):
        return None
    body = raw[1:-1] if raw.endswith("|") and len(raw) > 1 else raw[1:]
    return [c.strip() for c in body.split("|")]


def is_separator_row(row: TableRow) -> bool:
    return all(re.fullmatch(r":?-{2,}:?", c) or c == "" for c in row.cells) and any(
        c.startswith("-") or c.startswith(":") for c in row.cells
    )


def join_paragraphs(lines: list[Line], is_heading) -> list[Paragraph]:
    """Re-join text broken across page breaks.

    A paragraph that does not end a sentence continues into the next non-blank
    line, unless either of them is a heading (``is_heading(text)``).
    """
    paras: list[Paragraph] = []
    open_para: Paragraph | None = None
    for line in lines:
        text = line.text.strip()
        if is_blank(text):
            continue
        if is_heading(text):
            paras.append(Paragraph(text, [line.number]))
            open_para = None
            continue
        if open_para is not None and not ends_sentence(open_para.text):
            open_para.text += text
            open_para.lines.append(line.number)
        else:
            open_para = Paragraph(text, [line.number])
            paras.append(open_para)
    return paras


def cn_numeral_value(text: str) -> int | None:
    """Value of a small Chinese numeral (一 … 九十九); None if not one."""
    if not text or any(ch not in CN_NUMERALS for ch in text):
        return None
    if "十" not in text:
        return CN_NUMERALS.index(text) if len(text) == 1 else None
    tens, _, units = text.partition("十")
    t = CN_NUMERALS.index(tens) if tens else 1
    u = CN_NUMERALS.index(units) if units else 0
    return t * 10 + u


# --- tables ---------------------------------------------------------------------------------------------------

APPENDIX = re.compile(r"^附件\s*[:：]?\s*(\d+)\s*$")


def find_appendix(lines: list[Line], start: int, want: str) -> tuple[int, int] | None:
    """(first, end) indexes of the appendix (``附件 N`` on a line of its own) whose title contains ``want``."""
    for i in range(start, len(lines)):
        if APPENDIX.match(lines[i].text.strip()):
            nxt = next((ln for ln in lines[i + 1:] if not is_blank(ln.text)), None)
            if nxt is not None and want in nxt.text and not nxt.text.strip().startswith("|"):
                end = next(
                    (j for j in range(i + 1, len(lines)) if APPENDIX.match(lines[j].text.strip())), len(lines)
                )
                return i, end
    return None


def map_columns(cells: list[str], columns: dict[str, tuple[str, ...]], required: set[str]) -> dict[str, int] | None:
    """Column indexes by field, when ``cells`` is a header row holding at least the ``required`` fields."""
    mapping = {}
    for name, heads in columns.items():
        for idx, cell in enumerate(cells):
            if normalise(cell) in heads:
                mapping[name] = idx
                break
    return mapping if required <= mapping.keys() else None


def read_table(lines: list[Line], report: ParseReport, spec: dict[str, tuple[str, ...]], required: set[str],
               name: str):
    """The rows of a markdown-like table split across page breaks, as (line, row, cells by field).

    Separator rows, blank page-break headers and (repeated) header rows are consumed here; columns are
    mapped by header name (``spec``: field -> header names). A line that is not a table row comes out as
    (line, None, None); a row with fewer cells than the header is reported and skipped.
    """
    columns: dict[str, int] | None = None
    for line in lines:
        if is_blank(line.text):
            continue
        row = split_row(line)
        if row is None:
            yield line, None, None
            continue
        if is_separator_row(row):
            continue
        if all(c == "" for c in row.cells):
            report.count(f"{name}: blank header after page break")
            continue
        header = map_columns(row.cells, spec, required)
        if header is not None:
            if columns is not None:
                report.count(f"{name}: repeated header row")
            columns = header
            continue
        if columns is None:
            report.error(line.number, f"table row before the table header "
                                      f"({' | '.join(h[0] for h in spec.values())})", row.raw)
            continue
        width = max(columns.values()) + 1
        if len(row.cells) < width:
            missing = [k for k, v in columns.items() if v >= len(row.cells)]
            report.error(line.number, f"row has {len(row.cells)} cells, the header has {width}: "
                                      f"missing {', '.join(missing)}", row.raw)
            continue
        row.printed_fields = {k: row.printed(v) for k, v in columns.items()}
        yield line, row, {k: row.cells[v] for k, v in columns.items()}
