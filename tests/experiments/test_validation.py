"""Pattern scoring, calibration filtering and the validate command."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from experiments import calibration, validation
from experiments.config import load_scenario
from sim.errors import ConfigError

GOOD = {
    "id": "x",
    "description": "d",
    "source": "s",
    "role": "calibration",
    "kind": "range",
    "outcome": "hv_prevalence",
    "target": 0.25,
    "low": 0.2,
    "high": 0.3,
}


def test_shipped_patterns_load_with_roles_declared_up_front():
    patterns = validation.load_patterns()
    roles = {p.id: p.role for p in patterns}
    assert {"hv_quarter", "stress_two_thirds", "turnover", "specialist_wait"} <= {
        i for i, r in roles.items() if r == "calibration"
    }
    # inputs and encoded rules are verification, never evidence
    assert {"no_help_request", "procesregie_five_percent", "steadfast_region_slow"} <= {
        i for i, r in roles.items() if r == "verification"
    }
    corroboration = [p for p in patterns if p.role == "corroboration"]
    assert len(corroboration) >= 8
    assert all(p.mechanism and p.source and p.evidence and p.limits for p in corroboration)


def test_knockout_variants_switch_the_named_mechanism_off():
    patterns = [p for p in validation.load_patterns() if p.id == "many_professionals_fragile"]
    wanted = validation.variants(patterns, knockouts=True)
    assert {"providers_per_problem": 1.5, "knockout": "collaboration"} in wanted
    assert {"providers_per_problem": 0.0} in wanted
    assert validation.variants(patterns) == [
        {},
        {"providers_per_problem": 0.0},
        {"providers_per_problem": 1.5},
    ]


def test_a_corroboration_pattern_without_a_mechanism_is_refused(tmp_path):
    entry = {**GOOD, "role": "corroboration"}
    lines = [f"{k} = {v!r}".replace("'", '"') for k, v in entry.items()]
    path = tmp_path / "p.toml"
    path.write_text("[[pattern]]\n" + "\n".join(lines) + "\n")
    with pytest.raises(ConfigError, match="pattern x: mechanism"):
        validation.load_patterns(path)


def _runs(design, values_by_row):
    """Per-run summaries whose outcome values depend on the design's sample row."""
    rows = design.drop_duplicates("run_id")
    data = {"run_id": rows.run_id}
    for outcome, per_row in values_by_row.items():
        rng = np.random.default_rng(0)
        data[outcome] = [per_row[r] + rng.normal(0, 1e-3) for r in rows.sample_row]
    return pd.DataFrame(data)


def _direction(outcome: str, a: dict, b: dict, mechanism: str) -> validation.Pattern:
    """A direction pattern: ``outcome`` higher in variant b than in a (corroboration when a
    mechanism is named, else verification)."""
    role = "corroboration" if mechanism else "verification"
    return validation.Pattern(
        "d",
        outcome,
        "s",
        role,
        "direction",
        outcome=outcome,
        a=a,
        b=b,
        expect="higher",
        mechanism=mechanism,
    )


def _hv_range(pid: str, description: str, source: str) -> validation.Pattern:
    """A calibration pattern: HV prevalence within 0.2-0.3 (target 0.25)."""
    return validation.Pattern(
        pid,
        description,
        source,
        "calibration",
        "range",
        outcome="hv_prevalence",
        target=0.25,
        low=0.2,
        high=0.3,
    )


def test_range_direction_and_ordering_are_scored_on_paired_replications():
    patterns = [
        _hv_range("r", "range", "s"),
        validation.Pattern(
            "d",
            "direction",
            "s",
            "corroboration",
            "direction",
            mechanism="hesitance",
            outcome="hv_prevalence",
            a={"pooled_funding": 0.0},
            b={"pooled_funding": 1.0},
            expect="lower",
        ),
        validation.Pattern(
            "o",
            "ordering",
            "s",
            "corroboration",
            "ordering",
            mechanism="trust",
            first="trust_mean",
            second="hv_prevalence",
        ),
    ]
    sc = load_scenario("baseline")
    design = validation.plan(sc, patterns, reps=4, weeks=10, seed=1)
    assert sorted(design.sample_row.unique()) == [0, 1, 2]  # baseline, a, b
    runs = _runs(
        design, {"hv_prevalence": {0: 0.25, 1: 0.4, 2: 0.1}, "trust_mean": {0: 0.6, 1: 0, 2: 0}}
    )
    table = validation.evaluate(patterns, runs, design).set_index("id")
    assert table.loc["r", "passed"] and table.loc["r", "value"] == pytest.approx(0.25, abs=0.01)
    assert table.loc["d", "passed"] and table.loc["d", "value"] == pytest.approx(-0.3, abs=0.01)
    assert table.loc["o", "passed"]
    runs_wrong = _runs(
        design, {"hv_prevalence": {0: 0.5, 1: 0.1, 2: 0.4}, "trust_mean": {0: 0.1, 1: 0, 2: 0}}
    )
    assert not validation.evaluate(patterns, runs_wrong, design).passed.any()


def test_mean_ci_is_a_t_interval():
    mean, lo, hi = validation.mean_ci(np.array([1.0, 2.0, 3.0]))
    assert mean == 2.0 and hi - mean == pytest.approx(4.303 * 1 / np.sqrt(3), rel=1e-3)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "guess"}, "kind"),
        ({"role": "tuning"}, "role"),
        ({"outcome": "happiness"}, "outcome"),
    ],
)
def test_bad_pattern_file_names_the_field(tmp_path, change, field):
    entry = {**GOOD, **change}
    lines = [f"{k} = {v!r}".replace("'", '"') for k, v in entry.items()]
    path = tmp_path / "p.toml"
    path.write_text("[[pattern]]\n" + "\n".join(lines) + "\n")
    with pytest.raises(ConfigError, match=f"pattern x: {field}"):
        validation.load_patterns(path)


def test_latin_hypercube_respects_priors_and_is_reproducible():
    proc = calibration.load_procedure()
    points = calibration.sample(proc, 16)
    assert points == calibration.sample(proc, 16)
    for name, (low, high) in proc.priors.items():
        values = [p[name] for p in points]
        assert low <= min(values) and max(values) <= high
        # a Latin hypercube puts one point in each of the 16 strata of every dimension
        strata = np.floor((np.array(values) - low) / (high - low) * 16).astype(int)
        assert len(set(np.minimum(strata, 15))) >= 14


def test_calibration_keeps_only_sets_meeting_every_calibration_pattern():
    patterns = [
        _hv_range("a", "", ""),
        validation.Pattern(
            "b",
            "",
            "",
            "corroboration",
            "range",
            mechanism="relapse",
            outcome="returns_within_two_years",
            target=0.3,
            low=0.2,
            high=0.4,
        ),
    ]
    design = pd.DataFrame(
        {
            "run_id": ["r0", "r1", "r2", "r3"],
            "sample_row": [0, 0, 1, 1],
            "hv_threshold": [0.5, 0.5, 0.6, 0.6],
        }
    )
    runs = pd.DataFrame(
        {
            "run_id": ["r0", "r1", "r2", "r3"],
            "hv_prevalence": [0.24, 0.26, 0.5, 0.6],
            "returns_within_two_years": [0.9, 0.9, 0.3, 0.3],
        }
    )
    scored = calibration.score(patterns, runs, design)
    # set 0 meets the calibration pattern; the held-back pattern (which it fails) is ignored
    assert scored.kept.tolist() == [True, False]
    chosen = calibration.choose(scored, {"hv_threshold": (0.4, 0.8)})
    assert chosen["hv_threshold"]["value"] == 0.5
    with pytest.raises(ConfigError, match="0 of 1 sets kept"):
        calibration.choose(scored.iloc[[1]], {"hv_threshold": (0.4, 0.8)})


def test_calibration_data_file_round_trips_through_the_model_loader(tmp_path):
    from sim.calibration import load_calibrated

    proc = calibration.load_procedure()
    chosen = {"hv_threshold": {"value": 0.5, "low": 0.45, "high": 0.55, "prior": [0.4, 0.8]}}
    path = tmp_path / "calibrated.toml"
    path.write_text(calibration.render_data(chosen, 96, 12, proc))
    meta, read = load_calibrated(path)
    assert read == chosen
    assert meta["tried"] == 96 and meta["kept"] == 12


def test_validate_exits_nonzero_when_a_calibration_pattern_fails(tmp_path):
    path = tmp_path / "patterns.toml"
    path.write_text(
        '[[pattern]]\nid = "impossible"\ndescription = "d"\nsource = "s"\nrole = "calibration"\n'
        'kind = "range"\noutcome = "hv_prevalence"\ntarget = 2.0\nlow = 1.5\nhigh = 3.0\n'
    )
    cmd = [
        sys.executable,
        "-c",
        "from dashboard.cli import main; main()",
        "validate",
        "--reps",
        "2",
        "--weeks",
        "26",
        "--engine",
        "serial",
        "--patterns",
        str(path),
        "--out",
        str(tmp_path / "v"),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    assert "impossible" in done.stdout + done.stderr
    assert (tmp_path / "v" / "validation.md").read_text().count("**fail**") == 1
    assert "drift a year" in done.stdout


def test_a_pattern_counts_as_evidence_only_if_it_fails_without_its_mechanism():
    pattern = validation.Pattern(
        "d",
        "direction",
        "s",
        "corroboration",
        "direction",
        mechanism="collaboration",
        outcome="stagnation_collaboration",
        a={"providers_per_problem": 0.0},
        b={"providers_per_problem": 1.5},
        expect="higher",
    )
    sc = load_scenario("baseline")
    design = validation.plan(sc, [pattern], reps=5, weeks=10, seed=1, knockouts=True)
    wanted = validation.variants([pattern], knockouts=True)
    assert len(wanted) == 5  # scenario, a, b, a knocked out, b knocked out
    # with the mechanism the effect is there; knocked out, b equals a
    holds = {"stagnation_collaboration": {0: 0.1, 1: 0.1, 2: 0.2, 3: 0.05, 4: 0.05}}
    table = validation.evaluate([pattern], _runs(design, holds), design, knockouts=True)
    assert table.passed.item() and table.knockout_fails.item()
    assert validation.describe(table)["corroboration"]["evidence"] == 1
    # an effect that survives the knock-out is not evidence for the mechanism
    survives = {"stagnation_collaboration": {0: 0.1, 1: 0.1, 2: 0.2, 3: 0.1, 4: 0.2}}
    table = validation.evaluate([pattern], _runs(design, survives), design, knockouts=True)
    assert table.passed.item() and not table.knockout_fails.item()
    assert validation.describe(table)["corroboration"]["evidence"] == 0
    # the mechanism carries none of it: all of the effect is left
    assert table.knockout_left.item() == pytest.approx(1.0, abs=0.05)


def test_the_report_says_how_much_of_an_effect_survives_a_knock_out():
    fte = "social_fte_per_100_families"
    pattern = _direction("incidents_per_family_year", {fte: 8.0}, {fte: 5.0}, "imbalance")
    design = validation.plan(load_scenario("baseline"), [pattern], 5, 10, 1, knockouts=True)
    # full effect +1.0 a family-year; knocked out +0.2 (a second route): 20% is left
    runs = _runs(design, {"incidents_per_family_year": {0: 1, 1: 1, 2: 2, 3: 0.5, 4: 0.7}})
    table = validation.evaluate([pattern], runs, design, knockouts=True)
    assert table.knockout_left.item() == pytest.approx(0.2, abs=0.01)
    # the knocked-out effect is still there, but the mechanism carries 80% of it: it fails
    assert table.knockout_fails.item() and not table.knockout_gone.item()
    row = next(table.itertuples())
    # every replication gives the same effects here, so the interval of the share is a point
    words = "fails (20% of the effect left, 95% CI 20% to 20%)"
    assert validation.knockout_words(row) == words
    assert words.replace("fails", "fails (as it should)") in validation.to_markdown(table)
    # a range pattern has no effect to share out
    ranged = _hv_range("r", "range", "s")
    assert np.isnan(validation.effect_left(ranged, 0.3, 0.1))


def test_a_knock_out_fails_by_the_share_it_leaves_not_by_low_power():
    fte = "social_fte_per_100_families"
    pattern = _direction("incidents_per_family_year", {fte: 8.0}, {fte: 5.0}, "imbalance")
    design = validation.plan(load_scenario("baseline"), [pattern], 5, 10, 1, knockouts=True)
    runs = _runs(design, {"incidents_per_family_year": {0: 1, 1: 1, 2: 2, 3: 1, 4: 1.9}})
    # knocked out, 90% of the effect is left, but so noisily that its interval includes zero:
    # the rule before 2026-12-02 called that a failing knock-out
    knocked = runs.run_id.isin(design[design.sample_row == 4].run_id)
    noise = np.random.default_rng(3).normal(0, 2.0, knocked.sum())
    runs.loc[knocked, "incidents_per_family_year"] += noise - noise.mean()
    row = next(validation.evaluate([pattern], runs, design, knockouts=True).itertuples())
    assert row.knockout_gone and row.knockout_left == pytest.approx(0.9, abs=0.01)
    assert row.knockout_left_high > validation.CARRIES_BELOW and not row.knockout_fails
    assert validation.knockout_words(row).startswith("inconclusive (90% of the effect left")
    # the same share, measured precisely, still does not make the mechanism carry the pattern
    precise = _runs(design, {"incidents_per_family_year": {0: 1, 1: 1, 2: 2, 3: 1, 4: 1.9}})
    row = next(validation.evaluate([pattern], precise, design, knockouts=True).itertuples())
    assert not row.knockout_gone and not row.knockout_fails
    assert validation.knockout_words(row).startswith("still holds (90%")
    # a range pattern fails when it leaves its range, as before
    ranged = _hv_range("r", "range", "s")
    assert validation.knockout_fails(ranged, False, float("nan"))
    assert not validation.knockout_fails(ranged, True, float("nan"))


def test_a_pattern_measured_on_a_drifting_series_fails():
    pattern = _hv_range("r", "range", "s")
    design = validation.plan(load_scenario("baseline"), [pattern], reps=4, weeks=10, seed=1)
    runs = _runs(design, {"hv_prevalence": {0: 0.25}})
    steady = runs[["run_id"]].assign(hv_prevalence=0.001)  # +0.4% of the mean a year
    moving = runs[["run_id"]].assign(hv_prevalence=0.05)  # +20% of the mean a year
    assert validation.evaluate([pattern], runs, design, steady).passed.item()
    table = validation.evaluate([pattern], runs, design, moving)
    assert table.met.item() and table.drifting.item() and not table.passed.item()
    # the report names the series that drifts, with its interval over the replications
    assert table.drift_series.item() == "hv_prevalence"
    words = validation.drifting_words(next(table.itertuples()))
    assert words == "drifting (+20.0% a year, 95% CI +20.0% to +20.0%: hv_prevalence)"
    assert f"**{words}**" in validation.to_markdown(table)


def test_a_pattern_on_seeds_that_swing_both_ways_is_not_called_drifting():
    pattern = _hv_range("r", "range", "s")
    design = validation.plan(load_scenario("baseline"), [pattern], reps=10, weeks=10, seed=1)
    runs = _runs(design, {"hv_prevalence": {0: 0.25}})
    # single runs' slopes swing by a fifth of the mean a year either way; their mean is +8%
    swings = (np.array([0.3, -0.2, 0.25, -0.15, 0.2, -0.1, 0.3, -0.25, 0.1, -0.05]) + 0.04) * 0.25
    drift = runs[["run_id"]].assign(hv_prevalence=swings)
    row = next(validation.evaluate([pattern], runs, design, drift).itertuples())
    # the rule before 2026-12-02 (the point estimate) called it drifting; the interval does not
    assert row.drift == pytest.approx(0.08, abs=1e-3) and row.drift_low < 0 < row.drift_high
    assert row.drift_beyond and not row.drifting and row.passed
    assert validation.drift_verdict(row.drift, row.drift_low, row.drift_high) == "not resolved"
    assert validation.drift_cell(row).startswith("+8.0% (")


def test_the_drift_rule_keeps_its_false_alarms_at_five_percent():
    # known answer: on series that do not drift, a rule that needs the 95% interval to
    # exclude zero calls 5% of them drifting (a t-test's size); the point estimate, at the
    # noise of single runs (a fifth of the mean a year) and ten replications, over a third
    rng = np.random.default_rng(20261202)
    sets = rng.normal(0.0, 0.2, size=(4000, 10))
    verdicts = [validation.drift_over_runs("hv_prevalence", s, [1.0] * 10) for s in sets]
    alarms = np.mean([v["drifting"] for v in verdicts])
    old = np.mean([v["beyond_limit"] for v in verdicts])
    assert alarms < 0.05 + 4 * np.sqrt(0.05 * 0.95 / len(sets)) and old > 0.35
    # and it finds a real drift of 15% a year at the noise of single runs with 20 runs
    moving = rng.normal(0.15, 0.2, size=(2000, 20))
    found = np.mean(
        [validation.drift_over_runs("hv_prevalence", s, [1.0] * 20)["drifting"] for s in moving]
    )
    assert found > 0.8
    # steady only where the whole interval lies within the limit
    assert validation.drift_verdict(0.01, -0.02, 0.04) == "steady"
    assert validation.drift_verdict(0.01, -0.12, 0.14) == "not resolved"
    assert validation.drift_verdict(0.09, 0.02, 0.16) == "drifting"


def test_a_run_shared_by_two_variants_counts_once_in_each():
    # the scenario itself and a variant at the scenario's own value share their runs; the
    # store lists such a run once per design row, and it must not count twice
    sc = load_scenario("baseline")
    same = {"caseload_norm": sc.params.caseload_norm}
    pattern = _direction("hv_prevalence", same, {"caseload_norm": 17}, "")
    hv = _hv_range("r", "range", "s")
    design = validation.plan(sc, [hv, pattern], reps=4, weeks=10, seed=1)
    assert design.run_id.duplicated().sum() == 4  # the scenario's runs, listed twice
    runs = _runs(design, {"hv_prevalence": {0: 0.25, 1: 0.25, 2: 0.3}})
    listed = design[["run_id", "sample_row", "replication"]].merge(runs, on="run_id")
    table = validation.evaluate([hv, pattern], listed, design)
    assert table.reps.tolist() == [4, 4]


@pytest.mark.parametrize("mechanism", ["continuity+nonsense", "none", "collaboration+"])
def test_a_corroboration_pattern_names_mechanisms_that_can_be_knocked_out(tmp_path, mechanism):
    entry = {**GOOD, "role": "corroboration", "mechanism": mechanism}
    lines = [f"{k} = {v!r}".replace("'", '"') for k, v in entry.items()]
    path = tmp_path / "p.toml"
    path.write_text("[[pattern]]\n" + "\n".join(lines) + "\n")
    with pytest.raises(ConfigError, match="pattern x: mechanism"):
        validation.load_patterns(path)


def test_a_pattern_may_rest_on_several_mechanisms(tmp_path):
    entry = {**GOOD, "role": "corroboration", "mechanism": "continuity+fallback"}
    entry |= {"evidence": "e", "limits": "l"}
    lines = [f"{k} = {v!r}".replace("'", '"') for k, v in entry.items()]
    path = tmp_path / "p.toml"
    path.write_text("[[pattern]]\n" + "\n".join(lines) + "\n")
    (pattern,) = validation.load_patterns(path)
    assert {"knockout": "continuity+fallback"} in validation.variants([pattern], knockouts=True)


@pytest.mark.slow
def test_two_pattern_files_validated_into_one_store_score_their_own_variants(tmp_path):
    # the same two variants in the opposite order: a run shared by both designs has another
    # variant index in each, and each command must score it under its own
    def pattern_file(name, a, b, expect):
        path = tmp_path / f"{name}.toml"
        path.write_text(
            f'[[pattern]]\nid = "{name}"\ndescription = "d"\nsource = "s"\n'
            'role = "verification"\nkind = "direction"\noutcome = "stagnation_collaboration"\n'
            f"a = {{ providers_per_problem = {a} }}\nb = {{ providers_per_problem = {b} }}\n"
            f'expect = "{expect}"\n'
        )
        return path

    values = []
    for path in (pattern_file("up", 0.0, 1.5, "higher"), pattern_file("down", 1.5, 0.0, "lower")):
        cmd = [sys.executable, "-c", "from dashboard.cli import main; main()", "validate"]
        cmd += ["--reps", "2", "--weeks", "26", "--engine", "serial", "--patterns", str(path)]
        cmd += ["--out", str(tmp_path / "v")]
        subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        values.append(pd.read_parquet(tmp_path / "v" / "validation.parquet").value.item())
    assert values[1] == pytest.approx(-values[0])
    assert values[0] != 0


def test_the_share_left_has_fiellers_interval():
    """Known answers for the interval of mean(k) / mean(d) from paired replications."""
    rng = np.random.default_rng(7)
    d = rng.normal(1.0, 0.3, 12)
    # k proportional to d: every ratio but the true one is rejected, the interval is a point
    assert validation.ratio_ci(0.25 * d, d) == pytest.approx((0.25, 0.25))
    # noisy pairs: the interval is the set of R whose paired t-test on k - R d accepts zero
    k = 0.4 * d + rng.normal(0.0, 0.2, 12)
    low, high = validation.ratio_ci(k, d)
    t975 = stats.t.ppf(0.975, 11)

    def accepted(r):
        diff = k - r * d
        return abs(diff.mean()) <= t975 * diff.std(ddof=1) / np.sqrt(diff.size)

    grid = np.linspace(-1, 2, 30001)
    inside = grid[[accepted(r) for r in grid]]
    assert low == pytest.approx(inside.min(), abs=2e-4)
    assert high == pytest.approx(inside.max(), abs=2e-4)
    assert low < k.mean() / d.mean() < high
    # a full effect indistinguishable from zero leaves the share unbounded
    assert validation.ratio_ci(k, rng.normal(0.0, 1.0, 12)) == (-np.inf, np.inf)


def test_the_share_left_interval_covers_the_true_share_and_narrows_with_replications():
    """About 95% coverage, and eight times the replications give an interval under half as wide."""
    rng = np.random.default_rng(11)
    true, hits, widths = 0.5, 0, {5: [], 40: []}
    for _ in range(1000):
        d = rng.normal(1.0, 0.4, 10)
        k = true * d + rng.normal(0.0, 0.2, 10)
        low, high = validation.ratio_ci(k, d)
        hits += low <= true <= high
    for n in widths:
        for _ in range(200):
            d = rng.normal(1.0, 0.4, n)
            low, high = validation.ratio_ci(true * d + rng.normal(0.0, 0.2, n), d)
            widths[n].append(high - low)
    assert 0.93 <= hits / 1000 <= 0.97
    assert np.median(widths[40]) < np.median(widths[5]) / 2


def test_one_run_s_drift_is_the_store_s_least_squares_slope_a_year(tmp_path):
    from experiments.summary import drift_a_year

    week = np.arange(1, 53)
    weekly = pd.DataFrame({"week": week, "hv_prevalence": 0.2 + 0.001 * week + 0.01 * np.sin(week)})
    slope = np.polyfit(week, weekly.hv_prevalence, 1)[0] * 52
    assert drift_a_year(weekly, "hv_prevalence") == pytest.approx(slope)
    assert np.isnan(drift_a_year(weekly.head(1), "hv_prevalence"))
    assert np.isnan(drift_a_year(weekly, "no_such_outcome"))
