"""The validation can fail: every corroboration pattern passes with its mechanism, not without.

This is ``mpgsim validate --knockouts`` on the baseline, in-process and with fewer replications
than the documented run (docs/TRACE.md §8 gives the full one). A corroboration pattern that
still holds with its mechanism switched off is no evidence for that mechanism; this test keeps
every declared corroboration pattern honest in CI.
"""

import pytest

from experiments import validation
from experiments.config import load_scenario
from experiments.executors import open_engine
from experiments.models import run_model
from experiments.runner import run_design
from experiments.store import Store

pytestmark = pytest.mark.slow

REPS, WEEKS, SEED = 6, 52, 20190201


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    patterns = [p for p in validation.load_patterns() if p.role == "corroboration"]
    sc = load_scenario("baseline")
    design = validation.plan(sc, patterns, REPS, WEEKS, SEED, knockouts=True)
    store = Store(tmp_path_factory.mktemp("knockouts"))
    store.save_design(design, {"design_kind": "validation"})
    with open_engine("processes", 2) as engine:
        run_design(design, engine, store, run_model)
    return validation.evaluate(patterns, store.runs(), design, knockouts=True).set_index("id")


def test_at_least_eight_corroboration_patterns_are_declared(table):
    assert len(table) >= 8


def test_each_corroboration_pattern_holds_with_its_mechanism(table):
    failing = table[~table.met]
    assert failing.empty, failing[["value", "ci_low", "ci_high", "target"]].to_string()


def test_each_corroboration_pattern_fails_without_its_mechanism(table):
    surviving = table[~table.knockout_fails]
    assert surviving.empty, surviving[["mechanism", "knockout_value"]].to_string()
