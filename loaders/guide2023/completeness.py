"""Is the guide whole? A truncated or damaged document must be reported, not parsed into half a graph.

The rules are about the shape every guide of this kind has, checked after the other readers ran:

* the three parts are there: the framework (section 二), the standards list (附件1) and the priority directions
  (附件2);
* every category of the framework has at least one standard in the list and at least one priority direction
  (a document cut short loses the last categories of an appendix);
* no table row ends in the middle: a line that opens a table row (``|``) ends with ``|``.
"""

from __future__ import annotations

from ..text import Line
from .records import Guide

__all__ = ["check_complete"]


def check_complete(lines: list[Line], guide: Guide) -> None:
    """Add an error to ``guide.report`` for every sign that the document is truncated or damaged."""
    rep = guide.report
    last = lines[-1].number if lines else None
    if not guide.categories:
        rep.error(last, "no framework (section 二, categories and sub-categories) was found: the document looks "
                        "truncated or damaged")
    if guide.standards and not guide.directions:
        rep.error(last, "no priority directions (附件2) were found: the document looks truncated")
    if guide.standards:
        listed = {s.category for s in guide.standards}
        for c in guide.categories:
            if c.notation not in listed:
                rep.error(last, f"the standards list (附件1) has no standard under category {c.notation} {c.label}: "
                                "the document looks truncated")
    if guide.directions:
        directed = {d.code.split(".")[0] for d in guide.directions}
        for c in guide.categories:
            if c.notation not in directed:
                rep.error(last, f"the priority directions (附件2) have none for category {c.notation} {c.label}: "
                                "the document looks truncated")
    reported = {e.line for e in rep.errors}
    for ln in lines:
        text = ln.text.strip()
        if text.startswith("|") and not text.endswith("|") and len(text) > 1 and ln.number not in reported:
            rep.error(ln.number, "a table row ends in the middle (no closing '|'): the document looks truncated "
                                 "or damaged here", ln.text[:200])
