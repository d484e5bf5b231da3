"""The runner: executes what a design still lacks and streams the results into a store.

Runs go to the executor in batches (fewer, larger tasks cut scheduling overhead). Each worker
runs its batch, catches every error per run, and publishes each run's results itself as files
named by the run id, so only counts travel back, and a run redone for any reason (a Dask retry
after a worker died, a rerun with another batch size) replaces its own files instead of
duplicating them. At most ``2 x workers`` batches are in flight: a kill loses at most those,
and memory stays flat however long the design. A worker process that dies (segfault, out of
memory) breaks a local process pool; the runner then starts a new pool and retries the lost
batches one at a time, run by run, so only the run that kills its worker is recorded as failed.

:func:`run_in_memory` is the same loop without a store: the workers send the summaries back
(the dashboard's workshop reveal and comparisons), and a ``should_stop`` callback cancels it.
"""

from __future__ import annotations

import json
import os
import socket
import time
import traceback
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Future, wait
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from experiments.design import tasks
from experiments.executors import Engine
from experiments.store import Store
from experiments.summary import numeric_outcome_columns, tail
from experiments.tables import label
from experiments.version import model_version

RunFn = Callable[[dict[str, Any]], pd.DataFrame]
Progress = Callable[[int, int], None]
ShouldStop = Callable[[], bool]

MAX_ATTEMPTS = 3
#: How often the loop looks at ``should_stop`` while runs are in flight.
POLL_S = 0.2


@dataclass
class RunReport:
    """What one call of :func:`run_design` or :func:`run_in_memory` did."""

    planned: int
    skipped: int
    done: int = 0
    failed: int = 0
    seconds: float = 0.0
    cancelled: bool = False
    summaries: list[dict[str, Any]] = field(default_factory=list, repr=False)
    failures: list[dict[str, Any]] = field(default_factory=list, repr=False)
    weekly: list[pd.DataFrame] = field(default_factory=list, repr=False)

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
    should_stop: ShouldStop | None = None,
) -> RunReport:
    """Run every run of ``design`` that has no result in ``store`` yet.

    Damaged files in the store are quarantined first, so their runs are redone.

    Args:
        design: planned runs (see :mod:`experiments.design`).
        engine: where to run (see :func:`experiments.executors.open_engine`).
        store: the results directory; workers must be able to write to it.
        run_fn: the per-run function (see :mod:`experiments.models`).
        batch_size: runs per task; default: about four tasks per worker, at most 8 runs.
        on_progress: called as ``on_progress(done, failed)`` after each finished batch.
        retry_failed: also rerun runs recorded as failed.
        should_stop: polled while running; when it returns True no new batch starts, the
            queued ones are dropped and the call returns with ``cancelled`` set.

    Returns:
        Counts and timing. A run that raises is recorded in ``failures/``; it never stops
        the others.
    """
    store.repair()
    design = design.drop_duplicates("run_id")  # coinciding sample rows run once
    todo = store.pending(design, retry_failed)
    report = RunReport(planned=len(design), skipped=len(design) - len(todo))
    _run(tasks(todo), engine, str(store.root), run_fn, report, batch_size, on_progress, should_stop)
    return report


def run_in_memory(
    design: pd.DataFrame,
    engine: Engine,
    run_fn: RunFn,
    batch_size: int | None = 1,
    on_progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
    keep_weekly: bool = False,
) -> RunReport:
    """Run every run of ``design`` and return the results instead of storing them.

    Same arguments as :func:`run_design` (without a store); the report carries
    ``summaries`` (dicts as :func:`summarise` makes them), ``failures`` and, with
    ``keep_weekly``, the labelled weekly tables.
    """
    design = design.drop_duplicates("run_id")
    report = RunReport(planned=len(design), skipped=0)
    items = [{**t, "keep_weekly": keep_weekly} for t in tasks(design)]
    _run(items, engine, None, run_fn, report, batch_size, on_progress, should_stop)
    return report


def _run(all_tasks, engine, root, run_fn, report, batch_size, on_progress, should_stop) -> None:
    size = batch_size or max(1, min(8, -(-len(all_tasks) // (4 * engine.workers))))
    queue = deque((all_tasks[i : i + size], 1) for i in range(0, len(all_tasks), size))
    start = time.perf_counter()
    loop = _Loop(engine, root, run_fn, report, on_progress, should_stop or (lambda: False))
    loop.drain(queue)
    report.seconds = time.perf_counter() - start


class ModelMismatch(RuntimeError):
    """A worker runs another model than the one the runs were planned with.

    Run ids contain the model version of the process that planned them; a worker that imports
    another copy of the package (a stale install, another checkout first on its path, an old
    image on a cluster) would store results of one model under the ids of another.
    """


@dataclass
class _Loop:
    """Keeps up to 2 x workers batches in flight until the queue is empty or it must stop."""

    engine: Engine
    root: str | None
    run_fn: RunFn
    report: RunReport
    on_progress: Progress | None
    should_stop: ShouldStop
    inflight: dict[Future, tuple[list, int]] = field(default_factory=dict)
    # batches lost when a worker died, retried one at a time
    suspects: deque = field(default_factory=deque)
    # the model the runs were planned with; every worker checks it runs the same one
    version: str = field(default_factory=model_version)
    mismatch: bool = False

    def drain(self, queue: deque) -> None:
        while queue or self.inflight or self.suspects:
            if self.should_stop() or self.mismatch:
                self._cancel(queue)
                return
            self._submit(queue)
            finished, _ = wait(self.inflight, timeout=POLL_S, return_when=FIRST_COMPLETED)
            # Successful batches first, so a pool that broke afterwards does not hide them.
            for future in sorted(finished, key=lambda f: f.exception() is not None):
                if future in self.inflight:
                    self._collect(future)

    def _collect(self, future: Future) -> None:
        batch, attempt = self.inflight.pop(future)
        try:
            result = future.result()
        except BrokenExecutor as exc:
            self.engine.restart()
            lost = [(batch, attempt), *self.inflight.values()]
            self.inflight.clear()
            self._blame(lost, exc)
            return
        except Exception as exc:
            result = self._lost(batch, exc)
            # every other batch would fail the same way: stop, and leave them to a rerun
            self.mismatch = self.mismatch or isinstance(exc, ModelMismatch)
        self._count(result)

    def _submit(self, queue: deque) -> None:
        if self.suspects:
            # Alone in the pool, a suspect that breaks it again is known to be the culprit.
            if not self.inflight:
                self._send(*self.suspects.popleft())
            return
        while queue and len(self.inflight) < 2 * self.engine.workers:
            self._send(*queue.popleft())

    def _send(self, batch: list, attempt: int) -> None:
        future = self.engine.executor.submit(
            execute_batch, batch, self.run_fn, self.root, self.version
        )
        self.inflight[future] = (batch, attempt)

    def _blame(self, lost: list, exc: BaseException) -> None:
        """A worker died and broke the pool: find the run that did it, spare the others."""
        if len(lost) > 1:
            self.suspects.extend(lost)
            return
        ((batch, attempt),) = lost
        if len(batch) > 1:
            self.suspects.extend(([task], attempt) for task in batch)
        elif attempt < MAX_ATTEMPTS:
            self.suspects.append((batch, attempt + 1))
        else:
            self._count(self._lost(batch, exc))

    def _lost(self, batch: list, exc: BaseException) -> dict[str, Any]:
        """Record every run of a batch that was lost as a whole (e.g. Dask ``KilledWorker``)."""
        records = [_failure(t, exc) for t in batch]
        if self.root is not None:
            store = Store(self.root)
            for record in records:
                store.write_part("failures", record["run_id"], pd.DataFrame([record]))
            records = []
        return {"done": 0, "failed": len(batch), "failures": records}

    def _count(self, result: dict[str, Any]) -> None:
        report = self.report
        report.done += result["done"]
        report.failed += result["failed"]
        report.summaries += result.get("summaries", [])
        report.failures += result.get("failures", [])
        report.weekly += result.get("weekly", [])
        if self.on_progress:
            self.on_progress(report.done, report.failed)

    def _cancel(self, queue: deque) -> None:
        queue.clear()
        self.suspects.clear()
        for future in self.inflight:
            future.cancel()
        self.report.cancelled = True


def execute_batch(
    batch: list[dict[str, Any]], run_fn: RunFn, root: str | None, version: str | None = None
) -> dict:
    """Run a batch on a worker; publish each run's results into the store at ``root``.

    With ``root`` None nothing is written: the summaries (and, when the task asks for it, the
    weekly tables) travel back in the returned dict. Every exception of a run (including
    SystemExit from a model) is caught and recorded, so a failing run can neither kill the
    worker nor hang the sweep.

    Raises:
        ModelMismatch: ``version`` (the planning process's model) is not the model this worker
            imports; nothing is run or written.
    """
    if version is not None and model_version() != version:
        raise ModelMismatch(
            f"this worker runs model {model_version()}, but the runs were planned with "
            f"{version}: it imports another copy of mpg-vo-sim (check its Python environment)"
        )
    store = Store(root) if root is not None else None
    out: dict[str, Any] = {"done": 0, "failed": 0, "summaries": [], "failures": [], "weekly": []}
    for task in batch:
        start = time.perf_counter()
        try:
            table = run_fn(task)
        except (Exception, SystemExit) as exc:
            _publish(store, out, "failures", task["run_id"], _failure(task, exc))
            out["failed"] += 1
            continue
        weekly = label(table, task["run_id"], task["seed"], task["varied"])
        summary = summarise(table, task, time.perf_counter() - start)
        # Summary first: weekly rows are the "done" marker (see experiments.store).
        _publish(store, out, "summaries", task["run_id"], summary)
        if store is not None:
            store.write_part("parts", task["run_id"], weekly)
        elif task.get("keep_weekly"):
            out["weekly"].append(weekly)
        out["done"] += 1
    return out


def _publish(store: Store | None, out: dict, key: str, rid: str, record: dict) -> None:
    if store is None:
        out[key].append(record)
    else:
        store.write_part("runs" if key == "summaries" else key, rid, pd.DataFrame([record]))


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
    """One run's scalars: each outcome's tail mean (see :mod:`experiments.summary`).

    The summary also keeps the run's policy events, as JSON text (``[]`` without).
    """
    last = tail(table)
    means = last[numeric_outcome_columns(last)].mean()
    return {
        "run_id": task["run_id"],
        "seed": task["seed"],
        **task["varied"],
        "events": json.dumps(task.get("events", []), sort_keys=True),
        **means.to_dict(),
        "weeks_averaged": len(last),
        "elapsed_s": seconds,
    }
