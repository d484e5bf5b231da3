"""Own designs: the points of ``sweep grid``, ``sweep csv`` and ``sweep lhs``.

Every value is checked against the parameter declaration (:mod:`sim.params`) before anything
runs, and a bad one is reported as one line naming where it was, the value and what is allowed.
A point is a dict of parameter values overriding the scenario; the design then replicates
every point (see :func:`experiments.design.build_design`).

A name ``event.N.FIELD`` varies event N of the run's timeline instead of a parameter: its
``week``, ``until`` or ``ramp_weeks``, the value of a lever it sets, or a ``LEVEL_type`` it
changes (see :mod:`experiments.timeline`). So ``--event "52:pooled_funding=0.8" --param
event.0.week=26,52,78`` sweeps the timing of a policy change, and ``--param
event.0.pooled_funding=0.4,0.6,0.8`` its size. Whether the resulting events are allowed (a
week within the run, no overlap) is checked when the design is planned, before anything runs.
"""

from __future__ import annotations

import csv
import itertools
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from scipy.stats import qmc

from experiments.config import parse_value
from experiments.timeline import event_field_kind, is_event_field, parse_event_field
from sim.errors import ConfigError
from sim.params import check_name

#: Designs larger than this are refused (a typo in a grid multiplies quickly).
MAX_POINTS = 100_000


def _split(spec: str, field: str) -> tuple[str, str]:
    name, sep, rest = spec.partition("=")
    if not sep or not name.strip() or not rest.strip():
        raise ConfigError(field, spec, "write it as NAME=VALUES")
    return checked_name(name.strip()), rest.strip()


def checked_name(name: str) -> str:
    """A design column's name: a declared parameter or an event field (``event.N.FIELD``).

    Raises:
        ConfigError: an unknown parameter or a malformed event field.
    """
    if is_event_field(name):
        event_field_kind(name)  # checks the form and the lever's name
        return name
    return check_name(name).name


def kind_of(name: str) -> str:
    """The kind of a design column's values: "int", "float", "bool" or "choice"."""
    return event_field_kind(name) if is_event_field(name) else check_name(name).kind


def parse_point_value(name: str, raw: str) -> Any:
    """The value of a design column from text, checked (a parameter or an event field)."""
    return parse_event_field(name, raw) if is_event_field(name) else parse_value(name, raw)


def parse_grid(specs: Sequence[str]) -> dict[str, list[Any]]:
    """``["caseload_norm=8,12", "region_type=vasthoudend,innoverend"]`` -> values per name.

    Raises:
        ConfigError: a malformed item, an unknown or repeated parameter, or a bad value.
    """
    if not specs:
        raise ConfigError("--param", "", "give at least one --param NAME=v1,v2,...")
    out: dict[str, list[Any]] = {}
    for spec in specs:
        name, rest = _split(spec, "--param")
        if name in out:
            raise ConfigError("--param", name, "each parameter at most once")
        values = [parse_point_value(name, raw) for raw in rest.split(",") if raw.strip()]
        out[name] = list(dict.fromkeys(values))
    return out


def grid_points(values: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """The full factorial over ``values``: the last parameter varies fastest.

    Raises:
        ConfigError: more than :data:`MAX_POINTS` points.
    """
    size = math.prod(len(v) for v in values.values())
    _check_size(size)
    names = list(values)
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*values.values())]


def parse_ranges(specs: Sequence[str]) -> dict[str, tuple[float, float]]:
    """``["caseload_norm=6:20"]`` -> ``{"caseload_norm": (6, 20)}``, within the declaration.

    Raises:
        ConfigError: a malformed item, a non-numeric or repeated parameter, or bounds outside
            the declared ones or not increasing.
    """
    if not specs:
        raise ConfigError("--param", "", "give at least one --param NAME=LOW:HIGH")
    out: dict[str, tuple[float, float]] = {}
    for spec in specs:
        name, rest = _split(spec, "--param")
        kind = kind_of(name)
        if kind not in ("int", "float"):
            raise ConfigError("--param", name, f"not numeric ({kind}); use sweep grid")
        low_raw, sep, high_raw = rest.partition(":")
        if not sep:
            raise ConfigError("--param", spec, "write it as NAME=LOW:HIGH")
        low, high = parse_point_value(name, low_raw), parse_point_value(name, high_raw)
        if not low < high:
            raise ConfigError("--param", spec, "LOW must be smaller than HIGH")
        if name in out:
            raise ConfigError("--param", name, "each parameter at most once")
        out[name] = (low, high)
    return out


def lhs_points(box: Mapping[str, tuple[float, float]], n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` Latin-hypercube points over ``box`` (whole-number parameters rounded).

    Raises:
        ConfigError: n < 2 or more than :data:`MAX_POINTS`.
    """
    if n < 2:
        raise ConfigError("--n", n, "allowed: a whole number >= 2")
    _check_size(n)
    names = list(box)
    unit = qmc.LatinHypercube(d=len(names), seed=seed).random(n)
    low = [box[name][0] for name in names]
    high = [box[name][1] for name in names]
    points = []
    for row in qmc.scale(unit, low, high):
        point = {}
        for name, value in zip(names, row, strict=True):
            point[name] = round(value) if kind_of(name) == "int" else float(value)
        points.append(point)
    return points


def csv_points(path: str | Path) -> list[dict[str, Any]]:
    """Read a design from a CSV file: a header of parameter names, then one row per point.

    Raises:
        ConfigError: an unreadable file, an unknown or repeated column, a short row or a bad
            value (naming the row and column).
    """
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError("FILE", str(path), f"cannot read it ({exc})") from None
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if len(rows) < 2:
        raise ConfigError("FILE", str(path), "a header of parameter names and at least one row")
    header = [checked_name(name.strip()) for name in rows[0]]
    if len(set(header)) != len(header):
        raise ConfigError(f"{path.name}: header", ",".join(header), "each parameter at most once")
    _check_size(len(rows) - 1)
    points = []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise ConfigError(
                f"{path.name}: line {number}",
                ",".join(row),
                f"{len(header)} values, one per column",
            )
        point = {}
        for name, raw in zip(header, row, strict=True):
            try:
                point[name] = parse_point_value(name, raw)
            except ConfigError as exc:
                raise ConfigError(f"{path.name}: line {number}, {name}", raw, exc.allowed) from None
        points.append(point)
    return points


def _check_size(size: int) -> None:
    if size > MAX_POINTS:
        raise ConfigError("design", f"{size} points", f"at most {MAX_POINTS:,}; use fewer values")
