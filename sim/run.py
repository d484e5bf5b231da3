"""Run the model for a number of weeks and record the declared outcomes."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from sim.measures import OUTCOMES, Outcome
from sim.model import MpgModel
from sim.params import Params
from sim.typology import Typology


def simulate(
    params: Params,
    typology: Typology,
    seed: int | np.random.SeedSequence,
    weeks: int,
    outcomes: Iterable[Outcome] | None = None,
    on_week: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Run one model and return one row per week: ``week`` plus one column per outcome.

    Args:
        params: validated parameters.
        typology: trait values of the types.
        seed: the run's seed; the model's generator is made from it.
        weeks: number of weeks to simulate.
        outcomes: what to record (default: all of :data:`sim.measures.OUTCOMES`).
        on_week: called as ``on_week(week, weeks)`` after each week; it may raise to stop.
    """
    chosen = tuple(outcomes or OUTCOMES.values())
    model = MpgModel(params, typology, rng=seed)
    values = np.empty((weeks, len(chosen)))
    for w in range(weeks):
        model.step()
        values[w] = [o.read(model) for o in chosen]
        if on_week is not None:
            on_week(w + 1, weeks)
    table = pd.DataFrame(values, columns=[o.name for o in chosen])
    table.insert(0, "week", np.arange(1, weeks + 1, dtype=np.int64))
    return table
