"""The typology matters: the 81 coats differ, and the best coat depends on the family profile."""

import itertools

import numpy as np
import pytest
from scipy.stats import f_oneway

from experiments.config import load_scenario, load_typology
from experiments.single import run_scenario
from sim.errors import ConfigError
from sim.params import TYPES
from sim.typology import LEVELS, Typology

COATS = list(itertools.product(TYPES, repeat=4))


def _stagnation_by_coat(scenario: str) -> dict[tuple[str, ...], list[float]]:
    out = {}
    for coat in COATS:
        coat_types = {f"{lv}_type": t for lv, t in zip(LEVELS, coat, strict=True)}
        # a shorter burn-in than the default: the test compares coats, not absolute levels
        sc = load_scenario(scenario, {**coat_types, "burn_in_weeks": 104})
        runs = [run_scenario(sc, seed=s, weeks=40)["stagnation_rate"].mean() for s in (1, 2)]
        out[coat] = runs
    return out


@pytest.fixture(scope="module")
def by_case():
    return {name: _stagnation_by_coat(name) for name in ("cases/jesse", "cases/anna")}


def test_coats_do_not_all_give_the_same_outcome(by_case):
    # one-way ANOVA over the 81 coats: differences between coats far exceed seed noise
    for name, results in by_case.items():
        stat = f_oneway(*results.values())
        assert stat.pvalue < 1e-6, (name, stat)


def test_best_coat_for_jesse_differs_from_best_for_anna(by_case):
    means = {name: {c: np.mean(v) for c, v in res.items()} for name, res in by_case.items()}
    best = {name: min(m, key=m.get) for name, m in means.items()}
    assert best["cases/jesse"] != best["cases/anna"], best


def test_typology_values_are_validated():
    data = {level: dict(load_typology().values[level]) for level in LEVELS}
    broken = {
        **data,
        "region": {
            **data["region"],
            "innoverend": {**data["region"]["innoverend"], "decision_weeks": -1},
        },
    }
    with pytest.raises(ConfigError, match="typology.region.innoverend.decision_weeks"):
        Typology.from_mapping(broken)
    with pytest.raises(ConfigError, match="missing level"):
        Typology.from_mapping({k: v for k, v in data.items() if k != "region"})
