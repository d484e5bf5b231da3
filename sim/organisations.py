"""Organisations: wijkteams, police, specialist care and the Zorg- en Veiligheidshuis.

An organisation sets its professionals' context: protocols, mission, backing, room to deviate
from protocol, and its own institutional goal against the joint goal for the family (CCV2019
§4.1, §5.1). Its traits live in the organisation table (:class:`OrgTable`), so the rules read
them for every professional and family at once; a trait that learning changes is recomputed
when it changes, not on every read. The Mesa agent keeps the organisation's decisions: taking
in families, running a waitlist (specialist care) and picking up - or not - signals from its
professionals.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.domains import Sector, Status
from sim.families import random_order
from sim.tables import Table

if TYPE_CHECKING:
    from sim.model import MpgModel
    from sim.typology import Typology

KINDS = ("wijkteam", "police", "specialist", "zvh")
#: Organisation traits of the typology, copied into the table.
ORGANISATION_TRAITS = (
    "protocol_rigidity",
    "mission_clarity",
    "backing",
    "room_to_deviate",
    "adaptivity",
    "institutional_goal",
    "signal_uptake",
    "flexibility_demand",
    "change_cost",
)


class OrgTable(Table):
    """One row per organisation: its traits (base and learned) and its policy load."""

    def __init__(self, types: list[str], typology: Typology):
        n = len(types)
        columns = {f"base_{name}": (float, 0.0) for name in ORGANISATION_TRAITS}
        columns.update({name: (float, 0.0) for name in ORGANISATION_TRAITS})
        columns.update(learned=(float, 0.0), adaptation_load=(float, 0.0))
        super().__init__(n, **columns)
        for i, type_ in enumerate(types):
            for name, value in typology.traits("organisation", type_).items():
                getattr(self, f"base_{name}")[i] = value
                getattr(self, name)[i] = value

    def retype(self, i: int, traits, params) -> None:
        """Organisation ``i`` takes on another type's traits (a type event).

        It keeps what it learned from its professionals' signals.
        """
        for name, value in traits.items():
            getattr(self, f"base_{name}")[i] = value
            getattr(self, name)[i] = value
        self._apply_learning(i, params)

    def learn(self, i: int, params) -> None:
        """Organisation ``i`` picked up a signal: it adapts, and gives more room to deviate."""
        self.learned[i] = min(params.learning_cap, self.learned[i] + params.learning_per_signal)
        self._apply_learning(i, params)

    def _apply_learning(self, i: int, params) -> None:
        learned, share = self.learned[i], params.learning_room_share
        self.adaptivity[i] = min(1.0, self.base_adaptivity[i] + learned)
        self.room_to_deviate[i] = min(1.0, self.base_room_to_deviate[i] + share * learned)
        self.protocol_rigidity[i] = max(0.0, self.base_protocol_rigidity[i] - share * learned)

    def adapt(self, params) -> None:
        """Work off part of the load that shifting political priorities left behind."""
        self.adaptation_load *= 1 - params.policy_load_decay

    def absorb_priority_shift(self, params) -> None:
        """A new political priority lands on every organisation: more work.

        More so where change is costly (identity let go, unclear expectations).
        """
        added = params.shift_load + params.shift_load_change_cost * self.change_cost
        self.adaptation_load = np.minimum(1.0, self.adaptation_load + added)


class Organisation(mesa.Agent):
    """An organisation of one type, one of :data:`KINDS`, in one region.

    Attributes:
        index: its row in the organisation table.
        kind: wijkteam (social, per municipality), police (safety), specialist (care with a
            waitlist) or zvh (Zorg- en Veiligheidshuis, home of procesregie).
        type: its type; traits come from the typology.
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
        self.places = places
        self.signals_received = 0
        self.signals_picked_up = 0

    def places_now(self) -> int:
        """Specialist places open this week, in whole places.

        The base number times the climate's capacity factor (places won by signals from
        practice).
        """
        return int(self.places * self.model.climate.capacity_factor)

    def trait(self, name: str) -> float:
        """The organisation's current value of a trait (learning included)."""
        return float(getattr(self.model.org_table, name)[self.index])

    def take_in(self) -> None:
        """Assign waiting families to professionals with room (wijkteam and police)."""
        if self.kind == "wijkteam":
            self._take_in_social()
        elif self.kind == "police":
            self._take_in_safety()

    def _take_in_social(self) -> None:
        """Queued families, and active families who lost their social worker, in signal order.

        The team takes families up to ``intake_margin`` times the caseload norm; the rest wait.
        """
        model = self.model
        fam, wf, p = model.families, model.workforce, model.params
        waiting = model.intake_queues[self.municipality]
        if waiting.size == 0:
            return
        positions = wf.positions(self.index, Sector.SOCIAL)
        limit = math.ceil(p.caseload_norm * p.intake_margin)
        order = random_order(fam.entry_week[waiting], model.rng)
        # families in signal order, each to the least-loaded colleague with room, until none has
        takers = wf.assign_many(positions, limit, model.rng, waiting.size)
        placed = waiting[order[: takers.size]]
        new = fam.status[placed] == Status.SIGNALLED
        # the care starts for the whole intake round at once (MpgModel.step), in this order
        if new.all():  # as a rule: few families lose their social worker under procesregie
            model.intake_started.append((placed, takers))
            return
        model.intake_started.append((placed[new], takers[new]))
        fam.social_pos[placed[~new]] = takers[~new]

    def _take_in_safety(self) -> None:
        """Known unsafe families get a safety professional, the most incidents first.

        Who needs one is read from ``model.safety_queues`` (:meth:`Families.queue_for_safety`),
        drawn up for every region after the social intake.
        """
        model = self.model
        fam, wf, p = model.families, model.workforce, model.params
        need = model.safety_queues[self.region]
        if need.size == 0:
            return
        positions = wf.positions(self.index, Sector.SAFETY)
        limit = math.ceil(p.safety_caseload_norm * p.intake_margin)
        order = need[random_order(-fam.incident_ema[need], model.rng)]
        takers = wf.assign_many(positions, limit, model.rng, order.size)
        fam.safety_pos[order[: takers.size]] = takers

    def admit_from_waitlist(self) -> None:
        """Specialist care: admit the longest-waiting referred families to free places (FIFO).

        Who is treated and who waits is read from ``model.specialist_queues``
        (:meth:`Families.queue_for_specialist`), drawn up for every region at once.
        """
        model = self.model
        fam, week = model.families, model.week
        treating, waitlists = model.specialist_queues
        waiting = waitlists[self.region]
        free = self.places_now() - int(treating[self.region])
        if free <= 0 or waiting.size == 0:
            return
        chosen = waiting[random_order(fam.referred_week[waiting], model.rng)[:free]]
        model.flows.extend("specialist_waits", week - fam.referred_week[chosen])
        fam.treated_until[chosen] = week + model.params.treatment_weeks
        fam.referred_week[chosen] = -1

    def receive_signal(self) -> bool:
        """A professional signals a blind spot; return whether the organisation picks it up."""
        self.signals_received += 1
        model = self.model
        if model.rng.random() >= self.trait("signal_uptake"):
            return False
        self.signals_picked_up += 1
        model.org_table.learn(self.index, model.params)
        model.region_list[self.region].receive_signal()
        return True
