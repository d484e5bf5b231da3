"""Speed work must not change a single number: the weekly tables of fixed runs, bit for bit.

The reference tables in ``tests/data/regression/`` were produced by the model before any
optimisation, with every parameter and trait stored next to them (``cases.json``): the runs
depend neither on the calibrated defaults nor on the typology file, which may change. Each
run compares every outcome column exactly (float64, no tolerance), so a change in a rule or in
the order or number of random draws fails here.

A deliberate change of a rule needs a new reference: ``python -m tests.sim.test_regression
--rerun`` rewrites the tables from the current code with the stored cases unchanged, and
``python -m tests.sim.test_regression`` rewrites cases and tables from the current configs
too. The change should be stated in the commit that carries it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from sim.events import check_events
from sim.params import validate
from sim.run import simulate
from sim.typology import Typology

DATA = Path(__file__).resolve().parents[1] / "data" / "regression"
CASES_FILE = DATA / "cases.json"

#: How each reference run was set up when it was generated (scenario, overrides, seed, events).
#: The stored cases.json holds the resulting complete parameter sets.
SETUPS = {
    "baseline": {
        "scenario": "baseline",
        "overrides": {"families_per_region": 400, "burn_in_weeks": 52},
        "seed": 7,
        "weeks": 52,
        "events": [],
    },
    # two regions, a knocked-out mechanism and events of every kind: levers that other state
    # follows (norms, places, pooled funding), a pulse of turnover (hand-overs, requeues) and
    # type changes that re-draw professionals and organisations
    "events_knockout": {
        "scenario": "baseline",
        "overrides": {
            "n_regions": 2,
            "families_per_region": 300,
            "municipalities_per_region": 5,
            "burn_in_weeks": 52,
            "knockout": "collaboration",
        },
        "seed": 11,
        "weeks": 52,
        "events": [
            {"week": 5, "types": {"professional": "innoverend"}},
            {"week": 10, "until": 30, "set": {"turnover_per_year": 0.6}},
            {"week": 15, "set": {"pooled_funding": 0.8, "caseload_norm": 14}},
            {"week": 20, "ramp_weeks": 8, "set": {"information_sharing": 0.9}},
            {"week": 25, "types": {"organisation": "vasthoudend"}},
            {"week": 30, "set": {"specialist_capacity_per_100_families": 2.0}},
        ],
    },
}


def load_cases() -> dict:
    """The stored cases: complete parameters, typology, seed, weeks and events of each run."""
    return json.loads(CASES_FILE.read_text())


def run_case(case: dict, typology: Typology) -> pd.DataFrame:
    """Run one stored case and return its weekly table."""
    events = check_events(case["events"], case["weeks"])
    return simulate(validate(case["params"]), typology, case["seed"], case["weeks"], events=events)


@pytest.mark.parametrize("name", sorted(SETUPS))
def test_weekly_table_is_identical_to_the_reference(name):
    stored = load_cases()
    case = stored["cases"][name]
    got = run_case(case, Typology.from_mapping(stored["typology"]))
    want = pd.read_parquet(DATA / f"{name}.parquet")
    assert list(got.columns) == list(want.columns)
    pd.testing.assert_frame_equal(got, want, check_exact=True, check_dtype=True)


def regenerate() -> None:
    """Write the reference tables and cases from the current code and configs."""
    from experiments.config import load_scenario

    DATA.mkdir(parents=True, exist_ok=True)
    cases, typology = {}, None
    for name, setup in SETUPS.items():
        scenario = load_scenario(setup["scenario"], setup["overrides"])
        typology = scenario.typology
        case = {
            "params": scenario.params.to_dict(),
            "seed": setup["seed"],
            "weeks": setup["weeks"],
            "events": setup["events"],
        }
        cases[name] = case
        run_case(case, typology).to_parquet(DATA / f"{name}.parquet", compression="zstd")
    values = {lv: {t: dict(tr) for t, tr in ts.items()} for lv, ts in typology.values.items()}
    CASES_FILE.write_text(json.dumps({"typology": values, "cases": cases}, indent=1) + "\n")


def rerun() -> None:
    """Rewrite the reference tables from the current code, keeping the stored cases."""
    stored = load_cases()
    typology = Typology.from_mapping(stored["typology"])
    for name, case in stored["cases"].items():
        run_case(case, typology).to_parquet(DATA / f"{name}.parquet", compression="zstd")


if __name__ == "__main__":
    import sys

    rerun() if "--rerun" in sys.argv[1:] else regenerate()
