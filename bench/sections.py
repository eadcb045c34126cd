"""Writing a benchmark's figures into its marked section of a Markdown file (docs/benchmarks.md), and the
machine and versions they were measured with."""

from __future__ import annotations

import contextlib
import os
import platform
import re
from pathlib import Path

__all__ = ["write_section", "publish", "machine", "version", "today"]


def today() -> str:
    """The date a table was measured (every table of docs/benchmarks.md carries it)."""
    import time

    return time.strftime("%Y-%m-%d")


def machine() -> str:
    cpu = ""
    with contextlib.suppress(OSError, StopIteration), open("/proc/cpuinfo") as fh:
        cpu = next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    return f"{os.cpu_count()} cores, {cpu or platform.processor()}, Python {platform.python_version()}"


def version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed(dist)
    except PackageNotFoundError:
        return "?"


def write_section(path: Path, begin: str, end: str, block: str, heading: str) -> None:
    """Replace the text between ``begin`` and ``end`` by ``block`` (which holds both markers), or append it
    under ``## heading`` when the file has no such section yet."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if begin in text:
        text = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _m: block, text, flags=re.S)
    else:
        text = text.rstrip() + f"\n\n## {heading}\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def publish(block: str, path: Path | None, begin: str, end: str, heading: str) -> None:
    """Print a benchmark's section and, when ``path`` is given (``--write``), put it into that file."""
    print(block)
    if path:
        write_section(path, begin, end, block, heading)
