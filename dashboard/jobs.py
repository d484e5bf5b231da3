"""Model runs in a server-owned process pool, with progress and cancel, for every page and user.

Why not one process per request (Dash's background callbacks)? Forking a threaded web server
while another thread holds a lock can leave the child stuck for good: twenty people pressing
Run at once left some of them waiting forever. Here the server keeps one pool, capped by the
cores, whose workers are started by a forkserver (a clean, single-threaded process), so no
request ever forks. A page submits a *job* (one or more runs) and polls its status; workers
write results and progress to the shared diskcache, so any server worker can answer a poll.

Cancel sets a flag the running model checks every week, and drops the runs not yet started.
Workers watch the server process and exit when it is gone, so nothing is left behind.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import diskcache

from dashboard.runs import Runner, Simulate, is_key
from dashboard.state import timeline_scenario
from experiments.config import load_scenario
from experiments.timeline import parse_event

LOG = logging.getLogger(__name__)
#: how long a job's status stays readable after it was submitted
JOB_TTL = 3600
_JOB_CHARS = frozenset("0123456789abcdef")


class Cancelled(Exception):
    """Raised inside a run when its job was cancelled."""


@dataclass(frozen=True)
class Task:
    """One model run: a family mix with parameter overrides, a seed, a length and events.

    Events travel as ``--event`` texts (:func:`experiments.timeline.event_spec`): small,
    hashable and picklable on their way to a pool worker.
    """

    mix: str
    overrides: tuple[tuple[str, Any], ...]
    seed: int
    weeks: int
    events: tuple[str, ...] = ()

    def scenario(self):
        """The validated scenario of this task; with events, exactly these events."""
        if not self.events:
            return load_scenario(self.mix, dict(self.overrides))
        events = [parse_event(spec) for spec in self.events]
        return timeline_scenario(self.mix, dict(self.overrides), events, self.weeks)


@dataclass
class JobStatus:
    """What a poll learns about a job."""

    state: str  # running, done, error, cancelled or unknown
    done: int = 0
    total: int = 0
    fraction: float = 0.0
    keys: list[str] = field(default_factory=list)
    error: str = ""
    meta: dict = field(default_factory=dict)
    seconds: float = 0.0  # since the job was submitted


def is_job(value: Any) -> bool:
    """Tell whether an untrusted value looks like a job id."""
    return isinstance(value, str) and len(value) == 32 and set(value) <= _JOB_CHARS


class JobPool:
    """A capped process pool plus job bookkeeping in the shared cache.

    Args:
        runner: the run cache (its simulate function is what the workers call).
        workers: pool size; at most the number of cores.
    """

    def __init__(self, runner: Runner, workers: int):
        self.runner = runner
        self.workers = max(1, min(int(workers), os.cpu_count() or 1))
        self._executor: ProcessPoolExecutor | None = None
        self._futures: dict[str, list[Future]] = {}
        self._lock = threading.Lock()
        # runs under way, by run key, and whether a background job started them
        self._inflight: dict[str, tuple[Future, bool]] = {}
        # background runs in the pool at once: a user's job queues behind at most this many
        self._background = threading.BoundedSemaphore(self.workers)
        self._closed = threading.Event()

    @property
    def cache(self) -> diskcache.Cache:
        """The diskcache shared with the workers."""
        return self.runner.cache

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            broken = self._executor is not None and getattr(self._executor, "_broken", False)
            if self._executor is None or broken:
                ctx = multiprocessing.get_context("forkserver")
                ctx.set_forkserver_preload(["dashboard.jobs", "experiments.single"])
                self._executor = ProcessPoolExecutor(
                    self.workers,
                    mp_context=ctx,
                    initializer=_die_with,
                    initargs=(os.getpid(),),
                )
            return self._executor

    def submit(
        self,
        tasks: Sequence[Task],
        watch: int | None = 0,
        meta: dict | None = None,
        background: bool = False,
    ) -> str:
        """Queue ``tasks`` as one job and return its id; cached runs count as done at once.

        Args:
            tasks: the runs of the job, in order.
            watch: index of the run whose weekly progress the status reports (None: none).
            meta: what the page needs to show the result; kept on the server with the job,
                so a poll never has to trust a client-sent description.
            background: work ahead of a user (:meth:`prefetch`): the runs go into the pool a
                few at a time, so a job a user starts meanwhile waits for at most
                :attr:`workers` of them, and joins the ones already under way.
        """
        job = uuid.uuid4().hex
        cache = self.cache
        record = {"total": len(tasks), "created": time.time(), "meta": meta or {}}
        cache.set(f"job:{job}", record, expire=JOB_TTL)
        cache.set(f"job:{job}:done", 0, expire=JOB_TTL)
        with self._lock:
            self._futures[job] = []
        pending = []
        for i, task in enumerate(tasks):
            key = self.runner.key(task.scenario(), task.seed, task.weeks)
            if self.runner.has(key):
                self._record(job, i, key)
            elif background:
                pending.append((i, task, key))
            elif not self._join(job, i, task, key, watch=i == watch):
                self._launch(job, i, task, key, watch=i == watch)
        if pending:
            feed = threading.Thread(
                target=self._feed, args=(job, pending), daemon=True, name=f"feed-{job[:8]}"
            )
            feed.start()
        return job

    def prefetch(self, tasks: Sequence[Task], name: str, meta: dict | None = None) -> str:
        """Start ``tasks`` in the background once per ``name``, and return that job's id.

        A running or finished background job of the same name is reused, so several pages
        asking for the same runs (the reveal of one training case) start them once.
        """
        slot = f"prefetch:{name}"
        job = self.cache.get(slot)
        if job is not None and self.status(job).state in ("running", "done"):
            return job
        job = self.submit(tasks, watch=None, meta=meta, background=True)
        self.cache.set(slot, job, expire=JOB_TTL)
        return job

    def _join(self, job: str, index: int, task: Task, key: str, watch: bool) -> bool:
        """Let run ``index`` of ``job`` wait for a background run of the same key under way."""
        with self._lock:
            future, background = self._inflight.get(key, (None, False))
        if future is None or not background:
            return False
        future.add_done_callback(partial(self._joined, job, index, task, key, watch))
        return True

    def _joined(
        self, job: str, index: int, task: Task, key: str, watch: bool, future: Future
    ) -> None:
        """A joined run ended: its result is this job's too, unless its own job was stopped.

        Then this job runs it itself (from a thread of its own: a done-callback runs in the
        pool's manager thread, which must not wait on the pool).
        """
        stopped = future.cancelled() or isinstance(future.exception(), Cancelled)
        if stopped and not self.cache.get(f"job:{job}:cancel") and not self._closed.is_set():
            again = partial(self._launch, job, index, task, key, watch)
            threading.Thread(target=again, daemon=True, name=f"again-{job[:8]}").start()
        else:
            self._finished(job, index, future)

    def _launch(
        self, job: str, index: int, task: Task, key: str, watch: bool, background: bool = False
    ) -> None:
        future = self._pool().submit(
            execute, self.cache.directory, self.runner.simulate, job, task, watch
        )
        with self._lock:
            self._inflight[key] = (future, background)
            self._futures.setdefault(job, []).append(future)
        future.add_done_callback(partial(self._finished, job, index))
        future.add_done_callback(partial(self._landed, key, background))

    def _landed(self, key: str, background: bool, future: Future) -> None:
        with self._lock:
            if self._inflight.get(key, (None, False))[0] is future:
                del self._inflight[key]
        if background:
            self._background.release()

    def _feed(self, job: str, pending: list[tuple[int, Task, str]]) -> None:
        """Hand a background job's runs to the pool as background slots free up.

        A run that another job has under way is left to it and looked at again on the next
        pass: found in the cache then, or started here if that job was cancelled.
        """
        cancelled = f"job:{job}:cancel"
        while pending and not self._closed.is_set() and not self.cache.get(cancelled):
            waiting = []
            for i, task, key in pending:
                if self.runner.has(key):
                    self._record(job, i, key)
                elif key in self._inflight:
                    waiting.append((i, task, key))
                elif self._background.acquire(timeout=0.5):
                    if self._closed.is_set() or self.cache.get(cancelled):
                        self._background.release()
                        return
                    try:
                        self._launch(job, i, task, key, watch=False, background=True)
                    except Exception:  # the pool broke: give the slot back, stop feeding
                        self._background.release()
                        raise
                else:
                    waiting.append((i, task, key))
            pending = waiting
            if pending:
                time.sleep(0.2)

    def _record(self, job: str, index: int, key: str) -> None:
        self.cache.set(f"job:{job}:{index}", key, expire=JOB_TTL)
        self.cache.incr(f"job:{job}:done")

    def _finished(self, job: str, index: int, future: Future) -> None:
        if future.cancelled():
            return
        exc = future.exception()
        if exc is None:
            self._record(job, index, future.result())
        elif not isinstance(exc, Cancelled):
            LOG.warning("run %s of job %s failed: %s", index, job, exc)
            self.cache.add(f"job:{job}:error", str(exc) or type(exc).__name__, expire=JOB_TTL)
        with self._lock:
            pending = self._futures.get(job, [])
            if all(f.done() for f in pending):
                self._futures.pop(job, None)

    def status(self, job: Any) -> JobStatus:
        """The state of ``job`` (``unknown`` for ids that were never issued or expired)."""
        meta = self.cache.get(f"job:{job}") if is_job(job) else None
        if meta is None:
            return JobStatus("unknown")
        total, extra = meta["total"], meta["meta"]
        seconds = time.time() - meta["created"]
        done = int(self.cache.get(f"job:{job}:done", 0))
        if self.cache.get(f"job:{job}:cancel"):
            return JobStatus("cancelled", done, total, meta=extra)
        error = self.cache.get(f"job:{job}:error")
        if error:
            return JobStatus("error", done, total, error=error, meta=extra)
        if done >= total:
            keys = [self.cache.get(f"job:{job}:{i}") for i in range(total)]
            if all(is_key(k) for k in keys):
                return JobStatus("done", done, total, 1.0, keys, meta=extra, seconds=seconds)
        week = self.cache.get(f"job:{job}:week")
        part = week[0] / week[1] if week and done < total else 0.0
        fraction = min((done + part) / max(total, 1), 0.99)
        return JobStatus("running", done, total, fraction, meta=extra)

    def cancel(self, job: Any) -> None:
        """Stop ``job``: running runs stop at their next week, queued ones never start."""
        if not is_job(job) or self.cache.get(f"job:{job}") is None:
            return
        self.cache.set(f"job:{job}:cancel", True, expire=JOB_TTL)
        with self._lock:
            futures = self._futures.pop(job, [])
        for future in futures:  # outside the lock: a cancelled future's callbacks take it
            future.cancel()

    def wait(self, job: str, timeout: float = 600.0, poll: float = 0.05) -> JobStatus:
        """Block until ``job`` ends (start-up warming and benchmarks; pages poll instead)."""
        deadline = time.monotonic() + timeout
        while True:
            status = self.status(job)
            if status.state != "running" or time.monotonic() > deadline:
                return status
            time.sleep(poll)

    def close(self) -> None:
        """Shut the pool down (tests that build many apps)."""
        self._closed.set()
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None


_CACHES: dict[str, diskcache.Cache] = {}


def _open(directory: str) -> diskcache.Cache:
    if directory not in _CACHES:
        _CACHES[directory] = diskcache.Cache(directory)
    return _CACHES[directory]


def execute(directory: str, simulate: Simulate, job: str, task: Task, watch: bool) -> str:
    """Run one task in a pool worker and return its run key (the table goes to the cache)."""
    cache = _open(directory)
    flag = f"job:{job}:cancel"
    if cache.get(flag):
        raise Cancelled()
    step = [-1]

    def on_week(week: int, total: int) -> None:
        if cache.get(flag):
            raise Cancelled()
        pct = 50 * week // max(total, 1)  # a disk write every 2%, not every week
        if watch and pct != step[0]:
            step[0] = pct
            cache.set(f"job:{job}:week", (week, total), expire=JOB_TTL)

    runner = Runner(cache, simulate)
    try:
        return runner.run(task.scenario(), task.seed, task.weeks, on_week=on_week).key
    except Cancelled:
        raise
    except Exception as exc:  # sent back to the server: a plain, picklable exception
        raise RuntimeError(f"{type(exc).__name__}: {exc}") from None


def _die_with(server_pid: int) -> None:
    """Pool initializer: exit when the server process is gone (no orphaned workers)."""

    def watch() -> None:
        while True:
            try:
                os.kill(server_pid, 0)
            except ProcessLookupError:
                os._exit(0)
            time.sleep(1.0)

    threading.Thread(target=watch, daemon=True, name="watch-server").start()
