"""Shared fixtures: the real source documents, one parse and one full build per test session."""

from __future__ import annotations

from pathlib import Path

import pytest
from tanbiao.loaders import guide2023
from tanbiao.loaders.base import curated
from tanbiao.loaders.resources import package_dir

from tanbiao.pipeline import build

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
GUIDE_2023 = package_dir("sources") / "miit-2023-industrial-carbon-standards-guide-draft.txt"


@pytest.fixture(scope="session")
def guide_path() -> Path:
    return GUIDE_2023


@pytest.fixture(scope="session")
def guide() -> guide2023.Guide:
    return guide2023.parse(GUIDE_2023, curated())


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """A full build (HermiT included) of the documents alone (``tanbiao build --no-updates``): the graph of the
    2023 draft and the 2024 guide, whose answers most tests pin."""
    out = tmp_path_factory.mktemp("build") / "build"
    return build(out, reason=True, shipped_updates=False)


@pytest.fixture(scope="session")
def built_current(tmp_path_factory):
    """The default build: the documents and the shipped update records (data/updates/)."""
    out = tmp_path_factory.mktemp("build-current") / "build"
    return build(out, reason=True)


@pytest.fixture(scope="session")
def union_graph(built):
    from rdflib import Graph

    g = Graph()
    g.parse(built.out / "tanbiao.nt", format="nt")
    return g


# --- servers on loopback -------------------------------------------------------------------------------

import contextlib  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

import httpx  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening_sockets(port: int) -> list[str]:
    """Every TCP address the process listening on ``port`` listens on (from ``ss``)."""
    import re

    lines = subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True, check=True).stdout.splitlines()
    pids = {m.group(1) for line in lines if line.split()[3].endswith(f":{port}")
            for m in re.finditer(r"pid=(\d+),", line)}
    return [line.split()[3] for line in lines if any(f"pid={pid}," in line for pid in pids)]


def wait_until_up(url: str, timeout: float = 90.0, process=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up in {timeout} s")


@contextlib.contextmanager
def loopback_server(command: list[str], port: int, probe: str, env: dict | None = None):
    """A server process listening on 127.0.0.1:``port``; yields its base URL once ``probe`` answers, and
    stops it afterwards."""
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + probe, process=proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def tanbiao_serve(build_dir, store_dir, **env):
    """`tanbiao serve` as a user runs it, on a free loopback port; stopped afterwards."""
    port = free_port()
    full_env = {**os.environ, "TANBIAO_STORE_DIR": str(store_dir),
                **{f"TANBIAO_{k.upper()}": str(v) for k, v in env.items()}}
    command = [sys.executable, "-m", "tanbiao", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--build-dir", str(build_dir)]
    with loopback_server(command, port, "/health", full_env) as url:
        yield url


@contextlib.contextmanager
def serve_app(app):
    """An ASGI app under uvicorn in a background thread on a free loopback port; stopped afterwards."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/health")
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@pytest.fixture(scope="session")
def server(built, tmp_path_factory):
    """The real `tanbiao serve` on the session build (embedded on-disk store)."""
    with tanbiao_serve(built.out, tmp_path_factory.mktemp("store") / "store") as url:
        yield url


# --- headless Chromium ---------------------------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists() or not CHROMEDRIVER.exists(),
    reason=f"browser tests need Chromium at {CHROMIUM} and chromedriver at {CHROMEDRIVER} (installed by `make test`)",
)


@contextlib.contextmanager
def headless_chromium(profile: Path, size: str = "1400,1000"):
    """A headless Chromium driven by selenium, with the DevTools network log on; quit afterwards."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                f"--window-size={size}", f"--user-data-dir={profile}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def api(built, tmp_path_factory):
    """The app in-process (FastAPI's TestClient over the session build, embedded store): most API tests use it;
    the protocol, remote-backend and browser tests use the real server over HTTP."""
    from fastapi.testclient import TestClient
    from tanbiao.api.app import create_app
    from tanbiao.api.config import Settings

    settings = Settings(build_dir=built.out, store_dir=tmp_path_factory.mktemp("api-store") / "store")
    with TestClient(create_app(settings), base_url="http://testserver") as client:
        yield client
