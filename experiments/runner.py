"""The runner: executes what a design still lacks and streams the results into a store.

Runs go to the executor in batches (fewer, larger tasks cut scheduling overhead). Each worker
runs its batch, catches every error per run, and publishes the batch's results itself as part
files, so only counts travel back. Part names are derived from the batch's run ids, so a batch
that Dask retries after a worker died overwrites its own files instead of duplicating them.
At most ``2 x workers`` batches are in flight: a kill loses at most those, and memory stays
flat however long the design. A worker process that dies (segfault, out of memory) breaks a
local process pool; the runner then starts a new pool and retries the lost batches one at a
time, run by run, so only the run that kills its worker is recorded as failed.
"""

from __future__ import annotations

import os
import socket
import time
import traceback
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Future, wait
from dataclasses import dataclass
from typing import Any

import pandas as pd

from experiments.design import tasks, varied_columns
from experiments.executors import Engine
from experiments.store import Store
from experiments.summary import numeric_outcome_columns, tail
from experiments.tables import label

RunFn = Callable[[dict[str, Any]], pd.DataFrame]
Progress = Callable[[int, int], None]

MAX_ATTEMPTS = 3
_NAMESPACE = uuid.UUID("6f1d2a3e-8c4b-4d5e-9a7f-0b1c2d3e4f50")


@dataclass
class RunReport:
    """What one call of :func:`run_design` did."""

    planned: int
    skipped: int
    done: int = 0
    failed: int = 0
    seconds: float = 0.0

    @property
    def runs_per_second(self) -> float:
        """Throughput of this call (runs done or failed per wall-clock second)."""
        return (self.done + self.failed) / self.seconds if self.seconds else 0.0


def run_design(
    design: pd.DataFrame,
    engine: Engine,
    store: Store,
    run_fn: RunFn,
    batch_size: int | None = None,
    on_progress: Progress | None = None,
    retry_failed: bool = False,
) -> RunReport:
    """Run every run of ``design`` that has no result in ``store`` yet.

    Args:
        design: planned runs (see :mod:`experiments.design`).
        engine: where to run (see :func:`experiments.executors.open_engine`).
        store: the results directory; workers must be able to write to it.
        run_fn: the per-run function (see :mod:`experiments.models`).
        batch_size: runs per task; default: about four tasks per worker, at most 8 runs.
        on_progress: called as ``on_progress(done, failed)`` after each finished batch.
        retry_failed: also rerun runs recorded as failed.

    Returns:
        Counts and timing. A run that raises is recorded in ``failures/``; it never stops
        the others.
    """
    design = design.drop_duplicates("run_id")  # coinciding sample rows run once
    todo = store.pending(design, retry_failed)
    report = RunReport(planned=len(design), skipped=len(design) - len(todo))
    size = batch_size or max(1, min(8, -(-len(todo) // (4 * engine.workers))))
    all_tasks = tasks(todo)
    queue = deque((all_tasks[i : i + size], 1) for i in range(0, len(all_tasks), size))
    start = time.perf_counter()
    _drain(queue, engine, store, run_fn, report, on_progress)
    report.seconds = time.perf_counter() - start
    return report


def _drain(queue, engine, store, run_fn, report, on_progress) -> None:
    inflight: dict[Future, tuple[list, int]] = {}
    suspects: deque = deque()  # batches lost when a worker died, retried one at a time
    while queue or inflight or suspects:
        _submit(queue, suspects, inflight, engine, run_fn, store)
        finished, _ = wait(inflight, return_when=FIRST_COMPLETED)
        # Successful batches first, so a pool that broke afterwards does not hide them.
        for future in sorted(finished, key=lambda f: f.exception() is not None):
            if future not in inflight:
                continue
            batch, attempt = inflight.pop(future)
            try:
                counts = future.result()
            except BrokenExecutor as exc:
                engine.restart()
                lost = [(batch, attempt), *inflight.values()]
                inflight.clear()
                _blame(lost, suspects, store, report, on_progress, exc)
                continue
            except Exception as exc:
                counts = record_failures(store, batch, exc)
            _count(report, counts, on_progress)


def _submit(queue, suspects, inflight, engine, run_fn, store) -> None:
    if suspects:
        # Alone in the pool, a suspect that breaks it again is known to be the culprit.
        if not inflight:
            batch, attempt = suspects.popleft()
            future = engine.executor.submit(execute_batch, batch, run_fn, str(store.root))
            inflight[future] = (batch, attempt)
        return
    while queue and len(inflight) < 2 * engine.workers:
        batch, attempt = queue.popleft()
        future = engine.executor.submit(execute_batch, batch, run_fn, str(store.root))
        inflight[future] = (batch, attempt)


def _blame(lost, suspects, store, report, on_progress, exc) -> None:
    """A worker died and broke the pool: find the run that did it, spare the others."""
    if len(lost) > 1:
        suspects.extend(lost)
        return
    ((batch, attempt),) = lost
    if len(batch) > 1:
        suspects.extend(([task], attempt) for task in batch)
    elif attempt < MAX_ATTEMPTS:
        suspects.append((batch, attempt + 1))
    else:
        _count(report, record_failures(store, batch, exc), on_progress)


def _count(report: RunReport, counts: dict[str, int], on_progress: Progress | None) -> None:
    report.done += counts["done"]
    report.failed += counts["failed"]
    if on_progress:
        on_progress(report.done, report.failed)


def batch_key(batch: list[dict[str, Any]]) -> str:
    """A stable id for a batch: the same runs give the same part file names."""
    return uuid.uuid5(_NAMESPACE, ",".join(t["run_id"] for t in batch)).hex


def execute_batch(batch: list[dict[str, Any]], run_fn: RunFn, root: str) -> dict[str, int]:
    """Run a batch on a worker and publish its weekly rows, summaries and failures.

    Every exception of a run (including SystemExit from a model) is caught and recorded, so a
    failing run can neither kill the worker nor hang the sweep.
    """
    store = Store(root)
    weekly, summaries, failures = [], [], []
    for task in batch:
        start = time.perf_counter()
        try:
            table = run_fn(task)
        except (Exception, SystemExit) as exc:
            failures.append(_failure(task, exc))
            continue
        weekly.append(label(table, task["run_id"], task["seed"], task["varied"]))
        summaries.append(summarise(table, task, time.perf_counter() - start))
    key = batch_key(batch)
    if failures:
        store.write_part("failures", key, pd.DataFrame(failures))
    if weekly:
        # Summaries first: weekly rows are the "done" marker (see experiments.store).
        store.write_part("runs", key, pd.DataFrame(summaries))
        store.write_part("parts", key, pd.concat(weekly, ignore_index=True))
    return {"done": len(weekly), "failed": len(failures)}


def record_failures(store: Store, batch: list[dict[str, Any]], exc: BaseException) -> dict:
    """Record every run of a batch that was lost as a whole (e.g. Dask ``KilledWorker``)."""
    store.write_part("failures", batch_key(batch), pd.DataFrame([_failure(t, exc) for t in batch]))
    return {"done": 0, "failed": len(batch)}


def _failure(task: dict[str, Any], exc: BaseException) -> dict[str, Any]:
    return {
        "run_id": task["run_id"],
        "scenario": task["scenario"],
        "seed": task["seed"],
        "sample_row": task["sample_row"],
        "replication": task["replication"],
        "error_type": type(exc).__name__,
        "message": str(exc),
        "traceback": "".join(traceback.format_exception(exc)),
        "worker": f"{socket.gethostname()}:{os.getpid()}",
        "failed_at": pd.Timestamp.now(tz="UTC"),
    }


def summarise(table: pd.DataFrame, task: dict[str, Any], seconds: float) -> dict[str, Any]:
    """One run's scalars: each outcome's tail mean (see :mod:`experiments.summary`)."""
    last = tail(table)
    means = last[numeric_outcome_columns(last)].mean()
    return {
        "run_id": task["run_id"],
        "seed": task["seed"],
        **task["varied"],
        **means.to_dict(),
        "weeks_averaged": len(last),
        "elapsed_s": seconds,
    }


def summary_columns(runs: pd.DataFrame, design: pd.DataFrame) -> list[str]:
    """Outcome columns of a runs table (everything that is not bookkeeping or a parameter)."""
    skip = {
        "run_id",
        "seed",
        "weeks_averaged",
        "elapsed_s",
        "design_kind",
        "scenario",
        "sample_row",
        "replication",
        *varied_columns(design),
    }
    return [c for c in runs.columns if c not in skip and pd.api.types.is_numeric_dtype(runs[c])]
