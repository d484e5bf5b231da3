"""Per-run functions the runner can execute: the simulation model and a known-answer model.

A run function takes one task (a dict made by :func:`experiments.design.tasks`: run_id,
scenario, seed, weeks, overrides, varied) and returns a weekly table (``week`` + outcome
columns). It must be a module-level function (or a ``functools.partial`` of one) so that
process pools and Dask workers can import it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd


def run_model(task: dict[str, Any]) -> pd.DataFrame:
    """Run the MPG V&O model for one task through :func:`experiments.single.run_scenario`.

    The scenario is rebuilt from the stored overrides, varied values and events (the
    task's ``events``: the run's whole timeline, design fields already put in), so a worker
    needs the package and ``configs/typologies.toml`` but not the scenario's file. Overrides
    named ``level.type.trait`` set typology traits (see :mod:`experiments.traits`), as the
    design did when it computed the run id.
    """
    # Imported here so that the CLI and the Ishigami tests start without loading the model.
    from experiments import traits
    from experiments.config import Scenario, load_typology
    from experiments.single import run_scenario
    from experiments.timeline import split_point
    from sim.events import check_events
    from sim.params import validate

    overrides, _ = split_point({**task["overrides"], **task["varied"]})
    params, trait_values = traits.split(overrides)
    scenario = Scenario(
        name=task["scenario"],
        description="",
        overrides=overrides,
        params=validate(params),
        typology=traits.apply(load_typology(), trait_values),
        weeks=task["weeks"],
        seed=task["seed"],
        events=check_events(task.get("events", ()), task["weeks"]),
    )
    return run_scenario(scenario, task["seed"], task["weeks"])


ISHIGAMI_BOUNDS = (-math.pi, math.pi)
#: Analytic first-order and total Sobol indices of Ishigami with a=7, b=0.1.
ISHIGAMI_S1 = {"x1": 0.3139, "x2": 0.4424, "x3": 0.0}
ISHIGAMI_ST = {"x1": 0.5576, "x2": 0.4424, "x3": 0.2437}


def ishigami(task: dict[str, Any], noise: float = 0.0) -> pd.DataFrame:
    """The Ishigami function (a=7, b=0.1) as a one-week 'run', for known-answer checks.

    Args:
        task: a task whose ``varied`` holds x1, x2, x3 in [-pi, pi].
        noise: standard deviation of seeded Gaussian noise added to the output, to mimic a
            stochastic model whose replications must be averaged.
    """
    x1, x2, x3 = (task["varied"][k] for k in ("x1", "x2", "x3"))
    y = math.sin(x1) + 7.0 * math.sin(x2) ** 2 + 0.1 * x3**4 * math.sin(x1)
    if noise:
        y += noise * np.random.default_rng(task["seed"]).normal()
    return pd.DataFrame({"week": [1], "y": [y]})
