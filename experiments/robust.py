"""Robust best coats: how sure is the best coat across plausible worlds?

For each family profile, each world (one reading of the uncertain inputs, see
:mod:`experiments.uncertainty`) and each of the 81 coats, ``reps`` runs with common random
numbers: replication r uses the same seed for every coat in every world, so coats are compared
paired. A coat's value in a world is the mean over its replications of the run values: an
outcome's tail mean (:mod:`experiments.summary`), or the workshop's combined score
(:mod:`experiments.score`) computed within the world, on the scale of that world's 81 coats.

Per world the *best* coat has the best value in the outcome's declared direction
(``sim.measures``). A coat's *regret* in a world is how far it falls short of that world's best,
in the better direction (0 for the best, never negative; Savage1951). Per profile and coat:

- ``p_best``: the share of worlds where the coat is best. When k coats share the best value
  exactly, each gets 1/k of that world, so ``p_best`` sums to 1 over a profile's coats and
  ``ties`` counts the worlds with a shared best.
- ``p_within_ci``: the share of worlds where the coat's paired difference from the best lies
  within its 95% interval (the coat cannot be told apart from the best; NaN with 1 replication).
- ``regret_median``, ``regret_p90``, ``regret_max``: the regret distribution over worlds.
- ``p_satisficing``: the share of worlds where the regret is at most the tolerance (Simon1956):
  ``tolerance`` times the size of the world's best value, or ``tolerance`` x 100 score points.

The most robust coat under *minimax regret* has the smallest worst regret: it guards against
the worst reading. Under *satisficing* it is the coat that most often stays within the
tolerance of the best (ties: the smaller median regret). They differ when a coat is good
enough in most readings but far off in a few (satisficing picks it, minimax does not), or when
a coat is never far off yet rarely close (minimax picks it). Lempert2003 and Kwakkel2017 describe
both criteria; :func:`choose` explains the difference with the numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from experiments import kwadrant, score, uncertainty
from experiments.config import Scenario
from experiments.design import build_design
from experiments.stats import half_width
from sim.errors import ConfigError
from sim.measures import OUTCOMES

FACTORS = kwadrant.FACTORS
COATS = kwadrant.cells()
DEFAULT_TOLERANCE = 0.05
#: Columns every ``robust`` table has, per profile and coat.
ROBUST_COLUMNS = (
    "scenario",
    "coat",
    *FACTORS,
    "worlds",
    "mean",
    "p_best",
    "ties",
    "p_within_ci",
    "p_satisficing",
    "regret_median",
    "regret_p90",
    "regret_max",
)


def check_outcome(outcome: str) -> str:
    """Return ``outcome`` if it is the combined score or an outcome with a better direction.

    Raises:
        ConfigError: an unknown outcome, or one without a better direction.
    """
    if outcome == score.SCORE:
        return outcome
    declared = OUTCOMES.get(outcome)
    if declared is None or not declared.better:
        directed = sorted(n for n, o in OUTCOMES.items() if o.better)
        raise ConfigError(
            "--outcome",
            outcome,
            f"allowed: {score.SCORE} (the workshop's combined score) or an outcome with a "
            f"better direction: {', '.join(directed)}",
        )
    return outcome


def check_tolerance(tolerance: float) -> float:
    """Return ``tolerance`` if it lies in (0, 1], else raise ConfigError."""
    if not 0 < tolerance <= 1:
        raise ConfigError("--tolerance", tolerance, "allowed: a number above 0 and at most 1")
    return float(tolerance)


def better(outcome: str) -> str:
    """Direction of ``outcome``: "higher" for the combined score, else as declared."""
    return "higher" if outcome == score.SCORE else OUTCOMES[outcome].better


# --- the design -------------------------------------------------------------------------------


def robust_design(
    scenarios: Sequence[Scenario],
    worlds: pd.DataFrame,
    factors: Sequence[uncertainty.Factor],
    reps: int,
    weeks: int,
    seed: int,
) -> pd.DataFrame:
    """Plan every profile x world x coat x replication; ``sample_row`` = world x 81 + coat.

    Each world is the profile's scenario with the world's values of the factors the profile
    does not set itself; the 81 coats then override the four types. The seeds are the same in
    every world and coat (common random numbers).
    """
    frames = []
    for scenario in scenarios:
        varied = uncertainty.for_scenario(factors, scenario.overrides)
        for row in worlds.to_dict("records"):
            world = scenario.with_overrides(uncertainty.world_overrides(row, varied))
            design = build_design("robust", COATS, reps, seed, weeks, [world])
            design["sample_row"] += int(row["world"]) * len(COATS)
            frames.append(design)
    return pd.concat(frames, ignore_index=True)


def world_of(sample_row: pd.Series) -> pd.Series:
    """The world of a robust design's sample rows."""
    return sample_row // len(COATS)


# --- the analysis -----------------------------------------------------------------------------


def run_values(runs: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """One value per run: columns scenario, world, coat, the four types, replication, value.

    For the combined score each world's runs are scored on the scale of that world's coat
    means (as the workshop scores one sweep).
    """
    table = runs[["scenario", "sample_row", "replication", *FACTORS]].copy()
    table["world"] = world_of(table["sample_row"])
    table["coat"] = [
        kwadrant.coat_label(r, short=True) for r in table[list(FACTORS)].to_dict("records")
    ]
    if outcome != score.SCORE:
        table["value"] = runs[outcome].to_numpy(dtype=float)
        return table.drop(columns="sample_row")
    used = score.criteria(runs.columns)
    values = pd.Series(np.nan, index=runs.index)
    for _, group in runs.groupby(["scenario", world_of(runs["sample_row"])]):
        means = group.groupby(list(FACTORS))[used].mean()
        values.loc[group.index] = score.criterion_scores(group, score.bounds(means, used), used)
    table["value"] = values.to_numpy()
    return table.drop(columns="sample_row")


def regrets(values: pd.DataFrame, outcome: str, tolerance: float) -> pd.DataFrame:
    """Per profile, world and coat: mean value, regret, best credit, within-CI and satisficing.

    Args:
        values: :func:`run_values`.
        outcome: the outcome or ``score`` (for the direction and the tolerance's scale).
        tolerance: see the module docstring.
    """
    frames = [
        _world_regrets(group, outcome, tolerance)
        for _, group in values.groupby(["scenario", "world"], sort=True)
    ]
    return pd.concat(frames, ignore_index=True)


def _world_regrets(group: pd.DataFrame, outcome: str, tolerance: float) -> pd.DataFrame:
    sign = 1.0 if better(outcome) == "higher" else -1.0
    wide = group.pivot_table(index="coat", columns="replication", values="value")
    mean = wide.mean(axis=1)
    best_value = mean.max() if sign > 0 else mean.min()
    regret = (sign * (best_value - mean)).clip(lower=0.0)
    is_best = np.isclose(mean, best_value, rtol=1e-12, atol=1e-12)
    out = pd.DataFrame({"coat": mean.index, "mean": mean.to_numpy(), "regret": regret.to_numpy()})
    out["best"] = is_best
    out["credit"] = is_best / is_best.sum()
    out["within_ci"] = _within_ci(wide, mean.idxmax() if sign > 0 else mean.idxmin())
    scale = 100.0 if outcome == score.SCORE else abs(best_value)
    out["satisficing"] = out["regret"] <= tolerance * scale + 1e-12
    types = group.drop_duplicates("coat").set_index("coat")[list(FACTORS)]
    out = out.join(types, on="coat")
    first = group.iloc[0]
    return out.assign(scenario=first["scenario"], world=int(first["world"]))


def _within_ci(wide: pd.DataFrame, best: str) -> np.ndarray:
    """Whether each coat's paired difference from ``best`` lies within its 95% interval."""
    diff = wide.sub(wide.loc[best], axis=1)
    n = diff.notna().sum(axis=1)
    if n.max() < 2:
        return np.full(len(wide), np.nan)
    ci = half_width(diff.std(axis=1), n)
    return ((diff.mean(axis=1).abs() <= ci) | (diff.index == best)).to_numpy(dtype=float)


def summarise(table: pd.DataFrame) -> pd.DataFrame:
    """Per profile and coat: the :data:`ROBUST_COLUMNS` (see the module docstring)."""
    grouped = table.groupby(["scenario", "coat", *FACTORS], sort=True)
    out = grouped.agg(
        worlds=("world", "nunique"),
        mean=("mean", "mean"),
        p_best=("credit", "mean"),
        p_within_ci=("within_ci", "mean"),
        p_satisficing=("satisficing", "mean"),
        regret_median=("regret", "median"),
        regret_p90=("regret", lambda r: float(np.quantile(r, 0.9))),
        regret_max=("regret", "max"),
    ).reset_index()
    shared = table[table["best"]].groupby(["scenario", "world"]).size()
    tied_worlds = (shared > 1).groupby(level="scenario").sum()
    out["ties"] = out["scenario"].map(tied_worlds).fillna(0).astype(int)
    return out[list(ROBUST_COLUMNS)].sort_values(
        ["scenario", "p_best", "regret_median"], ascending=[True, False, True], ignore_index=True
    )


def choose(summary: pd.DataFrame, outcome: str, tolerance: float) -> pd.DataFrame:
    """Per profile: the most-often-best coat, the minimax-regret and the satisficing coat.

    Returns:
        One row per profile with the three coats, their figures and an explanation of the
        difference between the two robustness criteria in English (``why_en``) and Dutch
        (``why_nl``).
    """
    rows = []
    for scenario, group in summary.groupby("scenario", sort=True):
        often = group.sort_values(["p_best", "regret_median"], ascending=[False, True]).iloc[0]
        minimax = group.sort_values(["regret_max", "regret_median"]).iloc[0]
        satis = group.sort_values(["p_satisficing", "regret_median"], ascending=[False, True])
        satis = satis.iloc[0]
        en, nl = explain(minimax, satis, outcome, tolerance)
        rows.append(
            {
                "scenario": scenario,
                "outcome": outcome,
                "tolerance": tolerance,
                "worlds": int(group["worlds"].max()),
                "most_often_best": often["coat"],
                "most_often_best_p": often["p_best"],
                "minimax": minimax["coat"],
                "minimax_regret_max": minimax["regret_max"],
                "minimax_p_satisficing": minimax["p_satisficing"],
                "satisficing": satis["coat"],
                "satisficing_p": satis["p_satisficing"],
                "satisficing_regret_max": satis["regret_max"],
                "why_en": en,
                "why_nl": nl,
            }
        )
    return pd.DataFrame(rows)


def explain(minimax: pd.Series, satis: pd.Series, outcome: str, tolerance: float) -> tuple:
    """Why the minimax-regret and satisficing coats agree or differ, in English and Dutch."""
    tol = _tolerance_text(outcome, tolerance)
    a, b = minimax, satis
    if a["coat"] == b["coat"]:
        en = (
            f"Both criteria choose {a['coat']}: its worst regret ({a['regret_max']:.3g}) is the "
            f"smallest, and it stays within {tol['en']} of the best in "
            f"{a['p_satisficing']:.0%} of the worlds, more often than any other coat."
        )
        nl = (
            f"Beide criteria kiezen {a['coat']}: de grootste spijt ({a['regret_max']:.3g}) is het "
            f"kleinst, en de jas blijft in {a['p_satisficing']:.0%} van de werelden binnen "
            f"{tol['nl']} van de beste, vaker dan elke andere jas."
        )
        return en, nl
    same = np.isclose(a["p_satisficing"], b["p_satisficing"])
    en = (
        f"Minimax regret chooses {a['coat']}: in its worst world it falls {a['regret_max']:.3g} "
        f"short of the best ({b['coat']}: {b['regret_max']:.3g}), so it guards best against the "
        f"worst reading. Satisficing chooses {b['coat']}: it stays within {tol['en']} of the "
        f"best in {b['p_satisficing']:.0%} of the worlds ({a['coat']}: "
        f"{a['p_satisficing']:.0%}). "
    )
    nl = (
        f"Minimax-spijt kiest {a['coat']}: in de slechtste wereld blijft die {a['regret_max']:.3g} "
        f"achter bij de beste ({b['coat']}: {b['regret_max']:.3g}), dus die beschermt het best "
        f"tegen de slechtste lezing. Satisficing kiest {b['coat']}: die blijft in "
        f"{b['p_satisficing']:.0%} van de werelden binnen {tol['nl']} van de beste "
        f"({a['coat']}: {a['p_satisficing']:.0%}). "
    )
    if same:
        en += f"As often good enough, {b['coat']} has the smaller median regret."
        nl += f"Even vaak goed genoeg heeft {b['coat']} de kleinere mediane spijt."
    else:
        en += (
            f"{b['coat']} is good enough more often, but some readings make it worse than "
            f"{a['coat']} ever is; {a['coat']} has the smaller worst case, but is less often "
            "close to the best."
        )
        nl += (
            f"{b['coat']} is vaker goed genoeg, maar in sommige lezingen slechter dan "
            f"{a['coat']} ooit is; {a['coat']} heeft het minst slechte slechtste geval, maar zit "
            "minder vaak dicht bij de beste."
        )
    return en, nl


def _tolerance_text(outcome: str, tolerance: float) -> dict[str, str]:
    if outcome == score.SCORE:
        points = f"{tolerance * 100:.3g}"
        return {"en": f"{points} score points", "nl": f"{points} scorepunten"}
    return {"en": f"{tolerance:.0%}", "nl": f"{tolerance:.0%}"}


def analyse(
    runs: pd.DataFrame, outcome: str, tolerance: float = DEFAULT_TOLERANCE
) -> dict[str, pd.DataFrame]:
    """All robust tables from the finished runs of a robust design.

    Returns:
        ``robust`` (per profile and coat), ``robust_choice`` (per profile) and
        ``robust_regret`` (per profile, world and coat).

    Worlds in which a coat has no finished run are left out (see :func:`complete_worlds`).

    Raises:
        ConfigError: no runs, or no complete world.
    """
    runs = runs[runs["design_kind"] == "robust"] if "design_kind" in runs else runs
    if runs.empty:
        raise ConfigError("results", "robust", "no finished robust runs yet")
    per_world = regrets(run_values(complete_worlds(runs), outcome), outcome, tolerance)
    summary = summarise(per_world)
    return {
        "robust": summary.assign(outcome=outcome),
        "robust_choice": choose(summary, outcome, tolerance),
        "robust_regret": per_world.assign(outcome=outcome),
    }


def complete_worlds(runs: pd.DataFrame) -> pd.DataFrame:
    """The runs of the worlds in which all 81 coats have a finished run.

    A world with a failed or missing coat cannot say which coat is best: it is left out, and
    ``worlds`` in the tables counts the worlds used.

    Raises:
        ConfigError: no world is complete.
    """
    world = world_of(runs["sample_row"])
    coats = runs.groupby(["scenario", world])["sample_row"].transform("nunique")
    kept = runs[coats == len(COATS)]
    if kept.empty:
        raise ConfigError(
            "results",
            "robust",
            f"no world has all {len(COATS)} coats finished; rerun the command to finish them",
        )
    return kept


def headline(choice: pd.Series, summary: pd.DataFrame) -> dict[str, Any]:
    """The most-often-best coat of a profile and the runner-up, for one-line messages."""
    group = summary[summary["scenario"] == choice["scenario"]]
    ranked = group.sort_values(["p_best", "regret_median"], ascending=[False, True])
    second = ranked.iloc[1] if len(ranked) > 1 else None
    return {
        "best": ranked.iloc[0]["coat"],
        "p_best": float(ranked.iloc[0]["p_best"]),
        "second": None if second is None else second["coat"],
        "p_second": float("nan") if second is None else float(second["p_best"]),
    }
