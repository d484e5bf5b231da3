"""Global sensitivity analysis with SALib 1.6: Sobol (Saltelli/Jansen) and Morris screening.

The SALib problem is built from the parameter declaration. Integer parameters are sampled on
``[low - 0.5, high + 0.5]`` and rounded, so every whole number is equally likely. A run's
output is its tail mean (see :mod:`experiments.summary`);
replications are averaged per sample row before analysis and the rows are kept in sample
order, which is all SALib's Sobol estimator looks at.

Convergence: for a fixed seed the Sobol sample for N is a prefix of the sample for 2N, so the
runs of N are reused when N doubles, and :func:`sobol_convergence` re-analyses every
power-of-two prefix of the finished design.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from experiments import traits, uncertainty
from sim.errors import ConfigError
from sim.params import PARAMETERS, SENSITIVITY_DEFAULT, check_name

NUM_RESAMPLES = 1000
CONVERGENCE_RESAMPLES = 200
MORRIS_LEVELS = 4
#: Morris draws this many candidate trajectories per kept (optimal) trajectory.
MORRIS_CANDIDATES_PER_TRAJECTORY = 4


def problem(names: Sequence[str] | None = None) -> dict[str, Any]:
    """A SALib problem over declared numeric parameters (default: SENSITIVITY_DEFAULT).

    Typology traits may be named as ``level.type.trait`` (see :mod:`experiments.traits`).
    For every uncertain input at once see :func:`all_inputs`.

    Raises:
        ConfigError: an unknown, repeated or non-numeric parameter or trait.
    """
    names = list(names or SENSITIVITY_DEFAULT)
    if len(set(names)) != len(names):
        raise ConfigError("--params", ",".join(names), "each parameter at most once")
    bounds, ints = [], []
    for name in names:
        if traits.is_trait(name):
            low, high, _doc = traits.check_trait(name)
            bounds.append([low, high])
            continue
        par = check_name(name)
        if par.kind not in ("float", "int"):
            raise ConfigError("--params", name, f"not numeric ({par.kind}); {par.allowed()}")
        pad = 0.5 if par.kind == "int" else 0.0
        bounds.append([par.low - pad, par.high + pad])
        if par.kind == "int":
            ints.append(name)
    return {"num_vars": len(names), "names": names, "bounds": bounds, "ints": ints}


def all_inputs(own: Mapping[str, Any]) -> list[str]:
    """``--params all``: every uncertain input (:mod:`experiments.uncertainty`) but ``own``.

    Traits vary independently here (Morris moves one input at a time, so no order between
    the types can be kept); the inputs the scenario or ``--set`` fixes (``own``) stay fixed.
    """
    return [f.name for f in uncertainty.for_scenario(uncertainty.space(), own)]


def _salib(prob: dict[str, Any]) -> dict[str, Any]:
    return {k: prob[k] for k in ("num_vars", "names", "bounds")}


def points(prob: dict[str, Any], X: np.ndarray) -> list[dict[str, Any]]:
    """Turn sample rows into parameter values (integers rounded and kept within bounds)."""
    out = []
    for row in X:
        point = {}
        for name, value, (low, high) in zip(prob["names"], row, prob["bounds"], strict=True):
            if name in prob.get("ints", ()):
                value = int(min(max(round(value), math.ceil(low)), math.floor(high)))
            point[name] = float(value) if not isinstance(value, int) else value
        out.append(point)
    return out


def check_power_of_two(n: int) -> None:
    """Raise ConfigError unless ``n`` is a power of two (Sobol balance needs it)."""
    if n < 2 or n & (n - 1):
        raise ConfigError("--n", n, "allowed: a power of two >= 2 (e.g. 256, 512, 1024)")


def sobol_points(prob: dict[str, Any], n: int, seed: int, second_order: bool) -> list[dict]:
    """Sobol sample of base size ``n``: n*(D+2) rows, or n*(2D+2) with second order."""
    check_power_of_two(n)
    X = sobol_sample.sample(_salib(prob), n, calc_second_order=second_order, seed=seed)
    return points(prob, X)


def morris_X(prob: dict[str, Any], trajectories: int, seed: int) -> np.ndarray:
    """Morris sample with ``trajectories`` optimal trajectories: r*(D+1) rows."""
    if trajectories < 2:
        raise ConfigError("--n", trajectories, "allowed: at least 2 Morris trajectories")
    return morris_sample.sample(
        _salib(prob),
        N=MORRIS_CANDIDATES_PER_TRAJECTORY * trajectories,
        num_levels=MORRIS_LEVELS,
        optimal_trajectories=trajectories,
        seed=seed,
    )


def row_means(runs: pd.DataFrame, outcome: str, rows: int) -> tuple[np.ndarray, float]:
    """Mean of ``outcome`` per sample row (in sample order) and the noise share.

    The noise share is the variance of the row means that replication noise alone explains
    (mean within-row variance / reps, over the variance of the row means); NaN with 1 rep.

    Raises:
        ConfigError: some sample rows have no finished run (failed or not run yet).
    """
    grouped = runs.groupby("sample_row")[outcome]
    means = grouped.mean().reindex(range(rows))
    missing = int(means.isna().sum())
    if missing:
        raise ConfigError(
            "results",
            f"{missing} of {rows} sample rows",
            "have no finished run; rerun the command (add --retry-failed after fixing a failure)",
        )
    reps = grouped.count()
    noise = float("nan")
    if reps.min() > 1 and means.var() > 0:
        noise = float((grouped.var() / reps).mean() / means.var())
    return means.to_numpy(), noise


def sobol_indices(
    prob: dict, Y: np.ndarray, second_order: bool, seed: int, resamples: int = NUM_RESAMPLES
) -> pd.DataFrame:
    """First-order and total indices with bootstrap 95% CIs, one row per parameter."""
    si = sobol_analyze.analyze(
        _salib(prob),
        Y,
        calc_second_order=second_order,
        num_resamples=resamples,
        conf_level=0.95,
        seed=seed,
    )
    keys = ("S1", "S1_conf", "ST", "ST_conf")
    return pd.DataFrame({"parameter": prob["names"], **{k: si[k] for k in keys}})


def sobol_convergence(
    prob: dict, Y: np.ndarray, n: int, second_order: bool, seed: int
) -> pd.DataFrame:
    """Indices for every power-of-two prefix N' <= n (from 16) of the design's outputs."""
    block = (2 if second_order else 1) * prob["num_vars"] + 2
    frames = []
    size = min(16, n)
    while size <= n:
        part = sobol_indices(prob, Y[: size * block], second_order, seed, CONVERGENCE_RESAMPLES)
        frames.append(part.assign(n=size))
        size *= 2
    return pd.concat(frames, ignore_index=True)


def morris_indices(prob: dict, X: np.ndarray, Y: np.ndarray, seed: int) -> pd.DataFrame:
    """Morris mu, mu*, sigma and the bootstrap 95% CI of mu*, one row per parameter."""
    mi = morris_analyze.analyze(
        _salib(prob),
        X,
        Y,
        num_resamples=NUM_RESAMPLES,
        conf_level=0.95,
        num_levels=MORRIS_LEVELS,
        seed=seed,
    )
    keys = ("mu", "mu_star", "sigma", "mu_star_conf")
    return pd.DataFrame({"parameter": prob["names"], **{k: np.asarray(mi[k]) for k in keys}})


def declared_unit(name: str) -> str:
    """Unit of a declared parameter ("" for abstract test problems)."""
    return PARAMETERS[name].unit if name in PARAMETERS else ""


#: Screening: keep inputs whose Morris mu* reaches this share of the largest mu* ...
SCREEN_SHARE = 0.1
#: ... at most this many (Sobol's cost grows with every input: N x (D + 2) runs).
SCREEN_MAX = 15


def screen(morris: pd.DataFrame, share: float = SCREEN_SHARE, at_most: int = SCREEN_MAX) -> list:
    """The inputs that matter after Morris screening, for a Sobol analysis of the few.

    Per outcome, an input is kept when its mu* reaches ``share`` of that outcome's largest
    mu* and the lower end of its bootstrap 95% interval is above zero (its effect is not
    noise); the union over outcomes is ranked by the largest scaled mu* and cut at ``at_most``.
    """
    kept: dict[str, float] = {}
    for _, group in morris.groupby("outcome"):
        top = group["mu_star"].max()
        if not top > 0:
            continue
        scaled = group["mu_star"] / top
        keep = (scaled >= share) & (group["mu_star"] - group["mu_star_conf"] > 0)
        for name, value in zip(group["parameter"][keep], scaled[keep], strict=True):
            kept[name] = max(kept.get(name, 0.0), float(value))
    return sorted(kept, key=lambda n: -kept[n])[:at_most]
