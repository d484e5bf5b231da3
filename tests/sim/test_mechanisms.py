"""Direction tests: one per mechanism of MODEL.md §4, all else equal, over several seeds."""

import pytest

from tests.sim.conftest import mean_outcome

# (mechanism, parameter, low, high, outcome, expected sign of outcome(high) - outcome(low))
DIRECTIONS = [
    ("procesregie", "procesregie_capacity_share", 0.0, 0.15, "stagnation_collaboration", -1),
    ("waitlists", "specialist_capacity_per_100_families", 4.0, 30.0, "stagnation_offer", -1),
    ("workforce: turnover erodes trust", "turnover_per_year", 0.05, 0.5, "trust_mean", -1),
    ("fragmentation", "providers_per_problem", 0.0, 1.5, "stagnation_rate", +1),
    ("pooled funding", "pooled_funding", 0.0, 1.0, "stagnation_offer", -1),
    ("information sharing", "information_sharing", 0.0, 1.0, "stagnation_collaboration", -1),
    ("caseload -> stress", "social_fte_per_100_families", 4.0, 12.0, "stress_prevalence", -1),
    ("basic needs first", "basic_needs_penalty", 0.1, 1.0, "recovered_share", +1),
    ("escalation of the frame", "intervention_norm", 0.3, 0.8, "share_drang", -1),
    ("escalation from imbalance", "incidents_per_year", 1.0, 6.0, "share_drang", +1),
    ("intergenerational transfer", "intergenerational_initial", 0.1, 0.9, "child_risk_mean", +1),
    ("costs across partners", "incidents_per_year", 1.0, 6.0, "cost_per_household_year", +1),
    ("trust and motivation", "help_request_share", 0.0, 1.0, "trust_mean", +1),
    ("handelingsverlegenheid", "information_sharing", 0.0, 1.0, "hv_prevalence", -1),
]


@pytest.mark.parametrize(
    ("mechanism", "param", "low", "high", "outcome", "sign"),
    DIRECTIONS,
    ids=[d[0] for d in DIRECTIONS],
)
def test_direction(mechanism, param, low, high, outcome, sign):
    at_low = mean_outcome({param: low}, outcome)
    at_high = mean_outcome({param: high}, outcome)
    assert sign * (at_high - at_low) > 0, f"{mechanism}: {outcome} {at_low:.4f} -> {at_high:.4f}"
