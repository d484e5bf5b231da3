"""The shortcuts the weekly step takes for speed give the same numbers as the plain NumPy."""

import numpy as np
import pytest

from sim.domains import Sector
from sim.families import row_mean
from sim.fit import at_position
from sim.workforce import Workforce


@pytest.mark.parametrize("k", range(1, 16))
def test_row_mean_equals_numpy_mean_to_the_last_bit(k):
    rng = np.random.default_rng(k)
    values = rng.random((5000, k)) ** rng.uniform(0.1, 5, (5000, 1))
    values[rng.random(values.shape) < 0.2] = 0.0
    assert np.array_equal(row_mean(values), values.mean(axis=1))
    strided = np.repeat(values[:, None, :], 3, axis=1)[:, 1]  # a view, rows apart in memory
    assert np.array_equal(row_mean(strided), strided.mean(axis=1))
    cols = list(range(0, k, 2))
    assert np.array_equal(row_mean(values, cols), values[:, cols].mean(axis=1))


def test_gather_with_a_sentinel_equals_the_masked_gather():
    values = np.arange(5.0)
    pos = np.array([-1, 0, 4, -1, 2])
    plain = np.where(pos >= 0, values[np.maximum(pos, 0)], 9.0)
    assert np.array_equal(at_position(values, pos, 9.0), plain)
    column = np.array([7.0, 8.0, 9.0, 6.0, 5.0])  # an array ``missing``: read per family
    assert np.array_equal(at_position(values, pos, column), np.where(pos >= 0, plain, column))


def _workforce(seed: int) -> Workforce:
    rng = np.random.default_rng(seed)
    n = 12
    wf = Workforce(
        np.full(n, Sector.SOCIAL, dtype=np.int8),
        np.zeros(n, dtype=np.int32),
        np.zeros(n, dtype=np.int32),
        np.full(n, 10.0),
        np.full(n, 8.5),
    )
    wf.occupied[:] = rng.random(n) < 0.8
    wf.caseload[:] = rng.integers(0, 4, n)
    return wf


@pytest.mark.parametrize("seed", range(20))
def test_assigning_a_batch_makes_the_same_choices_and_draws_as_one_at_a_time(seed):
    one, batch = _workforce(seed), _workforce(seed)
    positions = np.arange(12)
    rng_one, rng_batch = np.random.default_rng(seed), np.random.default_rng(seed)
    taken = []
    for _ in range(30):
        pos = one.assign(positions, 6, rng_one)
        if pos < 0:
            break
        taken.append(pos)
    got = batch.assign_many(positions, 6, rng_batch, 30)
    assert got.tolist() == taken
    assert np.array_equal(one.caseload, batch.caseload)
    assert rng_one.random() == rng_batch.random()


@pytest.mark.parametrize("n", [1, 2, 3, 7, 50, 333])
def test_quantile_equals_numpy_to_the_last_bit(n):
    from sim.regions import quantile

    rng = np.random.default_rng(n)
    for _ in range(50):
        values = np.round(rng.random(n) * rng.uniform(0.5, 3), int(rng.integers(1, 6)))
        for q in (0.0, 0.05, 0.1, 0.33, 0.5, 0.7, 0.9, 0.95, 0.999, 1.0, float(rng.random())):
            assert quantile(values, q) == np.quantile(values, q)


@pytest.mark.parametrize("seed", range(5))
def test_joined_flow_values_equal_joining_the_weeks(seed):
    from sim.flows import Flows

    rng = np.random.default_rng(seed)
    flows, weeks = Flows(window=8), []
    for _ in range(30):
        flows.start_week()
        weeks.append([])
        for _ in range(int(rng.integers(0, 3))):
            values = rng.random(int(rng.integers(0, 4)))
            flows.extend("waits", values)
            weeks[-1].append(values)
        for span in (None, 3, 8, 20):
            kept = weeks[-flows.weeks_seen(span) :]
            want = np.concatenate([v for week in kept for v in week] or [np.empty(0)])
            assert np.array_equal(flows.values("waits", span), want)
