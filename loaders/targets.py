"""Quantified targets in policy text: ``到2027年，制定出台200项…标准`` / ``100个左右…``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import Paragraph, normalise

__all__ = ["Target", "find_targets"]

_TARGET = re.compile(
    r"到\s*(?P<year>\d{4})\s*年[^。；]*?(?:制定|出台|研制)(?:出台)?\s*(?P<count>\d+)\s*(?P<unit>项|个)\s*"
    r"(?P<qualifier>以上|左右)?\s*(?P<what>[^。；，,]*?标准)"
)
_CITED = re.compile(r"《([^》]+)》")


@dataclass(frozen=True)
class Target:
    year: int
    count: int
    qualifier: str  # "以上" (at least), "左右" (about) or "" (exactly)
    what: str  # 重点工业产品碳足迹核算规则标准
    sentence: str
    line: int
    cited: str  # the last document named before the target in its paragraph ("" if the document's own)

    @property
    def comparator(self) -> str:
        return {"以上": "at-least", "左右": "about"}.get(self.qualifier, "exactly")


def find_targets(paragraphs: list[Paragraph]) -> list[Target]:
    """Every target in the paragraphs, first occurrence only (a restatement is not a new target)."""
    seen: set[tuple[int, int, str]] = set()
    out: list[Target] = []
    for para in paragraphs:
        text = normalise(para.text)
        for m in _TARGET.finditer(text):
            key = (int(m["year"]), int(m["count"]), m["what"].replace(" ", ""))
            if key in seen:
                continue
            seen.add(key)
            start = text.rfind("。", 0, m.start()) + 1
            end = text.find("。", m.end())
            cited = _CITED.findall(text[: m.start()])
            out.append(Target(
                year=key[0], count=key[1], qualifier=m["qualifier"] or "", what=key[2],
                sentence=text[start: end + 1 if end >= 0 else len(text)].strip(), line=para.first_line,
                cited=cited[-1] if cited else "",
            ))
    return out
