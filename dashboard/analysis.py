"""Plain computations behind the pages: replication bands, paired differences, coat scores.

Nothing here knows about Dash, so every function is tested directly.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from dashboard.outcomes import BETTER, FIT_CRITERIA, tail_mean
from dashboard.runs import Runner
from dashboard.state import ScenarioState
from experiments.config import load_scenario
from sim.params import TYPES
from sim.typology import LEVELS

TYPE_COLUMNS = [f"{level}_type" for level in LEVELS]
Tick = Callable[[int, int], None]


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


def fit_scores(coats: pd.DataFrame, criteria: Sequence[str] = FIT_CRITERIA) -> pd.DataFrame:
    """Score each coat 0-100: per criterion min-max over the coats (best = 100), then averaged.

    Criteria missing from the table are skipped; a criterion on which all coats are equal
    counts 100 for everyone, so it cannot reorder them. Sorted best first, with ``rank``.
    """
    used = [c for c in criteria if c in coats.columns]
    parts = []
    for c in used:
        v = coats[c].astype(float)
        span = v.max() - v.min()
        norm = (v - v.min()) / span if span > 0 else pd.Series(1.0, index=v.index)
        parts.append(norm if BETTER.get(c, -1) > 0 else 1 - norm if span > 0 else norm)
    out = coats.copy()
    out["score"] = 100 * (sum(parts) / len(parts)) if parts else 0.0
    out["coat"] = [coat_id(r) for _, r in out.iterrows()]
    out = out.sort_values(["score", "coat"], ascending=[False, True]).reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    return out


def run_state(runner: Runner, state: ScenarioState, tick: Tick | None = None, on_wait=None):
    """Run a scenario and its reference (the mix untouched, same seed and length).

    Returns:
        ``(result, reference_key)``; the reference is skipped when it is the scenario itself.
    """
    scenario = state.scenario()
    reference = load_scenario(state.mix)
    same = runner.key(reference, state.seed, state.weeks) == runner.key(
        scenario, state.seed, state.weeks
    )
    result = runner.run(scenario, state.seed, state.weeks, on_week=tick, on_wait=on_wait)
    ref_key = None
    if not same:
        ref_key = runner.run(reference, state.seed, state.weeks).key
    return result, ref_key


def run_replications(
    runner: Runner,
    states: Sequence[ScenarioState],
    reps: int,
    tick: Tick | None = None,
) -> list[list[str]]:
    """Run each state with seeds ``seed .. seed+reps-1``; return the run keys per state."""
    total, done, keys = len(states) * reps, 0, []
    for state in states:
        scenario = state.scenario()
        row = []
        for r in range(reps):
            row.append(runner.run(scenario, state.seed + r, state.weeks).key)
            done += 1
            if tick:
                tick(done, total)
        keys.append(row)
    return keys


def coat_sweep(
    runner: Runner,
    mix: str,
    reps: int,
    weeks: int,
    seed: int = 1,
    tick: Tick | None = None,
) -> pd.DataFrame:
    """Tail means of every outcome for all 81 coats on ``mix`` (``reps`` seeds each), cached."""
    name = f"coats:{mix}:{reps}:{weeks}:{seed}"
    cached = runner.recall(name)
    if cached is not None:
        return cached
    rows, coats = [], all_coats()
    total = len(coats) * reps
    for i, coat in enumerate(coats):
        scenario = load_scenario(mix, coat)
        means = []
        for r in range(reps):
            table = runner.run(scenario, seed + r, weeks).table
            means.append({c: tail_mean(table, c) for c in table.columns if c != "week"})
            if tick:
                tick(i * reps + r + 1, total)
        rows.append({**coat, **pd.DataFrame(means).mean().to_dict(), "n": reps})
    out = pd.DataFrame(rows)
    runner.remember(name, out)
    return out
