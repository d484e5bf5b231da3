"""Settled models kept on disk: reusing a burn-in changes no number, and a damaged file costs
only time."""

import pandas as pd
import pytest

from experiments.config import load_scenario
from experiments.single import run_scenario
from experiments.warm import SettledStore, settled_id

SMALL = {"families_per_region": 150, "municipalities_per_region": 3, "burn_in_weeks": 30}
EVENTS = [{"week": 3, "set": {"caseload_norm": 14}}, {"week": 6, "types": {"region": "innoverend"}}]


@pytest.fixture
def scenario():
    return load_scenario("baseline", SMALL)


def test_a_reused_burn_in_gives_the_same_table_bit_for_bit(scenario, tmp_path):
    cold = run_scenario(scenario, seed=3, weeks=12)
    store = SettledStore(tmp_path)
    first = run_scenario(scenario, seed=3, weeks=12, store=store)
    again = run_scenario(scenario, seed=3, weeks=12, store=store)
    assert store.reused == 1
    pd.testing.assert_frame_equal(first, cold, check_exact=True)
    pd.testing.assert_frame_equal(again, cold, check_exact=True)


def test_a_settled_state_serves_other_lengths_and_policy_events(scenario, tmp_path):
    store = SettledStore(tmp_path)
    run_scenario(scenario, seed=4, weeks=2, store=store)
    timed = scenario.with_events(EVENTS, weeks=10)
    warm = run_scenario(timed, seed=4, weeks=10, store=store)
    assert store.reused == 1
    pd.testing.assert_frame_equal(warm, run_scenario(timed, seed=4, weeks=10), check_exact=True)
    assert warm.events.str.len().gt(0).sum() == 2


def test_seeds_and_parameters_have_their_own_settled_state(scenario):
    other = load_scenario("baseline", {**SMALL, "caseload_norm": 12})
    keys = {
        settled_id(scenario.params, scenario.typology, 1),
        settled_id(scenario.params, scenario.typology, 2),
        settled_id(other.params, other.typology, 1),
    }
    assert len(keys) == 3


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05K"])
def test_a_damaged_file_is_replaced_and_the_run_is_unchanged(scenario, tmp_path, damage):
    store = SettledStore(tmp_path)
    want = run_scenario(scenario, seed=5, weeks=4, store=store)
    path = store.path(settled_id(scenario.params, scenario.typology, 5))
    path.write_bytes(damage)
    got = run_scenario(scenario, seed=5, weeks=4, store=store)
    assert store.reused == 0  # settled again, not loaded
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert path.stat().st_size > 1000  # and kept again


def test_an_unwritable_store_still_runs(scenario, tmp_path):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    store = SettledStore(blocked / "settled")
    table = run_scenario(scenario, seed=6, weeks=3, store=store)
    assert len(table) == 3


def test_the_least_recently_used_states_are_pruned(scenario, tmp_path):
    store = SettledStore(tmp_path)
    run_scenario(scenario, seed=7, weeks=1, store=store)
    size = store.path(settled_id(scenario.params, scenario.typology, 7)).stat().st_size
    store.max_bytes = int(size * 2.5)
    for seed in (8, 9, 10):
        run_scenario(scenario, seed=seed, weeks=1, store=store)
    kept = sorted(p.stem for p in tmp_path.glob("*.pickle"))
    want = sorted(settled_id(scenario.params, scenario.typology, s) for s in (9, 10))
    assert kept == want
    assert not list(tmp_path.glob("*.part"))
