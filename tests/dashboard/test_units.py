"""Plain functions behind the pages: state, cache and cap, analysis, figures, stored results."""

from __future__ import annotations

import re
from pathlib import Path

import diskcache
import numpy as np
import pandas as pd
import pytest

from dashboard import figures
from dashboard.analysis import (
    all_coats,
    coat_distance,
    fit_scores,
    paired_diff,
    replicate_stats,
    seed_spread,
    spread_tasks,
)
from dashboard.i18n import catalog, t
from dashboard.outcomes import PANELS, level_pressure
from dashboard.runs import Runner, is_key
from dashboard.state import LEVERS, default_state, from_query, to_query, validate_state
from dashboard.stored import kwadrant_grid, sensitivity_tables, stored_coat_runs, sweep_runs
from experiments.config import load_scenario
from sim.errors import ConfigError


def fake_table(weeks=20, level=0.3, columns=("stagnation_rate", "trust_mean")):
    week = np.arange(1, weeks + 1)
    return pd.DataFrame({"week": week, **{c: level + 0 * week for c in columns}})


# --- state ---------------------------------------------------------------------------------


def test_query_round_trip_restores_state():
    state = from_query(
        {"mix": "baseline", "prof": "innoverend", "caseload_norm": "14", "seed": "7"}
    )
    assert state.type_of("professional") == "innoverend"
    assert dict(state.levers)["caseload_norm"] == 14 and state.seed == 7
    again = from_query(to_query(state, "nl"))
    assert again == state


def test_lenient_query_drops_what_it_does_not_know():
    state = from_query({"mix": "<script>", "prof": "x", "caseload_norm": "1e999", "seed": "-3"})
    assert state == default_state()


def test_strict_validation_names_the_field():
    base = default_state()
    levers = dict(base.levers) | {"procesregie_capacity_share": 0.9}
    with pytest.raises(ConfigError, match="procesregie_capacity_share"):
        validate_state("baseline", dict(base.types), levers, 1, 104)
    with pytest.raises(ConfigError, match="lever"):
        validate_state("baseline", dict(base.types), dict(base.levers) | {"hourly_cost": 1}, 1, 104)


def test_every_lever_has_a_dutch_and_english_name_and_the_key_levers_help():
    from dashboard.state import KEY_LEVERS

    for name in LEVERS:
        for lang in ("nl", "en"):
            assert f"param.{name}.label" in catalog(lang)
            assert name not in KEY_LEVERS or f"param.{name}.help" in catalog(lang)
    assert set(catalog("nl")) == set(catalog("en"))
    assert t("nav.compare", "en") == "Compare" and t("nav.compare", "fr") == "Vergelijken"


def test_every_declared_unit_is_named_in_both_languages():
    # an untranslated unit shows its English declaration on a Dutch page ("signals per year")
    from sim.measures import OUTCOMES
    from sim.params import PARAMETERS

    units = {o.unit for o in OUTCOMES.values()} | {p.unit for p in PARAMETERS.values()}
    for lang in ("nl", "en"):
        missing = sorted(u for u in units if u and f"unit.{u}" not in catalog(lang))
        assert missing == [], (lang, missing)


# --- cache and cap -------------------------------------------------------------------------


def test_identical_requests_are_served_from_the_cache(tmp_path):
    calls = []

    def simulate(scenario, seed, weeks=None, on_week=None):
        calls.append(seed)
        return fake_table(weeks)

    runner = Runner(diskcache.Cache(str(tmp_path)), simulate)
    scenario = load_scenario("cases/jesse")
    first = runner.run(scenario, 3, 20)
    second = runner.run(scenario, 3, 20)
    assert calls == [3] and not first.cached and second.cached and first.key == second.key
    assert is_key(first.key) and not is_key("../x") and runner.get("nonsense") is None


def test_the_cache_key_covers_the_typology(tmp_path):
    # an edited configs/typologies.toml gives the scenario other trait values: another run
    import dataclasses

    runner = Runner(diskcache.Cache(str(tmp_path)), None)
    scenario = load_scenario("cases/jesse")
    before = runner.key(scenario, 3, 20)
    edited = dataclasses.replace(scenario, typology=type("T", (), {"values": {"x": 1}})())
    assert runner.key(edited, 3, 20) != before
    assert runner.key(scenario, 3, 20) == before


# --- analysis --------------------------------------------------------------------------------


def test_bands_and_paired_differences():
    a = [fake_table(level=x) for x in (0.1, 0.2, 0.3)]
    b = [fake_table(level=x + 0.05) for x in (0.1, 0.2, 0.3)]
    stats = replicate_stats(a, "trust_mean")
    assert stats["mean"].iloc[0] == pytest.approx(0.2)
    assert (stats["lo"] <= stats["mean"]).all() and (stats["mean"] <= stats["hi"]).all()
    diff = paired_diff(b, a, "trust_mean")
    assert diff["mean"].abs().max() == pytest.approx(0.05)
    assert diff["hi"].iloc[0] - diff["lo"].iloc[0] == pytest.approx(0, abs=1e-12)


def test_the_spread_marks_what_the_runs_clearly_still_move_on():
    week = np.arange(1, 105)
    rng = np.random.default_rng(1)

    def run(slope_a_year: float) -> pd.DataFrame:
        trust = 0.4 + slope_a_year * week / 52 + rng.normal(0, 0.01, week.size)
        return pd.DataFrame({"week": week, "trust_mean": trust})

    # trust rising by 0.04 a year, about a tenth of its mean: these runs still move
    rising = seed_spread([run(0.04) for _ in range(5)], ["trust_mean"]).iloc[0]
    level = np.mean([0.4 + 0.04 * w / 52 for w in week[-52:]])
    assert rising.drift == pytest.approx(0.04 / level, rel=0.1)
    assert rising.drift_low < rising.drift < rising.drift_high and rising.moving
    # a slope within the steady-state limit is not flagged, however precise
    slow = seed_spread([run(0.004) for _ in range(5)], ["trust_mean"]).iloc[0]
    assert abs(slow.drift) < 0.05 and not slow.moving
    # nor are seeds that swing both ways, even when their mean slope is large
    swings = seed_spread([run(x) for x in (0.3, -0.15, 0.15, -0.1, 0.1)], ["trust_mean"])
    assert swings.drift.item() > 0.05 and not swings.moving.item()


def test_the_spread_over_seeds_is_the_range_of_the_runs_tail_means():
    tables = [fake_table(level=x) for x in (0.3, 0.1, 0.5)]
    spread = seed_spread(tables, ["trust_mean"]).set_index("outcome").loc["trust_mean"]
    # the first run is the one shown; low and high are over all of them
    assert (spread.run, spread.low, spread.high) == pytest.approx((0.3, 0.1, 0.5))
    # flat series do not move
    assert spread.drift == pytest.approx(0) and not spread.moving
    state = default_state("baseline")
    tasks = spread_tasks(state)
    assert [task.seed for task in tasks] == [state.seed + r for r in range(5)]
    assert {(task.scenario().name, task.weeks) for task in tasks} == {("baseline", state.weeks)}


def test_fit_scores_rank_the_better_coat_first():
    coats = pd.DataFrame(all_coats())
    coats["stagnation_rate"] = np.linspace(0.6, 0.2, 81)  # later coats stagnate less
    coats["trust_mean"] = np.linspace(0.3, 0.5, 81)
    scores = fit_scores(coats)
    assert len(scores) == 81 and scores["score"].iloc[0] == pytest.approx(100)
    assert scores["rank"].tolist() == list(range(1, 82))
    assert coat_distance(scores.iloc[0], coats.iloc[80]) == 0
    assert coat_distance(coats.iloc[0], coats.iloc[80]) == 4


# --- figures ------------------------------------------------------------------------------------


def test_rings_work_with_any_subset_of_columns():
    pressure = level_pressure(fake_table(columns=("stagnation_rate",)))
    assert pressure["family"] == pytest.approx(0.3) and pressure["government"] is None
    fig, caption = figures.rings(fake_table(columns=("stagnation_rate",)), "nl")
    assert "Gezin 30" in caption and "geen cijfers" in caption
    assert len(fig.layout.shapes) == 4


def test_timeseries_caption_states_values_and_reference():
    table = fake_table(columns=("trust_mean", "recovered_share"))
    ref = fake_table(level=0.2, columns=("trust_mean", "recovered_share"))
    panel = next(p for p in PANELS if p.id == "trust")
    fig, caption = figures.timeseries(table, panel, "nl", ref)
    # trust is a 0-1 score (points out of 100), recovery a share (a percentage)
    assert "Vertrouwen 30,0 van 100" in caption and "Hersteld 30,0%" in caption
    assert "Referentie: Vertrouwen 20,0 van 100" in caption
    assert len(fig.data) == 4  # two series, two reference lines


# --- stored results ----------------------------------------------------------------------------


def test_stored_sweep_and_sensitivity_are_read(store_dir):
    runs = sweep_runs(store_dir)
    grid = kwadrant_grid(runs, "stagnation_rate", "baseline")
    assert len(grid) == 81 and (grid["n"] == 2).all()
    assert kwadrant_grid(runs, "stagnation_rate", "cases/jesse").empty
    fig, caption = figures.kwadrant(grid, "stagnation_rate", "en")
    assert "Innovating / Innovating / Innovating / Innovating" in caption
    tables = sensitivity_tables(store_dir)
    assert list(tables) == ["sobol"] and tables["sobol"]["parameter"].iloc[0] == "caseload_norm"


def test_missing_or_broken_store_is_empty_not_an_error(tmp_path):
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "part-x.parquet").write_text("not parquet")
    assert sweep_runs(tmp_path).empty and sweep_runs(None).empty
    assert sensitivity_tables(tmp_path / "nowhere") == {}


# --- assets --------------------------------------------------------------------------------


def _plotly_js_version(path: Path) -> str:
    head = path.read_text(encoding="utf-8")[:200]
    return re.search(r"plotly\.js(?: \([^)]*\))? v(\S+)", head).group(1)


def test_vendored_plotly_bundle_matches_the_plotly_package():
    # dcc.Graph uses window.Plotly when a page already has it; the cartesian bundle in assets/
    # must be the plotly.js the Python package writes figures for.
    import plotly

    vendored = Path(figures.__file__).with_name("assets") / "plotly-cartesian.min.js"
    shipped = Path(plotly.__file__).with_name("package_data") / "plotly.min.js"
    assert _plotly_js_version(vendored) == _plotly_js_version(shipped)


def test_switching_method_offers_that_methods_outcomes():
    from dashboard.pages.sensitivity import outcome_options

    tables = {
        "sobol": pd.DataFrame({"outcome": ["stagnation_rate", "trust_mean"]}),
        "morris": pd.DataFrame({"outcome": ["hv_prevalence", "trust_mean"]}),
    }
    options, value = outcome_options(tables, "morris", "stagnation_rate", "en")
    assert [o["value"] for o in options] == ["hv_prevalence", "trust_mean"]
    assert value == "hv_prevalence"  # the old choice is not there: the first one is shown
    assert outcome_options(tables, "morris", "trust_mean", "en")[1] == "trust_mean"
    assert outcome_options(tables, "unknown", "trust_mean", "en") == ([], None)


def test_sensitivity_shows_the_final_indices_not_the_convergence_steps(tmp_path):
    # the layout `mpgsim sensitivity sobol --out DIR` writes
    results = tmp_path / "sobol" / "results"
    results.mkdir(parents=True)
    row = {"outcome": "stagnation_rate", "S1": 0.5, "S1_conf": 0.1, "ST": 0.6, "ST_conf": 0.1}
    final = pd.DataFrame([{**row, "parameter": p, "n": 64} for p in ("a", "b")])
    steps = pd.DataFrame(
        [{**row, "parameter": p, "n": n, "ST": n / 100} for n in (16, 32, 64) for p in ("a", "b")]
    )
    final.to_parquet(results / "sobol.parquet")
    steps.to_parquet(results / "sobol_convergence.parquet")
    shown = sensitivity_tables(tmp_path)["sobol"]
    assert sorted(shown["parameter"]) == ["a", "b"] and (shown["ST"] == 0.6).all()


def test_a_results_folder_with_several_sweeps_reads_them_all_once(store_dir, tmp_path):
    import shutil

    for name in ("kw", "kw_again"):  # the same runs stored twice count once
        shutil.copytree(store_dir / "kwadrant", tmp_path / name)
    (tmp_path / "notes").mkdir()
    both = sweep_runs(tmp_path)
    assert len(both) == len(sweep_runs(store_dir)) > 0
    grid = kwadrant_grid(both, "stagnation_rate", "baseline")
    assert len(grid) == 81 and (grid["n"] == 2).all()


def test_workshop_takes_all_81_coats_from_a_stored_sweep_when_it_has_them(store_dir):
    from types import SimpleNamespace

    from dashboard import fit

    runs = stored_coat_runs(store_dir, "cases/anna", min_reps=3)
    assert len(runs) == 243 and set(runs["replication"]) == {0, 1, 2}
    assert stored_coat_runs(store_dir, "baseline", min_reps=3).empty  # too few replications
    assert stored_coat_runs(store_dir, "cases/jesse", min_reps=1).empty  # not stored
    ctx = SimpleNamespace(sweep_dir=store_dir, runner=None)  # no runner: nothing may run
    scores = fit.stored_fit(ctx, "cases/anna")
    assert (scores["source"] == "stored").all() and len(scores) == 81
    best = scores.iloc[0]
    assert [best[f"{lv}_type"] for lv in ("professional", "organisation")] == ["vasthoudend"] * 2
    # the known answer: coats one level away differ by about 0.03 with noise 0.01, so the best
    # is clear of them; the tie flag marks the best itself
    assert bool(best["tied"]) and scores["tied"].sum() >= 1


def test_dutch_numbers_and_percentage_points():
    from dashboard.numbers import number
    from dashboard.outcomes import fmt

    assert number(12345.678, "nl", 1) == "12.345,7" and number(12345.678, "en", 1) == "12,345.7"
    assert fmt("stagnation_rate", 0.234, "nl") == "23,4%"
    assert fmt("stagnation_rate", 0.012, "nl", diff=True) == "+1,2 %-punt"
    assert fmt("cost_per_household_year", 12345.4, "nl") == "€ 12.345"


def test_refused_values_are_explained_in_the_readers_language():
    from dashboard.messages import explain

    exc = ConfigError("caseload_norm", 999, "allowed: ...")
    assert explain(exc, "nl") == (
        "Caseloadnorm: 999 kan niet; toegestaan is een getal van 3 tot en met 30 gezinnen per fte."
    )
    assert "from 3 to 30 families per FTE" in explain(exc, "en")


def test_link_values_that_were_ignored_are_named():
    from dashboard.state import read_query

    state, ignored = read_query({"prof": "superman", "pooled_funding": "1e9", "seed": "4"})
    assert state.seed == 4 and sorted(ignored) == ["pooled_funding", "prof"]


def test_room_counts_every_voter_once(tmp_path):
    from dashboard.rooms import RoomError, Rooms

    rooms = Rooms(diskcache.Cache(str(tmp_path)))
    code, token = rooms.open("cases/anna")
    coat = ["innoverend", "balancerend", "balancerend", "vasthoudend"]
    for voter in ("a" * 10, "b" * 10, "a" * 10):  # the first voter votes twice
        rooms.vote(code, voter, coat)
    tally = rooms.tally(code)
    assert tally.voters == 2 and tally.popular == tuple(coat) and tally.popular_votes == 2
    with pytest.raises(RoomError):
        rooms.vote(code, "c" * 10, ["superman"] * 4)
    with pytest.raises(RoomError):
        rooms.reveal(code, "not-the-token", {})
    rooms.reveal(code, token, {"best": coat})
    with pytest.raises(RoomError):
        rooms.vote(code, "d" * 10, coat)  # voting closes at the reveal


def test_a_kwadrant_click_names_its_coat_from_what_dash_sends():
    from dashboard.pages.kwadrant import cell_of

    # Dash sends the trace number and the axis labels of a heatmap cell, not its custom data
    click = {"points": [{"curveNumber": 5, "x": "Innoverend", "y": "Vasthoudend", "z": 0.4}]}
    assert cell_of(click, "nl") == {
        "professional_type": "innoverend",
        "organisation_type": "vasthoudend",
        "region_type": "innoverend",
        "political_climate_type": "balancerend",
    }
    english = {"points": [{"curveNumber": 0, "x": "Balancing", "y": "Steadfast"}]}
    assert cell_of(english, "en")["professional_type"] == "balancerend"
    for crafted in (
        None,
        {},
        {"points": []},
        {"points": [{"curveNumber": 9, "x": "Innoverend"}]},
        {"points": [{"curveNumber": 1, "x": "<b>", "y": "Vasthoudend"}]},
        {"points": [{"curveNumber": "1", "x": "Innoverend", "y": "Vasthoudend"}]},
    ):
        assert cell_of(crafted, "nl") is None


# --- robust results: how sure ----------------------------------------------------------------


def test_robust_runs_never_mix_into_the_kwadrant_grid(store_dir):
    grid = kwadrant_grid(sweep_runs(store_dir), "stagnation_rate", "cases/anna")
    assert len(grid) == 81 and (grid["n"] == 3).all()  # the sweep's 3 seeds, no robust worlds
    best = grid.sort_values("value").iloc[0]
    assert set(best[["professional_type", "region_type"]]) == {"vasthoudend"}


def test_how_sure_reads_the_stored_robust_table(store_dir, tmp_path):
    from dashboard.fit import robust_text
    from dashboard.stored import robust_summary
    from tests.dashboard.conftest import write_robust_store

    robust = robust_summary(store_dir, "cases/anna")
    assert robust.iloc[0]["p_best"] == pytest.approx(0.75)
    assert robust["p_best"].sum() == pytest.approx(1.0)
    assert robust_summary(store_dir, "cases/jesse").empty
    best = dict.fromkeys(["professional_type", "organisation_type"], "vasthoudend")
    best |= dict.fromkeys(["region_type", "political_climate_type"], "vasthoudend")
    text = robust_text(robust, best, "en")
    assert text == (
        "Over 4 plausible readings of the model this coat is best in 75%; "
        "Innovating / Innovating / Innovating / Innovating in 25%."
    )
    assert "plausibele lezingen" in robust_text(robust, best, "nl")
    # a store with more worlds wins
    import shutil

    shutil.copytree(store_dir, tmp_path / "r", ignore=shutil.ignore_patterns("robust-anna"))
    write_robust_store(tmp_path / "r" / "small", np.random.default_rng(1), worlds=2)
    write_robust_store(tmp_path / "r" / "large", np.random.default_rng(1), worlds=8)
    assert robust_summary(tmp_path / "r", "cases/anna").iloc[0]["worlds"] == 8


# --- policy over time ----------------------------------------------------------------------


def test_events_round_trip_through_the_link_and_into_the_run_identity(tmp_path):
    from dashboard.analysis import state_tasks
    from dashboard.state import read_query

    query = {
        "prof": "innoverend",
        "event1": "52:pooled_funding=0.8",
        "event2": "60-72:turnover_per_year=0.6",
        "event3": "78:political_climate_type=innoverend",
    }
    state, ignored = read_query(query)
    assert ignored == []
    assert [e.kind for e in state.events] == ["step", "pulse", "type"]
    assert {k: v for k, v in to_query(state, "en").items() if k.startswith("event")} == {
        k: v for k, v in query.items() if k.startswith("event")
    }
    assert from_query(to_query(state, "en")) == state  # the language switch keeps them
    # the job carries the events to the worker, and they change the run's identity
    mine, ref = state_tasks(state)
    assert mine.events == tuple(query[f"event{i}"] for i in (1, 2, 3)) and ref.events == ()
    assert mine.scenario().events == state.events
    runner = Runner(diskcache.Cache(str(tmp_path)), lambda *a, **k: None)
    without = from_query({"prof": "innoverend"})
    assert runner.key(state.scenario(), 1, 104) != runner.key(without.scenario(), 1, 104)


def test_bad_events_in_a_link_are_named_and_the_good_ones_kept():
    from dashboard.messages import ignored_notice
    from dashboard.state import read_query

    state, ignored = read_query(
        {
            "event1": "52:pooled_funding=0.8",
            "event2": "60:pooled_funding=0.3",  # overlaps the first on the same lever
            "event3": "200:caseload_norm=12",  # beyond the 104 weeks of the run
        }
    )
    assert [e.week for e in state.events] == [52] and ignored == ["event2", "event3"]
    notice = ignored_notice(ignored, "nl")
    assert "Gebeurtenis 2" in notice and "Gebeurtenis 3" in notice
    assert "52:pooled_funding=0.8" in notice  # says what a link's event looks like
    assert "Event 3" in ignored_notice(ignored, "en")


def test_an_error_in_the_editor_names_its_row_and_says_what_is_allowed():
    from dashboard.events import check_rows, value_help
    from dashboard.messages import explain

    # before anything is typed, the row says what the chosen lever allows
    assert value_help("caseload_norm", "nl") == (
        "Toegestaan: een getal van 3 tot en met 30 gezinnen per fte."
    )
    assert value_help("pooled_funding", "en").endswith("A share as a fraction: 0.8 is 80%.")

    empty = ("none", None, "innoverend", None, None, None)
    rows = [empty, ("political_climate_type", None, "innoverend", 40, 60, None), empty]
    with pytest.raises(ConfigError) as err:
        check_rows(rows, 104)
    assert err.value.field == "events[1]"
    assert explain(err.value, "nl") == (
        "Gebeurtenis 2, tot week (puls): 60 kan niet; toegestaan is een typewissel zonder "
        "eindweek of aanloop."
    )
    rows = [("caseload_norm", None, "innoverend", 10, None, None), empty, empty]
    with pytest.raises(ConfigError) as err:
        check_rows(rows, 104)
    assert explain(err.value, "en").startswith("Event 1, Caseload norm: (empty) is not allowed")


def test_event_weeks_are_marked_on_charts_over_time_with_a_label_and_a_caption():
    from dashboard.events import marks
    from dashboard.state import read_query

    state, _ = read_query({"event1": "20-30:turnover_per_year=0.6"})
    shown = marks(state.events, "nl")
    assert set(shown) == {20, 30} and shown[30].startswith("einde ")
    trust = next(p for p in PANELS if p.id == "trust")
    fig, caption = figures.timeseries(fake_table(40), trust, "nl", marks=shown)
    lines = [s for s in fig.layout.shapes if s.line.dash == "dot"]
    assert sorted(s.x0 for s in lines) == [20, 30]
    assert any("Verloop per jaar" in a.text for a in fig.layout.annotations)
    assert "Gemarkeerd (stippellijn): week 20: Verloop per jaar" in caption
    stats = {"A": replicate_stats([fake_table(40)], "stagnation_rate")}
    fig, caption = figures.bands(stats, "stagnation_rate", "en", marks={20: "A: x"})
    assert [s.x0 for s in fig.layout.shapes if s.line.dash == "dot"] == [20]
    assert "Marked (dotted line): week 20: A: x" in caption


def test_compare_slots_each_carry_their_own_timeline_and_an_error_names_its_slot():
    from dashboard.events import row_ids
    from dashboard.messages import explain
    from dashboard.pages.compare import parse_slots, slot_message
    from dashboard.state import KEY_LEVERS

    base = default_state()
    levers = dict(base.levers)
    empty = ["none"] + [None] * (len(row_ids("x")) - 1)

    def slot(events, use=True):
        types = [ty for _lv, ty in base.types]
        return [use, base.mix, *types, levers, *[levers[n] for n in KEY_LEVERS], *events]

    pulse = ["turnover_per_year", 0.6, "innoverend", 60, 72, None] + empty[6:]
    values = slot(empty) + slot(pulse) + slot(empty, False) + slot(empty, False)
    names, states = parse_slots(values, 1)
    assert names == ["A", "B"] and states[0].events == ()
    assert [(e.kind, e.week, e.until) for e in states[1].events] == [("pulse", 60, 72)]
    late = ["pooled_funding", 0.8, "innoverend", 300, None, None] + empty[6:]
    with pytest.raises(ConfigError) as err:
        parse_slots(slot(empty) + slot(late) + slot(empty, False) * 2, 1)
    message = slot_message(err.value, "nl")
    assert message.startswith("Deze invoer kan niet: Scenario B: Gebeurtenis 1, vanaf week: 300")
    assert explain(err.value, "en").endswith("a whole week from 1 to 104 (within the run).")


def test_csv_exports_list_the_events():
    from types import SimpleNamespace

    from dashboard.pages.compare import csv_header
    from dashboard.pages.scenario import _clean_record, scenario_csv

    pulse = {"week": 20, "until": 30, "set": {"turnover_per_year": 0.6}}
    record = {"key": "0" * 32, "mix": "baseline", "seed": 3, "types": None, "events": [pulse]}
    ctx = SimpleNamespace(runner=SimpleNamespace(version="test"))
    text, _name = scenario_csv(ctx, _clean_record(record), fake_table(), dutch=True)
    assert "# event 1;20-30:turnover_per_year=0.6\n" in text
    result = {"names": ["A", "B"], "events": [[], [pulse]]}
    header = csv_header(result, "?b.event1=20-30%3Aturnover_per_year%3D0.6", "test")
    assert ("B event 1", "20-30:turnover_per_year=0.6") in header
    assert not any(name.startswith("A event") for name, _value in header)


def test_the_summary_says_what_each_event_did_before_and_after():
    from dashboard.events import effects
    from dashboard.state import read_query

    state, _ = read_query(
        {"event1": "30-40:turnover_per_year=0.6", "event2": "60:caseload_norm=12"}
    )
    table = fake_table(80, level=0.2)
    during = table.week.between(30, 39)
    table.loc[during, "stagnation_rate"] = 0.5  # up in the pulse, back at once after it
    shown = effects(table, state.events, "nl")
    first = shown[
        (shown["Gebeurtenis"] == "Gebeurtenis 1") & (shown["Uitkomst"] == "Stagnatie (totaal)")
    ]
    assert first[["Vóór", "Tijdens of na", "Herstel na puls"]].values.tolist() == [
        ["20,0%", "50,0%", "0 weken"]
    ]
    second = shown[shown["Gebeurtenis"] == "Gebeurtenis 2"]
    assert set(second["Herstel na puls"]) == {"–"}  # a step has no recovery to measure
    assert list(effects(table, state.events, "en").columns)[-1] == "Recovery after pulse"


def test_compare_names_the_slot_of_an_event_its_link_could_not_use():
    from dashboard.pages.compare import _notice, read_slot

    query = {"a.event1": "30:pooled_funding=0.8", "b.event1": "30-20:turnover_per_year=0.6"}
    (a, a_ignored), (b, b_ignored) = read_slot(query, "A"), read_slot(query, "B")
    assert [e.week for e in a.events] == [30] and a_ignored == []
    assert b.events == () and b_ignored == ["event1"]
    notice = _notice({"A": a_ignored, "B": b_ignored}, "nl")
    assert notice.startswith("Scenario B: Niet alle waarden uit de link zijn gebruikt")
    assert "Gebeurtenis 1 (een gebeurtenis als" in notice and "Scenario A" not in notice
