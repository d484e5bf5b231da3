"""Practice caseloads (17 families a worker) against the workable 8-9, on the baseline region.

The paired test the issue on credible answers asked for, run as docs/TRACE.md §7 documents
it: ``mpgsim sweep grid --param caseload_norm=9,17 --reps 30 --weeks 104``. Thirty seeds,
because the spread between seeds is large on the baseline (six do not show the effect on a
small region: ``tests/sim/test_mechanisms.py``). Each run's value is its tail mean; seeds pair.
"""

import pytest

from tests.experiments.conftest import paired_by_seed, sweep_grid

REPS = 30


@pytest.fixture(scope="module")
def pairs(tmp_path_factory):
    out = tmp_path_factory.mktemp("caseload") / "sweep"
    runs = sweep_grid(out, ["caseload_norm=9,17"], REPS)
    return (
        runs[runs.caseload_norm == 9].set_index("seed"),
        runs[runs.caseload_norm == 17].set_index("seed"),
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("outcome", "sign"),
    [
        ("stagnation_rate", +1),
        ("waiting_weeks_mean", +1),
        ("help_hours_per_family", -1),
        ("recovered_share", -1),
        # the norm lets a team take in more at once: the wait moves from the door down the chain
        ("intake_waiting_weeks", -1),
    ],
)
def test_practice_caseloads_stall_cases_and_move_the_wait_down_the_chain(pairs, outcome, sign):
    workable, practice = pairs
    found = paired_by_seed(workable[outcome], practice[outcome], REPS)
    assert found.has_sign(sign), f"{outcome}: {found}"
