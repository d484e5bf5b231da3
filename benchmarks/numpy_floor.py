"""The NumPy floor: the family rules alone, as one bare loop, with no agents around them.

Every week of the model, the families' state is updated by vectorised rules
(:class:`sim.families.Families`); around them the Mesa agents take in families, screen
escalations, admit from waitlists, and the workforce, costs and outcomes are updated. This
loop runs only the family rules on a model's state, in the model's order, for the same
families and weeks: no scheduler, no intake, no workforce, no costs, no outcome reads. Its
family-weeks per second is the yardstick the model is held to (the model should stay within
3x of it).

Run: ``.venv/bin/python benchmarks/numpy_floor.py [--families 1100] [--weeks 104]``.
"""

from __future__ import annotations

import argparse
import time

#: The family rules of one week, in the order MpgModel.step calls them.
FAMILY_RULES = (
    "renew",
    "live",
    "cause_incidents",
    "get_signalled",
    "count_providers",
    "end_treatments",
    "seek_specialist_care",
    "name_blind_spots",
    "collaborate",
    "receive_help",
    "assess_progress",
    "request_escalation",
    "reconsider_frame",
    "update_trust",
    "close_or_continue",
)


def floor_seconds(scenario: str = "baseline", overrides=None, seed: int = 1, weeks: int = 104):
    """Time the bare family loop for ``weeks`` weeks.

    Returns:
        Wall-clock seconds of the loop, the number of families, processor seconds of the loop.
    """
    from experiments.config import load_scenario
    from sim.model import MpgModel

    sc = load_scenario(scenario, overrides or {})
    model = MpgModel(sc.params, sc.typology, rng=seed)
    fam = model.families
    rules = [getattr(fam, name) for name in FAMILY_RULES]
    start, cpu = time.perf_counter(), time.process_time()
    for week in range(weeks):
        model.week = week
        model.flows.start_week()
        for rule in rules:
            rule()
    return time.perf_counter() - start, fam.n, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--families", type=int, default=1100)
    parser.add_argument("--weeks", type=int, default=104)
    args = parser.parse_args()
    seconds, n, _ = floor_seconds("baseline", {"families_per_region": args.families}, 1, args.weeks)
    print(f"NumPy floor: {n} families x {args.weeks} weeks in {seconds:.3f} s")
    print(f"  {n * args.weeks / seconds:,.0f} family-weeks/s")


if __name__ == "__main__":
    main()
