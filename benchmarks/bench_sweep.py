"""Sweep benchmark: runs/s with 1 and 2 local workers, mesa.batch_run, overhead, memory.

Run: ``.venv/bin/python benchmarks/bench_sweep.py [--reps 1] [--weeks 52] [--families 1100]``.
Every figure is measured in this one run, on the same kwadrant runs (81 cells x reps), each
with the scenario's burn-in before its reported weeks (mesa.batch_run's models burn in when
they are made, so both do the same work). The runner's overhead is the wall time of the
1-worker sweep beyond the time its runs spent in the model, as a share of that model time
(target <= 5%); the speed-up from 1 to 2 workers has a target of >= 1.9x.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import mesa
import pandas as pd

from experiments.config import load_scenario, load_typology
from experiments.executors import open_engine
from experiments.kwadrant import FACTORS, kwadrant_design
from experiments.models import run_model
from experiments.runner import run_design
from experiments.store import Store
from sim.measures import OUTCOMES
from sim.model import MpgModel
from sim.params import TYPES

ROOT = Path(__file__).resolve().parents[1]


def sweep_rate(scenario, reps: int, weeks: int, workers: int) -> tuple[float, int, float]:
    """Runs per second of a kwadrant sweep on ``workers`` local processes (start-up excluded).

    Also the runner's overhead: wall time x workers beyond the runs' own time in the model,
    as a share of that time.
    """
    design = kwadrant_design([scenario], reps, weeks, root_seed=1)
    with tempfile.TemporaryDirectory() as tmp, open_engine("processes", workers) as engine:
        # Warm the workers (imports) so the figure is the steady state of a long sweep.
        warm = kwadrant_design([scenario], 1, 2, root_seed=99).head(2 * workers)
        run_design(warm, engine, Store(Path(tmp) / "warm"), run_model, batch_size=1)
        store = Store(Path(tmp) / "sweep")
        report = run_design(design, engine, store, run_model)
        runs = pd.read_parquet(store.root / "runs", columns=["elapsed_s"])
        in_model = float(runs.elapsed_s.sum())
    overhead = (report.seconds * workers - in_model) / in_model
    return report.runs_per_second, report.done, overhead


class BatchRunAdapter(mesa.Model):
    """Our model behind Mesa's batch_run interface: one step is one week, weekly collection."""

    def __init__(self, rng=None, **params):
        super().__init__(rng=rng)
        validated = self._validate(params)
        self.inner = MpgModel(validated, load_typology(), rng=rng)
        for _ in range(validated.burn_in_weeks):  # as sim.run.simulate: not collected
            self.inner.step()
        reporters = {name: (lambda m, o=o: o.read(m.inner)) for name, o in OUTCOMES.items()}
        self.datacollector = mesa.DataCollector(model_reporters=reporters)

    @staticmethod
    def _validate(params):
        from sim.params import validate

        return validate(params)

    def step(self) -> None:
        """Advance one week and record every outcome."""
        self.inner.step()
        self.datacollector.collect(self)


def batch_run_rate(scenario, reps: int, weeks: int, processes: int) -> tuple[float, int]:
    """Runs per second of the same kwadrant runs through mesa.batch_run."""
    # Imported here only: batch_run is deprecated in Mesa 4; this is a comparison.
    from mesa import batch_run

    params = {**scenario.overrides, **{f: list(TYPES) for f in FACTORS}}
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rows = batch_run(
            BatchRunAdapter,
            params,
            number_processes=processes,
            max_steps=weeks,
            data_collection_period=1,
            display_progress=False,
            rng=list(range(reps)),
        )
    runs = len({r["RunId"] for r in rows})
    return runs / (time.perf_counter() - start), runs


MEMORY_CHILD = """
import resource, sys, tempfile
from experiments.config import load_scenario
from experiments.executors import open_engine
from experiments.kwadrant import kwadrant_design
from experiments.models import run_model
from experiments.runner import run_design
from experiments.store import Store
reps = int(sys.argv[1])
sc = load_scenario(
    "baseline", {"families_per_region": 100, "municipalities_per_region": 2, "burn_in_weeks": 4}
)
design = kwadrant_design([sc], reps, 8, root_seed=1)
with tempfile.TemporaryDirectory() as tmp, open_engine("serial") as engine:
    report = run_design(design, engine, Store(tmp), run_model)
print(report.done, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_memory(reps: int) -> tuple[int, float]:
    """Runs and peak RSS (MiB) of a serial sweep in a fresh process."""
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_CHILD, str(reps)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return int(out[0]), int(out[1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=1)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--families", type=int, default=1100)
    args = parser.parse_args()
    scenario = load_scenario("baseline", {"families_per_region": args.families})
    burn_in = scenario.params.burn_in_weeks
    load = os.getloadavg()
    print(
        f"kwadrant: 81 cells x {args.reps} reps, {args.families} families, "
        f"{burn_in} burn-in + {args.weeks} reported weeks; load average {load[0]:.2f} "
        f"on {os.cpu_count()} cores"
    )
    one, n, overhead = sweep_rate(scenario, args.reps, args.weeks, 1)
    mesa_one, m = batch_run_rate(scenario, args.reps, args.weeks, 1)
    two, _, overhead_two = sweep_rate(scenario, args.reps, args.weeks, 2)
    mesa_two, _ = batch_run_rate(scenario, args.reps, args.weeks, 2)
    figures = {
        "runs": n,
        "runs_per_s_1_worker": one,
        "runs_per_s_2_workers": two,
        "speedup_2_vs_1": two / one,
        "runner_overhead_1_worker": overhead,
        "runner_overhead_2_workers": overhead_two,
        "batch_run_runs_per_s_1_process": mesa_one,
        "batch_run_runs_per_s_2_processes": mesa_two,
        "ratio_2_workers_vs_batch_run_default": two / mesa_one,
        "ratio_1_vs_1": one / mesa_one,
        "ratio_2_vs_2": two / mesa_two,
    }
    print(f"  1 worker : {one:6.2f} runs/s ({n} runs)")
    print(
        f"  2 workers: {two:6.2f} runs/s   speed-up {two / one:.2f}x"
        f"   target >= 1.9x -> {'ok' if two / one >= 1.9 else 'MISSED'}"
    )
    print(
        f"  runner overhead beyond the model's time: {overhead:.1%} (1 worker), "
        f"{overhead_two:.1%} (2 workers)"
        f"   target <= 5% -> {'ok' if overhead <= 0.05 else 'MISSED'}"
    )
    print("  mesa.batch_run, weekly collection, results held in memory:")
    print(f"    1 process (its default): {mesa_one:6.2f} runs/s ({m} runs)")
    print(f"    2 processes            : {mesa_two:6.2f} runs/s")
    print(
        f"  ours/batch_run: {two / mesa_one:.2f}x (2 workers vs its default), "
        f"{one / mesa_one:.2f}x (1 vs 1), {two / mesa_two:.2f}x (2 vs 2)"
    )
    print("peak memory of a serial sweep (fresh process each; 100 families, 4 + 8 weeks):")
    for reps in (1, 4, 12):
        runs, mib = peak_memory(reps)
        figures[f"peak_rss_mib_{runs}_runs"] = mib
        print(f"  {runs:5d} runs: {mib:7.1f} MiB")
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.2f}")
    print(json.dumps({k: round(v, 3) for k, v in figures.items()}))


if __name__ == "__main__":
    main()
