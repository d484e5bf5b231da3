"""Steady state: after the burn-in, the headline outcomes no longer drift.

The same check as ``mpgsim run baseline --weeks 156 --seed S`` for three seeds: each outcome's
least-squares slope a year over the 156 reported weeks, averaged over the seeds, is less than
5% of its mean. The burn-in default (``burn_in_weeks``) exists to make this hold.
"""

import numpy as np
import pytest

from experiments.config import load_scenario
from experiments.single import run_scenario

STEADY = ("stagnation_rate", "cost_per_household_year", "waiting_weeks_mean", "hv_prevalence")
STEADY += ("trust_mean",)
DRIFT_LIMIT = 0.05


@pytest.fixture(scope="module")
def runs():
    sc = load_scenario("baseline")
    return [run_scenario(sc, seed=s, weeks=156) for s in (1, 2, 3)]


@pytest.mark.parametrize("outcome", STEADY)
def test_headline_outcomes_do_not_drift_after_the_burn_in(runs, outcome):
    slopes = [np.polyfit(r.week / 52, r[outcome], 1)[0] for r in runs]
    mean = np.mean([r[outcome].mean() for r in runs])
    drift = np.mean(slopes) / abs(mean)
    assert abs(drift) < DRIFT_LIMIT, f"{outcome}: {drift:+.1%} of its mean a year ({slopes})"


def test_reported_weeks_start_in_steady_state_not_at_zero(runs):
    for r in runs:
        assert r.week.iloc[0] == 1
        assert r.stagnation_rate.iloc[0] > 0.5 * r.stagnation_rate.mean()
        assert r.active_cases.iloc[0] > 0.5 * r.active_cases.mean()


def test_partner_costs_add_up_to_the_total(runs):
    from sim.measures import COST_COLUMNS

    for r in runs:
        total = r[list(COST_COLUMNS)].sum(axis=1)
        assert np.allclose(total, r.cost_per_household_year, rtol=0.01)
