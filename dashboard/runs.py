"""Model runs for the dashboard: one result cache on disk, keyed by the run identity.

The key of a run is :func:`experiments.ids.run_id`: a hash of the full validated parameters,
the typology, the seed, the run length and the model version, the same identity the results
store uses. Identical requests from different people are served from one run, and an edited
typology or a new model version never serves stale results. The cache lives in a diskcache
folder, so every server worker and every pool process sees the same runs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import diskcache
import pandas as pd

from experiments.config import Scenario
from experiments.ids import is_run_id, scenario_run_id
from experiments.version import model_version

Simulate = Callable[..., pd.DataFrame]
Progress = Callable[[int, int], None]


def default_simulate(scenario: Scenario, seed: int, weeks: int | None = None, on_week=None):
    """Run the real model (imported late so the dashboard starts even while it is rebuilt).

    Settled models are shared with the CLI (:mod:`experiments.warm`): a policy timeline tried
    on a scenario and seed that ran before starts from its burn-in instead of repeating it.
    """
    from experiments.single import run_scenario
    from experiments.warm import SettledStore

    return run_scenario(scenario, seed=seed, weeks=weeks, on_week=on_week, store=SettledStore())


def run_key(scenario: Scenario, seed: int, weeks: int) -> str:
    """The cache key of one run: the run identity of the results store."""
    return scenario_run_id(scenario, seed, weeks)


def is_key(value: Any) -> bool:
    """Tell whether an untrusted value looks like a run key (so it can be looked up safely)."""
    return is_run_id(value)


@dataclass
class RunResult:
    """One finished run: its key, weekly table and whether it came from the cache."""

    key: str
    table: pd.DataFrame
    cached: bool
    seconds: float


class Runner:
    """Runs scenarios through an injectable simulate function, with a shared cache.

    Args:
        cache: diskcache shared by the web server and all pool processes.
        simulate: ``simulate(scenario, seed, weeks=, on_week=) -> DataFrame``.
    """

    def __init__(self, cache: diskcache.Cache, simulate: Simulate):
        self.cache = cache
        self.simulate = simulate
        self.version = model_version()

    def key(self, scenario: Scenario, seed: int, weeks: int) -> str:
        """Return the cache key of a run."""
        return run_key(scenario, seed, weeks)

    def get(self, key: Any) -> pd.DataFrame | None:
        """Return a cached run table, or None (also for keys that are not keys at all)."""
        if not is_key(key):
            return None
        return self.cache.get(f"run:{key}")

    def has(self, key: Any) -> bool:
        """Tell whether a run is cached, without reading its table."""
        return is_key(key) and f"run:{key}" in self.cache

    def run(
        self, scenario: Scenario, seed: int, weeks: int, on_week: Progress | None = None
    ) -> RunResult:
        """Return the run from the cache, or run it here and cache it."""
        started = time.perf_counter()
        key = self.key(scenario, seed, weeks)
        table = self.get(key)
        if table is not None:
            return RunResult(key, table, True, time.perf_counter() - started)
        table = self.simulate(scenario, seed, weeks=weeks, on_week=on_week)
        table = table.reset_index(drop=True)
        self.cache.set(f"run:{key}", table)
        return RunResult(key, table, False, time.perf_counter() - started)

    def remember(self, name: str, value: Any, expire: float | None = None) -> None:
        """Store a derived result (a kwadrant grid, a best-coat table) under ``name``."""
        self.cache.set(f"derived:{name}:{self.version}", value, expire=expire)

    def recall(self, name: str) -> Any:
        """Return a derived result stored with :meth:`remember`, or None."""
        return self.cache.get(f"derived:{name}:{self.version}")
