"""Professionals: the people who decide at the second level, typed by the CCV typology.

A professional occupies a position (formatieplaats) in an organisation. Its weekly numbers -
protocol, stress, handelingsverlegenheid, hours - are rows of the workforce table and change for
everyone at once (:meth:`sim.workforce.Workforce.work`). The agent keeps what is its own and
rare: being hired with a type, and leaving.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from sim.domains import Sector
from sim.params import TYPES

if TYPE_CHECKING:
    from sim.model import MpgModel


class Professional(mesa.Agent):
    """A professional of one type (vasthoudend, balancerend, innoverend) in one sector.

    Handelingsverlegenheid ("hesitance to act") is the state of a professional who does not
    know what it may or must do: unclear tasks and powers, unclear up- and down-scaling between
    voluntary, drang and dwang, no backing from its own organisation, fear of the privacy law
    (AVG), no fitting follow-up (waitlists), a high caseload; it is much lower where integral
    collaboration is secured (CCV2019 §3.2).

    Attributes:
        type: the professional's type.
        position: row in the workforce table (its state this week lives there).
        organisation: the organisation it works for.
        sector: social, safety or coordination.
    """

    def __init__(self, model: MpgModel, position: int, type_: str, hired_week: int | None = None):
        super().__init__(model)
        self.type = type_
        self.position = position
        self.organisation = model.org_list[model.workforce.org[position]]
        self.sector = Sector(model.workforce.sector[position])
        traits = model.typology.traits("professional", type_)
        week = model.week if hired_week is None else hired_week
        model.workforce.occupy(position, traits, TYPES.index(type_), week, model.rng)

    def retype(self, type_: str) -> None:
        """Take on another type (a type event): its traits, not its history."""
        self.type = type_
        traits = self.model.typology.traits("professional", type_)
        self.model.workforce.retype(self.position, traits, TYPES.index(type_))

    @property
    def caseload(self) -> int:
        """Families this professional currently has."""
        return int(self.model.workforce.caseload[self.position])

    @property
    def stress(self) -> float:
        """Stress, 0-1."""
        return float(self.model.workforce.stress[self.position])

    @property
    def hv(self) -> float:
        """Chance of experiencing handelingsverlegenheid this week, 0-1."""
        return float(self.model.workforce.hv[self.position])

    def leave(self) -> None:
        """Leave the organisation: the position falls vacant and the families are handed over."""
        self.model.workforce.vacate(self.position, self.model)
        self.remove()
