"""The tail mean, the run identity, own-design points and the in-memory local runner."""

import threading

import numpy as np
import pandas as pd
import pytest
from fakes import fake_model, slow_model
from hypothesis import given
from hypothesis import strategies as st

from experiments import ids, points, summary
from experiments.config import load_scenario
from experiments.local import compare_design, run_local
from experiments.version import model_version
from sim.errors import ConfigError


def weekly(values) -> pd.DataFrame:
    return pd.DataFrame({"week": np.arange(1, len(values) + 1), "x": values})


def test_tail_mean_is_the_mean_of_the_last_52_reported_weeks():
    table = weekly(np.arange(1, 105, dtype=float))  # weeks 1..104 with value = week
    assert summary.tail_mean(table, "x") == pytest.approx(np.mean(np.arange(53, 105)))
    short = weekly([2.0, 4.0, 9.0])
    assert summary.tail_mean(short, "x") == pytest.approx(5.0)  # all weeks of a short run
    assert np.isnan(summary.tail_mean(short, "missing"))


@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=150), st.integers(1, 60))
def test_one_run_or_many_give_the_same_tail_means(values, weeks):
    one = weekly(values)
    many = pd.concat([one.assign(run_id="a"), one.assign(run_id="b", x=one.x * 2)])
    by_run = summary.tail_means_by_run(many, ["x"], weeks).set_index("run_id").x
    assert by_run["a"] == pytest.approx(summary.tail_mean(one, "x", weeks), rel=1e-9, abs=1e-6)
    assert by_run["b"] == pytest.approx(2 * by_run["a"], rel=1e-9, abs=1e-6)
    assert len(summary.tail(one, weeks)) == min(weeks, len(values))


def test_quantiles_over_time_of_identical_runs_are_that_run():
    one = weekly([1.0, 2.0, 3.0])
    many = pd.concat([one.assign(run_id=r) for r in "abc"])
    fan = summary.quantiles_over_time(many, "x", {"g": ["a", "b", "c"]})
    assert list(fan.q05) == list(fan.q95) == [1.0, 2.0, 3.0] and set(fan.n) == {3}


def test_run_id_covers_parameters_typology_events_seed_weeks_and_version():
    sc = load_scenario("baseline")
    base = ids.run_id(sc.params, sc.typology, 1, 10)
    assert ids.is_run_id(base) and base == ids.scenario_run_id(sc, 1, 10)
    traits = {
        lvl: {t: dict(v) for t, v in types.items()} for lvl, types in sc.typology.values.items()
    }
    traits["region"]["balancerend"]["decision_weeks"] += 1
    changed = [
        ids.run_id(
            sc.params.replace(caseload_norm=sc.params.caseload_norm + 1), sc.typology, 1, 10
        ),
        ids.run_id(sc.params, traits, 1, 10),
        ids.run_id(sc.params, sc.typology, 1, 10, [{"week": 5, "kind": "x"}]),
        ids.run_id(sc.params, sc.typology, 2, 10),
        ids.run_id(sc.params, sc.typology, 1, 11),
        ids.run_id(sc.params, sc.typology, 1, 10, version="other"),
    ]
    assert len({base, *changed}) == 7
    assert not ids.is_run_id("../../etc/passwd")


def test_an_edited_typology_changes_the_model_version_and_the_run_ids(tmp_path, monkeypatch):
    from sim.files import config_file

    before_version = model_version()
    before_id = ids.scenario_run_id(load_scenario("baseline"), 1, 10)
    text = config_file("typologies.toml").read_text().replace("= 0.85", "= 0.84", 1)
    (tmp_path / "typologies.toml").write_text(text)
    monkeypatch.setenv("MPGSIM_CONFIG_DIR", str(tmp_path))
    model_version.cache_clear()
    try:
        assert config_file("typologies.toml") == tmp_path / "typologies.toml"
        assert model_version() != before_version
        assert ids.scenario_run_id(load_scenario("baseline"), 1, 10) != before_id
    finally:
        model_version.cache_clear()


def test_grid_points_are_the_full_factorial_with_declared_types():
    values = points.parse_grid(["caseload_norm=8,12", "region_type=vasthoudend,innoverend"])
    grid = points.grid_points(values)
    assert len(grid) == 4 and {type(p["caseload_norm"]) for p in grid} == {int}
    assert grid[1] == {"caseload_norm": 8, "region_type": "innoverend"}
    with pytest.raises(ConfigError, match="at most once"):
        points.parse_grid(["caseload_norm=8", "caseload_norm=9"])


@given(st.integers(2, 40), st.integers(0, 2**32))
def test_lhs_points_stay_in_their_box_and_fill_every_stratum(n, seed):
    box = points.parse_ranges(["recovery_rate=0.04:0.06", "caseload_norm=6:20"])
    sample = points.lhs_points(box, n, seed)
    rates = sorted(p["recovery_rate"] for p in sample)
    assert all(0.04 <= r <= 0.06 for r in rates)
    assert all(
        6 <= p["caseload_norm"] <= 20 and isinstance(p["caseload_norm"], int) for p in sample
    )
    strata = {int((r - 0.04) / 0.02 * n) for r in rates}  # Latin: one point per stratum
    assert len(strata - {n}) >= n - 1


def test_run_local_returns_summaries_reports_progress_and_cancels():
    sc = load_scenario("baseline", {"families_per_region": 200})
    design = compare_design([sc, sc.with_overrides({"caseload_norm": 9})], 3, 6, 1)
    seen = []
    result = run_local(
        design, workers=2, on_progress=lambda d, f: seen.append(d), run_fn=fake_model
    )
    assert len(result.summaries) == 6 and not result.cancelled
    assert result.summaries.run_id.nunique() == 3  # caseload_norm 9 is the default: one run each
    assert set(result.summaries.sample_row) == {0, 1} and seen[-1] == 3
    assert result.weekly.empty and result.failures.empty

    big = compare_design([sc.with_overrides({"caseload_norm": k}) for k in range(5, 25)], 5, 6, 1)
    stop = threading.Event()

    def halt(done, failed):
        if done >= 4:
            stop.set()

    partial = run_local(big, workers=2, on_progress=halt, should_stop=stop, run_fn=slow_model)
    assert partial.cancelled and 4 <= len(partial.summaries) < len(big)
