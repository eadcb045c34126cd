"""Accessibility (WCAG 2.1 AA, which GB/T 37668-2019 draws on): axe-core finds 0 violations on every page kind,
checked in headless Chromium; pages are usable by keyboard alone. Each page's axe results and a screenshot are kept
in tests/artifacts/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ARTIFACTS, headless_chromium, needs_chromium

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = {  # one of every page kind
    "home": "/", "standard": "/standard/2021-1808T-SJ", "concept": "/concept/steel", "category": "/framework/2",
    "sub-category": "/framework/2.1", "topic": "/framework/2.1.3", "framework": "/framework",
    "direction": "/direction/2.1", "item": "/item/2.1-8", "scheme": "/scheme/industry", "source": "/source/miit-2023-guide-draft",
    "gbt4754": "/gbt4754-2017/C3011", "gap-report": "/api/gaps?format=html", "editor": "/editor",
    "downloads": "/downloads", "ontology": "/def", "search": "/search?q=steel", "not-found": "/standard/GB-T-99999-2099",
    "api-docs": "/docs", "api-reference": "/redoc",
}


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing (see tests/vendor/axe-core/README.md)")
    with headless_chromium(tmp_path_factory.mktemp("axe") / "profile") as driver:
        yield driver


def _axe(driver) -> dict:
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    driver.set_script_timeout(120)
    return driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        f"axe.run(document, {{runOnly: {{type: 'tag', values: {json.dumps(TAGS)}}}}})"
        ".then(function (r) { done({violations: r.violations.map(function (v) { return {id: v.id, impact: v.impact,"
        " help: v.help, nodes: v.nodes.map(function (n) { return n.target.join(' ') + ' — ' +"
        " (n.failureSummary || '').slice(0, 200); })}; }), passes: r.passes.length}); })"
        ".catch(function (e) { done({error: String(e)}); });")


def _settle(driver, path: str) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(driver, 20)
    wait.until(lambda d: d.execute_script("return document.readyState") == "complete")
    if path == "/editor":
        wait.until(lambda d: d.find_elements("css selector", ".yasqe .CodeMirror"))
        wait.until(lambda d: d.find_element("id", "example-select").is_enabled())
    if path in ("/docs", "/redoc"):
        wait.until(lambda d: d.find_elements("css selector", ".opblock, .api-content, [role=navigation] li"))


@needs_chromium
@pytest.mark.parametrize("kind", PAGES)
def test_no_axe_violations(server, chromium, kind):
    path = PAGES[kind]
    chromium.get(server + path)
    _settle(chromium, path)
    result = _axe(chromium)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{kind}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    chromium.save_screenshot(str(ARTIFACTS / f"page-{kind}.png"))
    assert "error" not in result, result
    assert result["passes"] > 5
    violations = result["violations"]
    if kind == "api-reference":
        violations = [v for v in violations if not _misjudged_code_sample(v)]
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)


def _misjudged_code_sample(violation: dict) -> bool:
    """ReDoc's SPARQL code samples: axe computes a grey background (#b0b0b0) that no element has; the text is
    #f5f7fa on the code block's #1a2327 (api-docs.html), over 15:1. Only this misjudgement is set aside."""
    return violation["id"] == "color-contrast" and all(
        "token" in n and "foreground color: #f5f7fa, background color: #b0b0b0" in n for n in violation["nodes"])


@needs_chromium
def test_keyboard_skip_link_search_and_gap_filters(server, chromium):
    """Tab reaches the skip link first, then the site's links and the search box; the gap report is filtered with
    the keyboard alone."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    chromium.get(server + "/standard/2021-1808T-SJ")
    ActionChains(chromium).send_keys(Keys.TAB).perform()
    active = chromium.switch_to.active_element
    assert active.get_attribute("class") == "skip" and active.is_displayed()
    active.send_keys(Keys.ENTER)
    assert chromium.switch_to.active_element.get_attribute("id") == "main"
    chromium.get(server + "/")
    for _ in range(12):
        ActionChains(chromium).send_keys(Keys.TAB).perform()
        if chromium.switch_to.active_element.get_attribute("id") == "site-search":
            break
    else:
        pytest.fail("the search box is not reachable with Tab")
    chromium.switch_to.active_element.send_keys("GB/T 32151.1", Keys.ENTER)
    WebDriverWait(chromium, 20).until(lambda d: "/search?q=" in d.current_url)
    assert "GB/T 32151.1-2015" in chromium.page_source

    chromium.get(server + "/api/gaps?format=html")
    coverage = chromium.find_element("id", "filter-coverage")
    for _ in range(30):  # Tab to the jump link to the items, follow it, then Tab into the filters
        ActionChains(chromium).send_keys(Keys.TAB).perform()
        if (chromium.switch_to.active_element.get_attribute("href") or "").endswith("#items"):
            chromium.switch_to.active_element.send_keys(Keys.ENTER)
            break
    else:
        pytest.fail("no jump link to the items")
    for _ in range(10):
        ActionChains(chromium).send_keys(Keys.TAB).perform()
        if chromium.switch_to.active_element == coverage:
            break
    else:
        pytest.fail("the coverage filter is not reachable with Tab from the jump link")
    coverage.send_keys(Keys.ARROW_DOWN, Keys.ARROW_DOWN, Keys.ARROW_DOWN)  # all -> covered -> partial -> gap
    shown = chromium.find_element("id", "shown").text
    assert coverage.get_attribute("value") == "gap" and int(shown) == 189
