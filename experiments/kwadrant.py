"""The kwadrant: the 3x3x3x3 full factorial over the four type levels (the coat, "de jas").

Each run's value for an outcome is its tail mean (see :mod:`experiments.summary`). Per cell we
report the mean over the replications with a 95% t-interval. The best-fitting coat per outcome
and scenario (family profile) is the cell with the best mean in the direction the outcome
declares (``sim.measures.OUTCOMES[name].better``); outcomes without a better direction (counts,
shares of a policy) get no best coat. "How sure" compares its lead over the runner-up with
the 95% interval of the paired difference (replication r of both cells shares its seed, so
the difference is paired). This is a best-versus-runner-up check, not a correction for the
80 comparisons the best cell won. ``tied`` counts the coats (the best included) whose paired
difference from the best lies within its 95% interval: the coats that fit about as well, which
is how a workshop should read the result when the best is not sure.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from experiments.config import Scenario
from experiments.design import build_design
from experiments.stats import half_width, point_stats
from sim.measures import OUTCOMES
from sim.params import TYPES
from sim.typology import LEVELS

FACTORS = tuple(f"{level}_type" for level in LEVELS)
#: Outcomes printed per cell: stagnation, escalation, caseload, handelingsverlegenheid, cost.
KEY_OUTCOMES = (
    "stagnation_rate",
    "incidents_per_family_year",
    "share_dwang",
    "caseload_mean",
    "hv_prevalence",
    "cost_per_household_year",
)
#: Short column headers for printing.
SHORT = {
    "stagnation_rate": "stagnation",
    "incidents_per_family_year": "incidents/yr",
    "share_dwang": "dwang",
    "caseload_mean": "caseload",
    "hv_prevalence": "hv",
    "cost_per_household_year": "cost/hh/yr",
    "trust_mean": "trust",
    "recovered_share": "recovered",
    "fit_score": "fit",
}


def cells() -> list[dict[str, str]]:
    """The 81 coats, as parameter overrides, in a fixed order."""
    return [dict(zip(FACTORS, combo, strict=True)) for combo in itertools.product(TYPES, repeat=4)]


def kwadrant_design(
    scenarios: Sequence[Scenario], reps: int, weeks: int, root_seed: int
) -> pd.DataFrame:
    """Plan ``reps`` replications of each of the 81 coats for each scenario."""
    return build_design("kwadrant", cells(), reps, root_seed, weeks, scenarios)


def better(outcome: str) -> str | None:
    """Which direction of ``outcome`` is better: "higher", "lower" or None (as declared)."""
    declared = OUTCOMES.get(outcome)
    return declared.better if declared else None


def cell_stats(runs: pd.DataFrame, outcomes: Sequence[str]) -> pd.DataFrame:
    """Per scenario, cell and outcome: n, mean, sd and 95% CI half-width over replications."""
    return point_stats(runs, ["scenario", *FACTORS], outcomes)


def best_coats(runs: pd.DataFrame, outcomes: Sequence[str]) -> pd.DataFrame:
    """Best and runner-up coat per scenario and outcome, the lead with its paired CI, ties.

    Only outcomes with a declared better direction are ranked. With one replication the
    paired CIs cannot be measured: ``lead_ci95`` is NaN, ``sure`` False and ``tied`` missing.
    """
    directed = [o for o in outcomes if better(o)]
    table = cell_stats(runs, directed)
    rows = []
    for (scenario, outcome), group in table.groupby(["scenario", "outcome"], sort=True):
        ranked = group.sort_values("mean", ascending=better(outcome) == "lower", kind="stable")
        if len(ranked) < 2 or ranked["mean"].isna().all():
            continue
        best, second = ranked.iloc[0], ranked.iloc[1]
        gap, gap_ci = paired_gaps(runs[runs.scenario == scenario], outcome, best)
        lead, lead_ci = abs(best["mean"] - second["mean"]), gap_ci.get(_key(second), np.nan)
        rows.append(
            {
                "scenario": scenario,
                "outcome": outcome,
                "better": better(outcome),
                **{f: best[f] for f in FACTORS},
                "mean": best["mean"],
                "ci95": best["ci95"],
                "runner_up": coat_label(second),
                "runner_up_mean": second["mean"],
                "runner_up_ci95": second["ci95"],
                "lead": lead,
                "lead_ci95": lead_ci,
                "sure": bool(lead > lead_ci) if np.isfinite(lead_ci) else False,
                "tied": int((gap.abs() <= gap_ci).sum()) if gap_ci.notna().any() else pd.NA,
            }
        )
    out = pd.DataFrame(rows)
    if not out.empty:
        out["tied"] = out["tied"].astype("Int64")
    return out


def paired_gaps(runs: pd.DataFrame, outcome: str, best) -> tuple[pd.Series, pd.Series]:
    """Every coat's mean paired difference from ``best`` and its 95% CI half-width.

    Replication r of every cell shares its seed, so differences are taken per replication.
    Both series are indexed by the four factor columns; the best's own gap is 0 with CI 0.
    """
    values = runs.pivot_table(index=list(FACTORS), columns="replication", values=outcome)
    diff = values - values.loc[_key(best)]
    n = diff.notna().sum(axis=1)
    return diff.mean(axis=1), half_width(diff.std(axis=1), n)


def _key(cell) -> tuple:
    return tuple(cell[f] for f in FACTORS)


def coat_label(cell, short: bool = False) -> str:
    """Label of a coat: professional/organisation/region/climate type (``short``: V/B/I)."""
    return "/".join(str(cell[f])[0].upper() if short else str(cell[f]) for f in FACTORS)
