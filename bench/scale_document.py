"""A synthetic, scaled copy of the 2023 guide for benchmarking the real build: its standards list (附件1) ×N.

    python bench/scale_document.py --factor 10 -o /tmp/x10      # writes the documents and prints the sources

Every row of 附件1 is repeated ``factor - 1`` more times at the end of its category, each copy with a number of
the same kind that no other row has (the serial changed: ``GB/T 32151.1-2015`` → ``GB/T 132151.1-2015``,
``2021-1715T-SH`` → ``2021-2949T-SH``) and the same title, status and position; the row numbers (序号) go on
from the category's last row. Everything else in the guide is unchanged (framework, 附件2 priority directions and
items), and so is the 2024 guide. The result goes through the real build: the loaders parse it, the link stage,
HermiT and SHACL run on it. It is a benchmark input, written to a temporary folder, never a source document.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from tanbiao.loaders.numbers import INDUSTRY_PLAN, NATIONAL_PLAN, PUBLISHED, parse_number
from tanbiao.loaders.resources import Source, source_manifest

__all__ = ["scaled_sources"]

GUIDE_KEY = "miit-2023-guide-draft"
_ROW = re.compile(r"^\|\s*(?P<row>\d+)\s*\|\s*(?P<number>[^|]*?)\s*\|(?P<rest>.*)$")
_CATEGORY = re.compile(r"^(\|\s*)?[一二三四五六七八九十]+、")  # in a table row or on its own line
_APPENDIX = re.compile(r"^附件\s*(\d+)\s*$")


def _copy_number(printed: str, copy: int, used: set[str]) -> str:
    """A number of the same kind as ``printed`` that is not in ``used`` (and is added to it)."""
    num = parse_number(printed)
    candidate = printed
    step = 0
    while candidate in used:
        step += 1
        if num.kind == PUBLISHED:  # the serial gets a leading digit: the same code, part and year
            serial = f"{copy}{'0' * (step - 1)}{num.serial}"
        else:  # plan numbers have a four-digit serial: shift it until the number is free
            serial = f"{(int(num.serial) + 1234 * copy + step) % 10000:04d}"
        candidate = printed.replace(num.serial, serial, 1) if num.kind == PUBLISHED else \
            re.sub(rf"(?<=^{num.year})([-—–]?){num.serial}", lambda m, s=serial: m.group(1) + s, printed, count=1)
    assert num.kind in (PUBLISHED, NATIONAL_PLAN, INDUSTRY_PLAN) and parse_number(candidate).kind == num.kind
    used.add(candidate)
    return candidate


def scale_guide(text: str, factor: int) -> tuple[str, int]:
    """The guide's text with every 附件1 row ×``factor``; returns the text and the number of rows written."""
    lines = text.splitlines()
    used = {m.group("number") for line in lines if (m := _ROW.match(line))}
    out: list[str] = []
    block: list[re.Match] = []  # the rows of the current category
    appendix, rows = None, 0

    def flush() -> None:
        nonlocal rows
        if not block:
            return
        last = int(block[-1].group("row"))
        for copy in range(1, factor):
            for m in block:
                last += 1
                out.append(f"| {last} | {_copy_number(m.group('number'), copy, used)} |{m.group('rest')}")
        rows += len(block) * factor
        block.clear()

    for line in lines:
        if (a := _APPENDIX.match(line)) is not None:
            flush()
            appendix = a.group(1)
        elif appendix == "1" and _CATEGORY.match(line):
            flush()
        elif appendix == "1" and (m := _ROW.match(line)) is not None:
            block.append(m)
        out.append(line)
    flush()
    return "\n".join(out) + "\n", rows


def scaled_sources(factor: int, folder: Path) -> tuple[list[Source], int]:
    """The build's sources with the 2023 guide scaled ×``factor`` into ``folder``; and its number of rows."""
    folder.mkdir(parents=True, exist_ok=True)
    sources, rows = [], 0
    for src in source_manifest():
        if src.key == GUIDE_KEY:
            text, rows = scale_guide(src.path.read_text(encoding="utf-8"), factor)
            path = folder / src.path.name
            path.write_text(text, encoding="utf-8")
            src = Source(path, src.key, src.loader, f"{src.title_en} (synthetic: 附件1 ×{factor}, for benchmarks)",
                         src.origin)
        sources.append(src)
    return sources, rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--factor", type=int, default=10)
    ap.add_argument("-o", "--output", type=Path, required=True)
    args = ap.parse_args()
    sources, rows = scaled_sources(args.factor, args.output)
    print(f"{args.output}: 附件1 ×{args.factor} ({rows} rows); sources: " + ", ".join(str(s.path) for s in sources))


if __name__ == "__main__":
    main()
