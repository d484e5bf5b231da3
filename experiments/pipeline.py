"""Experiments end to end: plan a design, run what is missing, analyse, save result tables.

The CLI, the benchmarks and the tests all go through these functions; only the per-run
function differs (the model, or the Ishigami function for the known-answer test).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from experiments import kwadrant, robust, sensitivity, uncertainty
from experiments.config import Scenario
from experiments.design import build_design, shard, varied_columns
from experiments.executors import Engine
from experiments.runner import RunFn, RunReport, run_design
from experiments.stats import point_stats
from experiments.store import Store
from experiments.tables import numeric_outcomes
from sim.errors import ConfigError

#: Own designs: points given by the user (a grid, a CSV file or a Latin hypercube).
POINT_KINDS = ("grid", "csv", "lhs")


def prepare(
    store: Store, design: pd.DataFrame, identity: dict[str, Any], extra: dict[str, Any]
) -> pd.DataFrame:
    """Save ``design`` into the store (merged with what is there) and return the full design.

    Raises:
        ConfigError: the store holds a different experiment (``identity`` differs).
    """
    old = store.meta().get("identity")
    if old is not None and old != _jsonable(identity):
        diff = sorted(k for k in {**old, **identity} if old.get(k) != _jsonable(identity).get(k))
        raise ConfigError(
            "--out",
            str(store.root),
            f"it holds another experiment (differs in {', '.join(diff)}); use another directory",
        )
    meta = {"design_kind": identity["kind"], "identity": identity, **extra}
    return store.save_design(design, meta)


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def execute(
    store: Store,
    design: pd.DataFrame,
    engine: Engine,
    run_fn: RunFn,
    shard_spec: str | None = None,
    **kwargs: Any,
) -> RunReport:
    """Run the pending runs of (one shard of) ``design``."""
    return run_design(shard(design, shard_spec), engine, store, run_fn, **kwargs)


# --- kwadrant ------------------------------------------------------------------------------


def plan_kwadrant(
    store: Store, scenarios: Sequence[Scenario], reps: int, weeks: int, seed: int
) -> pd.DataFrame:
    """Plan (or extend) a kwadrant sweep in ``store``; return the design of this command."""
    design = kwadrant.kwadrant_design(scenarios, reps, weeks, seed)
    prepare(store, design, _identity("kwadrant", scenarios, weeks, seed), {"reps": reps})
    return design


def _identity(kind: str, scenarios: Sequence[Scenario], weeks: int, seed: int) -> dict:
    """What makes a sweep over scenarios the same experiment (the reps may grow).

    Events enter only when a scenario has some, so stores made before events existed resume.
    """
    identity = {
        "kind": kind,
        "scenarios": [s.name for s in scenarios],
        "weeks": weeks,
        "seed": seed,
        "overrides": {s.name: dict(s.overrides) for s in scenarios},
    }
    if any(s.events for s in scenarios):
        identity["events"] = {s.name: s.event_dicts() for s in scenarios}
    return identity


def analyse_kwadrant(
    store: Store, outcomes: Sequence[str] | None = None
) -> dict[str, pd.DataFrame]:
    """Per-cell statistics and best coats from the finished runs; saved under ``results/``."""
    runs = store.runs()
    runs = runs[runs.design_kind == "kwadrant"]
    if runs.empty:
        raise ConfigError("results", str(store.root), "no finished kwadrant runs yet")
    chosen = list(outcomes or numeric_outcomes(runs))
    tables = {
        "kwadrant_cells": kwadrant.cell_stats(runs, chosen),
        "kwadrant_best": kwadrant.best_coats(runs, chosen),
    }
    _save(store, tables)
    return tables


def _save(store: Store, tables: dict[str, pd.DataFrame]) -> None:
    for name, table in tables.items():
        store.save_result(name, table)


# --- robust coats over plausible worlds -------------------------------------------------------


def plan_robust(
    store: Store,
    scenarios: Sequence[Scenario],
    worlds: pd.DataFrame,
    factors: Sequence[uncertainty.Factor],
    reps: int,
    weeks: int,
    seed: int,
    space: dict[str, Any],
    analysis: dict[str, Any],
) -> pd.DataFrame:
    """Plan (or extend with more replications) a robust design; save its worlds table.

    Args:
        store: the results directory.
        scenarios: the family profiles.
        worlds: :func:`experiments.uncertainty.worlds`.
        factors: the uncertain inputs the worlds set.
        reps: replications per world and coat.
        weeks: reported weeks per run.
        seed: root seed (runs and the Latin hypercube).
        space: what defines the worlds (their number, kinds, fixed inputs, trait order): part
            of the experiment's identity, so other worlds are refused in the same directory.
        analysis: the outcome and tolerance to analyse with by default.
    """
    design = robust.robust_design(scenarios, worlds, factors, reps, weeks, seed)
    identity = {**_identity("robust", scenarios, weeks, seed), "space": space}
    prepare(store, design, identity, {"reps": reps, **analysis})
    store.save_result("robust_worlds", worlds)
    return design


def analyse_robust(
    store: Store, outcome: str | None = None, tolerance: float | None = None
) -> dict[str, pd.DataFrame]:
    """P(best), regret and the robust choices from the finished runs; saved under ``results/``.

    ``outcome`` and ``tolerance`` default to those the design was planned with.
    """
    meta = store.meta()
    outcome = robust.check_outcome(outcome or meta.get("outcome", "score"))
    tolerance = robust.check_tolerance(
        tolerance if tolerance is not None else meta.get("tolerance", robust.DEFAULT_TOLERANCE)
    )
    tables = robust.analyse(store.runs(), outcome, tolerance)
    _save(store, tables)
    return tables


# --- own designs: grid, csv, lhs ------------------------------------------------------------


def plan_points(
    store: Store,
    kind: str,
    points: Sequence[dict[str, Any]],
    scenarios: Sequence[Scenario],
    reps: int,
    weeks: int,
    seed: int,
) -> pd.DataFrame:
    """Plan (or extend with more replications) an own design in ``store``.

    The identity is the points themselves, so the same command resumes and another set of
    points is refused in the same directory.
    """
    if kind not in POINT_KINDS:
        raise ConfigError("kind", kind, "allowed: " + ", ".join(POINT_KINDS))
    design = build_design(kind, points, reps, seed, weeks, scenarios)
    identity = {**_identity(kind, scenarios, weeks, seed), "points": [dict(p) for p in points]}
    prepare(store, design, identity, {"reps": reps})
    return design


def analyse_points(store: Store, outcomes: Sequence[str] | None = None) -> dict[str, pd.DataFrame]:
    """Per scenario, design point and outcome: n, mean, sd, ci95; saved as ``results/points``."""
    runs = store.runs()
    if runs.empty:
        raise ConfigError("results", str(store.root), "no finished runs yet")
    varied = varied_columns(store.design())
    chosen = [o for o in (outcomes or numeric_outcomes(runs)) if o not in varied]
    tables = {"points": point_stats(runs, ["scenario", "sample_row", *varied], chosen)}
    _save(store, tables)
    return tables


def analyse(store: Store) -> dict[str, pd.DataFrame]:
    """Analyse a store afresh from its finished runs, whatever its kind; save the tables.

    Sobol and Morris analyse the outcomes of their saved tables (those asked for when the
    command ran); the design's own N is used.

    Raises:
        ConfigError: no design, nothing finished, or a sensitivity store never analysed.
    """
    kind = store.meta().get("design_kind") or store.design().design_kind.iloc[0]
    if kind == "kwadrant":
        return analyse_kwadrant(store)
    if kind == "robust":
        return analyse_robust(store)
    if kind in POINT_KINDS:
        return analyse_points(store)
    if kind in ("sobol", "morris"):
        saved = store.results().get(kind)
        if saved is None or "outcome" not in saved:
            raise ConfigError(
                "DIR",
                str(store.root),
                f"no {kind} results yet; finish the sensitivity command first (rerun it)",
            )
        return analyse_sensitivity(store, list(dict.fromkeys(saved.outcome)))
    raise ConfigError("DIR", str(store.root), f"cannot analyse a {kind} store")


# --- sensitivity ---------------------------------------------------------------------------


def plan_sensitivity(
    store: Store,
    method: str,
    prob: dict[str, Any],
    n: int,
    reps: int,
    weeks: int,
    seed: int,
    scenario: Scenario | None,
    second_order: bool = False,
) -> pd.DataFrame:
    """Plan (or extend) a Sobol or Morris design in ``store``; return this command's design.

    ``n`` is the Sobol base sample size (a power of two) or the number of Morris trajectories.
    """
    if method == "sobol":
        pts = sensitivity.sobol_points(prob, n, seed, second_order)
    elif method == "morris":
        pts = sensitivity.points(prob, sensitivity.morris_X(prob, n, seed))
    else:
        raise ConfigError("method", method, "allowed: sobol, morris")
    design = build_design(method, pts, reps, seed, weeks, [scenario] if scenario else None)
    identity = {
        "kind": method,
        "problem": prob,
        "weeks": weeks,
        "seed": seed,
        "second_order": second_order,
        "scenario": scenario.name if scenario else None,
        "overrides": dict(scenario.overrides) if scenario else {},
    }
    if scenario is not None and scenario.events:
        identity["events"] = scenario.event_dicts()
    if method == "morris":
        identity["trajectories"] = n  # Morris designs are not nested; N is part of the identity
    prepare(store, design, identity, {"n": n, "reps": reps})
    return design


def analyse_sensitivity(
    store: Store, outcomes: Sequence[str], n: int | None = None
) -> dict[str, pd.DataFrame]:
    """Sobol indices (+ convergence) or Morris measures per outcome; saved under ``results/``.

    Raises:
        ConfigError: an outcome that is not a result column, or sample rows without results.
    """
    meta = store.meta()
    ident, n = meta["identity"], n or meta["n"]
    prob, seed = ident["problem"], ident["seed"]
    runs = store.runs()
    check_outcomes(outcomes, runs.columns)
    if ident["kind"] == "morris":
        X = sensitivity.morris_X(prob, n, seed)
        frames = [_morris(prob, X, runs, o, seed) for o in outcomes]
        tables = {"morris": pd.concat(frames, ignore_index=True)}
    else:
        tables = _sobol_tables(prob, runs, outcomes, n, ident["second_order"], seed)
    for table in tables.values():
        table["reps"] = int(runs.groupby("sample_row").size().min())
    _save(store, tables)
    return tables


def _morris(prob, X, runs, outcome, seed) -> pd.DataFrame:
    Y, noise = sensitivity.row_means(runs, outcome, len(X))
    return sensitivity.morris_indices(prob, X, Y, seed).assign(
        outcome=outcome, trajectories=len(X) // (prob["num_vars"] + 1), noise_share=noise
    )


def _sobol_tables(prob, runs, outcomes, n, second_order, seed) -> dict[str, pd.DataFrame]:
    rows = n * ((2 if second_order else 1) * prob["num_vars"] + 2)
    runs = runs[runs.sample_row < rows]
    indices, convergence = [], []
    for outcome in outcomes:
        Y, noise = sensitivity.row_means(runs, outcome, rows)
        found = sensitivity.sobol_indices(prob, Y, second_order, seed)
        indices.append(found.assign(outcome=outcome, n=n, noise_share=noise))
        conv = sensitivity.sobol_convergence(prob, Y, n, second_order, seed)
        convergence.append(conv.assign(outcome=outcome))
    return {
        "sobol": pd.concat(indices, ignore_index=True),
        "sobol_convergence": pd.concat(convergence, ignore_index=True),
    }


def check_outcomes(outcomes: Sequence[str], known: Sequence[str]) -> None:
    """Raise ConfigError for an outcome that is not among ``known``, suggesting close names."""
    for name in outcomes:
        if name not in known:
            close = difflib.get_close_matches(name, list(known), n=3)
            hint = f"did you mean {', '.join(close)}?" if close else "see `mpgsim run --help`"
            raise ConfigError("--outcome", name, f"unknown outcome; {hint}")


def load_results(root: str | Path) -> dict[str, pd.DataFrame]:
    """The saved result tables of a store (``results/*.parquet``), by name."""
    return Store(root).results()
