"""Regions: municipalities around a centrumgemeente with its Zorg- en Veiligheidshuis.

The centre hosts procesregie (neutral process coordination) for roughly the 5% most complex
cases (CCV §1.2.3). Escalations (opschaling) from the regiogemeenten are screened against the
centre's criteria and wait for the region's decision (§4.3); a steadfast region decides slowly,
an innovating one runs many pilots (proeftuinen) that start and fade and may cost its base.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.domains import Sector, Status

if TYPE_CHECKING:
    from sim.model import MpgModel

PILOT_WEEKS = 52
PROCESREGIE_MIN_WEEKS = 26  # procesregie stays at least this long before handing back


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
        pilots_end: weeks at which running pilots end.
        load: policy load on local government from shifting priorities.
        escalation_waits: weeks from request to procesregie, per admitted case, by centre/regio.
    """

    def __init__(self, model: MpgModel, index: int, type_: str, municipalities: list[Municipality]):
        super().__init__(model)
        self.index, self.type, self.municipalities = index, type_, municipalities
        self.traits = model.typology.traits("region", type_)
        self.pilots_end: list[int] = []
        self.load = 0.0
        self.signals_received = 0
        self.escalation_waits = {True: [], False: []}

    @property
    def pilots(self) -> int:
        """Number of pilots running."""
        return len(self.pilots_end)

    @property
    def pilot_room(self) -> float:
        """Share of the shared capacity left after what running pilots take from the base."""
        return max(0.0, 1 - self.traits["pilot_base_cost"] * self.pilots)

    @property
    def decision_weeks(self) -> float:
        """Weeks to decide on an escalation; longer while local government is overloaded."""
        return self.traits["decision_weeks"] * (1 + self.load)

    def run_pilots(self) -> None:
        """Start pilots at the type's rate and let finished ones fade; publish the effects."""
        week = self.model.week
        self.pilots_end = [end for end in self.pilots_end if end > week]
        if self.model.rng.random() < self.traits["pilots_per_year"] / 52:
            self.start_pilot()
        self.load *= 0.95
        table = self.model.region_table
        table.need_matching[self.index] = min(
            1.0, self.traits["need_matching"] + 0.06 * self.pilots
        )
        table.shared_ownership[self.index] = self.traits["shared_ownership"]

    def start_pilot(self) -> None:
        """Start a pilot (proeftuin) that runs for a year."""
        self.pilots_end.append(self.model.week + PILOT_WEEKS)

    def absorb_priority_shift(self) -> None:
        """A new national priority lands on local government."""
        self.load = min(2.0, self.load + 0.5)

    def receive_signal(self) -> None:
        """An organisation passes on a blind spot; the region may act on it and pass it up."""
        self.signals_received += 1
        rng = self.model.rng
        if rng.random() >= self.traits["signal_uptake"]:
            return
        if rng.random() < 0.2:
            self.start_pilot()
        self.model.climate.receive_signal()

    def screen_escalations(self) -> None:
        """Admit requested escalations to procesregie, the centre's criteria applied to the rest.

        Requests from the centrumgemeente are decided in a week; those of regiogemeenten wait
        for the region's decision and must reach the centre's complexity threshold.
        """
        model = self.model
        fam, wf, week = model.families, model.workforce, model.week
        mine = fam.region == self.index
        asked = np.flatnonzero(mine & (fam.escalation_week >= 0) & (fam.status == Status.IN_CARE))
        if asked.size == 0:
            return
        centre = fam.in_centre[asked]
        ready = asked[
            (week - fam.escalation_week[asked]) >= np.where(centre, 1, self.decision_weeks)
        ]
        if ready.size == 0:
            return
        strict = model.params.screening_strictness
        complexity = fam.complexity[mine & fam.active]
        # the centre applies its own criteria more loosely to its own cases (CCV §4.3)
        threshold = np.where(
            fam.in_centre[ready],
            np.quantile(complexity, max(0.0, strict - 0.3)),
            np.quantile(complexity, strict),
        )
        passes = fam.complexity[ready] >= threshold
        fam.escalation_week[ready[~passes]] = -1  # rejected; may be asked again later
        positions = wf.positions(model.zvh_of[self.index], Sector.COORDINATION)
        # the base sets how many coordinators there are (see MpgModel); pilots take from each
        limit = int(np.floor(model.params.regisseur_caseload * self.pilot_room + 0.5))
        admitted = ready[passes]
        for f in admitted[np.argsort(-fam.complexity[admitted], kind="stable")]:
            pos = wf.assign(positions, limit)
            if pos < 0:
                break
            self.escalation_waits[bool(fam.in_centre[f])].append(week - fam.escalation_week[f])
            fam.escalate(int(f), pos)

    def review_procesregie(self) -> None:
        """Hand cases back from procesregie once they move again and risk is down."""
        fam, week = self.model.families, self.model.week
        mine = (fam.region == self.index) & (fam.status == Status.PROCESREGIE)
        settled = ~fam.stagnated & (fam.incident_ema * 52 < 1) & (fam.stall_weeks < 4)
        done = mine & settled & ((week - fam.escalated_week) >= PROCESREGIE_MIN_WEEKS)
        fam.de_escalate(np.flatnonzero(done))
