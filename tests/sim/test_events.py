"""Policy events: a run with an event equals the run without it up to the event's week.

Each kind of event (step, pulse, type change, ramp) is a clean paired experiment: before its
week the tables are identical row for row, after it they differ. Bad events are refused with
one line naming the field, the value and what is allowed.
"""

import pandas as pd
import pytest

from experiments.config import load_scenario
from sim.errors import ConfigError
from sim.events import Timeline, check_events
from sim.run import simulate

SMALL = {"families_per_region": 300, "municipalities_per_region": 4, "burn_in_weeks": 26}
WEEKS, AT = 40, 20

KINDS = {
    "step": {"week": AT, "set": {"pooled_funding": 0.8}},
    "pulse": {"week": AT, "until": 30, "set": {"turnover_per_year": 0.6}},
    "type change": {"week": AT, "types": {"political_climate": "innoverend"}},
    "ramp": {"week": AT, "ramp_weeks": 10, "set": {"information_sharing": 0.9}},
    "professional types": {"week": AT, "types": {"professional": "innoverend"}},
    "caseload norm": {"week": AT, "set": {"caseload_norm": 17}},
}


@pytest.fixture(scope="module")
def scenario():
    return load_scenario("baseline", SMALL)


@pytest.fixture(scope="module")
def without(scenario):
    return simulate(scenario.params, scenario.typology, 3, WEEKS)


@pytest.mark.parametrize("kind", KINDS)
def test_an_event_changes_nothing_before_its_week_and_something_after(scenario, without, kind):
    events = check_events([KINDS[kind]], WEEKS)
    with_event = simulate(scenario.params, scenario.typology, 3, WEEKS, events=events)
    outcomes = [c for c in without.columns if c != "week"]
    before = slice(0, AT - 1)
    pd.testing.assert_frame_equal(with_event.iloc[before][outcomes], without.iloc[before][outcomes])
    assert not with_event.iloc[AT - 1 :][outcomes].equals(without.iloc[AT - 1 :][outcomes])
    assert with_event.events.iloc[AT - 1] != "" and (with_event.events.iloc[: AT - 1] == "").all()


def test_a_pulse_restores_the_value_before_and_a_ramp_moves_linearly(scenario):
    pulse, ramp = check_events([KINDS["pulse"], KINDS["ramp"]], WEEKS)
    timeline = Timeline(scenario.params, [pulse, ramp])
    base = scenario.params
    assert timeline.params_at(AT - 1).turnover_per_year == base.turnover_per_year
    assert timeline.params_at(AT).turnover_per_year == 0.6
    assert timeline.params_at(30).turnover_per_year == base.turnover_per_year
    start, target = base.information_sharing, 0.9
    assert timeline.params_at(AT + 4).information_sharing == pytest.approx(
        start + 0.5 * (target - start)
    )
    assert timeline.params_at(AT + 20).information_sharing == target


@pytest.mark.parametrize(
    ("event", "field"),
    [
        ({"week": 80, "set": {"pooled_funding": 0.8}}, "events[0].week"),
        ({"week": 20, "until": 10, "set": {"pooled_funding": 0.8}}, "events[0].until"),
        ({"week": 20, "set": {"pooled_fundng": 0.8}}, "parameter"),
        ({"week": 20, "set": {"pooled_funding": 1e9}}, "pooled_funding"),
        ({"week": 20, "types": {"professional": "superman"}}, "events[0].types.professional"),
        ({"week": 20, "set": {"families_per_region": 500}}, "events[0].set.families_per_region"),
        ({"week": 20}, "events[0]"),
        ({"week": 20, "when": 3, "set": {"pooled_funding": 0.8}}, "events[0].when"),
    ],
)
def test_bad_events_name_the_field(event, field):
    with pytest.raises(ConfigError) as err:
        check_events([event], WEEKS)
    assert str(err.value).startswith(field)


def test_two_events_may_not_set_one_parameter_in_overlapping_windows():
    first = {"week": 10, "until": 30, "set": {"pooled_funding": 0.8}}
    second = {"week": 20, "set": {"pooled_funding": 0.4}}
    with pytest.raises(ConfigError, match="overlapping"):
        check_events([first, second], WEEKS)
    check_events([first, {**second, "week": 30}], WEEKS)  # after the pulse ended: fine
