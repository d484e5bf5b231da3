import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from experiments.config import load_scenario
from experiments.kwadrant import kwadrant_design
from experiments.store import Store
from tests.sim.conftest import Effect, effect

SMALL = {"families_per_region": 200, "municipalities_per_region": 3}


@pytest.fixture
def small_scenario():
    return load_scenario("baseline", SMALL)


@pytest.fixture
def kw_design(small_scenario):
    """81 cells x 2 reps of a small scenario, 8 weeks."""
    return kwadrant_design([small_scenario], reps=2, weeks=8, root_seed=11)


def sweep_grid(out: Path, params: list[str], reps: int, weeks: int = 104) -> pd.DataFrame:
    """``mpgsim sweep grid --param P ... --reps R --weeks W --workers 2`` as a user runs it.

    Returns the per-run summaries (tail means) of the results store it wrote to ``out``.
    """
    cmd = [sys.executable, "-c", "from dashboard.cli import main; main()", "sweep", "grid"]
    for p in params:
        cmd += ["--param", p]
    cmd += ["--reps", str(reps), "--weeks", str(weeks), "--workers", "2", "--out", str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr
    return Store(out).runs()


def paired_by_seed(a: pd.Series, b: pd.Series, n: int) -> Effect:
    """The paired effect b - a of two series indexed by seed (all ``n`` seeds in both)."""
    both = pd.concat([a.rename("a"), b.rename("b")], axis=1, join="inner").dropna()
    assert len(both) == n, f"{len(both)} paired seeds, expected {n}"
    return effect(both.a.to_numpy(), both.b.to_numpy())
