"""Regions: municipalities around a centrumgemeente with its Zorg- en Veiligheidshuis.

The centre hosts procesregie (neutral process coordination) for roughly the 5% most complex
cases (CCV2019 §1.2.3). Requests for escalation (opschaling) from the centrumgemeente are
decided in the Zorg- en Veiligheidshuis at once; those of the regiogemeenten wait for the
region's decision (§4.3). Both are screened against the same criteria, so any difference in
who gets procesregie comes from that route. A steadfast region decides slowly, an innovating
one runs many pilots (proeftuinen) that start and fade and may cost its base.

The region and the political climate above it can pull in different directions: a region that
changes slowly under a climate that keeps setting new priorities is overloaded, and one that
runs many pilots under a climate that does not pick them up sees their results match the
families' needs less (the region-climate clash, :func:`sim.fit.region_climate_clash`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim import fit
from sim.domains import Sector
from sim.families import random_order

if TYPE_CHECKING:
    from sim.model import MpgModel

REGION_LOAD_CAP = 2.0  # policy load saturates at twice what one priority shift lands at most


def quantile(values: np.ndarray, q: float) -> float:
    """``np.quantile(values, q)`` (linear interpolation), bit for bit, for one ``q``.

    The same index, weight and interpolation as NumPy, without its general machinery, which
    costs more than the sort it wraps (tests/sim/test_speed_helpers.py).
    """
    ordered = np.sort(values)
    n = ordered.size
    virtual = (n - 1) * q
    low = min(max(math.floor(virtual), 0), n - 1)
    high = min(low + 1, n - 1)
    if virtual >= n - 1:
        low = high = n - 1
    a, b = ordered[low], ordered[high]
    t = virtual - (-1 if virtual >= n - 1 else low)  # NumPy weighs from index -1 up there
    diff = b - a
    return b - diff * (1 - t) if t >= 0.5 else a + diff * t


@dataclass(frozen=True)
class Municipality:
    """A municipality: the centrumgemeente of its region or a regiogemeente."""

    index: int
    region: int
    is_centre: bool
    n_families: int


class Region(mesa.Agent):
    """A region of one type with its municipalities, procesregie capacity and pilots.

    Attributes:
        municipalities: the centre first, then the regiogemeenten.
        pilots_end: weeks at which pilots end (kept while their effect phases out).
        load: policy load on local government from shifting priorities.
    """

    def __init__(self, model: MpgModel, index: int, type_: str, municipalities: list[Municipality]):
        super().__init__(model)
        self.index, self.type, self.municipalities = index, type_, municipalities
        self.traits = model.typology.traits("region", type_)
        self.pilots_end: list[int] = []
        self.load = 0.0
        self.signals_received = 0

    @property
    def pilots(self) -> int:
        """Number of pilots running."""
        week = self.model.week
        return sum(end > week for end in self.pilots_end)

    def pilot_yield(self) -> float:
        """Pilots at full effect: running ones count fully, ended ones as they phase out."""
        week, fade = self.model.week, self.model.params.pilot_phase_out_weeks
        if fade == 0:
            return float(self.pilots)
        return sum(min(1.0, max(0.0, 1 - (week - end) / fade)) for end in self.pilots_end)

    @property
    def clash(self) -> float:
        """How far the region's pace of change and the climate's pull apart (0-1)."""
        return fit.region_climate_clash(self.traits, self.model.climate.traits)

    @property
    def pilot_room(self) -> float:
        """Share of the shared capacity left after what running pilots take from the base."""
        return max(0.0, 1 - self.traits["pilot_base_cost"] * self.pilots)

    @property
    def decision_weeks(self) -> float:
        """Weeks a regiogemeente's escalation waits for the region's decision."""
        p = self.model.params
        base = self.traits["decision_weeks"] * p.escalation_decision_scale
        return base * (1 + p.decision_load_slowdown * self.load)

    def run_pilots(self) -> None:
        """Start pilots at the type's rate and let finished ones fade; publish the effects."""
        p, week = self.model.params, self.model.week
        fade = p.pilot_phase_out_weeks
        self.pilots_end = [end for end in self.pilots_end if end + fade > week]
        if self.model.rng.random() < self.traits["pilots_per_year"] / 52:
            self.start_pilot()
        self.load *= 1 - p.region_load_decay
        table = self.model.region_table
        matching = self.traits["need_matching"] + p.pilot_need_matching * self.pilot_yield()
        matching *= 1 - p.clash_rc_matching * self.clash
        table.need_matching[self.index] = min(1.0, matching)
        table.shared_ownership[self.index] = self.traits["shared_ownership"]

    def start_pilot(self) -> None:
        """Start a pilot (proeftuin) that runs for ``pilot_weeks``."""
        self.pilots_end.append(self.model.week + self.model.params.pilot_weeks)

    def absorb_priority_shift(self) -> None:
        """A new national priority lands on local government.

        The more so when the region's pace of change does not match the climate's.
        """
        p = self.model.params
        added = p.shift_region_load * (1 + p.clash_rc_load * self.clash)
        self.load = min(REGION_LOAD_CAP, self.load + added)

    def receive_signal(self) -> None:
        """An organisation passes on a blind spot; the region may act on it and pass it up."""
        self.signals_received += 1
        rng = self.model.rng
        if rng.random() >= self.traits["signal_uptake"]:
            return
        # a region with little base left starts fewer pilots: each one takes from the base
        if rng.random() < self.model.params.pilot_per_signal * self.pilot_room:
            self.start_pilot()
        self.model.climate.receive_signal()

    def screen_escalations(self) -> None:
        """Admit requested escalations to procesregie, most complex first, while capacity lasts.

        Requests from the centrumgemeente are decided at once; those of regiogemeenten wait
        for the region's decision. Every request must reach the same complexity percentile
        (``screening_strictness``) among the region's cases in care.
        """
        model = self.model
        fam, wf, week, rng = model.families, model.workforce, model.week, model.rng
        requests, active = model.escalation_requests
        asked = requests[self.index]
        if asked.size == 0:
            return
        wait = np.where(fam.in_centre[asked], 0.0, self.decision_weeks)
        ready = asked[(week - fam.escalation_week[asked]) >= wait]
        if ready.size == 0:
            return
        complexity = fam.complexity[active[self.index]]
        threshold = quantile(complexity, model.params.screening_strictness)
        passes = fam.complexity[ready] >= threshold
        fam.escalation_week[ready[~passes]] = -1  # rejected; may be asked again later
        positions = wf.positions(model.zvh_of[self.index], Sector.COORDINATION)
        # the base sets how many coordinators there are (see MpgModel); pilots take from each
        limit = int(np.floor(model.params.regisseur_caseload * self.pilot_room + 0.5))
        admitted = ready[passes]
        order = admitted[random_order(-fam.complexity[admitted], rng)]
        takers = wf.assign_many(positions, limit, rng, order.size)
        chosen = order[: takers.size]
        centre = fam.in_centre[chosen]
        waits = week - fam.escalation_week[chosen]
        model.flows.extend("escalation_waits_centre", waits[centre])
        model.flows.extend("escalation_waits_regio", waits[~centre])
        fam.escalate(chosen, takers)

    def review_procesregie(self) -> None:
        """Hand cases back from procesregie once they move again and risk is down."""
        fam = self.model.families
        fam.de_escalate(self.model.procesregie_done[self.index])
