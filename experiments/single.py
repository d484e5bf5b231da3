"""One run of one scenario: the seam every experiment and the dashboard goes through."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from experiments.config import Scenario
from experiments.ids import run_id
from experiments.tables import label
from sim.events import Event
from sim.run import simulate
from sim.typology import Typology, load_typology

if TYPE_CHECKING:
    from experiments.warm import SettledStore

LEADING = ("run_id", "seed", "week")


def run_scenario(
    scenario: Scenario,
    seed: int,
    weeks: int | None = None,
    on_week: Callable[[int, int], None] | None = None,
    store: SettledStore | None = None,
) -> pd.DataFrame:
    """Run ``scenario`` once and return its weekly outcomes (columns ``week`` + outcomes).

    With events, the table has an ``events`` column naming the events of each week.

    Args:
        scenario: a validated scenario (its ``events`` included).
        seed: the run's seed; the same seed gives the same table.
        weeks: run length; the scenario's own when None.
        on_week: called as ``on_week(week, weeks)`` after every week (progress bars, cancel).
        store: where settled models are kept (:mod:`experiments.warm`): the burn-in is loaded
            from it when this scenario and seed were settled before, and kept otherwise. The
            table is the same either way.

    Raises:
        ConfigError: an event that does not fit in a run of ``weeks`` (checked before running).
    """
    weeks = weeks or scenario.weeks
    if scenario.events:
        scenario = scenario.with_events(weeks=weeks)
    settled = None
    if store is not None:
        settled = store.settled(scenario.params, scenario.typology, seed, on_week, weeks)
    return simulate(
        scenario.params,
        scenario.typology,
        seed=seed,
        weeks=weeks,
        on_week=on_week,
        events=scenario.events,
        settled=settled,
    )


def tidy(
    weekly: pd.DataFrame,
    params: Mapping[str, Any],
    seed: int,
    weeks: int,
    varied: Mapping[str, Any] | None = None,
    typology: Typology | None = None,
    events: Sequence[Event] = (),
) -> pd.DataFrame:
    """Put a run's weekly table in the house format: run_id, seed, week, <varied>, <outcomes>.

    ``typology`` (default: the model's default typology) and ``events`` are the ones the run
    used; both are part of the run id (see :mod:`experiments.ids`).
    """
    rid = run_id(params, typology or load_typology(), seed, weeks, events)
    return label(weekly, rid, seed, varied)
