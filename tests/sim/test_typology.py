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


OUTCOMES = ("stagnation_rate", "fit_score", "incidents_per_family_year")


def _by_coat(scenario: str) -> dict[str, dict[tuple[str, ...], list[float]]]:
    """Per outcome and coat, each seed's mean over the reported weeks."""
    out = {o: {} for o in OUTCOMES}
    for coat in COATS:
        coat_types = {f"{lv}_type": t for lv, t in zip(LEVELS, coat, strict=True)}
        # a shorter burn-in than the default: the test compares coats, not absolute levels
        sc = load_scenario(scenario, {**coat_types, "burn_in_weeks": 104})
        runs = [run_scenario(sc, seed=s, weeks=40) for s in (1, 2)]
        for o in OUTCOMES:
            out[o][coat] = [r[o].mean() for r in runs]
    return out


@pytest.fixture(scope="module")
def by_case():
    return {name: _by_coat(name) for name in ("cases/jesse", "cases/anna")}


@pytest.mark.parametrize(
    ("case", "outcome", "alpha"),
    [
        ("cases/anna", "stagnation_rate", 1e-6),
        ("cases/anna", "fit_score", 1e-6),
        ("cases/jesse", "fit_score", 1e-6),
        ("cases/jesse", "incidents_per_family_year", 1e-3),
        pytest.param(
            "cases/jesse",
            "stagnation_rate",
            1e-6,
            # a finding, kept in view (TRACE §7): the Jesse-like cohort is stuck in every coat
            marks=pytest.mark.xfail(strict=True, reason="p = 0.44: 0.81-0.89 in every coat"),
        ),
    ],
)
def test_coats_differ_beyond_seed_noise(by_case, case, outcome, alpha):
    # one-way ANOVA over the 81 coats, two seeds each
    stat = f_oneway(*by_case[case][outcome].values())
    assert stat.pvalue < alpha, (case, outcome, stat)


def test_best_fitting_coat_for_jesse_differs_from_best_for_anna(by_case):
    # "de best passende jas": the coat whose supply fits the family's need best
    fit = {
        name: {c: np.mean(v) for c, v in res["fit_score"].items()} for name, res in by_case.items()
    }
    best = {name: max(m, key=m.get) for name, m in fit.items()}
    assert best["cases/jesse"] != best["cases/anna"], best
    assert best["cases/jesse"][0] == "vasthoudend", best  # holding on keeps the relationship


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
