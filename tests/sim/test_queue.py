"""Known answers for the specialist waitlist (a queue): Little's law and ample capacity."""

import numpy as np

from experiments.config import load_scenario
from sim.measures import OUTCOMES
from sim.model import MpgModel


def _queue_trace(capacity: float, weeks: int):
    """Follow every family through the waitlist, observed at the end of each week."""
    sc = load_scenario(
        "baseline", {"families_per_region": 800, "specialist_capacity_per_100_families": capacity}
    )
    model = MpgModel(sc.params, sc.typology, rng=5)
    fam = model.families
    before: dict[int, int] = {}
    lengths, waits, recorded = [], [], []
    for _ in range(weeks):
        model.step()
        queue = (fam.referred_week >= 0) & (fam.treated_until < model.week)
        now = {int(i): int(fam.referred_week[i]) for i in np.flatnonzero(queue)}
        # left the queue (admitted or case closed): waited from referral until this week
        waits += [model.week - w for i, w in before.items() if now.get(i) != w]
        before = now
        lengths.append(len(now))
        recorded.append(int(model.families.waiting().sum()))
    still_waiting = [weeks - w + 1 for w in before.values()]
    assert recorded == lengths, "the model's waitlist_length must be the true queue"
    return np.array(lengths), np.array(waits), np.array(still_waiting)


def test_littles_law_holds_exactly_over_the_horizon():
    weeks = 200
    lengths, waits, still = _queue_trace(10.0, weeks)
    assert waits.size > 100, "the queue must see real traffic for this test to mean anything"
    arrivals = waits.size + still.size
    # L = lambda * W: area under the queue-length curve equals the total time waited
    mean_length = lengths.mean()
    rate = arrivals / weeks
    mean_wait = (waits.sum() + still.sum()) / arrivals
    assert np.isclose(mean_length, rate * mean_wait)


def test_ample_capacity_means_no_waiting():
    lengths, waits, _ = _queue_trace(40.0, 60)
    assert lengths.max() <= 5
    assert waits.size == 0 or waits.mean() <= 1.5


def test_scarce_capacity_means_longer_waits_than_ample():
    _, scarce, _ = _queue_trace(5.0, 80)
    _, ample, _ = _queue_trace(20.0, 80)
    assert scarce.mean() > 2 * max(ample.mean() if ample.size else 0.0, 1.0)


def _load_and_occupancy(capacity: float, weeks: int, skip: int):
    """Weekly specialist_load and the share of places in use, after ``skip`` weeks."""
    sc = load_scenario(
        "baseline", {"families_per_region": 800, "specialist_capacity_per_100_families": capacity}
    )
    model = MpgModel(sc.params, sc.typology, rng=7)
    load, used = [], []
    for _ in range(weeks):
        model.step()
        if model.week > skip:
            places = sum(s.places_now() for s in model.specialists)
            load.append(OUTCOMES["specialist_load"].read(model))
            used.append(model.specialist_queues[0].sum() / places)
    return np.array(load), np.array(used)


def test_specialist_load_bounds_the_occupancy_when_nobody_waits():
    """Little's law for the places: occupancy = admissions a week x mean stay. With ample
    capacity every referral is admitted at once, and a stay lasts ``treatment_weeks`` unless
    the case closes first, so the occupancy is at most specialist_load (the referrals times the
    full term over the places), and close to it because early closures are few."""
    load, used = _load_and_occupancy(40.0, 260, 130)
    assert load.max() < 1.0
    assert 0.8 * load.mean() <= used.mean() <= 1.02 * load.mean()


def test_specialist_load_above_one_where_the_waitlist_builds():
    scarce, used = _load_and_occupancy(4.0, 160, 80)
    ample, _ = _load_and_occupancy(40.0, 160, 80)
    assert used.mean() > 0.9  # the places are (nearly) always full ...
    assert scarce.mean() > 1.0 > ample.mean()  # ... and more is asked than they free up
