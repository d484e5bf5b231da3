"""Calibration of free parameters by rejection filtering on Latin hypercubes, in waves.

The procedure and the priors are data (``configs/calibration.toml``); only patterns with role
"calibration" are used, so the held-back patterns stay an honest test. Each wave samples a
Latin hypercube over the current box and runs every set; the next wave's box is the bounding
box of the wave's least implausible sets (smallest worst-case miss of an acceptance range, as
in history matching). A set is *kept* only when it meets every calibration pattern. The result
is written as a data file, ``configs/calibrated.toml``, which the model reads and the parameter
declaration applies: defaults become the chosen values, "calibrated" their source, the kept
range plausible.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc

from experiments.config import Scenario, config_dir
from experiments.design import build_design
from experiments.validation import Pattern
from sim.errors import ConfigError
from sim.params import PARAMETERS, check_name


@dataclass(frozen=True)
class Procedure:
    """The calibration procedure as declared in configs/calibration.toml."""

    scenario: str
    sets: int
    reps: int
    weeks: int
    seed: int
    waves: int
    keep_share: float
    priors: dict[str, tuple[float, float]]
    confirm_reps: int = 0


def load_procedure(path: str | Path | None = None) -> Procedure:
    """Read configs/calibration.toml, checking every prior against the declaration.

    Raises:
        ConfigError: an unknown parameter, or a prior outside the declared bounds.
    """
    path = Path(path) if path else config_dir() / "calibration.toml"
    data = tomllib.loads(path.read_text())
    priors = {}
    for name, (low, high) in data["priors"].items():
        p = check_name(name)
        if not p.low <= low < high <= p.high:
            raise ConfigError(f"priors.{name}", [low, high], p.allowed())
        priors[name] = (float(low), float(high))
    return Procedure(
        data["scenario"],
        data["sets"],
        data["reps"],
        data["weeks"],
        data["seed"],
        data["waves"],
        data["keep_share"],
        priors,
        int(data.get("confirm_reps", 0)),
    )


def sample(
    procedure: Procedure, sets: int | None = None, box: dict | None = None, wave: int = 0
) -> list[dict[str, Any]]:
    """Latin-hypercube points over ``box`` (default: the priors), integers rounded."""
    box = box or procedure.priors
    names = list(box)
    unit = qmc.LatinHypercube(d=len(names), seed=procedure.seed + wave).random(
        sets or procedure.sets
    )
    low = np.array([box[n][0] for n in names])
    high = np.array([box[n][1] for n in names])
    points = []
    for row in qmc.scale(unit, low, high):
        point = {n: float(v) for n, v in zip(names, row, strict=True)}
        for n in names:
            if PARAMETERS[n].kind == "int":
                point[n] = round(point[n])
        points.append(point)
    return points


def plan(
    procedure: Procedure,
    scenario: Scenario,
    sets: int | None = None,
    box: dict | None = None,
    wave: int = 0,
) -> pd.DataFrame:
    """The design of one wave: every sampled set, ``reps`` replications each."""
    points = sample(procedure, sets, box, wave)
    return build_design(
        "calibration", points, procedure.reps, procedure.seed, procedure.weeks, [scenario]
    )


def score(patterns: Sequence[Pattern], runs: pd.DataFrame, design: pd.DataFrame) -> pd.DataFrame:
    """One row per parameter set: its values, each pattern's mean, kept, distance to targets."""
    used = [p for p in patterns if p.role == "calibration" and p.kind == "range"]
    names = [c for c in design.columns if c in PARAMETERS]
    rows = design[["run_id", "sample_row", *names]]
    merged = rows.merge(runs[["run_id", *[p.outcome for p in used]]], on="run_id")
    per_set = merged.groupby("sample_row").agg(
        {**{n: "first" for n in names}, **{p.outcome: "mean" for p in used}}
    )
    miss = np.zeros(len(per_set))
    distance = np.zeros(len(per_set))
    for p in used:
        value = per_set[p.outcome].to_numpy()
        width = p.high - p.low
        miss = np.maximum(miss, np.maximum(p.low - value, value - p.high) / width)
        distance += ((value - p.target) / width) ** 2
    return per_set.assign(
        kept=miss <= 0, miss=np.maximum(miss, 0), distance=np.sqrt(distance)
    ).reset_index()


def confirm_plan(procedure: Procedure, scenario: Scenario, kept: pd.DataFrame) -> pd.DataFrame:
    """Run every kept set again with ``confirm_reps`` fresh replications.

    Two replications per set make the choice noisy: a set can be kept by a lucky draw. The
    confirmation runs each kept set with new seeds (root ``seed + 1``) and more replications.
    """
    names = list(procedure.priors)
    points = [{n: _plain(row[n]) for n in names} for _, row in kept.iterrows()]
    return build_design(
        "calibration-confirm",
        points,
        procedure.confirm_reps,
        procedure.seed + 1,
        procedure.weeks,
        [scenario],
    )


def narrow(scored: pd.DataFrame, box: dict, keep_share: float) -> dict[str, tuple[float, float]]:
    """The next wave's box: bounds of the least implausible sets, widened a little."""
    best = scored.nsmallest(max(5, int(len(scored) * keep_share)), ["miss", "distance"])
    out = {}
    for name, (low, high) in box.items():
        pad = 0.1 * (high - low)
        out[name] = (
            max(low, float(best[name].min()) - pad),
            min(high, float(best[name].max()) + pad),
        )
    return out


def choose(scored: pd.DataFrame, priors: dict[str, tuple[float, float]]) -> dict[str, Any]:
    """The kept set closest to the targets, with the kept sets' range per parameter.

    Raises:
        ConfigError: no set met every calibration pattern (widen the priors or add sets).
    """
    kept = scored[scored.kept]
    if kept.empty:
        raise ConfigError(
            "calibration",
            f"0 of {len(scored)} sets kept",
            "no set meets every calibration pattern; widen the priors or add sets",
        )
    best = kept.loc[kept.distance.idxmin()]
    return {
        name: {
            "value": _plain(best[name]),
            "low": _plain(kept[name].min()),
            "high": _plain(kept[name].max()),
            "prior": list(priors[name]),
        }
        for name in priors
    }


def _plain(value: Any) -> Any:
    value = value.item() if isinstance(value, np.generic) else value
    return round(value, 6) if isinstance(value, float) else value


def render_data(chosen: dict[str, Any], tried: int, kept: int, procedure: Procedure) -> str:
    """Text of configs/calibrated.toml for ``chosen`` (read by ``sim.calibration``)."""
    meta = {
        "date": dt.date.today().isoformat(),
        "kept": kept,
        "reps": procedure.reps,
        "scenario": procedure.scenario,
        "seed": procedure.seed,
        "tried": tried,
        "weeks": procedure.weeks,
    }
    lines = [
        "# Calibrated free parameters: written by `mpgsim calibrate --write`, read by the",
        "# model (sim/calibration.py). The procedure is configs/calibration.toml; docs/TRACE.md",
        "# discusses the result. value: the kept set closest to the targets; low-high: range",
        "# of the kept sets.",
        "",
        "[calibration]",
        *(f"{k} = {_toml(v)}" for k, v in meta.items()),
    ]
    for name in sorted(chosen):
        lines += ["", f"[parameters.{name}]"]
        lines += [f"{k} = {_toml(chosen[name][k])}" for k in ("value", "low", "high", "prior")]
    return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return repr(value)
