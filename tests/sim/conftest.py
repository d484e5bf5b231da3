import numpy as np
import pytest

from experiments.config import load_scenario
from experiments.single import run_scenario

#: a smaller region than the baseline, so direction tests over several seeds stay quick
SMALL = {"families_per_region": 600, "municipalities_per_region": 6}
SEEDS = (11, 12, 13, 14)


def mean_outcome(overrides, outcome, scenario="baseline", weeks=78, seeds=SEEDS, after=26):
    """Mean of ``outcome`` over weeks after ``after`` and over ``seeds``."""
    sc = load_scenario(scenario, {**SMALL, **overrides})
    values = [
        run_scenario(sc, seed=s, weeks=weeks).query("week > @after")[outcome].mean() for s in seeds
    ]
    return float(np.mean(values))


@pytest.fixture
def baseline():
    return load_scenario("baseline")
