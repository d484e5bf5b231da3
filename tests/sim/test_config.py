"""Every config builds and runs; a wrong config names the field, the value and what is allowed."""

import pytest

from experiments.config import list_scenarios, load_scenario
from experiments.single import run_scenario
from sim.errors import ConfigError
from sim.measures import OUTCOME_NAMES


@pytest.mark.parametrize("name", list_scenarios())
def test_every_scenario_builds_and_runs(name):
    sc = load_scenario(name)
    small = {"n_regions": min(sc.params.n_regions, 2)}  # national builds the same way, smaller
    table = run_scenario(sc.with_overrides(small), seed=1, weeks=4)
    assert list(table.columns) == ["week", *OUTCOME_NAMES]
    assert len(table) == 4
    assert table.notna().all().all()


def test_national_has_the_figures_of_the_country():
    p = load_scenario("national").params
    assert p.n_regions == 25
    assert 26_000 <= p.n_regions * p.families_per_region <= 28_000
    assert 330 <= p.n_regions * p.municipalities_per_region <= 360


def test_cases_carry_a_story_in_both_languages():
    for name in (n for n in list_scenarios() if n.startswith("cases/")):
        case = load_scenario(name).case
        assert {"title_nl", "title_en", "story_nl", "story_en", "source"} <= set(case)


def _write(tmp_path, text):
    path = tmp_path / "s.toml"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize(
    ("text", "field", "allowed"),
    [
        ("[params]\ncaseload_norm = 99\n", "caseload_norm", "from 3 to 30"),
        ("[params]\ncaseload_norm = 'many'\n", "caseload_norm", "whole number"),
        ("[params]\ncaseloadnorm = 9\n", "parameter", "did you mean caseload_norm"),
        ("[types]\nregion = 'wild'\n", "region_type", "vasthoudend, balancerend, innoverend"),
        ("[types]\ncity = 'balancerend'\n", "types.city", "levels: professional"),
        ("weeks = 0\n", "weeks", ">= 1"),
        ("colour = 'red'\n", "colour", "allowed keys"),
        ("extends = 'nowhere'\n", "scenario", "known scenarios"),
        ("[params\n", "s.toml", "not valid TOML"),
    ],
)
def test_bad_config_names_field_value_and_allowed(tmp_path, text, field, allowed):
    with pytest.raises(ConfigError) as err:
        load_scenario(_write(tmp_path, text))
    message = str(err.value)
    assert field in message and allowed in message
    assert "\n" not in message


def test_unknown_scenario_lists_the_known_ones():
    with pytest.raises(ConfigError, match="known scenarios: baseline"):
        load_scenario("basline")


def test_a_scenario_file_by_path_extends_baseline(tmp_path):
    sc = load_scenario(_write(tmp_path, "extends = 'baseline'\n[params]\ncaseload_norm = 12\n"))
    assert sc.params.caseload_norm == 12
    assert sc.params.families_per_region == 1100
