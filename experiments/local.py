"""Small designs run on this machine and returned in memory: for the dashboard.

The workshop reveal (81 coats x 3 replications) and Vergelijken (a few scenarios x a few
replications) run through the sweep runner's own loop on a local process pool, capped by the
cores, with a progress callback and cancellation; nothing is written to disk. The run ids are
the one run identity (:mod:`experiments.ids`), so the dashboard can cache results by them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from experiments.config import Scenario
from experiments.design import build_design
from experiments.executors import open_engine
from experiments.kwadrant import kwadrant_design
from experiments.models import run_model
from experiments.runner import Progress, RunFn, run_in_memory


@dataclass
class LocalResult:
    """What :func:`run_local` returns.

    Attributes:
        summaries: one row per finished run: the design columns (scenario, sample_row,
            replication, seed, the varied parameters) and every outcome's tail mean.
        weekly: the weekly rows of every finished run (``run_id, seed, week, ...``) when asked
            for, else an empty frame.
        failures: one row per run that raised (error_type, message, traceback, ...).
        cancelled: True when ``should_stop`` ended the call early (the results are partial).
    """

    summaries: pd.DataFrame
    weekly: pd.DataFrame
    failures: pd.DataFrame
    cancelled: bool


def run_local(
    design: pd.DataFrame,
    workers: int | None = None,
    on_progress: Progress | None = None,
    should_stop: Callable[[], bool] | threading.Event | None = None,
    keep_weekly: bool = False,
    run_fn: RunFn = run_model,
) -> LocalResult:
    """Run every run of ``design`` on local worker processes and return the results.

    Args:
        design: planned runs, e.g. from :func:`coat_design` or :func:`compare_design`.
        workers: worker processes; default and maximum: the cores.
        on_progress: called as ``on_progress(done, failed)`` after each run.
        should_stop: a ``threading.Event`` or a callable; once set (or True) no new run
            starts and the call returns what is finished, with ``cancelled`` set.
        keep_weekly: also return the weekly rows (for charts over time).
        run_fn: the per-run function (the model by default; tests pass a fake).
    """
    stop = should_stop.is_set if isinstance(should_stop, threading.Event) else should_stop
    with open_engine("processes", workers) as engine:
        report = run_in_memory(
            design,
            engine,
            run_fn,
            on_progress=on_progress,
            should_stop=stop,
            keep_weekly=keep_weekly,
        )
    # every design row gets its run's summary: identical points share one run
    rows = design.drop(columns=["overrides"], errors="ignore")
    found = pd.DataFrame(report.summaries)
    if len(found):  # seed and events come with the design rows
        summaries = rows.merge(found.drop(columns=["seed", "events"], errors="ignore"), on="run_id")
    else:
        summaries = found
    weekly = pd.concat(report.weekly, ignore_index=True) if report.weekly else pd.DataFrame()
    return LocalResult(summaries, weekly, pd.DataFrame(report.failures), report.cancelled)


def coat_design(scenario: Scenario, reps: int, weeks: int, seed: int) -> pd.DataFrame:
    """The 81 coats of one family mix, ``reps`` replications each (as the kwadrant sweep)."""
    return kwadrant_design([scenario], reps, weeks, seed)


def compare_design(scenarios: Sequence[Scenario], reps: int, weeks: int, seed: int) -> pd.DataFrame:
    """``reps`` paired replications of each scenario; ``sample_row`` is its index in the list."""
    frames = [
        build_design("compare", [{}], reps, seed, weeks, [sc]).assign(sample_row=i)
        for i, sc in enumerate(scenarios)
    ]
    return pd.concat(frames, ignore_index=True)
