"""One run of one scenario: the seam every experiment and the dashboard goes through."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from experiments.config import Scenario
from experiments.ids import run_id
from experiments.tables import label
from sim.run import simulate
from sim.typology import Typology, load_typology

LEADING = ("run_id", "seed", "week")


def run_scenario(
    scenario: Scenario,
    seed: int,
    weeks: int | None = None,
    on_week: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Run ``scenario`` once and return its weekly outcomes (columns ``week`` + outcomes).

    Args:
        scenario: a validated scenario.
        seed: the run's seed; the same seed gives the same table.
        weeks: run length; the scenario's own when None.
        on_week: called as ``on_week(week, weeks)`` after every week (progress bars, cancel).
    """
    return simulate(
        scenario.params,
        scenario.typology,
        seed=seed,
        weeks=weeks or scenario.weeks,
        on_week=on_week,
    )


def tidy(
    weekly: pd.DataFrame,
    params: Mapping[str, Any],
    seed: int,
    weeks: int,
    varied: Mapping[str, Any] | None = None,
    typology: Typology | None = None,
) -> pd.DataFrame:
    """Put a run's weekly table in the house format: run_id, seed, week, <varied>, <outcomes>.

    ``typology`` is the one the run used (default: the model's default typology); it is part
    of the run id (see :mod:`experiments.ids`).
    """
    rid = run_id(params, typology or load_typology(), seed, weeks)
    return label(weekly, rid, seed, varied)
