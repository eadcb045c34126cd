"""Response models of the JSON routes (they document the OpenAPI schema; the services build plain dicts of the
same shape, and ``tests/test_api.py`` validates real responses against these models)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = [
    "Bilingual", "Health", "QueryParam", "QueryInfo", "Position", "SourceRow", "Standard", "StandardRef", "Subject",
    "AspectNode",
    "ItemSource", "GapItem", "Target", "GapSummary", "WhatIfChange", "WhatIfResult", "Verdict", "Proposal",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Bilingual(_Model):
    zh: str
    en: str


class Health(_Model):
    status: str
    backend: str


class QueryParam(_Model):
    name: str
    type: str
    lang: str | None
    required: bool
    description: str
    example: str | None


class QueryInfo(_Model):
    name: str
    summary_zh: str
    summary_en: str
    tags: list[str]
    form: str
    path: str
    text: str
    params: list[QueryParam]


class Position(_Model):
    notation: str
    label: str


class SourceRow(_Model):
    line: int | None
    row: str | None


class Standard(_Model):
    number: str
    title: str
    status: str
    category: str
    position: Position
    title_normalised: str
    status_en: str | None
    status_iri: str
    category_notation: str
    aspect: str | None
    level: str | None
    nature: str | None
    year: int | None
    plan_number: str | None
    identifiers: list[str]
    subjects: list[str]
    series: str | None
    revises: str | None
    iri: str
    source: SourceRow


class StandardRef(_Model):
    number: str
    title: str
    status: str
    match: str


class Subject(_Model):
    iri: str
    zh: str | None
    en: str | None


class AspectNode(_Model):
    notation: str | None
    label: str | None


class ItemSource(_Model):
    document: str
    line: int
    quote: str


Explanation = Bilingual


class GapItem(_Model):
    direction: str
    direction_label: str
    index: int
    aspect: str | None
    aspect_node: AspectNode
    industry: str
    industry_concept: Subject | None
    item: str
    subject: Subject | None  # the first of ``subjects``
    subjects: list[Subject]
    coverage: str
    best_status: str | None
    standards: list[StandardRef]
    related: list[StandardRef]
    explanation: Explanation
    source: ItemSource
    iri: str
    assessment: str
    industry_codes: list[str]


class TargetSource(_Model):
    document: str
    line: int
    quote: str


class Target(_Model):
    target: str
    target_en: str | None
    year: int
    count: int
    comparator: str
    comparator_label: Bilingual
    wording: str
    of: str
    set_by: str | None
    source: TargetSource
    counted: int
    by_status: dict[str, int]
    published: int
    remaining: int
    progress: float | None
    counts_what: str
    counts_what_zh: str
    progress_label: Bilingual


class ProductVerdict(_Model):
    item: str
    coverage: str
    best_status: str | None


class ProductsSummary(_Model):
    coverage: dict[str, int]
    items: list[ProductVerdict]


class Verdict(_Model):
    coverage: str
    best_status: str | None


class ChangeRecord(_Model):
    number: str
    status: str | None
    issued: str | None
    source: str | None
    iri: str


class GapChange(_Model):
    """A verdict the update records moved: from the documents alone (before) to this build (after)."""
    direction: str
    index: int
    aspect: str | None
    industry: str
    item: str
    before: Verdict
    after: Verdict
    records: list[ChangeRecord]
    iri: str
    assessment: str
    change: str


class ChangesSummary(_Model):
    items: int
    moves: dict[str, int]
    rows: list[GapChange]


class GapSummary(_Model):
    items: int
    coverage: dict[str, int]
    by_direction: dict[str, dict[str, int]]
    by_industry: dict[str, dict[str, int]]
    standards_by_status: dict[str, int]
    targets: list[Target]
    priority_products_2024: ProductsSummary
    changes: ChangesSummary
    as_of: str | None = None  # the data's as-of date (queries/as-of.rq)


class Skipped(_Model):
    line: int | None
    message: str


class WhatIfChange(_Model):
    direction: str
    index: int
    aspect: str | None
    industry: str
    item: str
    iri: str
    before: Verdict
    after: Verdict
    standards: list[StandardRef]
    explanation: Explanation


class WhatIfResult(_Model):
    proposals: int
    skipped: list[Skipped]
    changed: list[WhatIfChange]
    coverage_before: dict[str, int]
    coverage_after: dict[str, int]


def _proposal_model() -> type[BaseModel]:
    """One proposed standard for what-if: the columns of an update file (``loaders/updates.py``), as strings."""
    from pydantic import Field, create_model
    from tanbiao.loaders import updates

    fields: dict = {c: (str, Field(...)) if c in updates.REQUIRED else (str | None, None) for c in updates.COLUMNS}
    return create_model("Proposal", __config__=ConfigDict(extra="forbid"), **fields)


Proposal = _proposal_model()
