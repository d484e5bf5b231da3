"""Plain computations behind the pages: the runs a page needs, bands, paired differences, scores.

Nothing here knows about Dash, so every function is tested directly. Runs are described as
:class:`~dashboard.jobs.Task` lists for the job pool, which runs them in parallel; the
functions here only plan them and read their results back from the run cache.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from dashboard.jobs import Task
from dashboard.runs import Runner
from dashboard.state import ScenarioState, default_state
from experiments import score
from experiments.kwadrant import paired_gaps
from experiments.score import FIT_CRITERIA
from experiments.summary import drift_a_year, numeric_outcome_columns, tail_mean, tail_means
from experiments.validation import drift_over_runs
from sim.params import TYPES
from sim.typology import LEVELS

TYPE_COLUMNS = [f"{level}_type" for level in LEVELS]


def all_coats() -> list[dict[str, str]]:
    """The 81 coats, each as ``{"professional_type": ..., ...}``."""
    return [
        dict(zip(TYPE_COLUMNS, combo, strict=True))
        for combo in itertools.product(TYPES, repeat=len(LEVELS))
    ]


def coat_id(coat: Mapping[str, str]) -> str:
    """A compact, stable id of a coat, e.g. ``vasthoudend|balancerend|...``."""
    return "|".join(coat[c] for c in TYPE_COLUMNS)


def coat_distance(a: Mapping[str, str], b: Mapping[str, str]) -> int:
    """Number of quadrants (0-4) in which two coats differ."""
    return sum(a[c] != b[c] for c in TYPE_COLUMNS)


def task_of(state: ScenarioState, seed: int | None = None) -> Task:
    """The run of ``state`` (with another seed when given)."""
    overrides = tuple(sorted(state.overrides().items()))
    seed = state.seed if seed is None else seed
    return Task(state.mix, overrides, seed, state.weeks, state.event_specs())


def state_tasks(state: ScenarioState) -> list[Task]:
    """The scenario and its reference: the mix untouched, same seed and length.

    The reference has no events either: with events alone changed, it is the same run without
    them, identical up to the first event's week (a clean paired comparison).
    """
    reference = default_state(state.mix)
    ref = Task(state.mix, (), state.seed, state.weeks)
    mine = task_of(state)
    same = state.overrides() == reference.overrides() and state.events == reference.events
    return [mine] if same else [mine, ref]


def cached_keys(runner: Runner, state: ScenarioState) -> list[str] | None:
    """The run keys of ``state`` and its reference when all are cached, else None."""
    keys = [runner.key(task.scenario(), task.seed, task.weeks) for task in state_tasks(state)]
    return keys if all(runner.has(k) for k in keys) else None


def run_record(state: ScenarioState, keys: Sequence[str]) -> dict:
    """What a page keeps about a finished run: its key, its reference's, mix, coat and seed."""
    return {
        "key": keys[0],
        "ref": keys[1] if len(keys) > 1 else None,
        "mix": state.mix,
        "types": dict(state.types),
        "seed": state.seed,
        "events": [e.to_dict() for e in state.events],
    }


def replication_tasks(states: Sequence[ScenarioState], reps: int) -> list[Task]:
    """Each state with seeds ``seed .. seed+reps-1``, state by state."""
    return [task_of(s, s.seed + r) for s in states for r in range(reps)]


#: Seeds the Scenario page's spread is taken over: the run shown and the next four.
SPREAD_SEEDS = 5


def spread_tasks(state: ScenarioState) -> list[Task]:
    """The runs of ``state``'s spread: its own seed first, then the next ones."""
    return replication_tasks([state], SPREAD_SEEDS)


def seed_spread(tables: Sequence[pd.DataFrame], names: Sequence[str]) -> pd.DataFrame:
    """Per outcome: the first run's tail mean, the lowest and highest, and the drift a year.

    The runs differ only in their seed, so the range is what chance alone does to a figure
    (the tail mean over the reported weeks, as everywhere else). The drift is the runs' mean
    slope a year over the reported weeks as a share of the mean, with its 95% interval
    (:func:`experiments.validation.drift_over_runs`): ``moving`` marks an outcome these runs
    clearly have not settled on, so its figure is a snapshot of a moving series.
    """
    rows = []
    for name in names:
        values = [tail_mean(table, name) for table in tables]
        drift = drift_over_runs(name, [drift_a_year(t, name) for t in tables], values)
        rows.append(
            {
                "outcome": name,
                "run": values[0],
                "low": min(values),
                "high": max(values),
                "drift": drift["drift_share"],
                "drift_low": drift["share_low"],
                "drift_high": drift["share_high"],
                "moving": drift["drifting"],
            }
        )
    columns = ["outcome", "run", "low", "high", "drift", "drift_low", "drift_high", "moving"]
    return pd.DataFrame(rows, columns=columns)


def coat_tasks(mix: str, reps: int, weeks: int, seed: int = 1) -> list[Task]:
    """All 81 coats of ``mix``, ``reps`` seeds each; replication r of every coat shares a seed."""
    return [
        Task(mix, tuple(sorted(coat.items())), seed + r, weeks)
        for coat in all_coats()
        for r in range(reps)
    ]


def coat_runs(runner: Runner, tasks: Sequence[Task], keys: Sequence[str]) -> pd.DataFrame:
    """One row per run of a coat sweep: the coat, ``replication`` and every tail mean."""
    rows = []
    first_seed = min(task.seed for task in tasks)
    for task, key in zip(tasks, keys, strict=True):
        table = runner.get(key)
        if table is None:
            return pd.DataFrame()
        # every outcome in one pass: per column, 243 runs x 60 outcomes took seconds
        means = tail_means(table, numeric_outcome_columns(table)).to_dict()
        rows.append({**dict(task.overrides), "replication": task.seed - first_seed, **means})
    return pd.DataFrame(rows)


def coat_means(runs: pd.DataFrame) -> pd.DataFrame:
    """Mean of every outcome per coat, with the replication count ``n``."""
    grouped = runs.groupby(TYPE_COLUMNS)
    numeric = [c for c in runs.select_dtypes("number").columns if c != "replication"]
    return grouped[numeric].mean().join(grouped.size().rename("n")).reset_index()


def replicate_stats(tables: Sequence[pd.DataFrame], outcome: str) -> pd.DataFrame:
    """Per week: mean, 10th and 90th percentile of ``outcome`` over replications."""
    wide = pd.concat([t.set_index("week")[outcome] for t in tables], axis=1)
    return pd.DataFrame(
        {
            "week": wide.index,
            "mean": wide.mean(axis=1).to_numpy(),
            "lo": wide.quantile(0.1, axis=1).to_numpy(),
            "hi": wide.quantile(0.9, axis=1).to_numpy(),
        }
    ).reset_index(drop=True)


def paired_diff(
    tables_b: Sequence[pd.DataFrame], tables_a: Sequence[pd.DataFrame], outcome: str
) -> pd.DataFrame:
    """B − A per seed (common random numbers), summarised like :func:`replicate_stats`."""
    diffs = []
    for b, a in zip(tables_b, tables_a, strict=True):
        d = b[["week", outcome]].merge(a[["week", outcome]], on="week", suffixes=("_b", "_a"))
        diffs.append(
            pd.DataFrame({"week": d["week"], outcome: d[f"{outcome}_b"] - d[f"{outcome}_a"]})
        )
    return replicate_stats(diffs, outcome)


def fit_scores(
    coats: pd.DataFrame,
    criteria: Sequence[str] = FIT_CRITERIA,
    runs: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Score each coat 0-100 and rank them; with ``runs``, mark the coats tied with the best.

    Per criterion the coats' means are set on a scale from 0 (worst coat) to 100 (best), and
    the scores averaged. Criteria missing from the table, or without a better direction, are
    skipped; a criterion on which all coats are equal counts 100 for everyone. With per-run
    rows (``replication`` r of every coat shares its seed), each run gets the same score, and
    a coat is *tied* with the best when its paired difference lies within the 95% interval.

    Returns:
        The coats best first, with ``score``, ``rank``, ``coat`` and (with runs) ``gap``,
        ``gap_ci95`` and ``tied``.
    """
    used = score.criteria(coats.columns, criteria)
    limits = score.bounds(coats, used)
    out = coats.copy()
    out["score"] = score.criterion_scores(coats, limits, used)
    out["coat"] = [coat_id(r) for _, r in out.iterrows()]
    out = out.sort_values(["score", "coat"], ascending=[False, True]).reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    if runs is not None and not runs.empty and "replication" in runs.columns:
        per_run = runs.assign(score=score.criterion_scores(runs, limits, used))
        gap, ci = paired_gaps(per_run, "score", out.iloc[0])
        index = pd.MultiIndex.from_frame(out[TYPE_COLUMNS])
        out["gap"] = gap.reindex(index).to_numpy()
        out["gap_ci95"] = ci.reindex(index).to_numpy()
        out["tied"] = (out["gap"].abs() <= out["gap_ci95"]).fillna(False) | (out["rank"] == 1)
    return out
