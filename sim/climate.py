"""The political climate: the government level that sets the norm, the money and the rules.

It sets the norm from which is intervened (when autonomy turns into heteronomy), the share of
pooled versus labelled money (ontschotting), caseload norms and information-sharing rules
(scenario levers), and shifts its priorities (speerpunten), which forces organisations and local
government downstream to adapt. Signals from practice that reach it may be picked up: pooled
money and capacity follow, and are carried forward after a priority shift - or not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from sim.model import MpgModel

CAPACITY_CAP = 2.0  # signals can at most double specialist capacity: places need staff to fill


class PoliticalClimate(mesa.Agent):
    """The political climate of one type.

    Attributes:
        pooled_funding: current pooled share of the budget (starts at the lever's value).
        capacity_factor: multiplier on specialist places won by signals from practice.
        shifts: priority shifts so far.
        signals_received, signals_picked_up: upward signals that reached it / it acted on.
    """

    def __init__(self, model: MpgModel, type_: str):
        super().__init__(model)
        self.type = type_
        self.traits = model.typology.traits("political_climate", type_)
        self.pooled_funding = model.params.pooled_funding
        self.capacity_factor = 1.0
        self.shifts = 0
        self.signals_received = 0
        self.signals_picked_up = 0

    def trait(self, name: str) -> float:
        """Return one of the type's traits."""
        return self.traits[name]

    def shift_priorities(self) -> None:
        """Maybe set a new priority: organisations and local government must adapt.

        Results won earlier are carried forward only in part (``carry_forward``).
        """
        model = self.model
        if model.rng.random() >= self.traits["priority_shifts_per_year"] / 52:
            return
        self.shifts += 1
        model.flows.add("priority_shifts", 1)
        keep = self.traits["carry_forward"]
        base = model.params.pooled_funding
        self.pooled_funding = base + (self.pooled_funding - base) * keep
        self.capacity_factor = 1 + (self.capacity_factor - 1) * keep
        model.org_table.absorb_priority_shift(model.params)
        model.regions.do("absorb_priority_shift")

    def receive_signal(self) -> None:
        """A blind spot from practice arrives; if picked up, money or capacity follows."""
        self.signals_received += 1
        self.model.flows.add("signals_to_government", 1)
        p = self.model.params
        if self.model.rng.random() >= self.traits["signal_uptake"]:
            return
        self.signals_picked_up += 1
        drive = self.traits["pooling_drive"]
        self.pooled_funding = min(1.0, self.pooled_funding + p.pooling_per_signal * drive)
        self.capacity_factor = min(
            CAPACITY_CAP, self.capacity_factor + p.capacity_per_signal * (1 - drive)
        )
