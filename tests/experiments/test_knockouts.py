"""The validation can fail: the evidence patterns pass with their mechanism and fail without it.

This is ``mpgsim validate --reps 20 --knockouts --seed 20261204`` on the baseline, in-process,
for the corroboration patterns that this documented run (docs/TRACE.md §8) found to be
evidence: the same runs, so the same verdicts. CI keeps them so: if a change to the model makes
one of them fail, drift, or lose its mechanism, this test fails and the documentation has to
change with the model.

A knocked-out pattern fails when the upper end of the 95% interval of the share of its effect
left is below one half (:func:`experiments.validation.knockout_fails`), and a series drifts when
its drift a year is beyond 5% of its mean with a 95% interval that excludes zero
(:func:`experiments.validation.is_drifting`); both rules were declared before the run. The other
corroboration patterns are not evidence today (they fail, drift, or are not carried by their
mechanism); TRACE §8 and the README say so per pattern, and
:func:`test_trace_names_the_same_evidence` keeps that list and this one the same.
"""

import re
from pathlib import Path

import pytest

from experiments import validation
from experiments.config import load_scenario
from experiments.executors import open_engine
from experiments.models import run_model
from experiments.runner import run_design
from experiments.store import Store

#: the corroboration patterns that are evidence in the documented run (TRACE §8)
EVIDENCE = (
    "many_professionals_fragile",
    "integral_less_hv",
    "practice_caseload_stagnates",
    "imbalance_escalates",
    "waitlists_named_most",
    "procesregie_repairs_collaboration",
    "sharing_eases_collaboration",
    "practice_caseload_fewer_recover",
)
REPS, WEEKS, SEED = 20, 104, 20261204
TRACE = Path(__file__).resolve().parents[2] / "docs" / "TRACE.md"


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    patterns = [p for p in validation.load_patterns() if p.id in EVIDENCE]
    sc = load_scenario("baseline")
    design = validation.plan(sc, patterns, REPS, WEEKS, SEED, knockouts=True)
    store = Store(tmp_path_factory.mktemp("knockouts"))
    store.save_design(design, {"design_kind": "validation"})
    with open_engine("processes", 2) as engine:
        run_design(design, engine, store, run_model)
    drift = validation.run_drift(store, sorted({o for p in patterns for o in p.outcomes}))
    table = validation.evaluate(patterns, store.runs(), design, drift, knockouts=True)
    return table.set_index("id")


def test_the_evidence_patterns_are_declared_corroboration_patterns():
    roles = {p.id: p.role for p in validation.load_patterns()}
    assert {roles.get(i) for i in EVIDENCE} == {"corroboration"}


def test_trace_names_the_same_evidence():
    text = TRACE.read_text(encoding="utf-8")
    line = re.search(r"^Evidence \((\d+) of (\d+)\): (.+)$", text, flags=re.M)
    assert line, "TRACE §8 has no 'Evidence (n of m): ...' line"
    named = tuple(sorted(re.findall(r"`(\w+)`", line.group(3))))
    assert named == tuple(sorted(EVIDENCE))
    declared = sum(p.role == "corroboration" for p in validation.load_patterns())
    assert (int(line.group(1)), int(line.group(2))) == (len(EVIDENCE), declared)


@pytest.mark.slow
def test_each_evidence_pattern_holds_with_its_mechanism(table):
    failing = table[~table.met]
    assert failing.empty, failing[["value", "ci_low", "ci_high", "target"]].to_string()


@pytest.mark.slow
def test_no_evidence_pattern_is_read_on_a_drifting_series(table):
    drifting = table[table.drifting.astype(bool)]
    shown = ["drift", "drift_low", "drift_high", "drift_series"]
    assert drifting.empty, drifting[shown].to_string()


@pytest.mark.slow
def test_each_evidence_pattern_fails_without_its_mechanism(table):
    surviving = table[~table.knockout_fails.astype(bool)]
    shown = ["mechanism", "knockout_value", "knockout_left", "knockout_left_high"]
    assert surviving.empty, surviving[shown].to_string()
