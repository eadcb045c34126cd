"""The SPARQL editor at ``/`` in a real headless Chromium: it loads offline, lists the catalogue, runs a query.

The server runs in-process (uvicorn in a background thread) over the session build; the browser is driven with
selenium. Skipped only when Chromium is not installed (``make`` installs it in CI).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import pytest
from conftest import ARTIFACTS, headless_chromium, needs_chromium

SCREENSHOT = ARTIFACTS / "editor.png"



def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _editor_app(build_dir: Path, store_dir: Path):
    """``create_app`` with the editor mounted (unless ``create_app`` already mounts it)."""
    from tanbiao.api.app import create_app
    from tanbiao.api.config import settings_from_env
    from tanbiao.api.routers.editor import mount_editor

    settings = settings_from_env({"TANBIAO_BUILD_DIR": str(build_dir), "TANBIAO_STORE_DIR": str(store_dir)})
    app = create_app(settings)
    if not any(getattr(r, "path", None) == "/editor" for r in app.routes):
        mount_editor(app)
    return app


@pytest.fixture(scope="module")
def server(built, tmp_path_factory):
    """The base URL of a server on 127.0.0.1 (a free port), stopped after the module's tests."""
    import uvicorn

    app = _editor_app(built.out, tmp_path_factory.mktemp("editor-store") / "store")
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=srv.run, name="editor-server", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 120
        while not srv.started:
            if not thread.is_alive():
                pytest.fail("the server stopped while starting")
            if time.monotonic() > deadline:
                pytest.fail("the server did not start within 120 s")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=30)


@pytest.fixture()
def browser(tmp_path):
    with headless_chromium(tmp_path / "chromium-profile") as driver:
        yield driver


def _network_requests(driver) -> list[str]:
    """Every http(s)/ws(s) URL the browser asked for, from the DevTools network log (failed requests included).

    The browser's own ``chrome://`` pages (the new-tab page before the first navigation) are not network traffic.
    """
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            if url.split(":", 1)[0].lower() in ("http", "https", "ws", "wss"):
                urls.append(url)
    return urls


def test_editor_routes(server):
    """``/`` is the editor page, ``/static`` serves the vendored YASGUI; neither is in the OpenAPI schema."""
    import re

    import httpx

    page = httpx.get(server + "/editor")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "SPARQL 编辑器 / SPARQL editor" in page.text
    # the only absolute URLs in the page are the prefix IRIs preset in the query (never fetched)
    urls = set(re.findall(r"https?://[^\s\"'<>]+", page.text))
    assert all(re.fullmatch(r"https?://(w3id\.org|purl\.org|www\.w3\.org)/.*", u) for u in urls), urls
    js = httpx.get(server + "/static/yasgui/yasgui.min.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    assert httpx.get(server + "/static/yasgui/yasgui.min.css").headers["content-type"].startswith("text/css")
    paths = httpx.get(server + "/openapi.json").json()["paths"]
    assert "/editor" not in paths and not any(p.startswith("/static") for p in paths)


@needs_chromium
def test_editor_runs_an_example_query_offline(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    driver, origin = browser, server
    try:
        driver.get(origin + "/editor")
        wait = WebDriverWait(driver, 20)
        assert "SPARQL" in driver.title
        header = driver.find_element(By.TAG_NAME, "h1").text
        assert "碳标 tanbiao" in header and "SPARQL 编辑器" in header

        # the editor is up with the project prefixes preset
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".yasqe .CodeMirror")))
        initial = driver.execute_script("return window.tanbiaoYasgui.getTab().getQuery();")
        for prefix in ("tb: <https://w3id.org/tanbiao/def#>", "tbs: <https://w3id.org/tanbiao/standard/>",
                       "tbf: <https://w3id.org/tanbiao/framework/>", "tbc: <https://w3id.org/tanbiao/concept/>",
                       "dcterms: <http://purl.org/dc/terms/>"):
            assert f"PREFIX {prefix}" in initial

        # the examples come from GET /api/queries; choose the standards list
        wait.until(lambda d: d.find_element(By.ID, "example-select").is_enabled())
        select = Select(driver.find_element(By.ID, "example-select"))
        labels = [o.text for o in select.options]
        assert any("标准清单" in label and "standards list" in label for label in labels), labels
        select.select_by_value("standards")
        query = driver.execute_script("return window.tanbiaoYasgui.getTab().getQuery();")
        assert "tb:Standard" in query

        # run it and wait for the result table
        driver.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
        rows_css = ".yasr table.dataTable tbody tr"
        WebDriverWait(driver, 20).until(
            lambda d: any(r.find_elements(By.TAG_NAME, "td") and "核算" in r.text
                          for r in d.find_elements(By.CSS_SELECTOR, rows_css)))
        rows = driver.find_elements(By.CSS_SELECTOR, rows_css)
        assert len(rows) > 0
        table = driver.find_element(By.CSS_SELECTOR, ".yasr table.dataTable").text
        assert "温室气体核算" in table or "核算与核查" in table
        assert driver.find_elements(By.CSS_SELECTOR, ".yasr .errorResult") == []

        # nothing was asked of any other origin
        resources = driver.execute_script(
            "return performance.getEntriesByType('resource').map(function (e) { return e.name; });")
        assert any(url.endswith("/static/yasgui/yasgui.min.js") for url in resources), resources
        assert any(url.endswith("/api/queries") for url in resources), resources
        assert any(url.endswith("/sparql") for url in resources), resources
        requests = _network_requests(driver)
        assert any(url.endswith("/sparql") for url in requests), requests
        outside = [u for u in resources + requests if not u.startswith(origin + "/")]
        assert outside == [], outside

        # persistence is off: no tabs, queries or results kept (only the bundled prefix list's completion cache)
        stored = driver.execute_script("return Object.keys(window.localStorage);")
        assert set(stored) <= {"prefixes"}, stored

        severe = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert severe == [], severe
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        driver.save_screenshot(str(SCREENSHOT))


def _yasqe(driver, script: str):
    return driver.execute_script("var yasqe = window.tanbiaoYasgui.getTab().getYasqe();" + script)


@needs_chromium
def test_editor_completes_binds_explains_and_shows_values(server, browser):
    """Completion of the graph's own classes, properties and prefixes; a parameter form for a catalogue query;
    a syntax error with its line marked; typed literals shown as values; and still nothing from elsewhere."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    driver = browser
    driver.get(server + "/editor")
    wait = WebDriverWait(driver, 20)
    wait.until(lambda d: d.execute_script("return !!window.tanbiaoYasgui"))

    def hints(text: str, line: int, ch: int) -> list[str]:
        _yasqe(driver, f"yasqe.setValue({json.dumps(text)}); yasqe.setCursor({{line: {line}, ch: {ch}}}); "
                       "yasqe.autocomplete();")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".CodeMirror-hint"))
        return [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".CodeMirror-hint")]

    prefix = "PREFIX tb: <https://w3id.org/tanbiao/def#>\n"
    assert "tb:Standard" in hints(prefix + "SELECT * WHERE { ?s a tb:Sta", 1, 27)
    assert "tb:about" in hints(prefix + "SELECT * WHERE { ?s tb:abo", 1, 25)
    assert any(h.startswith("tbc: <https://w3id.org/tanbiao/concept/>") for h in hints("PREFIX tbc", 0, 10))

    # a syntax error: the server's readable message, the line marked in the editor
    _yasqe(driver, "yasqe.setValue('SELECT * WHERE {\\n  ?s a tb:Standard }'); yasqe.query();")
    help_box = driver.find_element(By.ID, "error-help")
    wait.until(lambda d: help_box.is_displayed())
    assert "line 2, column" in help_box.text and "PREFIX tb: <https://w3id.org/tanbiao/def#>" in help_box.text
    assert driver.find_elements(By.CSS_SELECTOR, ".CodeMirror .tb-error-line")

    # a catalogue query with a parameter opens a form prefilled with its example; binding runs it
    Select(driver.find_element(By.ID, "example-select")).select_by_value("standards-about-concept")
    form = driver.find_element(By.ID, "params")
    assert form.is_displayed() and not help_box.is_displayed()
    concept = driver.find_element(By.ID, "param-concept")
    assert concept.get_attribute("value") == "https://w3id.org/tanbiao/concept/computers"
    assert driver.find_element(By.CSS_SELECTOR, 'label[for="param-concept"]').text.startswith("concept *")
    form.find_element(By.TAG_NAME, "button").click()
    rows_css = ".yasr table.dataTable tbody tr"
    wait.until(lambda d: any("SJ/T 11735-2019" in r.text for r in d.find_elements(By.CSS_SELECTOR, rows_css)))
    assert "VALUES (?concept)" in driver.execute_script("return window.tanbiaoYasgui.getTab().getQuery();")

    # typed and language-tagged literals as values
    _yasqe(driver, "yasqe.setValue('SELECT (42 AS ?n) (\"钢铁\"@zh AS ?l) WHERE {}'); yasqe.query();")
    wait.until(lambda d: "42" in d.find_element(By.CSS_SELECTOR, ".yasr table.dataTable tbody").text)
    cells = driver.find_element(By.CSS_SELECTOR, ".yasr table.dataTable tbody").text
    assert "^^" not in cells and "@zh" not in cells and "钢铁" in cells

    outside = [u for u in _network_requests(driver) if not u.startswith(server + "/")]
    assert outside == [], outside
    driver.save_screenshot(str(ARTIFACTS / "editor-form.png"))
