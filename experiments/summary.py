"""A run's value for an outcome: the mean over its last 52 reported weeks (the tail mean).

One rule for every caller - the sweep runner's per-run summaries, ``mpgsim run``, the kwadrant,
validation, calibration, the report and the dashboard: the mean over the last
:data:`TAIL_WEEKS` reported weeks, or over all reported weeks when the run reports fewer. The
model's burn-in is not recorded (``sim.run.simulate`` runs it before week 1), so the weekly
table holds reported weeks only and no second warm-up rule is needed here.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

#: A run's value for an outcome is its mean over the last this-many reported weeks.
TAIL_WEEKS = 52
#: Weeks in a year: drift is reported a year.
WEEKS_A_YEAR = 52
#: Columns of a weekly table that are not outcomes.
NOT_OUTCOMES = frozenset({"run_id", "seed", "week"})


def tail(weekly: pd.DataFrame, weeks: int = TAIL_WEEKS) -> pd.DataFrame:
    """The rows of the last ``weeks`` reported weeks of one run (all rows when fewer)."""
    return weekly[weekly["week"] > weekly["week"].max() - weeks] if len(weekly) else weekly


def tail_means(
    weekly: pd.DataFrame, outcomes: Sequence[str] | None = None, weeks: int = TAIL_WEEKS
) -> pd.Series:
    """Tail mean of each outcome of one run's weekly table.

    Args:
        weekly: one run's weekly rows (a ``week`` column plus outcome columns).
        outcomes: the columns to average; default every numeric column but run_id, seed, week.
        weeks: the tail length; :data:`TAIL_WEEKS` unless a test needs another.
    """
    last = tail(weekly, weeks)
    chosen = list(outcomes) if outcomes is not None else numeric_outcome_columns(weekly)
    return last[chosen].mean()


def tail_mean(weekly: pd.DataFrame, outcome: str, weeks: int = TAIL_WEEKS) -> float:
    """Tail mean of one outcome of one run; NaN when the table is empty or lacks it."""
    if outcome not in weekly.columns or weekly.empty:
        return float("nan")
    return float(tail_means(weekly, [outcome], weeks).iloc[0])


def drift_a_year(weekly: pd.DataFrame, outcome: str) -> float:
    """One run's least-squares slope of ``outcome`` over its reported weeks, a year.

    The same slope as :func:`experiments.validation.run_drift` computes in the store (DuckDB's
    ``regr_slope``), for one weekly table in memory. NaN with fewer than two weeks.
    """
    if outcome not in weekly.columns:
        return float("nan")
    rows = weekly[["week", outcome]].dropna()
    if len(rows) < 2:
        return float("nan")
    week = rows["week"].to_numpy(dtype=float)
    value = rows[outcome].to_numpy(dtype=float)
    dw = week - week.mean()
    return float((dw * (value - value.mean())).sum() / (dw * dw).sum() * WEEKS_A_YEAR)


def tail_means_by_run(
    weekly: pd.DataFrame, outcomes: Sequence[str] | None = None, weeks: int = TAIL_WEEKS
) -> pd.DataFrame:
    """Tail means of many runs' weekly rows (a ``run_id`` column): one row per run id."""
    chosen = list(outcomes) if outcomes is not None else numeric_outcome_columns(weekly)
    last_week = weekly.groupby("run_id")["week"].transform("max")
    last = weekly[weekly["week"] > last_week - weeks]
    return last.groupby("run_id", sort=True)[chosen].mean().reset_index()


def numeric_outcome_columns(weekly: pd.DataFrame) -> list[str]:
    """The numeric columns of a weekly table that are outcomes (not run_id, seed or week)."""
    numeric = weekly.select_dtypes("number").columns
    return [c for c in numeric if c not in NOT_OUTCOMES]


def tail_sql(weeks: int = TAIL_WEEKS) -> str:
    """A DuckDB ``QUALIFY`` clause keeping the tail of every run in a query over weekly rows."""
    return f"QUALIFY week > max(week) OVER (PARTITION BY run_id) - {int(weeks)}"


#: Quantiles of a fan chart: median, 50% and 90% bands.
FAN_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def quantiles_over_time(
    weekly: pd.DataFrame, outcome: str, groups: dict[str, Sequence[str]]
) -> pd.DataFrame:
    """Per group of runs and week: the quantiles of ``outcome`` across the group's runs.

    Args:
        weekly: weekly rows of many runs (``run_id``, ``week``, ``outcome``).
        outcome: the column to summarise.
        groups: label -> run ids (the replications of one coat or design point).

    Returns:
        Columns ``group``, ``week``, ``n`` (runs that week) and ``q05`` ... ``q95``.
    """
    frames = []
    for label, ids in groups.items():
        rows = weekly[weekly["run_id"].isin(list(ids))]
        by_week = rows.groupby("week")[outcome]
        table = by_week.quantile(list(FAN_QUANTILES)).unstack()
        table.columns = _fan_columns()
        table.insert(0, "n", by_week.count())
        frames.append(table.reset_index().assign(group=label))
    if not frames:
        return pd.DataFrame(columns=["group", "week", "n", *_fan_columns()])
    out = pd.concat(frames, ignore_index=True)
    return out[["group", "week", "n", *_fan_columns()]]


def _fan_columns() -> list[str]:
    return [f"q{round(q * 100):02d}" for q in FAN_QUANTILES]
