"""The OpenAPI document agrees with the server: schemathesis generates requests for every operation from it
(bounded: a few examples each) and checks every answer — no server error, every status, media type and JSON
body as documented."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import serve_app
from tanbiao.api.app import create_app
from tanbiao.api.config import Settings

CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,"
          "response_headers_conformance")
EXAMPLES = os.environ.get("TANBIAO_SCHEMATHESIS_EXAMPLES", "8")


def test_schemathesis_finds_no_server_error_and_no_mismatch(built, tmp_path):
    st = Path(sys.executable).with_name("schemathesis")
    if not st.exists() and not shutil.which("schemathesis"):
        pytest.fail("schemathesis is not installed (it is in the test extras: pip install -e '.[test]')")
    settings = Settings(build_dir=built.out, store_dir=tmp_path / "store")
    with serve_app(create_app(settings)) as url:
        env = {**os.environ, "SCHEMATHESIS_HOOKS": "schemathesis_hooks",
               "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).parent), os.environ.get("PYTHONPATH")]))}
        r = subprocess.run([str(st), "run", url + "/openapi.json", "-n", EXAMPLES, "--request-timeout", "60",
                            "-c", CHECKS, "--no-color"], capture_output=True, text=True, timeout=900,
                           cwd=tmp_path, env=env)
    summary = r.stdout[-3000:]
    assert r.returncode == 0, summary
    assert " passed" in summary and "failures" not in summary.split("Test cases:")[-1], summary
