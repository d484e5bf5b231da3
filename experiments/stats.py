"""Means over replications with 95% t-intervals: one definition for every design."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats


def half_width(sd: pd.Series, n: pd.Series) -> pd.Series:
    """Half-width of the 95% t-interval of a mean of ``n`` values, s.d. ``sd``; NaN if n < 2."""
    dof = (n - 1).where(n > 1)
    return stats.t.ppf(0.975, dof) * sd / np.sqrt(n)


def point_stats(runs: pd.DataFrame, by: Sequence[str], outcomes: Sequence[str]) -> pd.DataFrame:
    """Per group of ``by`` and outcome: n, mean, sd and ci95 over the runs (replications).

    Returns:
        Long table with the ``by`` columns, ``outcome``, ``n``, ``mean``, ``sd``, ``ci95``,
        sorted by scenario-first group keys and outcome.
    """
    long = runs.melt(
        id_vars=list(by), value_vars=list(outcomes), var_name="outcome", value_name="value"
    )
    keys = [by[0], "outcome", *by[1:]] if by else ["outcome"]
    grouped = long.groupby(keys, sort=True, dropna=False)["value"]
    out = grouped.agg(n="count", mean="mean", sd="std").reset_index()
    out["ci95"] = half_width(out["sd"], out["n"])
    return out
