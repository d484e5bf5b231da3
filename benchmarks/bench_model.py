"""Single-run speed of the model: baseline, national, and how cost grows with families.

Prints figures measured side by side in one run on this machine; targets are printed next to
them (baseline <= 1 s median, national <= 30 s and <= 2 GiB peak, linear growth).
Run: ``make bench`` or ``.venv/bin/python benchmarks/bench_model.py [--quick]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time

WEEKS = 104


def time_run(scenario: str, overrides: dict, seed: int = 1, weeks: int = WEEKS) -> float:
    from experiments.config import load_scenario
    from experiments.single import run_scenario

    sc = load_scenario(scenario, overrides)
    start = time.perf_counter()
    run_scenario(sc, seed=seed, weeks=weeks)
    return time.perf_counter() - start


def national_in_fresh_process() -> tuple[float, float]:
    """Time and peak RSS (GiB) of one national run, in its own process so memory is its own."""
    code = (
        "import json, resource, sys; sys.path.insert(0, 'benchmarks');"
        "from bench_model import time_run;"
        "t = time_run('national', {});"
        "print(json.dumps([t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20]))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seconds, gib = json.loads(done.stdout.strip().splitlines()[-1])
    return seconds, gib


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats, no national run")
    args = parser.parse_args()
    repeats = 3 if args.quick else 7

    time_run("baseline", {}, weeks=4)  # warm-up: imports and caches
    base = [time_run("baseline", {}, seed=s) for s in range(1, repeats + 1)]
    print(f"baseline (1,100 families, {WEEKS} weeks), {repeats} seeds:")
    print(
        f"  median {statistics.median(base):.3f} s  min {min(base):.3f} s  max {max(base):.3f} s"
        f"   target <= 1 s median -> {'ok' if statistics.median(base) <= 1 else 'MISSED'}"
    )

    print("scaling with families (one region, 14 municipalities), median of 3 seeds:")
    sizes = (500, 1000, 2000, 4000) if args.quick else (500, 1000, 2000, 4000, 5000)
    per_family_week = []
    for n in sizes:
        t = statistics.median(
            time_run("baseline", {"families_per_region": n}, seed=s) for s in (1, 2, 3)
        )
        per_family_week.append(t / (n * WEEKS) * 1e6)
        print(f"  {n:>6} families  {t:6.3f} s  {per_family_week[-1]:6.2f} µs per family-week")
    ratio = per_family_week[-1] / per_family_week[0]
    print(
        f"  cost per family-week, largest / smallest: {ratio:.2f} (1 = linear; less: fixed costs)"
    )

    if not args.quick:
        seconds, gib = national_in_fresh_process()
        ok = seconds <= 30 and gib <= 2
        per_fw = seconds / (27_000 * WEEKS) * 1e6
        print(
            f"national (25 regions, 27,000 families, {WEEKS} weeks): {seconds:.2f} s, "
            f"peak RSS {gib:.2f} GiB, {per_fw:.2f} µs per family-week"
            f"   target <= 30 s and <= 2 GiB -> {'ok' if ok else 'MISSED'}"
        )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"peak RSS of this process: {own:.2f} GiB")


if __name__ == "__main__":
    main()
