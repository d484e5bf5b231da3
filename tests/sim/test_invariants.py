"""Invariants under random valid parameters (hypothesis)."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from experiments.config import load_typology
from sim.domains import Status
from sim.measures import COST_COLUMNS, OUTCOMES
from sim.model import MpgModel
from sim.params import PARAMETERS, validate

SHARES = [name for name, o in OUTCOMES.items() if o.kind in ("share", "score")]
#: keep generated worlds small so each example runs in well under a second
SIZE_CAPS = {
    "n_regions": 2,
    "families_per_region": 120,
    "municipalities_per_region": 5,
    "burn_in_weeks": 8,
}


def _strategy(p):
    if p.kind == "choice":
        return st.sampled_from(p.choices)
    if p.kind == "bool":
        return st.booleans()
    high = SIZE_CAPS.get(p.name, p.high)
    if p.kind == "int":
        return st.integers(int(p.low), int(high))
    return st.floats(p.low, high, allow_nan=False)


params_strategy = st.fixed_dictionaries({name: _strategy(p) for name, p in PARAMETERS.items()})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=params_strategy, seed=st.integers(0, 2**32 - 1))
def test_invariants_hold_for_any_valid_parameters(values, seed):
    params = validate(values)
    model = MpgModel(params, load_typology(), rng=seed)
    n = model.families.n
    assert n == params.n_regions * params.families_per_region
    for _ in range(16):
        model.step()
        fam, wf = model.families, model.workforce
        # families are conserved: every family has exactly one status
        assert sum(model.case_counts().values()) == n
        assert np.isin(fam.status, list(Status)).all()
        assert (wf.caseload >= 0).all()
        assert ((fam.severity >= 0) & (fam.severity <= 1)).all()
        # an absent member carries no problems (Families.live relies on it, without a mask)
        assert (fam.severity[~fam.members] == 0).all()
        assert ((fam.trust >= 0) & (fam.trust <= 1)).all()
        assert ((wf.hv >= 0) & (wf.hv <= 1)).all()
        # a family in care has a social professional; a closed or queued one has none
        assert (fam.social_pos[fam.status == Status.CLOSED] == -1).all()
        assert (fam.social_pos[fam.status == Status.SIGNALLED] == -1).all()
        assert (fam.social_pos[fam.status == Status.IN_CARE] >= 0).all()
        # nobody works above the handover limit, and no family sits with a vacancy
        assert not np.isin(fam.social_pos[fam.social_pos >= 0], np.flatnonzero(~wf.occupied)).any()
        for name in SHARES:
            value = OUTCOMES[name].read(model)
            assert 0.0 <= value <= 1.0, (name, value)
        # the partners' costs add up to the total
        total = OUTCOMES["cost_per_household_year"].read(model)
        parts = sum(OUTCOMES[c].read(model) for c in COST_COLUMNS)
        assert np.isclose(parts, total, rtol=1e-9, atol=1e-6)
