import pytest

from experiments.config import load_scenario
from experiments.kwadrant import kwadrant_design

SMALL = {"families_per_region": 200, "municipalities_per_region": 3}


@pytest.fixture
def small_scenario():
    return load_scenario("baseline", SMALL)


@pytest.fixture
def kw_design(small_scenario):
    """81 cells x 2 reps of a small scenario, 8 weeks."""
    return kwadrant_design([small_scenario], reps=2, weeks=8, root_seed=11)
