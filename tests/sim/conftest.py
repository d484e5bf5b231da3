"""Helpers of the model tests: paired runs over several seeds, with effect sizes and CIs."""

from dataclasses import dataclass

import numpy as np
import pytest
from scipy import stats

from experiments.config import load_scenario
from experiments.single import run_scenario

#: a smaller region than the baseline with a shorter burn-in, so tests over seeds stay quick
SMALL = {"families_per_region": 600, "municipalities_per_region": 6, "burn_in_weeks": 156}
SEEDS = (11, 12, 13, 14, 15, 16)


@dataclass(frozen=True)
class Effect:
    """A paired difference b - a over seeds: mean, 95% CI and standardised size (d_z)."""

    mean: float
    low: float
    high: float
    size: float
    a: float
    b: float

    def __str__(self) -> str:
        return (
            f"{self.a:.4g} -> {self.b:.4g}: diff {self.mean:+.4g} "
            f"(95% CI {self.low:+.4g} to {self.high:+.4g}; d_z {self.size:+.2f})"
        )

    def has_sign(self, sign: int) -> bool:
        """Whether the whole 95% interval lies on the side of ``sign``."""
        return self.low > 0 if sign > 0 else self.high < 0


def tail_means(overrides, outcome, scenario="baseline", weeks=52, seeds=SEEDS) -> np.ndarray:
    """Each seed's mean of ``outcome`` over its reported weeks."""
    sc = load_scenario(scenario, {**SMALL, **overrides})
    return np.array([run_scenario(sc, seed=s, weeks=weeks)[outcome].mean() for s in seeds])


def paired(a, b, outcome, **kw) -> Effect:
    """The paired effect of going from overrides ``a`` to ``b`` on ``outcome``."""
    at_a, at_b = tail_means(a, outcome, **kw), tail_means(b, outcome, **kw)
    return effect(at_a, at_b)


def effect(at_a: np.ndarray, at_b: np.ndarray) -> Effect:
    """Paired effect from per-seed values (common random numbers: seed i pairs with seed i)."""
    d = at_b - at_a
    half = stats.t.ppf(0.975, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size)
    size = d.mean() / d.std(ddof=1) if d.std(ddof=1) > 0 else np.inf * np.sign(d.mean())
    return Effect(d.mean(), d.mean() - half, d.mean() + half, size, at_a.mean(), at_b.mean())


def mean_outcome(overrides, outcome, scenario="baseline", weeks=52, seeds=SEEDS):
    """Mean of ``outcome`` over reported weeks and seeds."""
    return float(tail_means(overrides, outcome, scenario, weeks, seeds).mean())


@pytest.fixture
def baseline():
    return load_scenario("baseline")
