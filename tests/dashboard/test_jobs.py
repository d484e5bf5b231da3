"""The job pool's background work: a reveal's runs started ahead, never in a user's way.

A real process pool with a stand-in model that takes a known time per week and logs every
run it starts, so the tests can see what ran, in which order, and how often.
"""

from __future__ import annotations

import time
from pathlib import Path

import diskcache
import numpy as np
import pandas as pd
import pytest

from dashboard.jobs import JobPool, Task
from dashboard.runs import Runner

WEEKS = 10


class TimedModel:
    """Logs each run's seed when it starts, then takes ``delay`` seconds a week."""

    def __init__(self, log: Path, delay: float = 0.03):
        self.log = Path(log)
        self.delay = delay

    def __call__(self, scenario, seed, weeks=None, on_week=None):
        with self.log.open("a") as out:
            out.write(f"{seed}\n")
        for week in range(1, weeks + 1):
            time.sleep(self.delay)
            if on_week:
                on_week(week, weeks)
        return pd.DataFrame({"week": np.arange(1, weeks + 1), "stagnation_rate": 0.3})

    @property
    def started(self) -> list[int]:
        return [int(s) for s in self.log.read_text().split()] if self.log.exists() else []


@pytest.fixture
def pool(tmp_path):
    model = TimedModel(tmp_path / "runs.txt")
    jobs = JobPool(Runner(diskcache.Cache(str(tmp_path / "cache")), model), workers=1)
    yield jobs, model
    jobs.close()


def _tasks(seeds) -> list[Task]:
    return [Task("baseline", (), seed, WEEKS) for seed in seeds]


def _until(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_users_job_waits_for_at_most_one_background_run_per_worker(pool):
    jobs, model = pool
    ahead = jobs.submit(_tasks(range(100, 108)), watch=None, background=True)
    _until(lambda: model.started)  # the first background run is under way
    mine = jobs.submit(_tasks([200]))
    assert jobs.wait(mine).state == "done"
    # one worker: the user's run came right after the one background run already running
    assert model.started.index(200) <= jobs.workers, model.started
    assert jobs.wait(ahead).state == "done"
    assert sorted(model.started) == [*range(100, 108), 200]


def test_a_users_job_joins_background_runs_and_no_run_is_made_twice(pool):
    jobs, model = pool
    ahead = jobs.submit(_tasks(range(1, 5)), watch=None, background=True)
    _until(lambda: model.started)
    mine = jobs.submit(_tasks(range(1, 5)), watch=None)
    done = jobs.wait(mine)
    assert done.state == "done" and done.keys == jobs.wait(ahead).keys
    assert sorted(model.started) == [1, 2, 3, 4]


def test_stopping_the_background_job_leaves_no_joined_job_waiting(pool):
    jobs, model = pool
    ahead = jobs.submit(_tasks([7, 8]), watch=None, background=True)
    _until(lambda: model.started)
    mine = jobs.submit(_tasks([7]), watch=None)  # joins run 7, under way
    jobs.cancel(ahead)
    assert jobs.wait(mine).state == "done"  # it ran 7 again itself
    assert jobs.status(ahead).state == "cancelled"
    assert 8 not in model.started


def test_prefetch_starts_the_same_runs_once(pool):
    jobs, model = pool
    first = jobs.prefetch(_tasks([3, 4]), name="cases/jesse")
    assert jobs.prefetch(_tasks([3, 4]), name="cases/jesse") == first
    assert jobs.wait(first).state == "done"
    # done and cached: asked again, it is the same finished job, and nothing runs again
    assert jobs.prefetch(_tasks([3, 4]), name="cases/jesse") == first
    assert sorted(model.started) == [3, 4]
    # stopped: the next ask starts afresh, and the cached runs count as done at once
    jobs.cancel(first)
    again = jobs.prefetch(_tasks([3, 4]), name="cases/jesse")
    assert again != first and jobs.status(again).state == "done"


def test_cancelling_a_job_with_queued_runs_returns_at_once(pool):
    # a queued run's callbacks fire inside cancel(); they must not wait on a lock cancel holds
    import threading

    jobs, model = pool
    mine = jobs.submit(_tasks(range(300, 306)), watch=None)
    stopper = threading.Thread(target=jobs.cancel, args=(mine,), daemon=True)
    stopper.start()
    stopper.join(timeout=10)
    assert not stopper.is_alive(), "cancel() hung"
    assert jobs.status(mine).state == "cancelled"
    assert jobs.wait(jobs.submit(_tasks([310]), watch=None)).state == "done"  # pool still works
