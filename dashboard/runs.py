"""Model runs for the dashboard: a shared result cache and a cap on simultaneous runs.

Dash's DiskcacheManager starts one process per background job, so both the cache and the cap
live on disk where every job process sees them. The cache key is a hash of the full validated
parameters, the seed, the run length and ``model_version()``: identical requests from different
people are served from one run, and a new model version never serves stale results.

The cap is a lease-based semaphore on the same diskcache. Dash cancels a job by killing its
process (SIGKILL), which would leak a slot of ``diskcache.BoundedSemaphore`` for good; here a
slot whose owner process is gone is simply taken over.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import diskcache
import pandas as pd
import psutil

from experiments.config import Scenario

Simulate = Callable[..., pd.DataFrame]
Progress = Callable[[int, int], None]

_KEY_CHARS = frozenset("0123456789abcdef")


def default_simulate(scenario: Scenario, seed: int, weeks: int | None = None, on_week=None):
    """Run the real model (imported late so the dashboard starts even while it is rebuilt)."""
    from experiments.single import run_scenario

    return run_scenario(scenario, seed=seed, weeks=weeks, on_week=on_week)


def run_key(params: Mapping[str, Any], seed: int, weeks: int, version: str) -> str:
    """Return the cache key of one run: a hash of everything that determines its result."""
    payload = json.dumps(
        {
            "params": dict(sorted(params.items())),
            "seed": int(seed),
            "weeks": int(weeks),
            "version": version,
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def is_key(value: Any) -> bool:
    """Tell whether an untrusted value looks like a run key (so it can be looked up safely)."""
    return isinstance(value, str) and len(value) == 32 and set(value) <= _KEY_CHARS


class SlotSemaphore:
    """At most ``slots`` holders across processes; a dead holder's slot is reclaimed.

    Args:
        cache: the diskcache shared by all job processes.
        name: key prefix of the slots.
        slots: how many runs may go at once.
        lease: seconds after which a slot is reclaimed even if its holder still looks alive
            (guards against reused process ids).
    """

    def __init__(self, cache: diskcache.Cache, name: str, slots: int, lease: float = 600.0):
        self.cache = cache
        self.name = name
        self.slots = max(1, int(slots))
        self.lease = lease
        self._held: str | None = None

    def _free(self, holder: Any) -> bool:
        if holder is None:
            return True
        pid, since = holder
        if time.time() - since > self.lease:
            return True
        try:
            return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
        except psutil.Error:
            return True

    def try_acquire(self) -> bool:
        """Take a free slot if there is one; return whether it worked."""
        with self.cache.transact(retry=True):
            for i in range(self.slots):
                key = f"{self.name}:{i}"
                if self._free(self.cache.get(key)):
                    self.cache.set(key, (os.getpid(), time.time()))
                    self._held = key
                    return True
        return False

    def acquire(self, on_wait: Callable[[], None] | None = None, poll: float = 0.05) -> None:
        """Block until a slot is free; ``on_wait`` is called once if it has to wait."""
        waited = False
        while not self.try_acquire():
            if not waited and on_wait:
                on_wait()
            waited = True
            time.sleep(poll)

    def release(self) -> None:
        """Give the slot back."""
        if self._held is not None:
            self.cache.delete(self._held)
            self._held = None

    def in_use(self) -> int:
        """Count the slots held by live processes (for tests and the health view)."""
        return sum(not self._free(self.cache.get(f"{self.name}:{i}")) for i in range(self.slots))

    def __enter__(self) -> SlotSemaphore:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


@dataclass
class RunResult:
    """One finished run: its key, weekly table and whether it came from the cache."""

    key: str
    table: pd.DataFrame
    cached: bool
    seconds: float


class Runner:
    """Runs scenarios through an injectable simulate function, with cache and cap.

    Args:
        cache: diskcache shared by the web server and all job processes.
        simulate: ``simulate(scenario, seed, weeks=, on_week=) -> DataFrame``.
        version: model version, part of every cache key.
        slots: simultaneous model runs allowed.
    """

    def __init__(self, cache: diskcache.Cache, simulate: Simulate, version: str, slots: int):
        self.cache = cache
        self.simulate = simulate
        self.version = version
        self.slots = slots

    def key(self, scenario: Scenario, seed: int, weeks: int) -> str:
        """Return the cache key of a run."""
        return run_key(scenario.params, seed, weeks, self.version)

    def get(self, key: Any) -> pd.DataFrame | None:
        """Return a cached run table, or None (also for keys that are not keys at all)."""
        if not is_key(key):
            return None
        return self.cache.get(f"run:{key}")

    def run(
        self,
        scenario: Scenario,
        seed: int,
        weeks: int,
        on_week: Progress | None = None,
        on_wait: Callable[[], None] | None = None,
    ) -> RunResult:
        """Return the run from the cache, or run it under the cap and cache it."""
        started = time.perf_counter()
        key = self.key(scenario, seed, weeks)
        table = self.get(key)
        if table is not None:
            return RunResult(key, table, True, time.perf_counter() - started)
        sem = SlotSemaphore(self.cache, "sim-slots", self.slots)
        sem.acquire(on_wait=on_wait)
        try:
            # someone may have finished the same run while we waited for a slot
            table = self.get(key)
            if table is not None:
                return RunResult(key, table, True, time.perf_counter() - started)
            table = self.simulate(scenario, seed, weeks=weeks, on_week=on_week)
            table = table.reset_index(drop=True)
            self.cache.set(f"run:{key}", table)
        finally:
            sem.release()
        return RunResult(key, table, False, time.perf_counter() - started)

    def remember(self, name: str, value: Any) -> None:
        """Store a derived result (a kwadrant grid, a best-coat table) under ``name``."""
        self.cache.set(f"derived:{name}:{self.version}", value)

    def recall(self, name: str) -> Any:
        """Return a derived result stored with :meth:`remember`, or None."""
        return self.cache.get(f"derived:{name}:{self.version}")
