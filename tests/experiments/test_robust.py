"""Robust coats: the uncertainty space, worlds, P(best) and regret, scenario discovery."""

import itertools

import numpy as np
import pandas as pd
import pytest
from test_cli import mpgsim, one_line_error

from experiments import discovery, robust, traits, uncertainty
from experiments.config import load_scenario, load_typology, parse_sets
from experiments.design import build_design, tasks
from experiments.models import run_model
from sim.errors import ConfigError
from sim.params import PARAMETERS, TYPES

CREATIVITY = "professional.innoverend.creativity"


# --- traits as inputs -------------------------------------------------------------------------


def test_a_trait_override_changes_the_typology_and_the_run_id():
    base = load_scenario("cases/jesse")
    changed = base.with_overrides({CREATIVITY: 0.3})
    assert changed.typology.trait("professional", "innoverend", "creativity") == 0.3
    assert base.typology.trait("professional", "innoverend", "creativity") != 0.3
    design = build_design("grid", [{CREATIVITY: 0.3}, {CREATIVITY: 0.4}], 1, 1, 2, [base])
    assert design.run_id.nunique() == 2


def test_run_model_applies_trait_overrides_as_the_design_planned_them():
    base = load_scenario("baseline", {"families_per_region": 40, "burn_in_weeks": 0})
    design = build_design("grid", [{CREATIVITY: 0.1}, {CREATIVITY: 0.95}], 1, 1, 2, [base])
    low, high = (run_model(t) for t in tasks(design))
    assert list(low.columns) == list(high.columns)
    same = build_design("grid", [{CREATIVITY: 0.1}], 1, 1, 2, [base])
    pd.testing.assert_frame_equal(run_model(tasks(same)[0]), low)


def test_trait_values_are_checked_against_their_bounds():
    with pytest.raises(ConfigError, match="from 0 to 1"):
        parse_sets([f"{CREATIVITY}=1.5"])
    with pytest.raises(ConfigError, match="did you mean"):
        parse_sets(["professional.innoverend.creativty=0.5"])
    assert parse_sets([f"{CREATIVITY}=0.5"]) == {CREATIVITY: 0.5}


# --- the uncertainty space and its worlds ------------------------------------------------------


def test_the_space_holds_every_trait_coefficient_and_free_number():
    factors = uncertainty.space()
    counts = uncertainty.counts(factors)
    assert counts["trait"] == len(traits.TRAIT_FACTORS) == 87
    assert counts["mechanism"] == sum(p.group == "mechanism" for p in PARAMETERS.values())
    assert len(factors) >= 150
    for f in factors:
        if f.kind != "trait":
            p = PARAMETERS[f.name]
            assert p.low <= f.low < f.high <= p.high


def test_worlds_are_seeded_within_bounds_and_keep_the_types_order():
    factors = uncertainty.space(["trait"])
    typology = load_typology()
    a = uncertainty.worlds(factors, 16, 7, typology)
    b = uncertainty.worlds(factors, 16, 7, typology)
    pd.testing.assert_frame_equal(a, b)
    for f in factors:
        assert a[f.name].between(f.low, f.high).all()
    # creativity: steadfast < balancing < innovating in the reading, so in every world
    names = [f"professional.{t}.creativity" for t in TYPES]
    values = a[names].to_numpy()
    assert (np.diff(values, axis=1) >= 0).all()
    free = uncertainty.worlds(factors, 16, 7, typology, order="free")
    assert (np.diff(free[names].to_numpy(), axis=1) < 0).any()


def test_a_latin_hypercube_puts_one_world_in_each_stratum():
    factors = uncertainty.space(["mechanism"])
    table = uncertainty.worlds(factors, 10, 3, load_typology())
    f = next(f for f in factors if not f.integer)
    strata = np.floor((table[f.name] - f.low) / (f.high - f.low) * 10).clip(0, 9)
    assert sorted(strata.astype(int)) == list(range(10))


def test_fixed_inputs_keep_one_value_and_a_bare_name_keeps_the_reading(tmp_path):
    factors = uncertainty.space()
    typology = load_typology()
    file = tmp_path / "fix.toml"
    file.write_text("stress_threshold = 0.4\n[professional.innoverend]\ncreativity = 0.2\n")
    fixed = uncertainty.parse_fix(["trust_heard"], file, factors, typology)
    assert fixed["stress_threshold"] == 0.4 and fixed[CREATIVITY] == 0.2
    assert fixed["trust_heard"] == PARAMETERS["trust_heard"].default
    table = uncertainty.worlds(factors, 8, 1, typology, fixed)
    assert (table["stress_threshold"] == 0.4).all() and (table[CREATIVITY] == 0.2).all()
    with pytest.raises(ConfigError, match="not an uncertain input"):
        uncertainty.parse_fix(["families_per_region=10"], None, factors, typology)


def test_a_profile_keeps_what_it_sets_itself():
    jesse = load_scenario("cases/jesse")
    kept = uncertainty.for_scenario(uncertainty.space(), jesse.overrides)
    names = {f.name for f in kept}
    assert "severity_addiction" not in names and "trust_initial" not in names
    assert "stress_threshold" in names and CREATIVITY in names


# --- P(best), regret, minimax and satisficing (known answers) ---------------------------------


def _values(table: dict[str, list[float]], reps: int = 1, noise: float = 0.0) -> pd.DataFrame:
    """Run values of coats (names -> value per world), ``reps`` noisy replications each."""
    rng = np.random.default_rng(0)
    rows = []
    for coat, per_world in table.items():
        for world, value in enumerate(per_world):
            for rep in range(reps):
                rows.append(
                    {
                        "scenario": "s",
                        "world": world,
                        "coat": coat,
                        **{f: coat for f in robust.FACTORS},
                        "replication": rep,
                        "value": value + noise * rng.normal(),
                    }
                )
    return pd.DataFrame(rows)


def test_p_best_sums_to_one_and_splits_a_shared_best():
    values = _values({"A": [3, 1, 2, 2], "B": [1, 3, 2, 1], "C": [0, 0, 2, 0]})
    summary = robust.summarise(robust.regrets(values, "recovered_share", 0.05))
    p = summary.set_index("coat")["p_best"]
    assert p.sum() == pytest.approx(1.0)
    # A best in worlds 0 and 3, B in world 1, world 2 shared three ways
    assert p["A"] == pytest.approx((2 + 1 / 3) / 4)
    assert p["B"] == pytest.approx((1 + 1 / 3) / 4)
    assert p["C"] == pytest.approx((1 / 3) / 4)
    assert (summary["ties"] == 1).all()


def test_regret_is_the_shortfall_in_the_better_direction():
    values = _values({"A": [10.0, 20.0], "B": [12.0, 18.0]})
    lower = robust.regrets(values, "stagnation_rate", 0.05).set_index(["world", "coat"])
    assert lower.loc[(0, "A"), "regret"] == 0 and lower.loc[(0, "B"), "regret"] == 2
    higher = robust.regrets(values, "recovered_share", 0.05).set_index(["world", "coat"])
    assert higher.loc[(0, "A"), "regret"] == 2 and higher.loc[(1, "B"), "regret"] == 2


def test_minimax_and_satisficing_differ_as_theory_says():
    # A: best in 9 of 10 worlds, awful in one. B: never best, never far off.
    a = [10.0] * 9 + [0.0]
    b = [9.8] * 9 + [9.0]
    values = _values({"A": a, "B": b, "C": [10.0] * 9 + [9.5]})
    values = values[values.coat != "C"]
    summary = robust.summarise(robust.regrets(values, "recovered_share", 0.05))
    choice = robust.choose(summary, "recovered_share", 0.05).iloc[0]
    assert choice.most_often_best == "A"
    assert choice.minimax == "B"  # worst regret 0.2 < A's 9
    assert choice.satisficing == "B"  # within 5% in every world; A fails one
    tight = robust.summarise(robust.regrets(values, "recovered_share", 0.01))
    choice = robust.choose(tight, "recovered_share", 0.01).iloc[0]
    assert choice.satisficing == "A" and choice.minimax == "B"  # B is never within 1%
    assert "Minimax" in choice.why_en and "Satisficing" in choice.why_en
    assert "Minimax-spijt" in choice.why_nl


def test_within_ci_needs_replications_and_separates_clear_gaps():
    values = _values({"A": [10.0, 10.0], "B": [10.01, 5.0]}, reps=4, noise=0.05)
    table = robust.regrets(values, "recovered_share", 0.05).set_index(["world", "coat"])
    assert table.loc[(0, "A"), "within_ci"] == 1.0  # 0.01 apart: within noise
    assert table.loc[(1, "B"), "within_ci"] == 0.0  # 5 apart: clearly worse
    one = robust.regrets(_values({"A": [1.0], "B": [2.0]}), "recovered_share", 0.05)
    assert one["within_ci"].isna().all()


def test_bad_outcome_and_tolerance_are_refused():
    with pytest.raises(ConfigError, match="better direction"):
        robust.check_outcome("caseload_mean_typo")
    with pytest.raises(ConfigError, match="at most 1"):
        robust.check_tolerance(2.0)


# --- scenario discovery: a known answer -------------------------------------------------------


def _synthetic_flip(n: int = 200, threshold: float = 0.6, seed: int = 5):
    """Worlds over five traits where only ``CREATIVITY`` decides whether A or B is best."""
    rng = np.random.default_rng(seed)
    names = [CREATIVITY, *list(traits.TRAIT_FACTORS)[:4]]
    worlds = pd.DataFrame(rng.uniform(size=(n, len(names))), columns=names)
    worlds.insert(0, "world", np.arange(n))
    decides = worlds[CREATIVITY].to_numpy() > threshold
    values = _values({"V/V/V/V": np.where(decides, 1.0, 2.0), "I/I/I/I": np.where(decides, 2, 1)})
    return worlds, robust.regrets(values, "recovered_share", 0.05)


def test_prim_recovers_the_one_trait_that_decides_and_its_threshold():
    worlds, regret = _synthetic_flip()
    found = discovery.discover(regret, worlds, {}, ("V/V/V/V", "I/I/I/I"))
    assert found["question"] == discovery.FLIP
    box = next(f for f in found["findings"] if f.method == "prim")
    assert [name for name, _ in box.limits] == [CREATIVITY]
    low, high = box.limits[0][1]
    assert high is None and low == pytest.approx(0.6, abs=0.03)
    assert box.coverage >= 0.9 and box.density >= 0.9
    cart = next(f for f in found["findings"] if f.method == "cart")
    assert [name for name, _ in cart.limits] == [CREATIVITY]
    assert cart.limits[0][1][0] == pytest.approx(0.6, abs=0.03)
    assert found["scores"].iloc[0]["input"] == CREATIVITY
    assert "innovating professional" in discovery.rule_text(box, "en")
    assert "innoverende professional" in discovery.rule_text(box, "nl")


def test_coats_are_read_short_or_long_and_checked():
    assert discovery.parse_coat("v/b/i/I") == "V/B/I/I"
    assert discovery.parse_coat("vasthoudend/balancerend/innoverend/innoverend") == "V/B/I/I"
    with pytest.raises(ConfigError, match="four types"):
        discovery.parse_coat("V/B/X/I")


# --- the commands -----------------------------------------------------------------------------

TINY_ROBUST = [
    "robust",
    "--scenario",
    "cases/jesse",
    "--worlds",
    "3",
    "--reps",
    "2",
    "--weeks",
    "2",
    "--seed",
    "4",
    "--set",
    "burn_in_weeks=1",
    "--set",
    "families_per_region=30",
    "--workers",
    "2",
]


@pytest.mark.slow
def test_robust_then_discover_on_a_tiny_design(tmp_path):
    out = tmp_path / "robust"
    first = mpgsim(*TINY_ROBUST, "--out", out)
    assert first.returncode == 0, first.stderr
    every = len(uncertainty.space())  # every trait, coefficient and uncertain parameter
    assert f"uncertain inputs: {every}" in " ".join(first.stderr.split())
    table = pd.read_parquet(out / "results" / "robust.parquet")
    assert len(table) == 81
    assert {"p_best", "p_within_ci", "regret_median", "regret_p90"} <= set(table.columns)
    assert table["p_best"].sum() == pytest.approx(1.0)
    assert (table["regret_median"] >= 0).all()
    again = mpgsim(*TINY_ROBUST, "--out", out)
    assert "0 to run" in again.stderr
    pd.testing.assert_frame_equal(pd.read_parquet(out / "results" / "robust.parquet"), table)
    found = mpgsim("discover", out)
    assert found.returncode == 0, found.stderr
    text = " ".join(found.stdout.split())
    assert "coverage" in text and "dekking" in text and "density" in text


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--worlds", "1"], "--worlds"),
        (["--outcome", "signals_raised_typo"], "--outcome"),
        (["--vary", "traits"], "--vary"),
        (["--fix", "families_per_region=50"], "--fix"),
        (["--trait-order", "sorted"], "--trait-order"),
        (["--set", "stress_threshold=0.3"], "--set"),
    ],
)
def test_robust_refuses_bad_input_in_one_line(tmp_path, extra, needle):
    one_line_error(mpgsim(*TINY_ROBUST, "--out", tmp_path / "x", *extra), needle)
    assert not (tmp_path / "x" / "parts").exists()


def test_discover_refuses_a_directory_without_robust_results(tmp_path):
    one_line_error(mpgsim("discover", tmp_path), "DIR")


def test_every_coat_appears_once_in_the_design():
    jesse = load_scenario("cases/jesse")
    factors = uncertainty.space(["mechanism"])
    table = uncertainty.worlds(factors, 2, 1, jesse.typology)
    design = robust.robust_design([jesse], table, factors, 2, 3, 1)
    assert len(design) == 2 * 81 * 2
    assert design.sample_row.nunique() == 2 * 81
    coats = set(itertools.product(TYPES, repeat=4))
    per_world = design.groupby(robust.world_of(design.sample_row))
    for _, rows in per_world:
        assert set(map(tuple, rows[list(robust.FACTORS)].to_numpy())) == coats
    # common random numbers: replication r has one seed in every world and coat
    assert design.groupby("replication").seed.nunique().eq(1).all()


# --- Morris over everything, then Sobol on the few ---------------------------------------------


def test_all_inputs_are_every_uncertain_input_but_what_the_profile_sets():
    from experiments import sensitivity

    names = sensitivity.all_inputs({})
    assert len(names) == len(uncertainty.space()) >= 150
    prob = sensitivity.problem(names)
    assert prob["num_vars"] == len(names)
    assert prob["bounds"][names.index(CREATIVITY)] == [0.0, 1.0]
    jesse = sensitivity.all_inputs(load_scenario("cases/jesse").overrides)
    assert "severity_addiction" not in jesse and len(jesse) < len(names)


def test_screening_keeps_inputs_that_stand_out_from_noise():
    from experiments import sensitivity

    morris = pd.DataFrame(
        {
            "outcome": ["y"] * 4 + ["z"] * 2,
            "parameter": ["a", "b", "c", "d", "a", "d"],
            "mu_star": [10.0, 2.0, 0.5, 3.0, 1.0, 1.0],
            "mu_star_conf": [1.0, 1.0, 0.1, 4.0, 0.1, 0.1],
        }
    )
    # c is below 10% of a; d's CI reaches 0 for y, but d matters as much as a for z
    assert sensitivity.screen(morris) == ["a", "d", "b"]
    assert sensitivity.screen(morris, at_most=1) == ["a"]
