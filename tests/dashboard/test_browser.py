"""The dashboard in real headless Chromium, walked as its users walk it.

An advisor moves a lever, shares the result and switches language; a trainer runs the
workshop and a room with twenty-odd phones; a researcher opens a kwadrant cell, shares a
comparison and reads the sensitivity indices; twenty people use the Scenario page at once.
Every test asserts what a person sees on the screen. Screenshots land in
``test-artifacts/screenshots``; every page is checked with axe-core (WCAG 2.1 A and AA).
"""

from __future__ import annotations

import re
import time
from collections import Counter
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from dashboard.i18n import t
from sim.params import TYPES
from sim.typology import LEVELS
from tests.dashboard.conftest import AXE, PHONE, PROJECTOR

pytestmark = pytest.mark.browser

PAGES = {
    "scenario": "/scenario",
    "compare": "/compare",
    "kwadrant": "/kwadrant",
    "sensitivity": "/sensitivity",
    "workshop": "/workshop",
    "room": "/kamer",
    "about": "/uitleg",
}
WCAG = "['wcag2a','wcag2aa','wcag21a','wcag21aa']"
#: a run of the slowed model takes seconds; a page waits for it generously (never a speed test)
RUN = 90_000


# --- helpers ---------------------------------------------------------------------------------


def _open(page, url, settle=True):
    page.goto(url)
    expect(page.locator("#main")).to_be_visible()
    if settle:  # pages without a poll timer go quiet; axe and screenshots want that
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


def _shoot(page, screenshots, name, full=True):
    """The screen as the person sees it, and (for long pages) the whole page."""
    page.screenshot(path=str(screenshots / f"{name}.png"))
    if full:
        page.screenshot(path=str(screenshots / f"{name}-full.png"), full_page=True)


def _query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def _done(seed: int) -> re.Pattern:
    """A finished status naming exactly this seed ("seed 30" must not match "seed 300")."""
    return re.compile(rf"^Klaar: .*seed {seed}\b")


def _press(page, selector, key, times):
    page.focus(selector)
    for _ in range(times):
        page.keyboard.press(key)


def _coat_text(coat, lang="nl"):
    return " / ".join(t(f"type.{ty}", lang) for ty in coat)


def _coat_of_text(text, lang="nl"):
    names = {t(f"type.{ty}", lang): ty for ty in TYPES}
    return tuple(names[word.strip()] for word in text.split("/"))


def _distance_text(mine, best):
    n = sum(a != b for a, b in zip(mine, best, strict=True))
    return t("workshop.distance0") if n == 0 else t("workshop.distance", n=n)


def _pick(page, prefix, coat):
    """Click a coat into the four type pickers ``{prefix}-type-<level>``."""
    for level, ty in zip(LEVELS, coat, strict=True):
        page.locator(f"#{prefix}-type-{level} label", has_text=t(f"type.{ty}")).click()


# --- every page --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_is_clean_accessible_and_screenshotted(live_url, people, screenshots, name):
    page = people()
    _open(page, live_url + PAGES[name], settle=name != "scenario")
    expect(page.locator("h1")).to_be_visible()
    if name == "scenario":  # the baseline is ready at start-up: results, not an empty chart
        expect(page.locator("#sc-graph-rings")).to_be_visible()
        expect(page.locator("#sc-status")).to_have_text(_done(1))
        page.wait_for_load_state("networkidle")
    _shoot(page, screenshots, name)
    assert page.evaluate("document.documentElement.lang") == "nl"
    assert page.console_errors == []
    assert _axe(page) == []


_CUT_OFF = """() => {
    const box = document.querySelector('#sc-graph-rings .main-svg').getBoundingClientRect();
    return [...document.querySelectorAll('#sc-graph-rings .annotation-text')]
        .filter(a => { const r = a.getBoundingClientRect();
            return r.left < box.left - 1 || r.right > box.right + 1
                || r.top < box.top - 1 || r.bottom > box.bottom + 1; })
        .map(a => a.textContent);
}"""


@pytest.mark.parametrize("viewport", [None, PROJECTOR], ids=["desktop", "projector"])
def test_advisor_reads_every_label_of_the_rings_whole(live_url, people, viewport):
    # the signal counts sit right of the rings: a long line there ran off the figure
    page = people(viewport) if viewport else people()
    _open(page, live_url + "/scenario", settle=False)
    expect(page.locator("#sc-status")).to_have_text(_done(1))
    rings = page.locator("#sc-graph-rings")
    expect(rings.locator(".annotation-text", has_text="per jaar").first).to_be_visible()
    assert page.evaluate(_CUT_OFF) == []


def test_advisor_reads_that_sizes_near_the_baseline_are_not_estimates(live_url, people):
    # The baseline sits on a steep slope (docs/TRACE.md §7): the Uitleg says so, in both
    # languages, where an advisor looks for what the model does not claim.
    page = people()
    _open(page, live_url + "/uitleg")
    claims = page.locator("li", has_text="Lees de richting van een wat-als, niet de grootte.")
    expect(claims).to_be_visible()
    _open(page, live_url + "/uitleg?lang=en")
    expect(
        page.locator("li", has_text="Read the direction of a what-if, not its size.")
    ).to_be_visible()


@pytest.mark.parametrize("path", ["/kamer", "/r/ABCDE", "/workshop"])
def test_room_pages_on_a_phone_are_accessible(live_url, people, screenshots, path):
    phone = people(PHONE, phone=True)
    _open(phone, live_url + path)
    expect(phone.locator("h1")).to_be_visible()
    if path.startswith("/r/"):  # a code nobody opened: said so, in words
        expect(phone.locator("#rv-unknown")).to_contain_text("bestaat niet")
    name = "phone-" + path.strip("/").replace("/", "-")
    _shoot(phone, screenshots, name, full=False)
    assert phone.console_errors == []
    assert _axe(phone) == []


def test_an_unknown_path_is_a_real_404_in_the_readers_language(live_url, people, screenshots):
    page = people()
    response = page.goto(live_url + "/bestaat-niet")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Pagina niet gevonden")
    expect(page.get_by_role("link", name="Naar de startpagina")).to_have_attribute(
        "href", "/scenario"
    )
    _shoot(page, screenshots, "not-found", full=False)
    assert _axe(page) == []
    response = page.goto(live_url + "/scenario/extra?lang=en")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    assert page.evaluate("document.documentElement.lang") == "en"


# --- the policy advisor --------------------------------------------------------------------------


def test_advisor_moves_a_lever_sees_stale_charts_rerun_and_shares_the_link(live_url, people):
    page = people()
    _open(page, live_url + "/scenario?seed=11", settle=False)
    # a seed nobody ran yet: the page runs it by itself and names the seed when done
    expect(page.locator("#sc-status")).to_have_text(_done(11), timeout=RUN)
    expect(page.locator("#sc-graph-stagnation")).to_be_visible()
    before = page.inner_text("#sc-graph-stagnation-caption")

    # five steps up on the caseload norm, by keyboard as on any native slider
    _press(page, "#sc-lever-caseload_norm", "ArrowRight", 5)
    expect(page.locator("#sc-lever-caseload_norm-value")).to_have_text("14 gezinnen per fte")
    # the charts say at once that they belong to the old settings ...
    expect(page.locator("#sc-stale")).to_be_visible()
    expect(page.locator("#sc-results")).to_have_class(re.compile(r"\bstale\b"))
    # ... until the new run is in, by itself, after the pause
    expect(page.locator("#sc-status")).to_have_text(_done(11), timeout=RUN)
    expect(page.locator("#sc-status")).to_contain_text("nieuw berekend in")
    expect(page.locator("#sc-stale")).to_be_hidden()
    expect(page.locator("#sc-results")).not_to_have_class(re.compile(r"\bstale\b"))
    expect(page.locator("#sc-graph-stagnation-caption")).not_to_have_text(before)
    after = page.inner_text("#sc-graph-stagnation-caption")

    # the address holds the scenario; someone else opens it and sees the same, from the cache
    link = page.input_value("#sc-link")
    assert _query(page) == {k: v[0] for k, v in parse_qs(link.lstrip("?")).items()}
    assert _query(page)["caseload_norm"] == "14" and _query(page)["seed"] == "11"
    other = people()
    _open(other, live_url + "/scenario" + link, settle=False)
    expect(other.locator("#sc-status")).to_have_text(_done(11))
    expect(other.locator("#sc-status")).to_contain_text("uit de cache")
    assert other.input_value("#sc-lever-caseload_norm") == "14"
    expect(other.locator("#sc-graph-stagnation-caption")).to_have_text(after)

    # English, one click away, keeps all of it
    page.click("#lang-en")
    expect(page.locator("#sc-run")).to_have_text("Run")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert _query(page)["caseload_norm"] == "14" and _query(page)["lang"] == "en"
    assert page.input_value("#sc-lever-caseload_norm") == "14"
    expect(page.locator("#sc-lever-caseload_norm-value")).to_have_text("14 families per FTE")
    expect(page.locator("#sc-status")).to_have_text(re.compile(r"^Done: .*seed 11\b"))
    assert page.console_errors == [] and other.console_errors == []


def test_advisor_asks_how_much_of_the_summary_is_chance(live_url, people):
    page = people()
    _open(page, live_url + "/scenario?seed=5&weeks=52", settle=False)
    expect(page.locator("#sc-status")).to_have_text(_done(5), timeout=RUN)
    # one run's figures, and the offer to see what other seeds do to them
    expect(page.locator("#sc-sp-run")).to_have_text("Reken 5 seeds door")
    headline = page.locator(".headline dd").first.inner_text().split()[0]
    page.click("#sc-sp-run")
    expect(page.locator("#sc-sp-status")).to_have_text(
        "Klaar: spreiding over 5 seeds.", timeout=RUN
    )
    table = page.locator("#sc-spread-table")
    expect(table).to_contain_text("Laagste – hoogste (seeds 5–9)")
    row = table.locator("tr", has_text="Stagnatie (totaal)")
    this, spread = row.locator("td").nth(1).inner_text(), row.locator("td").nth(2).inner_text()
    # the first column is the run on the page; the range holds it
    assert this == headline
    low, high = (float(x.strip(" %").replace(",", ".")) for x in spread.split("–"))
    assert low <= float(this.strip("%").replace(",", ".")) <= high and low < high
    # and whether these runs have settled: the change a year, with its interval
    expect(table).to_contain_text("Per jaar (95%-interval)")
    change = row.locator("td").nth(3).inner_text()
    pct = r"[+−±-]?\d+,\d"
    assert re.fullmatch(rf"(⚠ )?{pct}%\s+{pct} – {pct}%", change), change
    expect(page.locator("#sc-spread")).to_contain_text("telt een uitkomst als stabiel")
    # in English the same table, from the cache at once
    page.click("#lang-en")
    expect(page.locator("#sc-sp-run")).to_have_text("Run 5 seeds")
    page.click("#sc-sp-run")
    expect(page.locator("#sc-spread-table")).to_contain_text("Lowest – highest (seeds 5–9)")
    assert page.console_errors == []


def test_advisor_is_told_when_a_scenario_has_not_settled(live_url, people):
    # without pooled funding the region keeps sliding long after the burn-in (TRACE §8): the
    # spread over seeds says so instead of presenting the last year as the scenario's level
    page = people()
    _open(page, live_url + "/scenario?pooled_funding=0&seed=1&weeks=104", settle=False)
    expect(page.locator("#sc-status")).to_have_text(_done(1), timeout=RUN)
    page.click("#sc-sp-run")
    warning = page.locator("#sc-spread-moving")
    expect(warning).to_contain_text("Nog in beweging: Stagnatie (totaal)", timeout=RUN)
    expect(warning).to_contain_text("momentopname")
    row = page.locator("#sc-spread-table tr", has_text="Stagnatie (totaal)")
    assert row.locator("td").nth(3).inner_text().startswith("⚠ +")
    # an outcome these runs have settled on carries no warning sign
    calm = page.locator("#sc-spread-table tr", has_text="Kosten per huishouden")
    assert "⚠" not in calm.locator("td").nth(3).inner_text()
    assert page.console_errors == []


def test_advisor_adds_a_pulse_sees_it_marked_and_shares_it(live_url, people, screenshots):
    page = people()
    _open(page, live_url + "/scenario?seed=13&weeks=52", settle=False)
    expect(page.locator("#sc-status")).to_have_text(_done(13), timeout=RUN)
    # a year of high turnover, weeks 20 to 30: the editor folds open under the family mix
    page.click("#sc-events summary")
    page.select_option("#sc-ev0-target", "turnover_per_year")
    expect(page.locator("#sc-ev0-value-help")).to_have_text(
        "Toegestaan: een getal van 0 tot en met 0,6 per jaar."
    )
    for field, value in (("value", "0.6"), ("until", "30"), ("week", "20")):
        page.fill(f"#sc-ev0-{field}", value)
        page.press(f"#sc-ev0-{field}", "Tab")
    expect(page).to_have_url(re.compile(r"[?&]event1=20-30(%3A|:)turnover_per_year"))
    summary = "week 20–30: Verloop per jaar → 0,600 per jaar, daarna terug"
    expect(page.locator("#sc-events-summary")).to_have_text(
        f"Gebeurtenissen: {summary}.", timeout=RUN
    )
    expect(page.locator("#sc-status")).to_contain_text("nieuw berekend in")
    expect(page.locator("#sc-message")).to_be_hidden()
    # ... and what it did: before, during, and the weeks until trust was back in its band
    effects = page.locator("#sc-events-effects")
    expect(effects.locator("th").last).to_have_text("Herstel na puls")
    expect(effects.locator("tr", has_text="Vertrouwen").locator("td").first).to_have_text(
        "Gebeurtenis 1"
    )
    # every chart over time marks the start and the end of the pulse, with a label
    for panel in ("stagnation", "trust", "cost"):
        graph = page.locator(f"#sc-graph-{panel}")
        expect(graph.locator(".annotation-text", has_text="einde Verloop per jaar")).to_be_visible()
        expect(page.locator(f"#sc-graph-{panel}-caption")).to_contain_text(
            "Gemarkeerd (stippellijn): week 20: Verloop per jaar"
        )
    assert _query(page)["event1"] == "20-30:turnover_per_year=0.6"
    page.locator("#sc-graph-trust").scroll_into_view_if_needed()
    _shoot(page, screenshots, "scenario-pulse", full=False)
    assert _axe(page) == []  # the filled editor and the effects table too
    done = page.inner_text("#sc-status")

    # an end before the start: one message naming the field, the value and what is allowed
    page.fill("#sc-ev0-until", "10")
    page.press("#sc-ev0-until", "Tab")
    expect(page.locator("#sc-message")).to_have_text(
        "Deze invoer kan niet: Gebeurtenis 1, tot week (puls): 10 kan niet; toegestaan is een "
        "hele week na de startweek: 21 of later."
    )
    time.sleep(1)  # longer than the pause before a run: nothing runs, the link keeps the pulse
    expect(page.locator("#sc-status")).to_have_text(done)
    assert _query(page)["event1"] == "20-30:turnover_per_year=0.6"

    # the shared link opens with the pulse, from the cache, and keeps it in English
    other = people()
    _open(other, live_url + "/scenario" + page.input_value("#sc-link"), settle=False)
    expect(other.locator("#sc-status")).to_contain_text("uit de cache")
    assert other.input_value("#sc-ev0-target") == "turnover_per_year"
    assert [other.input_value(f"#sc-ev0-{f}") for f in ("week", "until")] == ["20", "30"]
    expect(other.locator("#sc-events-summary")).to_have_text(f"Gebeurtenissen: {summary}.")
    other.click("#lang-en")
    expect(other.locator("#sc-events-summary")).to_have_text(
        "Events: weeks 20–30: Staff turnover per year → 0.600 per year, then back."
    )
    assert _query(other)["event1"] == "20-30:turnover_per_year=0.6"
    expect(
        other.locator("#sc-graph-trust .annotation-text", has_text="end Staff turnover")
    ).to_be_visible()
    assert page.console_errors == [] and other.console_errors == []


def test_advisor_sees_why_values_in_a_link_were_ignored(live_url, people):
    page = people()
    # an event in week 200 of a 104-week run cannot be: named, with the form an event has
    bad = "pooled_funding=1e9&prof=superman&seed=1&event1=200:pooled_funding%3D0.8"
    _open(page, live_url + "/scenario?" + bad, settle=False)
    notice = page.locator("#sc-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Ontschot budget")
    expect(notice).to_contain_text("Professional")
    expect(notice).to_contain_text("0 tot en met 1 (0%–100%)")  # what would have been allowed
    expect(notice).to_contain_text("Gebeurtenis 1 (een gebeurtenis als 52:pooled_funding=0.8")
    expect(notice).to_contain_text("binnen de looptijd")
    assert "event1" not in page.input_value("#sc-link")  # the link to share leaves it out
    # the defaults stand in, and the page works with them
    assert page.locator("#sc-type-professional input[value='balancerend']").is_checked()
    expect(page.locator("#sc-status")).to_have_text(_done(1))
    assert page.console_errors == []


def test_cancel_stops_a_run_and_nothing_arrives_later(live_url, people):
    page = people()
    _open(page, live_url + "/scenario?seed=12&weeks=260", settle=False)
    expect(page.locator("#sc-status")).to_contain_text("Bezig")
    page.click("#sc-cancel")
    expect(page.locator("#sc-status")).to_have_text("Geannuleerd.")
    expect(page.locator("#sc-run")).to_be_enabled()
    time.sleep(3)  # longer than a poll or two: no result may land after the cancel
    expect(page.locator("#sc-status")).to_have_text("Geannuleerd.")
    expect(page.locator("#sc-graph-stagnation")).to_have_count(0)
    assert page.console_errors == []


def test_crafted_callback_requests_get_a_clean_error_and_the_server_keeps_serving(live_url, people):
    page = people()
    crafted = [
        "{not json",
        {"output": "nobody.children", "outputs": {"id": "nobody", "property": "children"}},
        {"output": "sc-results.children", "inputs": [{"id": "sc-result", "value": [1, 2]}]},
    ]
    for body in crafted:
        response = page.request.post(
            live_url + "/_dash-update-component",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        assert response.status < 500, (body, response.status)
        assert "Traceback" not in response.text()
        if not isinstance(body, dict) or body["output"].startswith("nobody"):
            assert response.status == 400
    _open(page, live_url + "/scenario", settle=False)
    expect(page.locator("#sc-status")).to_have_text(_done(1))
    assert page.request.get(live_url + "/health").json()["status"] == "ok"


def test_twenty_people_on_the_scenario_page_each_get_their_own_result(live_url, people):
    seeds = list(range(300, 320))
    pages = [people() for _ in seeds]
    # everyone opens the page at once (no waiting for one page before the next opens)
    for page, seed in zip(pages, seeds, strict=True):
        page.goto(f"{live_url}/scenario?seed={seed}&weeks=52", wait_until="commit")
    finished = 0
    for page, seed in zip(pages, seeds, strict=True):
        expect(page.locator("#sc-status")).to_have_text(_done(seed), timeout=240_000)
        expect(page.locator("#sc-stale")).to_be_hidden()
        expect(page.locator("#sc-run")).to_be_enabled()
        # the charts are this person's own run: the caption the server makes of that seed
        expect(page.locator("#sc-graph-escalation-caption")).to_have_text(
            _own_caption(live_url, seed), timeout=RUN
        )
        assert page.input_value("#sc-seed") == str(seed)
        assert page.console_errors == []
        finished += 1
    assert finished == len(seeds)


def test_a_result_arrives_when_each_poll_is_slower_than_the_poll_period(
    live_url, people, monkeypatch
):
    # a busy server answers a poll in more than the 300 ms between ticks; a fixed-rate timer
    # then has every answer dropped by the next tick and the page says "queued" for ever
    jobs = live_url.ctx.jobs
    status = jobs.status

    def slow(job):
        time.sleep(0.8)
        return status(job)

    monkeypatch.setattr(jobs, "status", slow)
    page = people()
    page.goto(f"{live_url}/scenario?seed=351&weeks=52")
    expect(page.locator("#sc-status")).to_have_text(_done(351), timeout=RUN)
    expect(page.locator("#sc-stale")).to_be_hidden()
    assert page.console_errors == []


def _own_caption(live_url, seed: int) -> str:
    """The escalation caption of the cached run of the baseline with ``seed`` over 52 weeks."""
    from dashboard.figures import timeseries
    from dashboard.outcomes import PANELS
    from dashboard.pages.scenario import cached_result
    from dashboard.state import read_query

    state, _ignored = read_query({"seed": str(seed), "weeks": "52"})
    record = cached_result(live_url.ctx, state)
    assert record is not None and record["ref"] is None
    panel = next(p for p in PANELS if p.id == "escalation")
    return timeseries(live_url.ctx.runner.get(record["key"]), panel, "nl")[1]


# --- the trainer -------------------------------------------------------------------------------


def _workshop_cleared(page):
    expect(page.locator("#ws-outcome")).to_be_empty()
    expect(page.locator("#ws-reveal-body")).to_be_empty()
    # idle, or the word that the old case's job was stopped: never its result
    stopped = re.compile(f"^({re.escape(t('common.idle'))}|{t('common.cancelled')})$")
    expect(page.locator("#ws-status")).to_have_text(stopped)
    expect(page.locator("#ws-rv-status")).to_have_text(stopped)


def test_trainer_switching_case_never_shows_the_previous_case(live_url, people, screenshots):
    page = people(PROJECTOR)
    _open(page, live_url + "/workshop?case=cases/jesse")
    jesse = "Jesse"
    # Jesse has no stored sweep: its reveal's runs start as soon as the case is chosen, and
    # the page says how far they are while the group chooses its coat
    ahead = re.compile(r"alvast berekend .*: (\d+) van 243 runs klaar")
    expect(page.locator("#ws-ahead")).to_have_text(
        re.compile(r"alvast berekend .*: [1-9]\d* van 243")
    )
    done_ahead = int(ahead.search(page.inner_text("#ws-ahead")).group(1))
    # Jesse with an innovating professional: a run that takes a while (Jesse is slowed)
    _pick(page, "ws", ("innoverend", "balancerend", "balancerend", "balancerend"))
    page.click("#ws-run")
    # still running: waiting, busy, or "k van n runs" once the first replication is in
    running = re.compile(r"Bezig|wachtrij|\d+ van \d+")
    expect(page.locator("#ws-status")).to_contain_text(running)
    # ... and the reveal for Jesse, computed live, also still running, but not from zero:
    # it takes over the runs done ahead
    page.click("#ws-rv-run")
    expect(page.locator("#ws-rv-status")).to_contain_text(re.compile(r"\d+ van 243 runs"))
    shown = int(re.search(r"(\d+) van 243", page.inner_text("#ws-rv-status")).group(1))
    assert shown >= done_ahead, (shown, done_ahead)

    page.locator("#ws-case label", has_text="Anna").click()
    expect(page).to_have_url(re.compile(r"[?&]case=cases(%2F|/)anna\b"))
    expect(page.locator("#ws-story")).to_contain_text("huiselijk geweld")
    _workshop_cleared(page)
    # Anna's sweep is stored: nothing to compute ahead, and Jesse's runs ahead are stopped
    expect(page.locator("#ws-ahead")).to_be_empty()
    jesse_ahead = live_url.ctx.jobs.cache.get("prefetch:cases/jesse")
    assert live_url.ctx.jobs.status(jesse_ahead).state == "cancelled"
    time.sleep(6)  # longer than Jesse's run: nothing of Jesse may land on Anna's screen
    _workshop_cleared(page)
    for part in ("#ws-status", "#ws-outcome", "#ws-rv-status", "#ws-reveal-body"):
        assert jesse not in page.inner_text(part)

    # Anna's own coat, then the reveal from the stored sweep
    page.click("#ws-run")
    expect(page.locator("#ws-status")).to_contain_text("Anna", timeout=RUN)
    expect(page.locator("#ws-graph-rings")).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]step=3\b"))
    page.click("#ws-rv-run")
    expect(page.locator("#ws-source")).to_contain_text("opgeslagen sweep", timeout=RUN)
    expect(page).to_have_url(re.compile(r"[?&]step=4\b"))
    best = page.locator("#ws-reveal-body .border-success strong").all_inner_texts()
    assert best == ["Vasthoudend"] * 4  # the stored case makes steadfast fit best everywhere
    expect(page.locator("#ws-rank")).to_contain_text("van 81")
    expect(page.locator("#ws-distance")).to_have_text(t("workshop.distance", n=4))
    sure = page.inner_text("#ws-sure")
    assert sure.startswith(("Zeker:", "Niet zeker:")), sure
    # how robust the best coat is, from the stored robust results (4 worlds, best in 3)
    expect(page.locator("#ws-robust")).to_have_text(
        "Over 4 plausibele lezingen van het model is deze jas de beste in 75%; "
        "Innoverend / Innoverend / Innoverend / Innoverend in 25%."
    )
    expect(page.locator("#ws-graph-top")).to_be_visible()
    _shoot(page, screenshots, "workshop-1920")
    assert _axe(page) == []

    # a coat change clears the reveal again
    _pick(page, "ws", ("vasthoudend", "balancerend", "balancerend", "balancerend"))
    _workshop_cleared(page)
    expect(page).not_to_have_url(re.compile(r"[?&]step="))
    assert page.console_errors == []


def test_trainer_runs_a_room_with_twenty_two_phones(live_url, people, screenshots):
    projector = people(PROJECTOR)
    _open(projector, live_url + "/kamer")
    projector.select_option("#rm-case", "cases/anna")
    projector.click("#rm-open")
    expect(projector.locator("#rm-code-text")).to_have_text(re.compile(r"^[A-Z2-9]{5}$"))
    code = projector.inner_text("#rm-code-text")
    expect(projector.locator("#rm-url-text")).to_have_text(f"{live_url}/r/{code}")
    expect(projector.locator("img.room-qr")).to_be_visible()
    expect(projector).to_have_url(re.compile(rf"/kamer\?code={code}$"))

    # 22 phones; the first eight agree on all-steadfast, the others spread over the coats
    coats = [("vasthoudend",) * 4] * 8 + [
        (TYPES[i % 3], TYPES[(i // 3) % 3], TYPES[(i + 1) % 3], TYPES[(i // 2) % 3])
        for i in range(14)
    ]
    phones = [people(PHONE, phone=True) for _ in coats]
    for phone in phones:  # all join at once
        phone.goto(f"{live_url}/r/{code}", wait_until="commit")
    for phone, coat in zip(phones, coats, strict=True):
        expect(phone.locator("#rv-vote")).to_be_visible()
        _pick(phone, "rv", coat)
    _shoot(phones[0], screenshots, "room-phone", full=False)
    assert _axe(phones[0]) == []
    # the last phone first votes for something else, then changes its mind
    _pick(phones[-1], "rv", ("innoverend",) * 4)
    phones[-1].click("#rv-vote")
    expect(phones[-1].locator("#rv-status")).to_contain_text("Je stem is geteld")
    _pick(phones[-1], "rv", coats[-1])
    for phone in phones:  # everyone presses Vote at (nearly) the same moment
        phone.locator("#rv-vote").click(no_wait_after=True)
    for phone, coat in zip(phones, coats, strict=True):
        expect(phone.locator("#rv-status")).to_contain_text(_coat_text(coat))

    # the projector counts every phone exactly once, per level and per coat
    expect(projector.locator("#rm-count")).to_have_text(f"{len(coats)} stemmen", timeout=15_000)
    for i, level in enumerate(LEVELS):  # (the projector refreshes every 1.5 s: expect waits)
        expected = Counter(coat[i] for coat in coats)
        rows = projector.locator(f"#rm-level-{level} tr")
        expect(rows).to_have_count(len(TYPES))
        for ty in TYPES:
            row = rows.filter(has=projector.locator("th", has_text=t(f"type.{ty}")))
            expect(row.locator("td").last).to_have_text(str(expected[ty]))
    popular, votes = Counter(coats).most_common(1)[0]
    expect(projector.locator("#rm-popular")).to_contain_text(f"({votes} stemmen)")
    expect(projector.locator("#rm-popular strong")).to_have_text(_coat_text(popular))
    _shoot(projector, screenshots, "room-projector-1920")
    assert _axe(projector) == []

    # the reveal: the room's popular coat beside the best one, and how sure
    projector.click("#rm-run")
    cards = projector.locator("#rm-revealed .card")
    expect(cards).to_have_count(2, timeout=RUN)
    expect(cards.nth(0)).to_contain_text(t("room.popular_coat"))
    expect(cards.nth(0)).to_contain_text(_coat_text(popular))
    expect(cards.nth(1)).to_contain_text(t("workshop.best_coat"))
    best = _coat_of_text(cards.nth(1).locator("p.fw-semibold").inner_text())
    expect(projector.locator("#rm-sure")).to_contain_text(re.compile("^(Zeker|Niet zeker)"))
    _shoot(projector, screenshots, "room-reveal-1920")

    # every phone shows how far its own coat was from the best
    for phone, coat in zip(phones, coats, strict=True):
        expect(phone.locator("#rv-distance")).to_have_text(
            _distance_text(coat, best), timeout=15_000
        )
        expect(phone.locator("#rv-rank")).to_contain_text("van 81")
    _shoot(phones[8], screenshots, "room-phone-verdict", full=False)
    assert _axe(phones[8]) == []
    # voting is closed after the reveal, and every phone says so
    for phone in phones:
        expect(phone.locator("#rv-vote")).to_be_disabled()
        expect(phone.locator("#rv-status")).to_have_text(t("room.error.closed"))
    assert all(p.console_errors == [] for p in [projector, *phones])


# --- the researcher ------------------------------------------------------------------------------


def test_researcher_opens_a_kwadrant_cell_and_its_weeks(live_url, people, screenshots):
    page = people()
    _open(page, live_url + "/kwadrant")
    expect(page.locator("#kw-graph")).to_be_visible()
    # the top-left map is region steadfast x climate steadfast; its middle cell is
    # professional balancing x organisation balancing
    cell = page.locator("#kw-graph .nsewdrag").first
    cell.click()
    coat = ("balancerend", "balancerend", "vasthoudend", "vasthoudend")
    expect(page.locator("#kw-detail-coat")).to_have_text(_coat_text(coat))
    expect(page.locator("#kw-coat")).to_have_value("|".join(coat))
    expect(page.locator("#kw-detail-rank")).to_contain_text("van 81")
    expect(page.locator("#kw-detail-stagnation")).to_be_visible(timeout=RUN)
    expect(page.locator("#kw-detail-trust")).to_be_visible()
    expect(page.locator("#kw-d-status")).to_contain_text("Klaar:")
    page.locator("#kw-detail-stagnation").scroll_into_view_if_needed()
    _shoot(page, screenshots, "kwadrant-details", full=False)

    # the keyboard's way: pick a coat in the list and press the button
    other = ("innoverend",) * 4
    page.select_option("#kw-coat", "|".join(other))
    page.click("#kw-d-run")
    expect(page.locator("#kw-detail-coat")).to_have_text(_coat_text(other))
    expect(page.locator("#kw-detail-rank")).to_contain_text("Plaats 1 van 81")
    expect(page.locator("#kw-detail-stagnation")).to_be_visible(timeout=RUN)
    assert _axe(page) == []
    assert page.console_errors == []


def test_researcher_shares_a_comparison_that_reopens_elsewhere(live_url, people, screenshots):
    page = people()
    _open(page, live_url + "/compare", settle=False)
    expect(page.locator("#cp-graph-stagnation_rate")).to_be_visible(timeout=RUN)
    diff = page.locator("#cp-diff-stagnation_rate-caption")
    before = diff.inner_text()
    page.select_option("#cp-b-type-organisation", "innoverend")
    page.locator("#cp-b-lever-caseload_norm").locator("xpath=ancestor::details/summary").click()
    _press(page, "#cp-b-lever-caseload_norm", "ArrowRight", 2)
    expect(page.locator("#cp-b-lever-caseload_norm-value")).to_have_text("11 gezinnen per fte")
    page.click("#cp-run")
    # newly computed (the page opened with "Klaar: A, B, uit de cache.")
    expect(page.locator("#cp-status")).to_have_text("Klaar: A, B.", timeout=RUN)
    expect(page).to_have_url(re.compile(r"b\.org=innoverend"))
    query = _query(page)
    assert query["b.org"] == "innoverend" and query["b.caseload_norm"] == "11"
    expect(diff).not_to_have_text(before)
    expect(diff).to_contain_text("%-punt")
    shown = diff.inner_text()
    _shoot(page, screenshots, "compare-shared")

    other = people()
    _open(other, page.url, settle=False)
    expect(other.locator("#cp-b-type-organisation")).to_have_value("innoverend")
    assert other.input_value("#cp-b-lever-caseload_norm") == "11"
    expect(other.locator("#cp-diff-stagnation_rate-caption")).to_have_text(shown)
    expect(other.locator("#cp-status")).to_contain_text("uit de cache")

    other.click("#lang-en")
    expect(other.locator("h1")).to_have_text("Compare scenarios")
    expect(other.locator("#cp-b-type-organisation")).to_have_value("innoverend")
    assert _query(other)["b.caseload_norm"] == "11" and _query(other)["lang"] == "en"
    expect(other.locator("#cp-diff-stagnation_rate-caption")).to_contain_text("pp")
    assert page.console_errors == [] and other.console_errors == []


def _event(page, prefix, target, **fields):
    """Fill the first row of a timeline editor (the editor folds open first)."""
    page.click(f"#{prefix}-events summary")
    page.select_option(f"#{prefix}-ev0-target", target)
    for field, value in fields.items():
        page.fill(f"#{prefix}-ev0-{field}", str(value))
        page.press(f"#{prefix}-ev0-{field}", "Tab")


def test_researcher_compares_two_timelines_and_shares_them(live_url, people, screenshots):
    page = people()
    _open(page, live_url + "/compare", settle=False)
    expect(page.locator("#cp-status")).to_contain_text("uit de cache", timeout=RUN)
    # A: pooled funding from week 30; B: a turnover pulse in weeks 30 to 50
    _event(page, "cp-a", "pooled_funding", value=0.8, week=30)
    _event(page, "cp-b", "turnover_per_year", value=0.6, until=50, week=30)
    page.click("#cp-run")
    expect(page.locator("#cp-status")).to_have_text("Klaar: A, B.", timeout=RUN)
    summary = page.locator("#cp-events-summary")
    expect(summary).to_contain_text("Scenario A: week 30: Ontschot budget → 80%")
    expect(summary).to_contain_text("Scenario B: week 30–50: Verloop per jaar → 0,600 per jaar")
    graph = page.locator("#cp-graph-stagnation_rate")
    expect(graph.locator(".annotation-text", has_text="B: einde Verloop")).to_be_visible()
    expect(page.locator("#cp-diff-stagnation_rate-caption")).to_contain_text(
        "week 30: A: Ontschot budget → 80% | B: Verloop per jaar"
    )
    query = _query(page)
    assert query["a.event1"] == "30:pooled_funding=0.8"
    assert query["b.event1"] == "30-50:turnover_per_year=0.6"
    graph.scroll_into_view_if_needed()
    _shoot(page, screenshots, "compare-timelines", full=False)

    other = people()  # the link opens both timelines, from the cache
    _open(other, page.url, settle=False)
    expect(other.locator("#cp-status")).to_contain_text("uit de cache")
    assert other.input_value("#cp-b-ev0-target") == "turnover_per_year"
    assert other.input_value("#cp-b-ev0-until") == "50"
    expect(other.locator("#cp-events-summary")).to_contain_text("Scenario A: week 30")
    assert page.console_errors == [] and other.console_errors == []


def test_researcher_reads_sensitivity_with_a_warning_when_it_cannot_rank(
    live_url, people, screenshots
):
    page = people()
    _open(page, live_url + "/sensitivity")
    # firm indices (N = 512, narrow intervals): no warning, readable names, titled axes
    expect(page.locator("#se-warning")).to_have_count(0)
    figure = page.locator("figure", has=page.locator("#se-graph"))
    figure.locator("summary").click()
    table = figure.locator("table")
    expect(table).to_contain_text("Caseloadnorm")
    expect(table).not_to_contain_text("caseload_norm")
    expect(table).to_contain_text("0,400")
    titles = page.locator("#se-graph .g-xtitle, #se-graph .g-ytitle").all_text_contents()
    assert any("Sobol-index" in x for x in titles) and "Parameter" in titles

    # a run far too small: the page says in plain words that it cannot rank
    page.select_option("#se-outcome", "trust_mean")
    warning = page.locator("#se-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("N = 8")
    expect(warning).to_contain_text("buiten 0–1")
    expect(warning).to_contain_text("Caseloadnorm")
    expect(page).to_have_url(re.compile(r"/sensitivity\?method=sobol&outcome=trust_mean$"))
    _shoot(page, screenshots, "sensitivity-warning")

    other = people()
    _open(other, page.url)
    expect(other.locator("#se-outcome")).to_have_value("trust_mean")
    expect(other.locator("#se-warning")).to_be_visible()
    other.click("#lang-en")
    expect(other.locator("#se-outcome")).to_have_value("trust_mean")
    expect(other.locator("#se-warning")).to_contain_text("too uncertain to rank")
    assert page.console_errors == [] and other.console_errors == []


def test_researcher_sees_how_sure_the_best_coat_is_over_plausible_readings(
    live_url, people, screenshots
):
    page = people()
    _open(page, live_url + "/kwadrant?mix=cases/anna")
    expect(page.locator("#kw-graph")).to_be_visible()
    robust = page.locator("#kw-robust")
    expect(robust).to_contain_text("Over 4 plausibele lezingen")
    expect(robust).to_contain_text("Vasthoudend / Vasthoudend / Vasthoudend / Vasthoudend")
    expect(robust).to_contain_text("de beste in 75% van de lezingen")
    expect(page.locator("#kw-sure th").nth(1)).to_have_text("Kans op beste")
    page.locator("#kw-sure").scroll_into_view_if_needed()
    _shoot(page, screenshots, "kwadrant-how-sure", full=False)
    # a profile without a robustness analysis says how to make one
    _open(page, live_url + "/kwadrant?mix=baseline")
    expect(page.locator("#kw-graph")).to_be_visible()
    expect(page.locator("#kw-body")).to_contain_text(
        "Nog geen robuustheidsanalyse voor dit profiel. Maak er een met: "
        "mpgsim robust --scenario baseline"
    )
    assert _axe(page) == []
    assert page.console_errors == []
