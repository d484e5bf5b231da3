"""The knock-out screen: which mechanisms carry a corroboration pattern."""

import subprocess
import sys

import pandas as pd
import pytest

from experiments import attribution, validation
from experiments.config import load_scenario
from sim.errors import ConfigError
from tests.experiments.test_validation import _direction, _runs

FTE = "social_fte_per_100_families"
SCREENED = ("imbalance", "alliance", "collaboration")


def _screen(effect_without: dict[str, float]):
    """A screened direction pattern whose effect (+1.0) drops to ``effect_without[m]``."""
    pattern = _direction("incidents_per_family_year", {FTE: 8.0}, {FTE: 5.0}, "imbalance")
    design, screened = attribution.plan(load_scenario("baseline"), [pattern], SCREENED, 5, 10, 1)
    wanted = validation.variants(screened, knockouts=True)
    values = {}
    for i, v in enumerate(wanted):
        is_b = v.get(FTE) == 5.0
        knocked = v.get("knockout")
        values[i] = 1.0 + (effect_without[knocked] if knocked else 1.0) * is_b
    runs = _runs(design, {"incidents_per_family_year": values})
    return attribution.evaluate(screened, runs, design, {"d": "imbalance"})


def test_the_screen_finds_the_mechanism_that_carries_a_pattern():
    # the declared mechanism leaves 80% of the effect; alliance carries it (10% left)
    table = _screen({"imbalance": 0.8, "alliance": 0.1, "collaboration": 1.0})
    assert list(table.mechanism) == list(SCREENED)
    left = table.set_index("mechanism").knockout_left
    assert left.to_dict() == pytest.approx(
        {"imbalance": 0.8, "alliance": 0.1, "collaboration": 1.0}, abs=0.01
    )
    row = attribution.summary(table).iloc[0]
    assert row.declared == "imbalance" and row.declared_left == pytest.approx(0.8, abs=0.01)
    assert not row.declared_fails
    assert row.carried_by == "alliance (10% left)"
    md = attribution.to_markdown(table)
    assert "| d | yes | imbalance | 80% | alliance (10% left) |" in md
    assert "| alliance | **10%** |" in md


def test_a_pattern_that_does_not_hold_is_carried_by_nothing():
    # no effect with every mechanism: every knock-out "fails", but none carries anything
    pattern = _direction("incidents_per_family_year", {FTE: 8.0}, {FTE: 5.0}, "imbalance")
    design, screened = attribution.plan(load_scenario("baseline"), [pattern], SCREENED, 5, 10, 1)
    runs = _runs(design, {"incidents_per_family_year": dict.fromkeys(range(20), 1.0)})
    table = attribution.evaluate(screened, runs, design, {"d": "imbalance"})
    assert not table.met.any() and not table.carries.any()
    assert "**none**" in attribution.to_markdown(table)


def test_the_screen_reuses_the_validation_run_ids():
    # the screen's knock-out of the declared mechanism is the validation's knock-out run
    pattern = _direction("incidents_per_family_year", {FTE: 8.0}, {FTE: 5.0}, "imbalance")
    sc = load_scenario("baseline")
    design, _ = attribution.plan(sc, [pattern], SCREENED, 3, 10, 1)
    checked = validation.plan(sc, [pattern], 3, 10, 1, knockouts=True)
    assert set(checked.run_id) <= set(design.run_id)
    # scenario, a, b and a knocked-out pair per mechanism, each replicated
    assert design.run_id.nunique() == (3 + 2 * len(SCREENED)) * 3


@pytest.mark.parametrize(
    "ids, mechanisms, field",
    [
        (["nope"], [], "--pattern"),
        (["hv_quarter"], [], "--pattern"),
        ([], ["trust"], "--mechanism"),
    ],
)
def test_select_names_what_is_wrong(ids, mechanisms, field):
    with pytest.raises(ConfigError) as err:
        attribution.select(validation.load_patterns(), ids, mechanisms)
    assert err.value.field == field


def test_select_defaults_to_every_corroboration_pattern_and_switch():
    patterns = validation.load_patterns()
    chosen, mechanisms = attribution.select(patterns)
    assert {p.role for p in chosen} == {"corroboration"}
    assert len(chosen) == sum(p.role == "corroboration" for p in patterns)
    assert "imbalance" in mechanisms and "trust" not in mechanisms


def _cli(*args, timeout=600):
    cmd = [sys.executable, "-c", "from dashboard.cli import main; main()", "screen", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def test_a_bad_pattern_id_is_one_line_and_status_2(tmp_path):
    done = _cli("--pattern", "imbalance_escalate", "--out", str(tmp_path / "s"))
    assert done.returncode == 2
    assert "--pattern" in done.stderr and "imbalance_escalate" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "s").exists()


@pytest.mark.slow
def test_a_screen_in_the_validations_directory_runs_only_what_the_validation_did_not(tmp_path):
    out = tmp_path / "v"
    common = ["--reps", "2", "--weeks", "26", "--engine", "serial", "--out", str(out)]
    cmd = [sys.executable, "-c", "from dashboard.cli import main; main()", "validate"]
    one = tmp_path / "one.toml"
    one.write_text(
        '[[pattern]]\nid = "imbalance_escalates"\ndescription = "d"\nsource = "s"\n'
        'role = "corroboration"\nmechanism = "imbalance"\nkind = "direction"\n'
        'outcome = "incidents_per_family_year"\na = { social_fte_per_100_families = 8.0 }\n'
        'b = { social_fte_per_100_families = 5.0 }\nexpect = "higher"\n'
    )
    checked = subprocess.run(
        [*cmd, "--knockouts", "--patterns", str(one), *common], capture_output=True, text=True
    )
    assert checked.returncode in (0, 1), checked.stderr  # 1: the pattern may fail at 2 reps
    # the scenario, a, b and both knocked out, twice: 10 runs; the screen adds the alliance's
    args = ["--patterns", str(one), "--mechanism", "imbalance", "--mechanism", "alliance"]
    done = _cli(*args, *common)
    assert done.returncode == 0, done.stderr
    said = " ".join(done.stderr.split())  # the console wraps long lines
    assert "14 runs planned" in said and "10 already have a result, 4 to run" in said
    table = pd.read_parquet(out / "screen.parquet")
    assert set(table.mechanism) == {"imbalance", "alliance"}
    assert (out / "screen.md").read_text().startswith("| pattern | holds |")
    # the validation's knock-out and the screen's agree: the same runs
    validated = pd.read_parquet(out / "validation.parquet").set_index("id")
    screened = table.set_index("mechanism").loc["imbalance"]
    assert screened.knockout_value == pytest.approx(validated.knockout_value["imbalance_escalates"])


def test_a_mechanism_carries_a_pattern_by_the_validation_s_own_rule():
    # the screen and the validation share one rule (validation.knockout_fails); a pattern that
    # does not hold with every mechanism on is carried by nothing
    table = pd.DataFrame({"met": [True, True, False], "knockout_fails": [True, False, True]})
    assert list(attribution.carries(table)) == [True, False, False]


@pytest.mark.parametrize("command", ["screen", "validate", "calibrate"])
def test_a_bad_engine_is_refused_before_anything_is_written(tmp_path, command):
    out = tmp_path / "o"
    cmd = [sys.executable, "-c", "from dashboard.cli import main; main()", command]
    done = subprocess.run(
        [*cmd, "--engine", "nope", "--out", str(out)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith("error: --engine: 'nope'")
    assert not out.exists()
