"""Speed of the model and the CLI: baseline and national runs, the NumPy floor, start-up.

Prints, measured side by side in one run on this machine (medians; baseline and floor runs
alternate, so a change in the machine's load hits both):

- baseline region, 104 reported weeks: the model time after the burn-in (the weekly step
  and the outcome reads, as :func:`sim.run.simulate` does them) and its family-weeks per
  second, next to the NumPy floor (:mod:`numpy_floor`: the family rules alone);
- national (25 regions, ~27,000 families, 104 reported weeks) through the CLI in a fresh
  process: wall time including start-up, and peak memory, cold (the burn-in run here) and
  warm (its settled state reused, :mod:`experiments.warm`);
- start-up: ``mpgsim --help`` and ``mpgsim run baseline --weeks 1``, cold and warm;
- the machine's load average, so the figures can be read against it.

Targets (issue 10) are printed next to each figure. Speed is never asserted in tests.
Run: ``make bench`` or ``.venv/bin/python benchmarks/bench_model.py [--quick]``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from numpy_floor import floor_seconds  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MPGSIM = str(Path(sys.executable).with_name("mpgsim"))
WEEKS = 104
BASELINE_TARGET_S = 0.25
FLOOR_RATIO_TARGET = 3.0
NATIONAL_TARGET_S, NATIONAL_TARGET_GIB = 6.0, 1.0
HELP_TARGET_S, RUN_TARGET_S = 0.5, 1.5
#: Settled models of the warm runs go to a folder of this benchmark, never the user's.
WARM_DIR = tempfile.mkdtemp(prefix="mpgsim-bench-settled-")
ENV = {**os.environ, "MPGSIM_WARM_DIR": WARM_DIR}


def burn_in_weeks() -> int:
    """The declared default burn-in, read where it is declared."""
    from sim.params import DEFAULTS

    return int(DEFAULTS["burn_in_weeks"])


def reported_seconds(scenario: str, overrides: dict, seed: int, weeks: int = WEEKS):
    """Model time of one run after its burn-in, the burn-in's time, and the family count.

    Also the processor time after the burn-in (``marks["cpu"]``), which a busy machine
    disturbs less than the wall clock.
    """
    from experiments.config import load_scenario
    from sim.run import simulate

    sc = load_scenario(scenario, overrides)
    marks = {}

    def on_week(week: int, _total: int) -> None:
        if week == 0:
            marks["burnt_in"] = time.perf_counter()
            marks["cpu_burnt_in"] = time.process_time()

    start, cpu_start = time.perf_counter(), time.process_time()
    simulate(sc.params, sc.typology, seed, weeks, on_week=on_week)
    end, cpu_end = time.perf_counter(), time.process_time()
    burnt_in = marks.get("burnt_in", start)
    n = sc.params.n_regions * sc.params.families_per_region
    return end - burnt_in, burnt_in - start, n, cpu_end - marks.get("cpu_burnt_in", cpu_start)


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def baseline_and_floor(repeats: int) -> dict:
    reported_seconds("baseline", {}, 99, weeks=4)  # warm-up: imports and caches
    floor_seconds("baseline", {}, 99, weeks=4)
    model, burn, floor, cpu, floor_cpu = [], [], [], [], []
    n = 0
    for seed in range(1, repeats + 1):
        seconds, burn_in, n, processor = reported_seconds("baseline", {}, seed)
        model.append(seconds)
        burn.append(burn_in)
        cpu.append(processor)
        wall, _, processor = floor_seconds("baseline", {}, seed, WEEKS)
        floor.append(wall)
        floor_cpu.append(processor)
    m, f = statistics.median(model), statistics.median(floor)
    rate, floor_rate = n * WEEKS / m, n * WEEKS / f
    print(f"baseline ({n:,} families, {WEEKS} reported weeks), {repeats} seeds, medians:")
    print(
        f"  model after burn-in  {m:6.3f} s  {rate:>10,.0f} family-weeks/s"
        f"   target <= {BASELINE_TARGET_S} s -> {verdict(m <= BASELINE_TARGET_S)}"
    )
    print(
        f"  (processor time {statistics.median(cpu):.3f} s; "
        f"its burn-in of {burn_in_weeks()} weeks: {statistics.median(burn):.3f} s wall)"
    )
    print(f"  NumPy floor          {f:6.3f} s  {floor_rate:>10,.0f} family-weeks/s")
    print(f"  (processor time {statistics.median(floor_cpu):.3f} s)")
    print(
        f"  model / floor        {m / f:6.2f} x"
        f"   target <= {FLOOR_RATIO_TARGET} x -> {verdict(m / f <= FLOOR_RATIO_TARGET)}"
    )
    return {
        "baseline_s": m,
        "baseline_family_weeks_per_s": rate,
        "baseline_burn_in_s": statistics.median(burn),
        "baseline_cpu_s": statistics.median(cpu),
        "floor_s": f,
        "floor_family_weeks_per_s": floor_rate,
        "model_over_floor": m / f,
    }


NATIONAL_CHILD = """
import json, resource, sys
sys.argv = ['mpgsim', 'run', 'national', '--weeks', '{weeks}']
from dashboard.cli import main
try:
    main()
except SystemExit:
    pass
sys.stderr.write('\\nRSS ' + json.dumps(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
"""


def national_once() -> tuple[float, float, float]:
    """Wall time, the run's own time and peak RSS (GiB) of ``mpgsim run national``."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", NATIONAL_CHILD.format(weeks=WEEKS)],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - start
    gib = json.loads(done.stderr.rsplit("RSS ", 1)[1]) / 2**20
    found = re.search(r"(\d+\.\d+) s", done.stdout)
    return wall, float(found.group(1)) if found else float("nan"), gib


def national() -> dict:
    """``mpgsim run national`` cold (settling, and keeping the settled state) and warm."""
    cold, cold_run, cold_gib = national_once()
    warm, warm_run, warm_gib = national_once()
    n, burn = 27_000, burn_in_weeks()
    print(f"national (25 regions, ~{n:,} families, {WEEKS} reported weeks):")
    print(
        f"  cold: wall {cold:.2f} s incl. start-up, of which the run {cold_run:.2f} s "
        f"({n * (burn + WEEKS) / cold_run:,.0f} family-weeks/s over {burn} burn-in + {WEEKS} "
        f"weeks); peak RSS {cold_gib:.2f} GiB"
    )
    ok = warm <= NATIONAL_TARGET_S and warm_gib <= NATIONAL_TARGET_GIB
    print(
        f"  warm (burn-in reused): wall {warm:.2f} s, of which the run {warm_run:.2f} s; "
        f"peak RSS {warm_gib:.2f} GiB"
    )
    print(
        f"  target <= {NATIONAL_TARGET_S} s and <= {NATIONAL_TARGET_GIB} GiB -> "
        f"cold {verdict(cold <= NATIONAL_TARGET_S and cold_gib <= NATIONAL_TARGET_GIB)}, "
        f"warm {verdict(ok)}"
    )
    return {
        "national_cold_wall_s": cold,
        "national_cold_run_s": cold_run,
        "national_warm_wall_s": warm,
        "national_warm_run_s": warm_run,
        "national_peak_gib": max(cold_gib, warm_gib),
    }


def startup(repeats: int) -> dict:
    """Median wall times of ``mpgsim --help`` and of a one-week run, cold and warm."""

    def timed(*args: str) -> float:
        start = time.perf_counter()
        subprocess.run([MPGSIM, *args], cwd=ROOT, env=ENV, capture_output=True, check=True)
        return time.perf_counter() - start

    timed("--help")  # warm the file cache
    timed("run", "baseline", "--weeks", "1")  # keep the settled state the warm runs reuse
    helps, colds, warms = [], [], []
    for _ in range(repeats):
        helps.append(timed("--help"))
        colds.append(timed("run", "baseline", "--weeks", "1", "--cold"))
        warms.append(timed("run", "baseline", "--weeks", "1"))
    h, c, w = (statistics.median(x) for x in (helps, colds, warms))
    print(f"CLI start-up, {repeats} times each, alternating, medians:")
    print(
        f"  mpgsim --help                          {h:5.2f} s   target <= {HELP_TARGET_S} s "
        f"-> {verdict(h <= HELP_TARGET_S)}"
    )
    print(
        f"  mpgsim run baseline --weeks 1 --cold   {c:5.2f} s   target <= {RUN_TARGET_S} s "
        f"-> {verdict(c <= RUN_TARGET_S)} (runs the {burn_in_weeks()}-week burn-in)"
    )
    print(
        f"  mpgsim run baseline --weeks 1 (warm)   {w:5.2f} s   target <= {RUN_TARGET_S} s "
        f"-> {verdict(w <= RUN_TARGET_S)} (reuses the settled state)"
    )
    return {"help_s": h, "run_1_week_cold_s": c, "run_1_week_warm_s": w}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats, no national run")
    args = parser.parse_args()
    load = os.getloadavg()
    print(
        f"machine: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} "
        f"{load[2]:.2f} (1, 5, 15 min) at the start"
    )
    figures = baseline_and_floor(3 if args.quick else 7)
    if not args.quick:
        figures.update(national())
    figures.update(startup(3 if args.quick else 5))
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(json.dumps({k: round(v, 4) for k, v in figures.items()}))


if __name__ == "__main__":
    main()
