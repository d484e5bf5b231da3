"""Organisations: wijkteams, police, specialist care and the Zorg- en Veiligheidshuis.

An organisation sets its professionals' context: protocols, mission, backing, room to deviate
from protocol, and its own institutional goal against the joint goal for the family (CCV §4.1,
§5.1). It takes in families, runs a waitlist (specialist care), absorbs shifting political
priorities and responds - or not - to signals from its professionals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.domains import Sector, Status

if TYPE_CHECKING:
    from sim.model import MpgModel

KINDS = ("wijkteam", "police", "specialist", "zvh")
TRAITS_PUBLISHED = ("mission_clarity", "adaptivity", "institutional_goal", "room_to_deviate")
STATIC_TRAITS = (
    "mission_clarity",
    "backing",
    "institutional_goal",
    "signal_uptake",
    "flexibility_demand",
    "change_cost",
)
LEARNING_CAP = 0.2  # most an organisation's adaptivity can grow from its professionals' signals


class Organisation(mesa.Agent):
    """An organisation of one type, one of :data:`KINDS`, in one region.

    Attributes:
        kind: wijkteam (social, per municipality), police (safety), specialist (care with a
            waitlist) or zvh (Zorg- en Veiligheidshuis, home of procesregie).
        type: its type; traits come from configs/typologies.toml.
        adaptation_load: work left by shifting political priorities (decays weekly).
        learned: adaptivity gained by picking up its professionals' signals.
        places: specialist care places (specialist organisations only).
    """

    def __init__(
        self,
        model: MpgModel,
        index: int,
        kind: str,
        type_: str,
        region: int,
        municipality: int = -1,
        places: int = 0,
    ):
        super().__init__(model)
        self.index, self.kind, self.type = index, kind, type_
        self.region, self.municipality = region, municipality
        self.traits = model.typology.traits("organisation", type_)
        # static traits read like attributes (org.backing); dynamic ones are properties below
        for name in STATIC_TRAITS:
            setattr(self, name, self.traits[name])
        self.adaptation_load = 0.0
        self.learned = 0.0
        self.places = places
        self.signals_received = 0
        self.signals_picked_up = 0

    @property
    def adaptivity(self) -> float:
        """Adaptivity, raised by signals it picked up."""
        return min(1.0, self.traits["adaptivity"] + self.learned)

    @property
    def room_to_deviate(self) -> float:
        """Room to deviate from protocol, raised (less) by signals it picked up."""
        return min(1.0, self.traits["room_to_deviate"] + 0.5 * self.learned)

    @property
    def protocol_rigidity(self) -> float:
        """Protocol rigidity, relaxed a little by what it learned."""
        return max(0.0, self.traits["protocol_rigidity"] - 0.5 * self.learned)

    def adapt(self) -> None:
        """Work off the load of shifting priorities and publish the current traits."""
        self.adaptation_load *= 0.9
        table = self.model.org_table
        for name in TRAITS_PUBLISHED:
            getattr(table, name)[self.index] = getattr(self, name)

    def absorb_priority_shift(self) -> None:
        """A new political priority lands: more work, and innovating organisations reorganise."""
        self.adaptation_load = min(
            1.0, self.adaptation_load + 0.3 + 0.3 * self.traits["change_cost"]
        )

    def take_in(self) -> None:
        """Assign waiting families to professionals with room (wijkteam and police)."""
        if self.kind == "wijkteam":
            self._take_in_social()
        elif self.kind == "police":
            self._take_in_safety()

    def _take_in_social(self) -> None:
        model = self.model
        fam, wf = model.families, model.workforce
        waiting = np.flatnonzero(
            (fam.status == Status.SIGNALLED) & (fam.municipality == self.municipality)
        )
        if waiting.size == 0:
            return
        positions = wf.positions(self.index, Sector.SOCIAL)
        limit = int(np.ceil(model.params.caseload_norm * 1.2))
        for f in waiting[np.argsort(fam.entry_week[waiting], kind="stable")]:
            pos = wf.assign(positions, limit)
            if pos < 0:
                break
            fam.start_care(int(f), pos)

    def _take_in_safety(self) -> None:
        model = self.model
        fam, wf = model.families, model.workforce
        known = (fam.incident_ema * 52 > 1) | (fam.safety_severity > 0.5)
        need = np.flatnonzero(
            fam.active & known & (fam.safety_pos < 0) & (fam.region == self.region)
        )
        if need.size == 0:
            return
        positions = wf.positions(self.index, Sector.SAFETY)
        limit = int(np.ceil(model.params.safety_caseload_norm * 1.2))
        for f in need[np.argsort(-fam.incident_ema[need], kind="stable")]:
            pos = wf.assign(positions, limit)
            if pos < 0:
                break
            fam.safety_pos[f] = pos

    def admit_from_waitlist(self) -> None:
        """Specialist care: admit the longest-waiting referred families to free places (FIFO)."""
        model = self.model
        fam, week = model.families, model.week
        mine = fam.region == self.region
        treating = mine & (fam.treated_until >= week)
        waiting = np.flatnonzero(mine & (fam.referred_week >= 0) & (fam.treated_until < week))
        places = int(self.places * model.climate.capacity_factor)
        free = places - int(treating.sum())
        model.waitlist_pressure[self.region] = min(1.0, waiting.size / max(places, 1))
        if free <= 0 or waiting.size == 0:
            return
        chosen = waiting[np.argsort(fam.referred_week[waiting], kind="stable")[:free]]
        model.record_waits(week - fam.referred_week[chosen])
        fam.treated_until[chosen] = week + model.params.treatment_weeks
        fam.referred_week[chosen] = -1

    def receive_signal(self) -> bool:
        """A professional signals a blind spot; return whether the organisation picks it up."""
        self.signals_received += 1
        model = self.model
        if model.rng.random() >= self.traits["signal_uptake"]:
            return False
        self.signals_picked_up += 1
        self.learned = min(LEARNING_CAP, self.learned + 0.01)
        model.region_list[self.region].receive_signal()
        return True
