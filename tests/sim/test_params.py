"""The parameter declaration: complete, consistent, and strict about values."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.errors import ConfigError
from sim.params import DEFAULTS, PARAMETERS, SENSITIVITY_DEFAULT, validate

NUMBERS = [p for p in PARAMETERS.values() if p.kind in ("int", "float")]


def test_every_parameter_is_fully_declared():
    for p in PARAMETERS.values():
        assert p.name.isidentifier() and p.name == p.name.lower()
        assert p.doc and p.unit and p.source, p.name
        assert p.check(p.default) == p.default, p.name
        if p.free:
            assert "free" in p.source, p.name


def test_default_sensitivity_set_is_continuous_and_about_fifteen():
    assert 10 <= len(SENSITIVITY_DEFAULT) <= 20
    assert all(PARAMETERS[n].kind in ("int", "float") for n in SENSITIVITY_DEFAULT)


@given(st.sampled_from(NUMBERS), st.floats(0, 1))
def test_any_value_within_bounds_is_accepted(p, u):
    value = p.low + u * (p.high - p.low)
    if p.kind == "int":
        value = round(value)
    assert validate({p.name: value})[p.name] == pytest.approx(value)


@given(st.sampled_from(NUMBERS), st.floats(1e-3, 1e6))
def test_values_outside_bounds_are_rejected_with_field_and_range(p, excess):
    for value in (p.low - excess, p.high + excess):
        if p.kind == "int":
            value = math.floor(value) if value < p.low else math.ceil(value)
        with pytest.raises(ConfigError) as err:
            validate({p.name: value})
        assert p.name in str(err.value) and f"{p.low:g}" in str(err.value)


@pytest.mark.parametrize("bad", [True, "3", None, float("nan"), float("inf"), [1]])
def test_wrong_types_are_rejected(bad):
    with pytest.raises(ConfigError, match="caseload_norm"):
        validate({"caseload_norm": bad})


def test_params_are_immutable_and_complete():
    params = validate()
    assert dict(params) == dict(DEFAULTS)
    with pytest.raises(AttributeError):
        params.caseload_norm = 3
    assert params.replace(caseload_norm=12).caseload_norm == 12


def test_calibrated_values_are_the_defaults_the_model_gets():
    from sim.calibration import CALIBRATED

    params = validate()
    for name, found in CALIBRATED.items():
        assert PARAMETERS[name].default == found["value"] == params[name]
        assert PARAMETERS[name].source.startswith("calibrated")
        assert PARAMETERS[name].plausible == (found["low"], found["high"])


def test_knockout_takes_one_mechanism_or_several_joined_by_plus():
    from sim.coefficients import knocked_out, of_mechanism

    both = knocked_out(validate({"knockout": "continuity+fallback"}))
    one = knocked_out(validate({"knockout": "continuity"}))
    for name in of_mechanism("continuity"):
        assert both[name] == one[name] == 0.0
    for name in of_mechanism("fallback"):
        assert both[name] == 0.0 and one[name] == DEFAULTS[name] != 0.0


@pytest.mark.parametrize(
    "bad", ["none+continuity", "continuity+continuity", "continuity+", "+fallback", "contin"]
)
def test_a_knockout_combination_must_name_distinct_mechanisms(bad):
    with pytest.raises(ConfigError, match="knockout.*several joined by \\+"):
        validate({"knockout": bad})
