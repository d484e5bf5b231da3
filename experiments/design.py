"""Designs: the list of planned runs of an experiment, one row per run.

A design is a DataFrame with the columns of :data:`DESIGN_COLUMNS` followed by one column per
varied parameter or event field (``event.N.FIELD``, see :mod:`experiments.timeline`). The
``events`` column holds each run's whole timeline of policy events as JSON (``[]`` without).
Every run carries a content-hashed ``run_id`` (see :mod:`experiments.ids`, events included),
so the same run planned twice - by a rerun, a larger ``--reps`` or a doubled Sobol N - is the
same row and is never executed twice.

Seeds come from ``numpy.random.SeedSequence(root).spawn(reps)``: replication ``r`` gets the
same seed in every cell and sample row (common random numbers). That makes comparisons between
cells paired, and it makes designs nested: the seeds of ``--reps 5`` are the first five of
``--reps 10``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from experiments.config import Scenario
from experiments.ids import run_id
from experiments.timeline import apply_event_fields, events_from_json, events_json, split_point
from sim.errors import ConfigError
from sim.events import Event

DESIGN_COLUMNS = (
    "run_id",
    "design_kind",
    "scenario",
    "sample_row",
    "replication",
    "seed",
    "weeks",
    "overrides",
    "events",
)


def seeds(root: int, reps: int) -> list[int]:
    """Return ``reps`` run seeds spawned from ``root``; seed ``r`` never depends on ``reps``."""
    children = np.random.SeedSequence(int(root)).spawn(int(reps))
    return [int(child.generate_state(1, dtype=np.uint32)[0]) for child in children]


def build_design(
    kind: str,
    points: Sequence[Mapping[str, Any]],
    reps: int,
    root_seed: int,
    weeks: int,
    scenarios: Sequence[Scenario] | None = None,
) -> pd.DataFrame:
    """Plan ``reps`` replications of every point, for every scenario.

    Args:
        kind: design kind stored with every run ("kwadrant", "sobol", "morris", ...).
        points: the varied parameter values, in sample order (``sample_row`` is the index);
            ``event.N.FIELD`` entries change the scenario's event N for that point.
        reps: replications per point.
        root_seed: root of the seed sequence.
        weeks: run length.
        scenarios: base scenarios the points override. None plans an abstract model (such as
            the Ishigami test function) whose points are its complete parameters.

    Returns:
        The design, ordered by scenario, sample row and replication. Two rows with the same
        parameters and seed share a run id (rounded integers can make Sobol rows coincide):
        the run is executed once and its result serves both rows.

    Raises:
        ConfigError: reps < 1, or a point's events that are not allowed (checked here, before
            anything runs).
    """
    if reps < 1:
        raise ConfigError("--reps", reps, "allowed: a whole number >= 1")
    run_seeds = seeds(root_seed, reps)
    rows = []
    for scenario in scenarios or [None]:
        name = scenario.name if scenario else kind
        base = dict(scenario.overrides) if scenario else {}
        base_json = json.dumps(base, sort_keys=True, default=str)
        for sample_row, point in enumerate(points):
            params, typology, events = _inputs(scenario, point, weeks)
            timeline = events_json(events)
            for rep, seed in enumerate(run_seeds):
                ids = run_id(params, typology, seed, weeks, events)
                rows.append(
                    (ids, kind, name, sample_row, rep, seed, weeks, base_json, timeline)
                    + tuple(point.values())
                )
    varied = list(points[0]) if points else []
    return pd.DataFrame(rows, columns=[*DESIGN_COLUMNS, *varied])


def _inputs(
    scenario: Scenario | None, point: Mapping[str, Any], weeks: int
) -> tuple[Mapping[str, Any], Any, tuple[Event, ...]]:
    """The full parameters, the typology and the events of one point's runs (all in the run id).

    Traits in a point (``level.type.trait``) change the typology; ``event.N.FIELD`` columns
    change the scenario's events. The full validated parameters go into the hash, so a default
    that changes changes the id.
    """
    if scenario is None:
        return dict(point), None, ()
    overrides, fields = split_point(point)
    run = scenario.with_overrides(overrides)
    return run.params, run.typology, apply_event_fields(scenario.events, fields, weeks)


def varied_columns(design: pd.DataFrame) -> list[str]:
    """Names of the varied parameters of a design (the columns after :data:`DESIGN_COLUMNS`)."""
    return [c for c in design.columns if c not in DESIGN_COLUMNS]


def tasks(design: pd.DataFrame) -> list[dict[str, Any]]:
    """Turn design rows into plain-Python task dicts for the workers (picklable, no numpy)."""
    varied = varied_columns(design)
    out = []
    for rec in design.to_dict("records"):
        out.append(
            {
                "run_id": rec["run_id"],
                "scenario": rec["scenario"],
                "seed": int(rec["seed"]),
                "weeks": int(rec["weeks"]),
                "sample_row": int(rec["sample_row"]),
                "replication": int(rec["replication"]),
                "overrides": json.loads(rec["overrides"]),
                "events": events_from_json(rec.get("events")),
                "varied": {name: _plain(rec[name]) for name in varied},
            }
        )
    return out


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def shard(design: pd.DataFrame, spec: str | None) -> pd.DataFrame:
    """Select shard ``i/n`` (1-based) of a design: every n-th run starting at run i.

    Interleaving (rather than blocks) spreads slow and fast cells evenly over a job array.

    Raises:
        ConfigError: a spec that is not ``i/n`` with 1 <= i <= n.
    """
    if spec is None:
        return design
    i, sep, n = spec.partition("/")
    if not (sep and i.isdigit() and n.isdigit() and 1 <= int(i) <= int(n)):
        raise ConfigError("--shard", spec, "write it as i/n with 1 <= i <= n, e.g. 2/8")
    return design.iloc[int(i) - 1 :: int(n)]
