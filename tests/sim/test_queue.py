"""Known answers for the specialist waitlist (a queue): Little's law and ample capacity."""

import numpy as np

from experiments.config import load_scenario
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
