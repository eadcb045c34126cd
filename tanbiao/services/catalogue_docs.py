"""The query catalogue as a Markdown page, rendered from the ``#+`` headers of ``queries/*.rq``.

``python -m tanbiao.services.catalogue_docs > docs/queries.md`` regenerates ``docs/queries.md``; a test fails when
the page and the catalogue differ.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping

from tanbiao.services.catalogue import Param, Query, catalogue

__all__ = ["TAG_ORDER", "render_markdown"]

# Sections in this order; tags not listed follow alphabetically.
TAG_ORDER = ("framework", "standards", "series", "numbers", "concepts", "industries", "directions", "items",
             "targets", "rules", "provenance", "export", "quality", "summary")

_TAG_TITLES = {
    "framework": "框架 / Framework",
    "standards": "标准 / Standards",
    "series": "系列标准 / Series",
    "numbers": "编号 / Numbers",
    "concepts": "概念 / Concepts",
    "industries": "行业 / Industries",
    "directions": "重点方向 / Priority directions",
    "items": "重点方向条目 / Priority items",
    "targets": "目标 / Targets",
    "rules": "编制规则 / Drafting rules",
    "provenance": "来源 / Provenance",
    "export": "导出 / Export",
    "quality": "数据质量 / Data quality",
    "summary": "汇总 / Summary",
}

_INTRO = """\
# 查询目录 / Query catalogue

<!-- Generated from the headers of queries/*.rq: do not edit by hand.
     Regenerate with `python -m tanbiao.services.catalogue_docs > docs/queries.md`. -->

Each file `queries/<name>.rq` answers one question about the standards system. The file is plain SPARQL 1.1;
its `#+` comment header (summary, tags, parameters) is what this page is made of
(format: `tanbiao/services/catalogue.py`).

## 如何运行 / How to run a query

Build the graph once (`tanbiao build`), then run a catalogue file from the command line:

```sh
tanbiao query queries/standards-per-category.rq
tanbiao query queries/standards-per-category.rq -f json
```

Parameters are bound as RDF terms through a trailing `VALUES` clause, never by editing the query text, so a
query with its parameters left unbound is still valid and answers for every value (the command line runs the
text as it is). From Python:

```python
from tanbiao.services.catalogue import bind, catalogue
from tanbiao.store import load_build, run_query

store = load_build("data/build")
query = catalogue()["standards-about-concept"]
rows = run_query(store, bind(query, {"concept": "https://w3id.org/tanbiao/concept/computers"}))
```

Over HTTP (`tanbiao serve`) the catalogue is listed at `/api/queries` and each query runs at
`/api/queries/{name}`, with its parameters as query-string arguments
(`/api/queries/standards-in-subcategory?notation=2.1`; `format=csv` for CSV, or an RDF format for CONSTRUCT).

Parameter types: `iri` (an absolute IRI), `string` (a plain literal, e.g. a `skos:notation` such as `2.1`),
`literal` (language-tagged when the parameter declares `lang`), `integer`.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _param_short(p: Param) -> str:
    parts = [p.type, "required" if p.required else "optional"]
    text = f"`{p.name}` ({', '.join(parts)})"
    if p.example is not None:
        text += f", e.g. `{p.example}`"
    return text


def _tags(cat: Mapping[str, Query]) -> list[str]:
    present = {t for q in cat.values() for t in q.tags}
    ordered = [t for t in TAG_ORDER if t in present]
    return ordered + sorted(present - set(ordered))


def _query_section(q: Query) -> list[str]:
    lines = [f"### {q.name}", "", f"{q.summary_zh}  ", f"{q.summary_en}", ""]
    lines.append(f"- form: {q.form}")
    lines.append(f"- tags: {', '.join(f'`{t}`' for t in q.tags) or '—'}")
    lines.append(f"- file: `queries/{q.name}.rq`")
    lines.append("")
    if q.params:
        lines += ["| parameter | type | required | example | description |", "|---|---|---|---|---|"]
        for p in q.params:
            type_ = p.type + (f" (@{p.lang})" if p.lang else "")
            example = f"`{_cell(p.example)}`" if p.example is not None else "—"
            lines.append(f"| `{p.name}` | {type_} | {'yes' if p.required else 'no'} | {example} | "
                         f"{_cell(p.description) or '—'} |")
        lines.append("")
    lines += ["```sparql", q.text.rstrip("\n"), "```", ""]
    return lines


def render_markdown(cat: Mapping[str, Query]) -> str:
    """The catalogue page: how to run a query, one table per tag, then every query with its text."""
    lines = [_INTRO]
    lines.append("## 按标签 / By tag")
    lines.append("")
    for tag in _tags(cat):
        lines += [f"### {_TAG_TITLES.get(tag, tag)}", "", f"Tag `{tag}`.", ""]
        lines += ["| query | 问题 | question | parameters |", "|---|---|---|---|"]
        for name in sorted(cat):
            q = cat[name]
            if tag not in q.tags:
                continue
            params = "<br>".join(_cell(_param_short(p)) for p in q.params) or "—"
            lines.append(f"| [{name}](#{name}) | {_cell(q.summary_zh)} | {_cell(q.summary_en)} | {params} |")
        lines.append("")
    untagged = sorted(n for n, q in cat.items() if not q.tags)
    if untagged:
        lines += ["### 未分类 / Untagged", ""] + [f"- [{n}](#{n})" for n in untagged] + [""]
    lines += ["## 查询 / Queries", ""]
    for name in sorted(cat):
        lines += _query_section(cat[name])
    return "\n".join(lines).rstrip("\n") + "\n"


def main() -> None:  # pragma: no cover - exercised through the docs test
    sys.stdout.write(render_markdown(catalogue()))


if __name__ == "__main__":  # pragma: no cover
    main()
