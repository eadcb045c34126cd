"""Code quality gates that are cheap enough to run with the tests."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("ruff") is None and not (Path(sys.executable).parent / "ruff").exists(),
                    reason="ruff is installed with the test extras")
def test_ruff_clean():
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    r = subprocess.run([ruff, "check", "tanbiao", "loaders", "api", "tests", "bench"], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_versions_agree():
    """The ontology's owl:versionInfo and versionIRI, the package version and the newest CHANGELOG entry are equal."""
    import re

    from tanbiao.loaders.resources import ontology_version

    from tanbiao import __version__

    version = ontology_version()
    root = Path(__file__).resolve().parents[1]
    assert __version__ == version
    assert f'version = "{version}"' in (root / "pyproject.toml").read_text(encoding="utf-8")
    assert f"<https://w3id.org/tanbiao/def/{version}>" in (root / "ontology" / "tanbiao.ttl").read_text(encoding="utf-8")
    newest = re.search(r"^## (\S+)", (root / "CHANGELOG.md").read_text(encoding="utf-8"), re.M).group(1)
    assert newest == version
