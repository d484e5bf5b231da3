"""Policy over time in experiments: scenario events, --event, run identity, designs, effects."""

import json
import math

import numpy as np
import pandas as pd
import pytest
from test_cli import mpgsim, one_line_error

from experiments import ids
from experiments.config import load_scenario
from experiments.design import build_design, tasks
from experiments.points import csv_points, lhs_points, parse_grid, parse_ranges
from experiments.store import Store
from experiments.summary import tail_means
from experiments.timeline import (
    apply_event_fields,
    event_effects,
    event_marks,
    event_spec,
    paired_difference,
    paired_recovery_weeks,
    parse_event,
    pre_event_band,
    recovery_weeks,
    timeline_for,
)
from sim.errors import ConfigError
from sim.events import check_events

FAST = ["--set", "families_per_region=120", "--set", "municipalities_per_region=2"]
FAST += ["--set", "burn_in_weeks=8"]


# --- the recovery time: a known answer on a synthetic series ----------------------------------


def synthetic() -> pd.DataFrame:
    """26 weeks alternating 1 and 3, a pulse in weeks 27-30 at 10, then a way back."""
    before = [1.0, 3.0] * 13
    pulse = [10.0] * 4
    back = [9.0, 7.0, 5.0, 4.0, 4.0, 6.0, 3.0, 3.0, 3.0, 3.0, 2.0, 2.0]
    values = before + pulse + back
    return pd.DataFrame({"week": np.arange(1, len(values) + 1), "y": values})


def test_the_pre_event_band_is_the_mean_plus_minus_two_sd_of_the_26_weeks_before():
    band = pre_event_band(synthetic(), "y", 27)
    assert band.mean == 2.0
    assert band.sd == pytest.approx(math.sqrt(26 / 25))  # sample sd of 13 ones and 13 threes
    assert (band.low, band.high) == pytest.approx((2 - 2 * band.sd, 2 + 2 * band.sd))


def test_recovery_counts_weeks_from_the_pulse_end_until_the_band_holds_for_four_weeks():
    weekly = synthetic()
    # weeks 34 and 35 are back (4.0) but 36 (6.0) leaves again: the band holds from week 37
    assert recovery_weeks(weekly, "y", week=27, until=31) == 6
    assert recovery_weeks(weekly, "y", week=27, until=31, hold=1) == 3
    never = weekly.assign(y=np.where(weekly.week > 26, 10.0, weekly.y))
    assert recovery_weeks(never, "y", week=27, until=31) == math.inf
    assert math.isnan(recovery_weeks(weekly, "y", week=1, until=5))


def paired_synthetic() -> pd.DataFrame:
    """Three seeds with and without a pulse in weeks 5-9; the difference after it is known."""
    spread = [-0.1, 0.0, 0.1]
    after = {10: [0.5] * 3, 11: [0.3] * 3, 12: [0.1, 0.2, 0.3], 13: spread, 14: [0.5] * 3}
    rows = []
    for s, seed in enumerate((7, 8, 9)):
        for week in range(1, 25):
            base = seed + 0.01 * week
            diff = 1.0 if 5 <= week < 10 else after.get(week, spread)[s] if week >= 10 else 0.0
            rows += [(seed, week, 0.0, base), (seed, week, 1.0, base + diff)]
    return pd.DataFrame(rows, columns=["seed", "week", "event.0.x", "y"])


def test_paired_recovery_is_the_first_of_four_weeks_whose_ci_includes_zero():
    paired = paired_difference(paired_synthetic(), "y", "event.0.x", 0.0, 1.0)
    assert (paired.set_index("week").loc[1:4, "diff"] == 0).all()
    assert paired.set_index("week").loc[12, "ci95"] == pytest.approx(
        4.302652729911275 * 0.1 / math.sqrt(3)
    )
    # weeks 10 and 11 differ for sure, 12-13 do not, 14 does again: back from week 15 on
    assert paired_recovery_weeks(paired, until=10) == 5
    assert paired_recovery_weeks(paired, until=10, hold=2) == 2
    assert paired_recovery_weeks(paired[paired.week < 17], until=10) == math.inf


def test_event_effects_give_before_during_and_recovery_per_event():
    (pulse,) = check_events([{"week": 27, "until": 31, "set": {"turnover_per_year": 0.6}}])
    (step,) = check_events([{"week": 31, "set": {"pooled_funding": 0.8}}])
    effects = event_effects(synthetic(), [pulse, step], ["y"]).set_index("kind")
    assert effects.loc["pulse", "before"] == 2.0 and effects.loc["pulse", "after"] == 10.0
    assert effects.loc["pulse", "left_band"] and effects.loc["pulse", "recovery_weeks"] == 6
    assert effects.loc["step", "after"] == pytest.approx(np.mean(synthetic().y[30:]))
    assert math.isnan(effects.loc["step", "recovery_weeks"])


# --- --event -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "event"),
    [
        ("52:pooled_funding=0.8", {"week": 52, "set": {"pooled_funding": 0.8}}),
        (
            "60-72:turnover_per_year=0.6",
            {"week": 60, "until": 72, "set": {"turnover_per_year": 0.6}},
        ),
        (
            "30+26:information_sharing=0.9",
            {"week": 30, "ramp_weeks": 26, "set": {"information_sharing": 0.9}},
        ),
        (
            "78:political_climate_type=innoverend",
            {"week": 78, "types": {"political_climate": "innoverend"}},
        ),
        (
            "5:pooled_funding=0.5, caseload_norm=12",
            {"week": 5, "set": {"pooled_funding": 0.5, "caseload_norm": 12}},
        ),
    ],
)
def test_event_options_become_the_same_tables_as_in_a_scenario_file(spec, event):
    assert parse_event(spec) == event
    assert check_events([parse_event(spec)], 104)[0].to_dict() == event
    # the text a link or a CSV header carries reads back as the same event
    assert parse_event(event_spec(check_events([event])[0])) == event


def test_an_error_in_an_event_option_names_the_option_as_typed():
    with pytest.raises(ConfigError) as err:
        timeline_for((), ["10:pooled_funding=0.8", "90:caseload_norm=12"], 40)
    assert str(err.value).startswith("--event '90:caseload_norm=12' week: 90 is not allowed")


# --- scenarios carry events ------------------------------------------------------------------

PULSE_TOML = """
name = "pulse"
extends = "baseline"
weeks = 40

[[events]]
week = 10
until = 20
set = { turnover_per_year = 0.6 }

[[events]]
week = 30
types = { political_climate = "innoverend" }
"""


def test_scenario_events_round_trip_and_extends_appends_them(tmp_path):
    (tmp_path / "pulse.toml").write_text(PULSE_TOML)
    sc = load_scenario(str(tmp_path / "pulse.toml"))
    assert sc.event_dicts() == [
        {"week": 10, "until": 20, "set": {"turnover_per_year": 0.6}},
        {"week": 30, "types": {"political_climate": "innoverend"}},
    ]
    child = tmp_path / "child.toml"
    child.write_text(
        f'extends = "{tmp_path / "pulse.toml"}"\n[[events]]\nweek = 35\n'
        "set = { pooled_funding = 0.8 }\n"
    )
    assert [e.week for e in load_scenario(str(child)).events] == [10, 30, 35]
    child.write_text(f'extends = "{tmp_path / "pulse.toml"}"\nevents = []\n')
    assert load_scenario(str(child)).events == ()


@pytest.mark.parametrize(
    ("table", "field"),
    [
        ("week = 50\nset = { pooled_funding = 0.8 }", "bad.toml: events[0].week"),
        ("week = 20\nuntil = 10\nset = { pooled_funding = 0.8 }", "bad.toml: events[0].until"),
        ("week = 20\nset = { pooled_fundng = 0.8 }", "bad.toml: parameter"),
        ("week = 20\ntypes = { region = 'superman' }", "bad.toml: events[0].types.region"),
    ],
)
def test_a_bad_event_in_a_scenario_file_names_the_file_and_field(tmp_path, table, field):
    path = tmp_path / "bad.toml"
    path.write_text(f"weeks = 40\n[[events]]\n{table}\n")
    with pytest.raises(ConfigError) as err:
        load_scenario(str(path))
    assert str(err.value).startswith(field)


def test_a_shorter_run_than_the_scenario_events_is_refused(tmp_path):
    (tmp_path / "pulse.toml").write_text(PULSE_TOML)
    sc = load_scenario(str(tmp_path / "pulse.toml"))
    with pytest.raises(ConfigError, match=r"events\[1\].week: 30"):
        sc.with_events(weeks=25)


# --- run identity ------------------------------------------------------------------------


def test_events_are_part_of_the_run_identity_whatever_their_source_or_order(tmp_path):
    (tmp_path / "pulse.toml").write_text(PULSE_TOML)
    from_file = load_scenario(str(tmp_path / "pulse.toml"))
    plain = load_scenario("baseline")
    typed = plain.with_events(
        [
            parse_event("30:political_climate_type=innoverend"),
            parse_event("10-20:turnover_per_year=0.6"),
        ],
        weeks=40,
    )
    assert ids.scenario_run_id(plain, 1, 40) != ids.scenario_run_id(from_file, 1, 40)
    assert ids.scenario_run_id(typed, 1, 40) == ids.scenario_run_id(from_file, 1, 40)
    other = plain.with_events([parse_event("11-20:turnover_per_year=0.6")], weeks=40)
    assert ids.scenario_run_id(other, 1, 40) != ids.scenario_run_id(typed, 1, 40)


# --- designs that vary events --------------------------------------------------------------


def test_moving_a_pulse_keeps_its_length_unless_until_is_given():
    events = check_events([parse_event("10-20:turnover_per_year=0.6")], 52)
    moved = apply_event_fields(events, {"event.0.week": 30}, 52)
    assert (moved[0].week, moved[0].until) == (30, 40)
    stretched = apply_event_fields(events, {"event.0.week": 30, "event.0.until": 50}, 52)
    assert (stretched[0].week, stretched[0].until) == (30, 50)
    bigger = apply_event_fields(events, {"event.0.turnover_per_year": 0.4}, 52)
    assert bigger[0].set == {"turnover_per_year": 0.4}


@pytest.mark.parametrize(
    ("fields", "needle"),
    [
        ({"event.1.week": 5}, "the run has event.0 to event.0"),
        ({"event.0.week": 60}, "events[0].week (design point event.0.week=60): 60"),
        ({"event.0.week": 30, "event.0.until": 25}, "events[0].until (design point"),
        ({"event.0.turnover_per_year": 0.9}, "turnover_per_year"),
    ],
)
def test_bad_event_fields_are_refused_naming_the_point(fields, needle):
    events = check_events([parse_event("10-20:turnover_per_year=0.6")], 52)
    with pytest.raises(ConfigError) as err:
        apply_event_fields(events, fields, 52)
    assert needle in str(err.value)


def test_event_fields_parse_in_grids_ranges_and_csv_files(tmp_path):
    grid = parse_grid(["event.0.week=26,52", "event.0.pooled_funding=0.4,0.8", "caseload_norm=9"])
    assert grid == {
        "event.0.week": [26, 52],
        "event.0.pooled_funding": [0.4, 0.8],
        "caseload_norm": [9],
    }
    box = parse_ranges(["event.0.week=10:40"])
    weeks = [p["event.0.week"] for p in lhs_points(box, 5, seed=1)]
    assert all(isinstance(w, int) and 10 <= w <= 40 for w in weeks)
    path = tmp_path / "design.csv"
    path.write_text("event.0.week,event.0.region_type\n26,innoverend\n")
    assert csv_points(path) == [{"event.0.week": 26, "event.0.region_type": "innoverend"}]
    with pytest.raises(ConfigError, match="event.0.region_type"):
        parse_grid(["event.0.region_type=superman"])
    with pytest.raises(ConfigError, match="event.N.FIELD"):
        parse_grid(["event.x.week=3"])


def test_a_design_over_event_timing_gives_each_point_its_own_runs_and_timeline():
    sc = load_scenario("baseline", {"families_per_region": 120}).with_events(
        [parse_event("10:pooled_funding=0.8")], weeks=40
    )
    design = build_design("grid", [{"event.0.week": w} for w in (10, 20)], 2, 1, 40, [sc])
    assert design.run_id.nunique() == 4
    timelines = [json.loads(t) for t in design.drop_duplicates("sample_row").events]
    assert [t[0]["week"] for t in timelines] == [10, 20]
    assert tasks(design)[2]["events"] == [{"week": 20, "set": {"pooled_funding": 0.8}}]


def test_tail_means_skip_the_events_column():
    weekly = synthetic().assign(events=["", "pooled_funding=0.8"] * 21)
    assert list(tail_means(weekly).index) == ["y"]


# --- through the CLI ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "needle"),
    [
        (
            "90:pooled_funding=0.8",
            "week: 90 is not allowed; allowed: a whole number from 1 to 40",
        ),  # beyond the run
        (
            "20-10:pooled_funding=0.8",
            "until: 10 is not allowed; allowed: a whole number >= 21",
        ),  # until before week
        ("20:pooled_fundng=0.8", "unknown parameter; did you mean pooled_funding"),
        ("20:pooled_funding=3", "pooled_funding: 3"),  # out of bounds
        ("20:political_climate_type=superman", "political_climate_type: 'superman'"),
        ("20:families_per_region=500", "fixed at the start"),
        ("soon:pooled_funding=0.8", "WEEK:NAME=VALUE"),
        ("20:pooled_funding", "NAME=VALUE"),
    ],
)
def test_each_bad_event_exits_2_with_one_line_naming_it(event, needle):
    done = mpgsim("run", "--weeks", "40", *FAST, "--event", event)
    one_line_error(done, needle)
    assert "--event" in done.stderr and event in done.stderr


def test_overlapping_events_on_one_lever_exit_2_before_simulating():
    done = mpgsim(
        "run",
        "--weeks",
        "40",
        *FAST,
        "--event",
        "10-30:pooled_funding=0.8",
        "--event",
        "20:pooled_funding=0.4",
    )
    one_line_error(done, "events: pooled_funding")
    assert "overlapping" in done.stderr


def test_sweeps_refuse_a_bad_event_before_running(tmp_path):
    out = tmp_path / "grid"
    done = mpgsim(
        "sweep",
        "grid",
        "--param",
        "event.0.week=10,50",
        "--weeks",
        "40",
        "--reps",
        "1",
        *FAST,
        "--event",
        "10:pooled_funding=0.8",
        "--out",
        out,
    )
    one_line_error(done, "events[0].week (design point event.0.week=50): 50")
    assert not (out / "parts").exists()


def test_run_reports_before_after_and_recovery_and_keeps_the_events(tmp_path):
    out = tmp_path / "run.parquet"
    done = mpgsim(
        "run",
        "--weeks",
        "30",
        "--seed",
        "2",
        *FAST,
        "--out",
        out,
        "--event",
        "10:pooled_funding=0.8",
        "--event",
        "12-16:turnover_per_year=0.6",
    )
    assert done.returncode == 0, done.stderr
    assert "event week 10: pooled_funding=0.8" in done.stdout
    assert "weeks to recover" in done.stdout and "before (26 wk)" in done.stdout
    table = pd.read_parquet(out)
    assert table.set_index("week").events.loc[[10, 12, 16]].tolist() == [
        "pooled_funding=0.8",
        "turnover_per_year=0.6 (weeks 12-16)",
        "end of turnover_per_year=0.6 (weeks 12-16)",
    ]
    meta = json.loads((tmp_path / "run.config.json").read_text())
    assert meta["events"][1] == {"week": 12, "until": 16, "set": {"turnover_per_year": 0.6}}
    sc = load_scenario(
        "baseline", {"families_per_region": 120, "municipalities_per_region": 2, "burn_in_weeks": 8}
    )
    timeline = sc.with_events(meta["events"], weeks=30)
    assert table.run_id.iloc[0] == ids.scenario_run_id(timeline, 2, 30)


def test_a_sweep_over_event_timing_runs_and_stores_its_events(tmp_path):
    out = tmp_path / "timing"
    done = mpgsim(
        "sweep",
        "grid",
        "--param",
        "event.0.week=6,12",
        "--weeks",
        "20",
        "--reps",
        "2",
        "--seed",
        "4",
        *FAST,
        "--event",
        "6:pooled_funding=0.8",
        "--workers",
        "1",
        "--engine",
        "serial",
        "--out",
        out,
    )
    assert done.returncode == 0, done.stderr
    store = Store(out)
    runs = store.runs()
    assert len(runs) == 4 and set(runs["event.0.week"]) == {6, 12}
    for row in runs.itertuples():
        assert json.loads(row.events) == [
            {"week": row[runs.columns.get_loc("event.0.week") + 1], "set": {"pooled_funding": 0.8}}
        ]
    weekly = store.weekly()
    marked = weekly[weekly.events.fillna("") != ""]
    assert sorted(set(zip(marked["event.0.week"], marked.week, strict=True))) == [(6, 6), (12, 12)]
    points = store.results()["points"]
    assert set(points["event.0.week"]) == {6, 12}
    # paired: the two timings share seeds, so their runs agree up to week 5
    early = weekly[weekly.week < 6].sort_values(["seed", "week", "event.0.week"])
    a, b = (early[early["event.0.week"] == w].reset_index(drop=True) for w in (6, 12))
    pd.testing.assert_series_equal(a.stagnation_rate, b.stagnation_rate)
    csv = tmp_path / "weekly.csv"
    assert mpgsim("export", out, "--format", "csv", "--weekly", "--output", csv).returncode == 0
    assert "events" in pd.read_csv(csv).columns


def test_event_marks_join_the_timelines_of_runs_and_fan_charts_draw_them():
    from experiments.figures import fan_chart
    from experiments.summary import quantiles_over_time

    timelines = [
        '[{"week": 6, "set": {"pooled_funding": 0.8}}]',
        '[{"week": 12, "until": 16, "set": {"turnover_per_year": 0.6}}]',
        '[{"week": 6, "set": {"pooled_funding": 0.8}}]',
        "[]",
    ]
    marks = event_marks(timelines)
    assert marks == {
        6: "pooled_funding=0.8",
        12: "turnover_per_year=0.6 (weeks 12-16)",
        16: "end of turnover_per_year=0.6 (weeks 12-16)",
    }
    weekly = synthetic().assign(run_id="a")
    fig = fan_chart(quantiles_over_time(weekly, "y", {"a": ["a"]}), "y", events=marks)
    assert sorted(shape.x0 for shape in fig.layout.shapes) == [6, 12, 16]


def test_a_kwadrant_carries_the_scenario_events_into_every_cell():
    from experiments.kwadrant import kwadrant_design

    sc = load_scenario("baseline").with_events([parse_event("20:pooled_funding=0.8")], weeks=30)
    design = kwadrant_design([sc], reps=1, weeks=30, root_seed=1)
    assert set(design.events) == {'[{"set": {"pooled_funding": 0.8}, "week": 20}]'}
    plain = kwadrant_design([load_scenario("baseline")], reps=1, weeks=30, root_seed=1)
    assert set(design.run_id).isdisjoint(plain.run_id) and set(plain.events) == {"[]"}
