"""The uncertainty space: every input no public figure pins down, and designs of plausible worlds.

A *world* is one plausible reading of the model: one value for each uncertain input. The
space (Kwakkel2017's X, the uncertainties) holds three kinds of input, each within its declared
bounds:

- ``trait``: every typology trait of every type at every level (``level.type.trait``, see
  :mod:`experiments.traits`; 87 inputs), the numbers ``configs/typologies.toml`` reads into
  the report's words;
- ``mechanism``: every coefficient inside a rule (:data:`sim.coefficients.MECHANISMS`);
- ``parameter``: the other free parameters (``free`` in :mod:`sim.params`: no public figure).
  A calibrated parameter varies over the range of the parameter sets calibration kept
  (``plausible``), not over its whole declared range: the rest failed the patterns.

Numbers only: a free parameter that is a choice or a switch is not an uncertainty here.

**Trait order.** The report describes each type *relative to the others* ("the innovating
professional is the most creative"). By default (``order="kept"``) each trait is sampled for
the three types within its bounds and the three values are then given to the types in the
order of the configured reading, so every world keeps the words' ranking and only the numbers
move. ``order="free"`` samples each type's trait independently (a world may then make the
steadfast professional the most creative): the wider question, used by Morris screening,
which moves one input at a time and cannot keep an order. Ties in the reading are broken in
the order vasthoudend, balancerend, innoverend.

A design of K worlds is a seeded Latin hypercube (McKay1979) over the inputs that vary.
Inputs can be fixed (:func:`parse_fix`): a fixed input keeps one value in every world. Inputs
that a family profile sets itself (its scenario overrides, such as a training case's
severities) belong to the profile and are left out of its worlds (:func:`for_scenario`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc

from experiments import traits
from experiments.config import parse_value
from sim.errors import ConfigError
from sim.files import read_toml
from sim.params import PARAMETERS, TYPES
from sim.typology import TRAITS, Typology

KINDS = ("trait", "mechanism", "parameter")
ORDERS = ("kept", "free")
#: Worlds larger than this are refused (each world is 81 coats times the replications).
MAX_WORLDS = 4096


@dataclass(frozen=True)
class Factor:
    """One uncertain input: its name, kind, bounds and whether it is a whole number."""

    name: str
    kind: str
    low: float
    high: float
    integer: bool = False
    doc: str = ""


def space(kinds: Iterable[str] = KINDS) -> list[Factor]:
    """Every uncertain input of the given kinds, traits first, then coefficients, then the rest.

    Raises:
        ConfigError: an unknown kind.
    """
    kinds = check_kinds(kinds)
    out = []
    if "trait" in kinds:
        found = traits.TRAIT_FACTORS.items()
        out += [Factor(n, "trait", lo, hi, doc=d) for n, (lo, hi, d) in found]
    for p in PARAMETERS.values():
        kind = "mechanism" if p.group == "mechanism" else "parameter"
        if kind in kinds and p.free and p.kind in ("int", "float"):
            low, high = p.plausible or (p.low, p.high)
            out.append(Factor(p.name, kind, float(low), float(high), p.kind == "int", p.doc))
    return out


def check_kinds(kinds: Iterable[str]) -> tuple[str, ...]:
    """Return the kinds, checked.

    Raises:
        ConfigError: an unknown kind or none at all.
    """
    found = tuple(dict.fromkeys(k.strip() for k in kinds if k.strip()))
    for kind in found:
        if kind not in KINDS:
            raise ConfigError("--vary", kind, "allowed: " + ", ".join(KINDS))
    if not found:
        raise ConfigError("--vary", "", "name at least one of " + ", ".join(KINDS))
    return found


def check_order(order: str) -> str:
    """Return ``order`` if it is a known trait order, else raise ConfigError."""
    if order not in ORDERS:
        raise ConfigError("--trait-order", order, "allowed: " + ", ".join(ORDERS))
    return order


def for_scenario(factors: Sequence[Factor], overrides: Mapping[str, Any]) -> list[Factor]:
    """The factors a profile's worlds vary: those its scenario does not set itself."""
    return [f for f in factors if f.name not in overrides]


# --- fixing inputs ---------------------------------------------------------------------------


def parse_fix(
    specs: Sequence[str] | None,
    file: str | Path | None,
    factors: Sequence[Factor],
    typology: Typology,
) -> dict[str, float]:
    """Values of the fixed inputs, from ``--fix NAME[=VALUE]`` items and a TOML file.

    A name without a value is fixed at its current reading (the parameter's default, the
    configured trait). In the file, ``name = value`` lines; trait names are dotted keys
    (``professional.innoverend.creativity = 0.6``), which TOML reads as nested tables.

    Raises:
        ConfigError: an unreadable file, an input that is not in the space, or a bad value.
    """
    items: dict[str, Any] = {}
    if file is not None:
        items.update(_read_fix_file(Path(file)))
    for spec in specs or []:
        name, sep, raw = spec.partition("=")
        items[name.strip()] = raw.strip() if sep else None
    known = {f.name for f in factors}
    out = {}
    for name, raw in items.items():
        if name not in known:
            raise ConfigError("--fix", name, "not an uncertain input here; see `mpgsim params`")
        out[name] = _fixed_value(name, raw, typology)
    return out


def _read_fix_file(path: Path) -> dict[str, Any]:
    data = read_toml(path)  # a missing file or bad TOML raises ConfigError naming it
    return {name: str(value) for name, value in _flatten(data).items()}


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


def _fixed_value(name: str, raw: str | None, typology: Typology) -> float:
    if raw is None:
        return current(name, typology)
    if not raw:
        raise ConfigError("--fix", name, "write it as NAME=VALUE, or NAME for its current value")
    return parse_value(name, raw)


def current(name: str, typology: Typology) -> float:
    """The value of an input in the current reading (default or configured trait)."""
    if traits.is_trait(name):
        return typology.trait(*name.split("."))
    return PARAMETERS[name].default


# --- designs of worlds -----------------------------------------------------------------------


def worlds(
    factors: Sequence[Factor],
    k: int,
    seed: int,
    typology: Typology,
    fixed: Mapping[str, float] | None = None,
    order: str = "kept",
) -> pd.DataFrame:
    """A seeded Latin hypercube of ``k`` worlds: one row per world, one column per factor.

    Args:
        factors: the uncertain inputs (see :func:`space`).
        k: number of worlds (at least 2).
        seed: seed of the Latin hypercube; the same seed gives the same worlds.
        typology: the configured reading, whose order of the types ``order="kept"`` keeps.
        fixed: inputs held at one value in every world.
        order: "kept" or "free" (see the module docstring).

    Returns:
        Columns ``world`` (0..k-1) and one per factor, in factor order.

    Raises:
        ConfigError: k out of range or an unknown order.
    """
    check_order(order)
    if not 2 <= k <= MAX_WORLDS:
        raise ConfigError("--worlds", k, f"allowed: a whole number from 2 to {MAX_WORLDS}")
    fixed = dict(fixed or {})
    free = [f for f in factors if f.name not in fixed]
    unit = qmc.LatinHypercube(d=max(len(free), 1), seed=seed).random(k)
    columns: dict[str, Any] = {"world": np.arange(k)}
    for j, factor in enumerate(free):
        columns[factor.name] = _scale(factor, unit[:, j])
    if order == "kept":
        _keep_order(columns, typology)
    for factor in factors:
        if factor.name in fixed:
            columns[factor.name] = np.full(k, fixed[factor.name])
    return pd.DataFrame({name: columns[name] for name in ["world", *(f.name for f in factors)]})


def _scale(factor: Factor, u: np.ndarray) -> np.ndarray:
    if not factor.integer:
        return factor.low + u * (factor.high - factor.low)
    # every whole number equally likely: sample [low - 0.5, high + 0.5] and round
    values = np.round(factor.low - 0.5 + u * (factor.high - factor.low + 1))
    return np.clip(values, math.ceil(factor.low), math.floor(factor.high)).astype(int)


def _keep_order(columns: dict[str, Any], typology: Typology) -> None:
    """Give each trait's three sampled values to the types in the configured reading's order."""
    for level, level_traits in TRAITS.items():
        for trait in level_traits:
            names = [f"{level}.{type_}.{trait}" for type_ in TYPES]
            if not all(n in columns for n in names):
                continue  # fixed or not varied: nothing to order
            reading = [typology.trait(level, type_, trait) for type_ in TYPES]
            rank = np.argsort(np.argsort(reading, kind="stable"), kind="stable")
            ordered = np.sort(np.column_stack([columns[n] for n in names]), axis=1)
            for i, name in enumerate(names):
                columns[name] = ordered[:, rank[i]]


def world_overrides(row: Mapping[str, Any], factors: Sequence[Factor]) -> dict[str, Any]:
    """The overrides of one world: plain Python values of the factors (no numpy scalars)."""
    out = {}
    for f in factors:
        value = row[f.name]
        out[f.name] = int(value) if f.integer else float(value)
    return out


def counts(factors: Sequence[Factor]) -> dict[str, int]:
    """Number of factors of each kind (for reports: "87 traits, 157 coefficients, ...")."""
    return {kind: sum(f.kind == kind for f in factors) for kind in KINDS}
