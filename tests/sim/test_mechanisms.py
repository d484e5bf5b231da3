"""Direction tests: one per mechanism, per level's type and per clash, with effect sizes and CIs.

Each test changes one thing between realistic values (not only the extremes of its bounds),
runs both variants with the same seeds (common random numbers) and asks that the 95% interval
of the paired difference lie on the expected side of zero. The message gives the effect.
"""

import pytest

from tests.sim.conftest import effect, paired, tail_means

# (mechanism, parameter, from, to, outcome, expected sign of outcome(to) - outcome(from))
DIRECTIONS = [
    ("procesregie", "procesregie_capacity_share", 0.05, 0.12, "stagnation_collaboration", -1),
    ("waitlists", "specialist_capacity_per_100_families", 8.0, 16.0, "waiting_weeks_mean", -1),
    ("continuity: turnover erodes trust", "turnover_per_year", 0.1, 0.3, "trust_mean", -1),
    ("fragmentation", "providers_per_problem", 0.3, 1.0, "stagnation_collaboration", +1),
    ("pooled funding", "pooled_funding", 0.1, 0.6, "stagnation_offer", -1),
    ("information sharing", "information_sharing", 0.3, 0.8, "stagnation_collaboration", -1),
    ("caseload -> stress", "social_fte_per_100_families", 6.0, 9.0, "stress_prevalence", -1),
    (
        "fewer staff -> waiting at intake",
        "social_fte_per_100_families",
        9.0,
        6.0,
        "intake_waiting_weeks",
        +1,
    ),
    ("basic needs first", "basic_needs_penalty", 0.25, 0.6, "recovered_share", +1),
    ("escalation of the frame", "intervention_norm", 0.5, 0.65, "share_drang", -1),
    ("escalation from imbalance", "incidents_per_year", 1.5, 3.0, "share_dwang", +1),
    ("intergenerational transfer", "intergenerational_initial", 0.35, 0.6, "child_risk_mean", +1),
    ("costs follow incidents", "incidents_per_year", 1.5, 3.0, "cost_police", +1),
    ("handelingsverlegenheid and privacy", "information_sharing", 0.3, 0.8, "hv_prevalence", -1),
    ("practice caseloads stagnate", "caseload_norm", 9, 17, "stagnation_rate", +1),
    (
        "practice caseloads wait for specialist care",
        "caseload_norm",
        9,
        17,
        "waiting_weeks_mean",
        +1,
    ),
    ("practice caseloads thin the help", "caseload_norm", 9, 17, "help_hours_per_family", -1),
]


#: Directions the report expects that the model does not show at six seeds (docs/TRACE.md §7).
#: Strict: once one of them shows, the test says so and TRACE must change with it.
NOT_SHOWN = {
    "procesregie": "+0.002 (95% CI -0.009 to +0.012): within noise at six seeds in this "
    "region (the baseline region shows it with thirty: test_professional_types.py)",
    "practice caseloads stagnate": "+0.073 (-0.028 to +0.173): within noise at six seeds in "
    "this region (the baseline region shows it with thirty: test_practice_caseloads.py)",
    "practice caseloads wait for specialist care": "+4.0 weeks (-0.4 to +8.4): within noise "
    "at six seeds (thirty show it: tests/experiments/test_practice_caseloads.py)",
    "professional vasthoudend->innoverend: turnover_rate": "+0.053 (-0.037 to +0.143): "
    "no effect of the professional type on its own at six seeds; thirty on the baseline region "
    "show the opposite, -0.024 (-0.045 to -0.002): innovators carry less stress. Innovators "
    "leave sooner only in a steadfast organisation (the clash, test_professional_types.py)",
    "region innoverend->vasthoudend: escalation_wait_regio": "+3.7 weeks (-10.6 to +18.0): "
    "too few escalations in one small region for six seeds (thirty on the baseline region "
    "show it: tests/experiments/test_region_types.py)",
}


def _cases(rows, ids):
    """Parameters with the directions of :data:`NOT_SHOWN` marked as known failures."""
    return [
        pytest.param(*row, id=i, marks=pytest.mark.xfail(strict=True, reason=NOT_SHOWN[i]))
        if i in NOT_SHOWN
        else pytest.param(*row, id=i)
        for row, i in zip(rows, ids, strict=True)
    ]


@pytest.mark.parametrize(
    ("mechanism", "param", "low", "high", "outcome", "sign"),
    _cases(DIRECTIONS, [d[0] for d in DIRECTIONS]),
)
def test_direction(mechanism, param, low, high, outcome, sign):
    found = paired({param: low}, {param: high}, outcome)
    assert found.has_sign(sign), f"{mechanism}: {outcome} {found}"


# (level, from type, to type, outcome, expected sign) with the rest of the coat balancing
TYPES = [
    ("professional", "vasthoudend", "innoverend", "turnover_rate", +1),
    ("professional", "vasthoudend", "innoverend", "methods_fit_share", +1),
    ("organisation", "vasthoudend", "innoverend", "hv_prevalence", +1),
    ("region", "innoverend", "vasthoudend", "escalation_wait_regio", +1),
    ("region", "vasthoudend", "innoverend", "pilots_active", +1),
    ("political_climate", "vasthoudend", "innoverend", "hv_prevalence", +1),
    ("political_climate", "vasthoudend", "innoverend", "policy_load", +1),
]


@pytest.mark.parametrize(
    ("level", "a", "b", "outcome", "sign"),
    _cases(TYPES, [f"{t[0]} {t[1]}->{t[2]}: {t[3]}" for t in TYPES]),
)
def test_each_levels_type_has_an_effect(level, a, b, outcome, sign):
    found = paired({f"{level}_type": a}, {f"{level}_type": b}, outcome)
    assert found.has_sign(sign), f"{level} type: {outcome} {found}"


def _interaction(lower: str, upper: str, outcome: str, knockout: str = "none"):
    """How much more the lower level's type matters under a clashing upper level.

    The contrast [y(I, V) - y(I, I)] - [y(V, V) - y(V, I)], with I innoverend and V
    vasthoudend at the lower and upper level (everyone of the chosen type): positive when both
    mismatched combinations are worse than the matched ones.
    """

    def y(low_type, up_type):
        coat = {f"{lower}_type": low_type, f"{upper}_type": up_type, "type_share": 1.0}
        return tail_means({**coat, "knockout": knockout}, outcome)

    v, i = "vasthoudend", "innoverend"
    clashing = y(i, v) + y(v, i)
    matched = y(i, i) + y(v, v)
    return effect(matched, clashing)


def test_professional_organisation_clash_raises_stress():
    found = _interaction("professional", "organisation", "stress_prevalence")
    assert found.has_sign(+1), f"clash professional-organisation: stress {found}"


def test_without_the_clash_mechanism_the_combination_matters_less():
    with_clash = _interaction("professional", "organisation", "stress_prevalence")
    without = _interaction("professional", "organisation", "stress_prevalence", "clash_po")
    assert with_clash.mean > without.mean, f"with {with_clash}; without {without}"


@pytest.mark.xfail(
    strict=True,
    reason="+4.1 weeks (-14.2 to +22.5): within noise at six seeds on a small region; the "
    "clash shows in fit, and thirty seeds on the baseline region show it (test_region_types.py)",
)
def test_region_climate_clash_slows_regional_decisions():
    found = _interaction("region", "political_climate", "escalation_wait_regio")
    assert found.has_sign(+1), f"clash region-climate: escalation wait {found}"


def test_region_climate_clash_lowers_fit():
    found = _interaction("region", "political_climate", "fit_score")
    assert found.has_sign(-1), f"clash region-climate: fit {found}"
