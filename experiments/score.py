"""The workshop's combined score of a coat: one definition for the dashboard and ``robust``.

Per criterion the coats' means are set on a scale from 0 (the worst coat) to 100 (the best),
in the direction ``sim.measures`` declares, and the scale values are averaged. The score is
relative to the coats compared: 100 is "best on every criterion among these coats". A
criterion on which all coats are equal counts 100 for everyone.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from sim.measures import OUTCOMES

#: Criteria of the workshop's "best-fitting coat" score.
FIT_CRITERIA = (
    "recovered_share",
    "stagnation_rate",
    "incidents_per_family_year",
    "trust_mean",
    "cost_per_household_year",
)
#: The name ``mpgsim robust --outcome`` uses for the combined score.
SCORE = "score"


def criteria(columns: Sequence[str], chosen: Sequence[str] = FIT_CRITERIA) -> list[str]:
    """The criteria of ``chosen`` that a table has and that have a better direction."""
    return [c for c in chosen if c in columns and c in OUTCOMES and OUTCOMES[c].sign]


def bounds(coat_means: pd.DataFrame, used: Sequence[str]) -> pd.DataFrame:
    """Worst and best coat mean per criterion (rows ``min`` and ``max``)."""
    return coat_means[list(used)].agg(["min", "max"])


def criterion_scores(values: pd.DataFrame, limits: pd.DataFrame, used: Sequence[str]) -> pd.Series:
    """Score 0-100 of each row: per criterion 0 (worst coat) to 100 (best coat), averaged.

    Args:
        values: rows to score (coat means, or single runs scored on the coats' scale).
        limits: the coats' ``min`` and ``max`` per criterion (see :func:`bounds`).
        used: the criteria.
    """
    parts = []
    for c in used:
        low, high = limits.loc["min", c], limits.loc["max", c]
        span = high - low
        if span <= 0:
            parts.append(pd.Series(1.0, index=values.index))
            continue
        norm = (values[c].astype(float) - low) / span
        parts.append(norm if OUTCOMES[c].sign > 0 else 1 - norm)
    return 100 * sum(parts) / len(parts) if parts else pd.Series(0.0, index=values.index)
