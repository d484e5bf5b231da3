"""Run the model for a number of weeks and record the declared outcomes.

A run first lets the model settle for ``burn_in_weeks`` (a declared parameter) without
recording anything, then records ``weeks`` reported weeks, numbered from 1. Every figure the
tool reports comes from those reported weeks: the start-up transient (everybody signalled at
once, empty caseloads, no stagnation yet) never reaches a table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from sim.events import Event
from sim.measures import OUTCOMES, Outcome
from sim.model import MpgModel
from sim.params import Params
from sim.typology import Typology


def settle(
    params: Params,
    typology: Typology,
    seed: int | np.random.SeedSequence,
    on_week: Callable[[int, int], None] | None = None,
    weeks: int = 0,
) -> MpgModel:
    """Build a model and run it through its burn-in: the state every reported week starts from.

    The settled state depends on the parameters, the typology and the seed only (policy events
    act from reported week 1), so it can be kept and reused by runs that differ in length or
    events (:func:`simulate` with ``settled``).

    Args:
        params: validated parameters (``burn_in_weeks`` among them).
        typology: trait values of the types.
        seed: the run's seed; the model's generator is made from it.
        on_week: called as ``on_week(0, weeks)`` after each burn-in week; it may raise to stop.
        weeks: the reported weeks to come, passed on to ``on_week``.
    """
    model = MpgModel(params, typology, rng=seed)
    for _ in range(params.burn_in_weeks):
        model.step()
        if on_week is not None:
            on_week(0, weeks)
    return model


def simulate(
    params: Params,
    typology: Typology,
    seed: int | np.random.SeedSequence,
    weeks: int,
    outcomes: Iterable[Outcome] | None = None,
    on_week: Callable[[int, int], None] | None = None,
    events: Sequence[Event] = (),
    settled: MpgModel | None = None,
) -> pd.DataFrame:
    """Run one model and return one row per reported week: ``week`` plus one column per outcome.

    Args:
        params: validated parameters (``burn_in_weeks`` among them).
        typology: trait values of the types.
        seed: the run's seed; the model's generator is made from it.
        weeks: number of reported weeks, after the burn-in.
        outcomes: what to record (default: all of :data:`sim.measures.OUTCOMES`).
        on_week: called as ``on_week(week, weeks)`` after each reported week (burn-in weeks
            count as week 0); it may raise to stop.
        events: policy events (:mod:`sim.events`); with events, an ``events`` column names
            those starting (or a pulse ending) in each week.
        settled: the result of :func:`settle` for the same parameters, typology and seed, to
            start from instead of running the burn-in again; it is stepped on (not copied).
    """
    chosen = tuple(outcomes or OUTCOMES.values())
    model = settled if settled is not None else settle(params, typology, seed, on_week, weeks)
    model.schedule(events)
    values = np.empty((weeks, len(chosen)))
    for w in range(weeks):
        model.step()
        values[w] = [o.read(model) for o in chosen]
        if on_week is not None:
            on_week(w + 1, weeks)
    table = pd.DataFrame(values, columns=[o.name for o in chosen])
    table.insert(0, "week", np.arange(1, weeks + 1, dtype=np.int64))
    if events:
        table.insert(1, "events", [model.timeline.labels_at(w) for w in table.week])
    return table
