"""Plain functions behind the pages: state, cache and cap, analysis, figures, stored results."""

from __future__ import annotations

import multiprocessing
import os
import re
import time
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
)
from dashboard.i18n import catalog, t
from dashboard.outcomes import PANELS, level_pressure
from dashboard.runs import Runner, SlotSemaphore, is_key, run_key
from dashboard.state import LEVERS, default_state, from_query, to_query, validate_state
from dashboard.stored import kwadrant_grid, sensitivity_tables, sweep_runs
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


def test_every_lever_has_dutch_and_english_help():
    for name in LEVERS:
        for lang in ("nl", "en"):
            assert f"param.{name}.help" in catalog(lang)
    assert set(catalog("nl")) == set(catalog("en"))
    assert t("nav.compare", "en") == "Compare" and t("nav.compare", "fr") == "Vergelijken"


# --- cache and cap -------------------------------------------------------------------------


def test_identical_requests_are_served_from_the_cache(tmp_path):
    calls = []

    def simulate(scenario, seed, weeks=None, on_week=None):
        calls.append(seed)
        return fake_table(weeks)

    runner = Runner(diskcache.Cache(str(tmp_path)), simulate, "v1", slots=1)
    scenario = load_scenario("cases/jesse")
    first = runner.run(scenario, 3, 20)
    second = runner.run(scenario, 3, 20)
    assert calls == [3] and not first.cached and second.cached and first.key == second.key
    assert run_key(scenario.params, 3, 20, "v2") != first.key  # a new version never reuses
    assert is_key(first.key) and not is_key("../x") and runner.get("nonsense") is None


def _hold(path, seconds):
    sem = SlotSemaphore(diskcache.Cache(path), "slots", 1)
    sem.acquire()
    time.sleep(seconds)


def test_slot_of_a_killed_holder_is_reclaimed(tmp_path):
    proc = multiprocessing.get_context("fork").Process(target=_hold, args=(str(tmp_path), 60))
    proc.start()
    sem = SlotSemaphore(diskcache.Cache(str(tmp_path)), "slots", 1)
    deadline = time.time() + 10
    while sem.in_use() == 0 and time.time() < deadline:
        time.sleep(0.02)
    assert not sem.try_acquire()  # capped: the other process holds the only slot
    os.kill(proc.pid, 9)  # what Dash's Cancel does to a job
    proc.join()
    assert sem.try_acquire()
    sem.release()


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
    assert "Vertrouwen 30,0%" in caption and "Referentie: Vertrouwen 20,0%" in caption
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


def test_workshop_takes_all_81_coats_from_a_stored_sweep_when_it_has_them(store_dir, monkeypatch):
    from types import SimpleNamespace

    from dashboard.pages import workshop
    from dashboard.stored import stored_coats

    coats = stored_coats(store_dir, "baseline", min_reps=2)
    assert len(coats) == 81 and (coats["n"] == 2).all() and "stagnation_rate" in coats
    assert stored_coats(store_dir, "baseline", min_reps=3).empty  # too few replications
    assert stored_coats(store_dir, "cases/jesse", min_reps=1).empty  # not stored
    monkeypatch.setattr(workshop, "REPS", 2)
    ctx = SimpleNamespace(sweep_dir=store_dir, runner=None)  # no runner: nothing may run
    state = SimpleNamespace(mix="baseline", weeks=104, seed=1)
    chosen = workshop.best_fit_coats(ctx, state)
    assert (chosen["source"] == "stored").all() and len(chosen) == 81
