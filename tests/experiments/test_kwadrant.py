import numpy as np
import pandas as pd
import pytest
from scipy import stats

from experiments import kwadrant
from sim.measures import OUTCOMES


def synthetic_runs(best_gap: float, reps: int = 6) -> pd.DataFrame:
    """Per-run values: cell i has mean i * 0.001 + shared per-replication noise (paired)."""
    rng = np.random.default_rng(0)
    shared = rng.normal(0, 1.0, reps)  # large, but common to all cells of a replication
    rows = []
    for i, cell in enumerate(kwadrant.cells()):
        mean = 1.0 + i * 0.001 - (best_gap if i == 40 else 0.0)
        for r in range(reps):
            value = mean + shared[r] + rng.normal(0, 0.0001)
            rows.append(
                {
                    "scenario": "s",
                    **cell,
                    "replication": r,
                    "stagnation_rate": value,
                    "trust_mean": -value,
                }
            )
    return pd.DataFrame(rows)


def test_cells_are_the_full_factorial():
    cells = kwadrant.cells()
    assert len(cells) == 81
    assert len({tuple(c.values()) for c in cells}) == 81


def test_cell_ci_is_the_t_interval():
    runs = synthetic_runs(0.0, reps=5)
    table = kwadrant.cell_stats(runs, ["stagnation_rate"])
    first = table.iloc[0]
    values = runs[(runs[list(kwadrant.FACTORS)] == first[list(kwadrant.FACTORS)]).all(axis=1)]
    expected = stats.t.ppf(0.975, 4) * values.stagnation_rate.std() / np.sqrt(5)
    assert first.ci95 == pytest.approx(expected)
    assert len(table) == 81 and (table.n == 5).all()


def test_best_coat_with_a_clear_paired_lead_is_sure():
    best = kwadrant.best_coats(synthetic_runs(0.05), ["stagnation_rate", "trust_mean"])
    rows = best.set_index("outcome")
    winner = kwadrant.cells()[40]
    for outcome in ("stagnation_rate", "trust_mean"):  # lower and higher is better
        assert kwadrant.coat_label(rows.loc[outcome]) == kwadrant.coat_label(winner)
        assert rows.loc[outcome, "sure"]
        # Unpaired CIs would swamp the lead: the shared noise has sd 1.
        assert rows.loc[outcome, "ci95"] > rows.loc[outcome, "lead"]


def test_a_tie_is_not_sure():
    runs = synthetic_runs(0.0)
    runs["stagnation_rate"] = 1.0 + np.random.default_rng(1).normal(0, 0.1, len(runs))
    best = kwadrant.best_coats(runs, ["stagnation_rate"])
    assert not best.sure.iloc[0]


def test_direction_is_the_outcomes_declaration():
    assert kwadrant.better("trust_mean") == "higher"
    assert kwadrant.better("methods_fit_share") == "higher"
    assert kwadrant.better("motivation_mean") == "higher"
    assert kwadrant.better("cost_per_household_year") == "lower"
    assert kwadrant.better("signals_raised") is None
    assert kwadrant.better("not_an_outcome") is None
    assert {kwadrant.better(name) for name in OUTCOMES} == {"higher", "lower", None}


def assert_best_in_declared_direction(best: pd.DataFrame, cells: pd.DataFrame) -> None:
    """Every outcome with a direction has its best coat, and it is the best cell that way."""
    best = best.set_index(["scenario", "outcome"])
    for (scenario, name), group in cells.groupby(["scenario", "outcome"]):
        direction = OUTCOMES[name].better
        if direction is None or group["mean"].isna().all():
            assert (scenario, name) not in best.index
            continue
        row = best.loc[(scenario, name)]
        want = group["mean"].max() if direction == "higher" else group["mean"].min()
        assert row["mean"] == want and row["better"] == direction
        winner = group[group["mean"] == want].iloc[0]
        assert kwadrant.coat_label(row) == kwadrant.coat_label(winner)


@pytest.mark.parametrize("reps", [1, 3])
def test_best_coat_is_best_in_the_declared_direction_for_every_outcome(reps):
    runs = synthetic_runs(0.0, reps=reps)
    rng = np.random.default_rng(reps)
    for name in OUTCOMES:
        runs[name] = rng.normal(size=len(runs))
    best = kwadrant.best_coats(runs, list(OUTCOMES))
    assert_best_in_declared_direction(best, kwadrant.cell_stats(runs, list(OUTCOMES)))
    assert len(best) == sum(o.better is not None for o in OUTCOMES.values())
    if reps == 1:  # paired CIs need two replications: nothing is "sure", ties not measured
        assert not best.sure.any() and best.tied.isna().all()


def test_tied_counts_the_coats_within_the_paired_ci_of_the_best():
    runs = synthetic_runs(0.05)
    assert kwadrant.best_coats(runs, ["stagnation_rate"]).tied.iloc[0] == 1  # a clear winner
    # Five coats identical replication by replication (paired difference 0), the rest far off.
    noise = np.random.default_rng(2).normal(0, 0.01, len(runs))
    index = runs.groupby(list(kwadrant.FACTORS), sort=False).ngroup()
    runs["stagnation_rate"] = np.where(index < 5, 1.0 + runs.replication * 0.01, 2.0 + noise)
    best = kwadrant.best_coats(runs, ["stagnation_rate"]).iloc[0]
    assert best.tied == 5 and not best.sure
