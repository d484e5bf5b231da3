"""Time under dwang is measured over every way out of an order."""

from experiments.config import load_scenario
from sim.domains import Frame
from sim.model import MpgModel

SMALL = {"families_per_region": 300, "municipalities_per_region": 4, "burn_in_weeks": 0}


def test_every_exit_from_dwang_is_counted():
    """Orders end by a step down, a closure or the household moving away; the stock balances.

    Before, only step-downs were counted, so Little's law overstated the time under dwang.
    """
    sc = load_scenario("baseline", {**SMALL, "family_turnover_per_year": 0.5})
    model = MpgModel(sc.params, sc.typology, rng=3)
    stock = int((model.families.frame == Frame.DWANG).sum())
    ended = 0
    for _ in range(156):
        model.step()
        started = model.flows.total("dwang_started", weeks=1)
        ending = model.flows.total("dwang_ended", weeks=1)
        stock += int(started - ending)
        ended += int(ending)
        assert stock == int((model.families.frame == Frame.DWANG).sum())
    assert ended > 0
