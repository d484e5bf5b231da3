"""Professionals: the people who decide at the second level, typed by the CCV typology.

A professional occupies a position (formatieplaats) in an organisation. Each week it weighs
protocol against doing what is needed, feels the pressure of its caseload and of the fit with
its organisation, judges whether it has room to act (handelingsverlegenheid), signals blind
spots upwards and considers leaving. It publishes what families feel - effective hours,
structure, flexibility, joint-goal orientation, hesitance - into its row of the workforce table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from sim.domains import Sector

if TYPE_CHECKING:
    from sim.model import MpgModel

FALLBACK_WEEKS = 26  # new staff lean on their own protocols for about half a year (CCV §4.1)


class Professional(mesa.Agent):
    """A professional of one type (vasthoudend, balancerend, innoverend) in one sector.

    Handelingsverlegenheid ("hesitance to act") is the state of a professional who does not
    know what it may or must do: unclear tasks and powers, unclear up- and down-scaling between
    voluntary, drang and dwang, no backing from its own organisation, fear of the privacy law
    (AVG), no fitting follow-up (waitlists), a high caseload; it is much lower where integral
    collaboration is secured (CCV §3.2).

    Attributes:
        type: the professional's type.
        traits: the type's traits (see configs/typologies.toml).
        position: row in the workforce table.
        stress: 0-1; above ``stress_threshold`` the professional experiences stress.
        hv: whether it is handelingsverlegen this week.
        protocol: protocol adherence this week (0-1).
        chest_open: share of its treasure chest (schatkist) it dares to use this week.
    """

    def __init__(self, model: MpgModel, position: int, type_: str, hired_week: int | None = None):
        super().__init__(model)
        self.type = type_
        self.traits = model.typology.traits("professional", type_)
        self.position = position
        self.organisation = model.org_list[model.workforce.org[position]]
        self.sector = Sector(model.workforce.sector[position])
        self.hired_week = model.week if hired_week is None else hired_week
        self.stress = float(model.rng.uniform(0.2, 0.45))
        self.tolerance = float(model.rng.normal(0.0, 0.08))  # personal threshold for hesitance
        self.resilience = float(
            model.rng.normal(0.0, 0.12)
        )  # people carry the same load differently
        self.hv = False
        self.protocol = self.traits["protocol_adherence"]
        self.chest_open = 0.0
        self.unheard = 0.0
        model.workforce.occupy(position)

    @property
    def caseload(self) -> int:
        """Families this professional currently has."""
        return int(self.model.workforce.caseload[self.position])

    def work(self) -> None:
        """One week of work, in the order a professional would weigh things."""
        self.weigh_protocol()
        self.feel_pressure()
        self.judge_room_to_act()
        self.publish()

    def weigh_protocol(self) -> None:
        """Choose between protocol and doing what is needed; open or hide the treasure chest.

        New staff fall back on protocols (turnover, CCV §4.1); rigid organisations and stress
        push towards protocol; an innovator opens its chest only as far as its organisation
        leaves room to deviate.
        """
        org, t = self.organisation, self.traits
        fallback = max(0.0, 1 - (self.model.week - self.hired_week) / FALLBACK_WEEKS)
        protocol = t["protocol_adherence"] + 0.35 * (org.protocol_rigidity - 0.5)
        protocol += 0.35 * fallback + 0.2 * (self.stress - 0.5)
        self.protocol = min(1.0, max(0.0, protocol))
        room = org.room_to_deviate
        self.chest_open = t["creativity"] * room * (1 - 0.5 * fallback) * (0.5 if self.hv else 1.0)
        self.suppressed = t["creativity"] * (1 - room)

    def feel_pressure(self) -> None:
        """Update stress from load, clash with the organisation, complexity and backing."""
        wf, org, t, p = self.model.workforce, self.organisation, self.traits, self.model.params
        load = wf.caseload[self.position] / wf.norm[self.position]
        clash = 0.4 * abs(t["joint_goal"] - (1 - org.institutional_goal)) + 0.3 * self.suppressed
        clash += 0.3 * org.flexibility_demand * self.protocol
        target = 0.2 + 0.5 * max(0.0, load - 0.8) + 0.35 * clash
        target += 0.25 * wf.complexity[self.position] + 0.15 * t["overcompensation"] * (load > 0.9)
        target += 0.2 * self.unheard * t["frustration"] + 0.15 * org.adaptation_load
        target += 0.1 * self.hv - 0.25 * org.backing - self.resilience
        target = min(1.0, max(0.0, target))
        self.stress += 0.1 * (target - self.stress)
        self.stressed = self.stress > p.stress_threshold

    def judge_room_to_act(self) -> None:
        """Become handelingsverlegen when tasks, norm, backing, sharing or follow-up are unclear."""
        wf, org, p = self.model.workforce, self.organisation, self.model.params
        load = wf.caseload[self.position] / wf.norm[self.position]
        score = 0.2 * (1 - org.mission_clarity) + 0.15 * (
            1 - self.model.climate.trait("norm_clarity")
        )
        score += 0.2 * (1 - org.backing) + 0.15 * (1 - p.information_sharing)
        score += 0.15 * self.model.waitlist_pressure[wf.region[self.position]]
        score += 0.25 * max(0.0, load - 1.0) + 0.15 * self.stress
        score *= 1 - 0.5 * wf.integral[self.position]  # integral collaboration secured
        self.hv = score + self.tolerance > p.hv_threshold

    def publish(self) -> None:
        """Write what families feel from this professional into the workforce table."""
        wf, t, p = self.model.workforce, self.traits, self.model.params
        i = self.position
        hours = p.client_hours_per_week * (1 + 0.25 * t["overcompensation"])
        hours *= 1 - 0.3 * max(0.0, self.stress - 0.6) - 0.3 * self.hv
        wf.hours[i] = hours * (1 - 0.3 * self.organisation.adaptation_load)
        wf.structure[i] = 0.5 * self.protocol + 0.5 * t["persistence"]
        wf.flexibility[i] = self.chest_open
        wf.joint_goal[i] = t["joint_goal"]
        wf.hv[i] = self.hv
        wf.stress[i] = self.stress
        wf.detection[i] = t["blind_spot_detection"]

    def signal_blind_spots(self) -> None:
        """Notice families without a fitting offer and, depending on type, put it on the agenda.

        Innovators see blind spots but do not put them on the agenda; balancers signal via the
        agreed routing but do not keep pushing (CCV §6.5). Unheard signals frustrate.
        """
        gaps = self.model.workforce.gaps[self.position]
        if gaps == 0:
            self.unheard *= 0.95
            return
        rng, t = self.model.rng, self.traits
        noticed = rng.random() < t["blind_spot_detection"] * min(1.0, gaps / 3)
        if not noticed:
            return
        if rng.random() < t["signal_push"]:
            heard = self.organisation.receive_signal()
            self.unheard += 0.2 * ((0.0 if heard else 1.0) - self.unheard)

    def consider_leaving(self) -> None:
        """Leave with a probability that grows with stress (caseload -> stress -> turnover)."""
        p, org = self.model.params, self.organisation
        rate = p.turnover_per_year / 52 * (0.4 + 1.2 * self.stress) * (1 + 0.5 * org.change_cost)
        if self.model.rng.random() < rate:
            self.model.workforce.vacate(self.position, self.model)
            self.remove()
