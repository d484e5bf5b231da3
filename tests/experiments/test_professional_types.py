"""The professional-organisation clash and procesregie, on the baseline region, thirty seeds.

Run as docs/TRACE.md §7 documents it, with thirty seeds: on a small region six seeds do not
show procesregie's effect on collaboration (``tests/sim/test_mechanisms.py`` carries it as a
strict known failure).

- ``mpgsim sweep grid --param professional_type=innoverend,vasthoudend --param
  organisation_type=innoverend,vasthoudend --param type_share=1.0 --reps 30 --weeks 104``
- ``mpgsim sweep grid --param procesregie_capacity_share=0.05,0.12 --reps 30 --weeks 104``

The clash contrast is [y(I, V) + y(V, I)] - [y(I, I) + y(V, V)] per seed, with I innoverend
and V vasthoudend for professional and organisation: positive when the mismatched
combinations are worse on an outcome where higher is worse.
"""

import pytest

from tests.experiments.conftest import paired_by_seed, sweep_grid

REPS = 30
INN, VAST = "innoverend", "vasthoudend"


@pytest.fixture(scope="module")
def coat_runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("po_clash") / "sweep"
    params = [
        f"professional_type={INN},{VAST}",
        f"organisation_type={INN},{VAST}",
        "type_share=1.0",
    ]
    return sweep_grid(out, params, REPS)


@pytest.fixture(scope="module")
def procesregie_runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("procesregie") / "sweep"
    return sweep_grid(out, ["procesregie_capacity_share=0.05,0.12"], REPS)


@pytest.mark.slow
@pytest.mark.parametrize(("outcome", "sign"), [("turnover_rate", +1), ("stress_prevalence", +1)])
def test_the_professional_organisation_clash_drives_staff_out(coat_runs, outcome, sign):
    def y(professional, organisation):
        chosen = (coat_runs.professional_type == professional) & (
            coat_runs.organisation_type == organisation
        )
        return coat_runs[chosen].set_index("seed")[outcome]

    matched, clashing = y(INN, INN) + y(VAST, VAST), y(INN, VAST) + y(VAST, INN)
    found = paired_by_seed(matched, clashing, REPS)
    assert found.has_sign(sign), f"clash professional-organisation: {outcome} {found}"


@pytest.mark.slow
def test_procesregie_lowers_stagnation_from_collaboration(procesregie_runs):
    by = {
        share: procesregie_runs[procesregie_runs.procesregie_capacity_share == share].set_index(
            "seed"
        )["stagnation_collaboration"]
        for share in (0.05, 0.12)
    }
    found = paired_by_seed(by[0.05], by[0.12], REPS)
    assert found.has_sign(-1), f"procesregie: stagnation_collaboration {found}"
