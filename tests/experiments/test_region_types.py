"""The region's type and its clash with the political climate, on the baseline region.

Run as docs/TRACE.md §7 documents it, with thirty seeds: on a small region six seeds do not
show them (``tests/sim/test_mechanisms.py`` carries those as strict known failures).

- ``mpgsim sweep grid --param region_type=innoverend,vasthoudend --reps 30 --weeks 104``
- ``mpgsim sweep grid --param region_type=innoverend,vasthoudend --param
  political_climate_type=innoverend,vasthoudend --param type_share=1.0 --reps 30 --weeks 104``

The clash contrast is [y(I, V) + y(V, I)] - [y(I, I) + y(V, V)] per seed, with I innoverend
and V vasthoudend for region and climate: positive when the mismatched combinations are worse
on an outcome where higher is worse.
"""

import pytest

from tests.experiments.conftest import paired_by_seed, sweep_grid

REPS = 30
INN, VAST = "innoverend", "vasthoudend"


@pytest.fixture(scope="module")
def region_runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("region") / "sweep"
    return sweep_grid(out, [f"region_type={INN},{VAST}"], REPS)


@pytest.fixture(scope="module")
def coat_runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("clash") / "sweep"
    params = [f"region_type={INN},{VAST}", f"political_climate_type={INN},{VAST}", "type_share=1.0"]
    return sweep_grid(out, params, REPS)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("outcome", "sign"), [("escalation_wait_regio", +1), ("pilots_active", -1)]
)
def test_a_steadfast_region_decides_slower_and_pilots_less(region_runs, outcome, sign):
    by = {
        t: region_runs[region_runs.region_type == t].set_index("seed")[outcome] for t in (INN, VAST)
    }
    found = paired_by_seed(by[INN], by[VAST], REPS)
    assert found.has_sign(sign), f"{outcome}: {found}"


@pytest.mark.slow
@pytest.mark.parametrize(("outcome", "sign"), [("escalation_wait_regio", +1), ("fit_score", -1)])
def test_the_region_climate_clash_slows_decisions_and_lowers_fit(coat_runs, outcome, sign):
    def y(region, climate):
        chosen = (coat_runs.region_type == region) & (coat_runs.political_climate_type == climate)
        return coat_runs[chosen].set_index("seed")[outcome]

    matched, clashing = y(INN, INN) + y(VAST, VAST), y(INN, VAST) + y(VAST, INN)
    found = paired_by_seed(matched, clashing, REPS)
    assert found.has_sign(sign), f"clash region-climate: {outcome} {found}"
