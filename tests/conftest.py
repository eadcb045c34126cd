"""Shared fixtures: the real source documents, one parse and one full build per test session."""

from __future__ import annotations

from pathlib import Path

import pytest
from tanbiao.loaders import guide2023
from tanbiao.loaders.build import build
from tanbiao.loaders.resources import package_dir, vocabulary

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
GUIDE_2023 = package_dir("sources") / "miit-2023-industrial-carbon-standards-guide-draft.txt"


@pytest.fixture(scope="session")
def guide_path() -> Path:
    return GUIDE_2023


@pytest.fixture(scope="session")
def guide() -> guide2023.Guide:
    return guide2023.parse(GUIDE_2023, vocabulary())


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """A full build (HermiT included) into a temporary folder."""
    out = tmp_path_factory.mktemp("build") / "build"
    return build(out, reason=True)


@pytest.fixture(scope="session")
def union_graph(built):
    from rdflib import Graph

    g = Graph()
    g.parse(built.out / "tanbiao.nt", format="nt")
    return g
