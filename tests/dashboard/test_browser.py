"""The dashboard in real headless Chromium: pages, runs, cancel, links, language, CSV, a11y."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.dashboard.conftest import AXE

pytestmark = pytest.mark.browser

PAGES = {
    "scenario": "/scenario",
    "compare": "/compare",
    "kwadrant": "/kwadrant",
    "sensitivity": "/sensitivity",
    "workshop": "/workshop",
    "about": "/uitleg",
}
WCAG = "['wcag2a','wcag2aa','wcag21a','wcag21aa']"


def _open(page, url):
    page.goto(url)
    expect(page.locator("#main")).to_be_visible()
    page.wait_for_load_state("networkidle")


def _axe(page):
    # evaluate() runs over DevTools, which the page's CSP does not govern (add_script_tag would
    # be blocked, as it should be)
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate(
        f"async () => await axe.run(document, {{runOnly: {{type: 'tag', values: {WCAG}}}}})"
    )
    return [
        (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
    ]


def _progress(page, selector):
    """The bar's live value (a DOM property: React does not update the attribute)."""
    return int(page.evaluate(f"() => document.querySelector('{selector}').value") or 0)


def _wait_progress(page, selector, above, timeout=20):
    """Poll from Python: the page's CSP (rightly) forbids the eval wait_for_function uses."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if _progress(page, selector) > above:
            return
        time.sleep(0.05)
    raise AssertionError(f"{selector} never went above {above}")


def _caption(page, graph):
    return page.locator(f"#{graph}-caption").inner_text()


@pytest.mark.parametrize("name", list(PAGES))
def test_page_loads_clean_accessible_and_is_screenshotted(live_url, page, screenshots, name):
    _open(page, live_url + PAGES[name])
    expect(page.locator("h1")).to_be_visible()
    if name == "scenario":  # the baseline is ready at start-up: results, not an empty chart
        expect(page.locator("#sc-graph-rings")).to_be_visible()
    page.screenshot(path=str(screenshots / f"{name}.png"), full_page=True)
    assert page.evaluate("document.documentElement.lang") == "nl"
    assert page.console_errors == []
    assert _axe(page) == []


def test_first_page_serves_precomputed_baseline_without_running_the_model(live_url, page):
    # The baseline is computed at start-up, so opening the first page runs no model at all
    # (the latency figure itself is measured in benchmarks/bench_dashboard.py, not here).
    runs_before = len(live_url.model.calls)
    page.goto(live_url + "/")
    expect(page.locator("#sc-graph-stagnation .main-svg").first).to_be_visible()
    expect(page.locator("#sc-graph-rings")).to_be_visible()
    assert len(live_url.model.calls) == runs_before


def test_scenario_runs_with_progress_and_charts_change(live_url, page):
    _open(page, live_url + "/scenario?seed=11")
    before = _caption(page, "sc-graph-stagnation")
    page.locator("#sc-type-professional label", has_text="Innoverend").click()
    expect(page.locator("#sc-link")).to_have_value(re.compile("prof=innoverend"))
    page.click("#sc-run")
    seen = set()
    deadline = time.time() + 30
    while time.time() < deadline:
        value = _progress(page, "#sc-progress")
        seen.add(value)
        status = page.inner_text("#sc-status")
        if "Klaar:" in status and "innoverend" in status:
            break
        time.sleep(0.1)
    assert any(0 < v < 100 for v in seen), (seen, page.inner_text("#sc-status"))
    expect(page.locator("#sc-graph-stagnation-caption")).not_to_have_text(before)
    assert page.console_errors == []


def test_cancel_stops_a_run(live_url, page):
    _open(page, live_url + "/scenario?seed=12")
    before = _caption(page, "sc-graph-stagnation")
    page.fill("#sc-weeks", "156")
    page.press("#sc-weeks", "Tab")
    page.click("#sc-run")
    _wait_progress(page, "#sc-progress", above=5)
    page.click("#sc-cancel")
    expect(page.locator("#sc-status")).to_have_text("Geannuleerd.")
    expect(page.locator("#sc-run")).to_be_enabled()
    time.sleep(3)  # longer than the rest of the run would take: nothing may arrive
    assert _caption(page, "sc-graph-stagnation") == before
    assert page.console_errors == []


def test_shared_url_restores_the_scenario(live_url, new_page):
    first = new_page()
    _open(first, live_url + "/scenario")
    first.locator("#sc-type-region label", has_text="Innoverend").click()
    first.fill("#sc-lever-caseload_norm", "14")
    first.fill("#sc-seed", "5")
    first.press("#sc-seed", "Tab")
    expect(first.locator("#sc-link")).to_have_value(re.compile("caseload_norm=14.*seed=5"))
    link = first.input_value("#sc-link")
    assert "region=innoverend" in link and "seed=5" in link
    assert first.evaluate("location.search") == link
    second = new_page()
    _open(second, live_url + "/scenario" + link)
    assert second.input_value("#sc-lever-caseload_norm") == "14"
    assert second.input_value("#sc-seed") == "5"
    assert second.locator("#sc-type-region input[value='innoverend']").is_checked()
    assert second.console_errors == []


def test_language_switch_changes_labels(live_url, page):
    _open(page, live_url + "/scenario?prof=vasthoudend")
    expect(page.locator("#nav-compare")).to_have_text("Vergelijken")
    page.click("#lang-en")
    expect(page.locator("#nav-compare")).to_have_text("Compare")
    expect(page.locator("#sc-run")).to_have_text("Run")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert "prof=vasthoudend" in page.url
    assert page.console_errors == []


def test_csv_download(live_url, page, tmp_path):
    _open(page, live_url + "/scenario")
    with page.expect_download() as info:
        page.click("#sc-csv")
    path = tmp_path / "out.csv"
    info.value.save_as(path)
    lines = path.read_text().splitlines()
    assert lines[0].startswith("week,") and "stagnation_rate" in lines[0]
    assert len(lines) == 105


def test_two_people_running_the_same_scenario_both_get_it(live_url, new_page):
    pages = [new_page(), new_page()]
    for pg in pages:
        _open(pg, live_url + "/scenario?seed=21&prof=vasthoudend")
    for pg in pages:
        pg.click("#sc-run")
    for pg in pages:
        expect(pg.locator("#sc-status")).to_contain_text("Klaar:", timeout=30_000)
        expect(pg.locator("#sc-graph-stagnation-caption")).to_be_visible()
        assert pg.console_errors == []


def test_kwadrant_cell_opens_as_scenario(live_url, page):
    _open(page, live_url + "/kwadrant")
    expect(page.locator("#kw-graph")).to_be_visible()
    page.locator("a", has_text="Open als scenario").first.click()
    expect(page).to_have_url(re.compile(r"/scenario\?mix=baseline&prof="))
    expect(page.locator("#sc-graph-rings")).to_be_visible()


def test_workshop_reveals_the_best_coat_from_a_stored_sweep(live_url, page):
    _open(page, live_url + "/workshop?case=cases/anna")
    runs_before = len(live_url.model.calls)
    page.locator("#ws-reveal").click()
    expect(page.locator("#ws-source")).to_contain_text("opgeslagen sweep", timeout=20_000)
    expect(page.locator("#ws-rank")).to_contain_text("van 81")
    # the stored case makes steadfast fit best on every level
    expect(page.locator("#ws-reveal-body .border-success")).to_contain_text("Vasthoudend")
    assert (
        page.locator("#ws-reveal-body .border-success strong").all_inner_texts()
        == ["Vasthoudend"] * 4
    )
    assert len(live_url.model.calls) == runs_before  # nothing was computed
    assert page.console_errors == []
