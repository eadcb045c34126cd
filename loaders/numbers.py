"""The grammar of Chinese standard numbers and standardisation plan numbers.

* published: ``GB/T 32151.1-2015`` — code ``GB``, suffix ``/T`` (recommended), serial 32151,
  part 1, year 2015; ``YS/T 800-2012``; ``T/CISA 123-2021`` (group standard).
* national plan (国家标准计划号): ``20220807-T-467`` — year 2022, serial 0807, nature T,
  department code 467.
* industry plan (行业标准计划号): ``2021-1715T-SH`` — year 2021, serial 1715, nature T,
  industry code(s) SH (``HG/SH`` for a joint project).

Only the shape of numbers lives here; what a code or nature letter *means* comes from
``ontology/vocabularies.ttl`` and ``data/curated/standard-codes.csv``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

__all__ = ["StandardNumber", "parse_number", "canonical_number", "find_numbers", "NumberError", "PUBLISHED",
           "NATIONAL_PLAN", "INDUSTRY_PLAN"]

PUBLISHED = "published"
NATIONAL_PLAN = "national-plan"
INDUSTRY_PLAN = "industry-plan"

_DASH = "[-—–]"
_PUBLISHED_RE = re.compile(
    rf"^(?P<code>T/[A-Z0-9]+(?:-[A-Z0-9]+)*|DB\d{{0,6}}|Q/[A-Z0-9]+|[A-Z]{{1,3}})(?:/(?P<suffix>[TZ]))?\s*"
    rf"(?P<serial>\d+)(?:\.(?P<part>\d+))?\s*{_DASH}\s*(?P<year>\d{{4}})$"
)
_NATIONAL_PLAN_RE = re.compile(
    rf"^(?P<year>\d{{4}})(?P<serial>\d{{4}}){_DASH}(?P<nature>[TQZ]){_DASH}(?P<dept>\d{{3}})$"
)
_INDUSTRY_PLAN_RE = re.compile(
    rf"^(?P<year>\d{{4}}){_DASH}(?P<serial>\d{{4}})(?P<nature>[TQZ]){_DASH}(?P<codes>[A-Z]{{2}}(?:/[A-Z]{{2}})*)$"
)


_CODE = r"(?:T/[A-Z]+|Q/[A-Z0-9]+|DB\d{0,6}|[A-Z]{1,3})(?:/[TZ])?"
_LOOSE = re.compile(
    rf"(?<![A-Za-z0-9/])(?P<code>(?:[TQ][/-][A-Z]+|DB\d{{0,6}}|[A-Z]{{1,3}})(?:/[TZ])?)\s*"
    rf"(?P<serial>\d+(?:\.\d+)?)\s*{_DASH}\s*(?P<year>(?:19|20)\d{{2}})(?!\d)"
)


def canonical_number(printed: str) -> str:
    """A standard number in its printed canonical form: ``T-CECRPA 010-2024`` → ``T/CECRPA 010-2024``,
    ``GB／T　32151.8—2023`` → ``GB/T 32151.8-2023``, ``GB/T32151.1-2015`` → ``GB/T 32151.1-2015``; one space
    between code and serial, ``-`` before the year. Plan numbers only get ASCII dashes and no spaces."""
    text = unicodedata.normalize("NFKC", printed).strip()
    text = re.sub(r"\s*[—–－‐-]+\s*", "-", text)
    text = re.sub(r"\s+", " ", text)
    if text[:1].isdigit():
        return text.replace(" ", "")
    text = re.sub(r"^([TQ])[-_ ](?=[A-Z])", r"\1/", text)
    return re.sub(rf"^({_CODE})\s*(?=\d)", r"\1 ", text)


def find_numbers(text: str) -> list[tuple[int, str]]:
    """Published standard numbers in running text, as (position, canonical number)."""
    return [(m.start(), canonical_number(m.group(0))) for m in _LOOSE.finditer(unicodedata.normalize("NFKC", text))]


class NumberError(ValueError):
    """A printed number that fits none of the known shapes."""


@dataclass(frozen=True)
class StandardNumber:
    printed: str  # exactly as printed (outer whitespace stripped)
    kind: str  # PUBLISHED | NATIONAL_PLAN | INDUSTRY_PLAN
    year: int
    serial: str
    nature: str  # nature letter: "Q" mandatory, "T" recommended, "Z" guidance document
    codes: tuple[str, ...] = field(default=())  # standard code (GB, YB …) or plan industry codes
    part: int | None = None
    department: str | None = None  # national plan: the 3-digit code of the responsible department

    @property
    def series_notation(self) -> str:
        """``GB/T 32151`` for ``GB/T 32151.1-2015`` (published numbers only)."""
        suffix = f"/{self.nature}" if self.nature in "TZ" and "/" not in self.series_code else ""
        return f"{self.series_code}{suffix} {self.serial}"

    @property
    def series_code(self) -> str:
        """The code a series is numbered under (``GB``, ``YB`` …); published numbers only."""
        return self.codes[0] if self.codes else ""


def parse_number(printed: str) -> StandardNumber:
    """Parse a printed standard or plan number; NumberError explains a failure."""
    text = printed.strip()
    compact = re.sub(r"\s+", " ", text)
    m = _PUBLISHED_RE.match(compact)
    if m:
        suffix = m["suffix"]
        code = m["code"]
        nature = suffix if suffix else ("T" if code.startswith(("T/", "Q/", "DB")) else "Q")
        return StandardNumber(
            printed=text, kind=PUBLISHED, year=int(m["year"]), serial=m["serial"], nature=nature,
            codes=(code,), part=int(m["part"]) if m["part"] else None,
        )
    m = _NATIONAL_PLAN_RE.match(compact)
    if m:
        return StandardNumber(
            printed=text, kind=NATIONAL_PLAN, year=int(m["year"]), serial=m["serial"],
            nature=m["nature"], codes=("GB",), department=m["dept"],
        )
    m = _INDUSTRY_PLAN_RE.match(compact)
    if m:
        return StandardNumber(
            printed=text, kind=INDUSTRY_PLAN, year=int(m["year"]), serial=m["serial"],
            nature=m["nature"], codes=tuple(m["codes"].split("/")),
        )
    if not text:
        raise NumberError("empty standard number")
    raise NumberError(
        f"'{text}' is neither a published number (e.g. GB/T 32151.1-2015), a national plan number "
        "(e.g. 20220807-T-467) nor an industry plan number (e.g. 2021-1715T-SH)"
    )
