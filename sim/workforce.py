"""The workforce: positions (formatieplaatsen), who occupies them, and how they work.

Positions are fixed by the staffing parameters (specialist care has places, not positions, and
a region's Zorg- en Veiligheidshuis has no coordinators at zero procesregie capacity);
professionals come and go. The weekly numbers of every professional (protocol, stress,
handelingsverlegenheid, hours) change every week for everyone, so they live here as arrays and
update in one pass (:meth:`Workforce.work`). The decisions that are discrete and rare - hiring,
leaving, signalling a blind spot to the organisation - stay with the Mesa agents
(:class:`~sim.professionals.Professional`, :class:`~sim.organisations.Organisation`).

When a professional leaves, its families go to colleagues of the same team (up to
``handover_margin`` times the norm) or back to the intake queue: the colleagues' load rises.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import fit
from sim.domains import Sector, Status
from sim.tables import Table, clip

if TYPE_CHECKING:
    from sim.families import Families
    from sim.model import MpgModel

#: The professional traits of the typology, copied into the table at hiring.
PROFESSIONAL_TRAITS = (
    "protocol_adherence",
    "persistence",
    "creativity",
    "joint_goal",
    "blind_spot_detection",
    "signal_push",
    "overcompensation",
    "frustration",
)
NEUTRAL = 0.5  # the middle of a 0-1 trait or state: the point pulls are measured from
GAPS_FULL_NOTICE = 3  # three families without a fitting offer are hard to overlook
UNCLEAR_ROLES_FROM = 3  # from three professionals on, who does what needs arranging
START_STRESS = (0.2, 0.45)  # a new professional starts with low to moderate stress
TOLERANCE_SD = 0.08  # professionals differ in how much unclarity they bear before hesitating
RESILIENCE_SD = 0.12  # and in how much load they carry before it stresses them


class Workforce(Table):
    """One row per position: who works there, its state this week, what families feel of it."""

    def __init__(
        self,
        sector: np.ndarray,
        org: np.ndarray,
        region: np.ndarray,
        norm: np.ndarray,
        workable: np.ndarray,
    ):
        n = len(sector)
        columns = {name: (float, 0.0) for name in PROFESSIONAL_TRAITS}
        columns.update(
            occupied=(bool, False),
            vacant_until=(np.int32, 0),
            hired_week=(np.int32, 0),
            type_index=(np.int8, -1),
            stress=(float, 0.0),
            stressed=(bool, False),
            tolerance=(float, 0.0),
            resilience=(float, 0.0),
            hv=(float, 0.0),
            protocol=(float, 0.0),
            flexibility=(float, 0.0),
            clash=(float, 0.0),
            unheard=(float, 0.0),
            last_signal=(np.int32, -(10**6)),
            hours=(float, 0.0),
            caseload=(np.int32, 0),
            structure=(float, NEUTRAL),
            detection=(float, 0.0),
            complexity=(float, 0.0),
            unclear_roles=(float, 0.0),
            no_follow_up=(float, 0.0),
            gaps=(np.int32, 0),
            leavers=(np.int32, 0),
        )
        super().__init__(n, **columns)
        self.sector, self.org, self.region, self.norm = sector, org, region, norm.astype(float)
        # what a professional can carry (stress, hesitance) is the workable caseload, not the
        # formal norm: a higher norm lets teams take more families, it does not make them lighter
        self.workable = workable.astype(float)
        self.frontline = sector != Sector.COORDINATION
        self.occupant: list = [None] * n
        self._positions: dict[tuple[int, int | None], np.ndarray] = {}
        self.left_this_week = 0
        self.hired_this_week = np.zeros(len(Sector), dtype=np.int32)

    # --- people come and go -------------------------------------------------------------------
    def occupy(self, position: int, traits, type_index: int, hired_week: int, rng) -> None:
        """A newly hired professional takes ``position`` with its type's traits."""
        for name in PROFESSIONAL_TRAITS:
            getattr(self, name)[position] = traits[name]
        self.occupied[position] = True
        self.type_index[position] = type_index
        self.hired_week[position] = hired_week
        self.stress[position] = rng.uniform(*START_STRESS)
        self.tolerance[position] = rng.normal(0.0, TOLERANCE_SD)
        self.resilience[position] = rng.normal(0.0, RESILIENCE_SD)
        self.unheard[position] = 0.0
        self.hv[position] = 0.0
        self.protocol[position] = traits["protocol_adherence"]

    def retype(self, position: int, traits, type_index: int) -> None:
        """Give the professional at ``position`` another type's traits (a type event)."""
        for name in PROFESSIONAL_TRAITS:
            getattr(self, name)[position] = traits[name]
        self.type_index[position] = type_index

    def vacate(self, position: int, model: MpgModel) -> None:
        """Empty ``position`` and hand its families over to colleagues or the queue."""
        self.occupied[position] = False
        self.occupant[position] = None
        self.vacant_until[position] = model.week + model.params.vacancy_weeks
        self.leavers[position] += 1
        self.left_this_week += 1
        self.hours[position] = 0.0
        self.flexibility[position] = 0.0
        self.hv[position] = 0.0
        self.structure[position] = NEUTRAL
        self.detection[position] = 0.0
        self.hand_over(position, model)

    def hand_over(self, position: int, model: MpgModel) -> None:
        """Give the families of a leaver to colleagues with room, the rest to the queue.

        Colleagues take families up to ``handover_margin`` times their norm (above the intake
        limit: a team does not drop its families). Families that find no one lose their social
        worker and queue again at intake; a lost safety worker is replaced at the next police
        intake; a lost regisseur hands the case back to regular care.
        """
        fam, p, rng = model.families, model.params, model.rng
        sector = Sector(self.sector[position])
        column = {Sector.SOCIAL: fam.social_pos, Sector.SAFETY: fam.safety_pos}.get(
            sector, fam.coord_pos
        )
        mine = np.flatnonzero(column == position)
        if mine.size == 0:
            return
        fam.prof_changes[mine] += 1
        if sector == Sector.SOCIAL:
            # the new worker starts the working alliance (largely) anew
            fam.alliance[mine] *= 1 - p.alliance_lost_on_change
        colleagues = self.positions(int(self.org[position]), sector)
        limit = int(np.ceil(self.norm[position] * p.handover_margin))
        order = mine[rng.permutation(mine.size)]
        # once nobody has room, nobody gets room: the rest of the families are unplaced
        takers = self.assign_many(colleagues, limit, rng, order.size)
        column[order[: takers.size]] = takers
        unplaced = order[takers.size :]
        if unplaced.size == 0:
            return
        column[unplaced] = -1
        if sector == Sector.SOCIAL:
            fam.requeue(unplaced[fam.status[unplaced] == Status.IN_CARE])
        elif sector == Sector.COORDINATION:
            fam.de_escalate(unplaced)

    def fill_vacancies(self, model: MpgModel) -> None:
        """Hire into positions whose vacancy has run out; start a new week's counts."""
        self.left_this_week = 0
        self.hired_this_week[:] = 0
        ready = (~self.occupied & (self.vacant_until <= model.week)).nonzero()[0]
        for position in ready:
            model.hire(int(position))
            self.hired_this_week[self.sector[position]] += 1

    # --- families per position -----------------------------------------------------------------
    def count_caseloads(self, fam: Families, model: MpgModel) -> None:
        """Count each position's families and summarise them for its professional."""
        p, n = model.params, self.n
        no_offer = (fam.contra & (fit.maatwerk(model, fam) < fit.MAATWERK_FITS)) | fam.waiting()
        coordinated = fam.coord_pos >= 0
        many = fam.n_involved >= UNCLEAR_ROLES_FROM
        roles = many * np.where(coordinated, 1 - p.coordination_role_clarity, 1.0)
        # One count over every family-position link. A position belongs to one sector, so its
        # families all come from one of the three columns, in family order: each sum adds
        # the same values in the same order as a count per column would.
        columns = (fam.social_pos, fam.safety_pos, fam.coord_pos)
        linked = [(pos >= 0).nonzero()[0] for pos in columns]
        rows = np.concatenate(linked)
        idx = np.concatenate([pos[rows] for pos, rows in zip(columns, linked, strict=True)])
        load = np.bincount(idx, minlength=n)
        complexity = np.bincount(idx, weights=fam.complexity[rows], minlength=n)
        unclear = np.bincount(idx, weights=roles[rows], minlength=n)
        gaps = np.bincount(idx, weights=no_offer[rows], minlength=n)
        self.caseload = load.astype(np.int32)
        safe = np.maximum(load, 1)
        self.complexity = complexity / safe
        self.unclear_roles = unclear / safe
        self.no_follow_up = gaps / safe
        self.gaps = gaps.astype(np.int32)

    def positions(self, org: int, sector: Sector | None = None) -> np.ndarray:
        """Positions of organisation ``org`` (optionally of one sector).

        Positions never move between organisations, so each answer is kept.
        """
        key = (int(org), None if sector is None else int(sector))
        found = self._positions.get(key)
        if found is None:
            mask = self.org == org
            if sector is not None:
                mask &= self.sector == sector
            found = self._positions[key] = np.flatnonzero(mask)
        return found

    def assign(self, positions: np.ndarray, limit: int, rng: np.random.Generator) -> int:
        """Return the least-loaded occupied position under ``limit`` families, or -1.

        Ties between equally loaded positions are broken at random, not by array order.
        """
        ok = self.occupied[positions] & (self.caseload[positions] < limit)
        if not ok.any():
            return -1
        candidates = positions[ok]
        loads = self.caseload[candidates]
        least = candidates[loads == loads.min()]
        best = least[rng.integers(least.size)] if least.size > 1 else least[0]
        self.caseload[best] += 1
        return int(best)

    def assign_many(
        self, positions: np.ndarray, limit: int, rng: np.random.Generator, wanted: int
    ) -> np.ndarray:
        """Call :meth:`assign` up to ``wanted`` times, stopping at the first -1.

        Return the positions taken, in order. The same choices and the same random draws as
        the repeated calls, with the team's loads held in a Python list: a team has a few
        positions, and NumPy's overhead per call would dwarf the work.
        """
        occupied = self.occupied[positions].tolist()
        loads = self.caseload[positions].tolist()
        # the positions with room, in order; loads only grow, so a full one never reopens
        ok = [i for i, occ in enumerate(occupied) if occ and loads[i] < limit]
        taken: list[int] = []
        while ok and len(taken) < wanted:
            low = min([loads[i] for i in ok])
            least = [i for i in ok if loads[i] == low]
            best = least[rng.integers(len(least))] if len(least) > 1 else least[0]
            loads[best] += 1
            taken.append(best)
            if loads[best] >= limit:
                ok.remove(best)
        if taken:
            self.caseload[positions] = loads
        return positions[np.asarray(taken, dtype=np.int64)]

    # --- one week of work, for everyone at once ----------------------------------------------
    def work(self, model: MpgModel) -> None:
        """Weigh protocol, feel the pressure, judge the room to act, and give hours."""
        self.weigh_protocol(model)
        self.feel_pressure(model)
        self.judge_room_to_act(model)
        self.give_hours(model)

    def weigh_protocol(self, model: MpgModel) -> None:
        """Choose between protocol and doing what is needed; open or hide the treasure chest.

        New staff fall back on protocols (turnover, CCV2019 §4.1); rigid organisations and
        stress push towards protocol; an innovator opens its chest (schatkist) only as far as
        its organisation leaves room to deviate.
        """
        p, orgs, o = model.params, model.org_table, self.org
        new = clip(1 - (model.week - self.hired_week) / p.fallback_weeks, 0, 1)
        protocol = self.protocol_adherence + p.protocol_org_pull * (
            orgs.protocol_rigidity[o] - NEUTRAL
        )
        protocol += p.fallback_protocol * new + p.protocol_stress_pull * (self.stress - NEUTRAL)
        self.protocol = clip(protocol, 0, 1)
        room = orgs.room_to_deviate[o]
        opened = self.creativity * room * (1 - p.chest_fallback_closing * new)
        self.flexibility = opened * (1 - p.chest_hv_closing * self.hv) * self.occupied
        self.clash = fit.professional_organisation_clash(self, orgs, o)

    def feel_pressure(self, model: MpgModel) -> None:
        """Update stress from load, the clash with the organisation, complexity and backing."""
        p, orgs, o = model.params, model.org_table, self.org
        excess = np.maximum(0, self.caseload / self.workable - p.stress_load_free)
        target = p.stress_base + p.stress_load * excess + p.clash_po_stress * self.clash
        target += p.stress_complexity * self.complexity
        target += p.stress_overcompensation * self.overcompensation * excess
        target += p.stress_unheard * self.unheard * self.frustration
        target += p.stress_policy_load * orgs.adaptation_load[o] + p.stress_hv * self.hv
        target -= p.stress_backing * orgs.backing[o] + self.resilience
        self.stress += p.stress_rate * (clip(target, 0, 1) - self.stress)
        self.stressed = self.occupied & (self.stress > p.stress_threshold)

    def judge_room_to_act(self, model: MpgModel) -> None:
        """Handelingsverlegenheid: a smooth (logistic) response to its causes (CCV2019 §3.2).

        The causes: unclear tasks and powers (an unclear mission, many professionals around
        the family with nobody arranging who does what), unclear up- and down-scaling (an
        unclear norm), no backing, fear of the privacy law, no fitting follow-up, load and
        stress. ``hv`` is each professional's chance of experiencing it this week, so its
        prevalence responds smoothly to every cause instead of jumping at a threshold.
        """
        p, orgs, o = model.params, model.org_table, self.org
        score = p.hv_unclear_mission * (1 - orgs.mission_clarity[o])
        score += p.hv_unclear_roles * self.unclear_roles
        score += p.hv_unclear_norm * (1 - model.climate.trait("norm_clarity"))
        score += p.hv_no_backing * (1 - orgs.backing[o])
        score += p.hv_privacy_fear * (1 - p.information_sharing)
        score += p.hv_no_follow_up * self.no_follow_up
        score += p.hv_load * np.maximum(0.0, self.caseload / self.workable - 1.0)
        score += p.hv_stress * self.stress
        z = (score + self.tolerance - p.hv_threshold) / p.hv_slope
        self.hv = self.occupied / (1 + np.exp(-clip(z, -50, 50)))

    def give_hours(self, model: MpgModel) -> None:
        """Write what families feel from each professional: hours, structure, an eye.

        Sharing information costs time (case meetings, registration): the hours it takes come
        out of client hours.
        """
        p, orgs, o = model.params, model.org_table, self.org
        hours = p.client_hours_per_week * (1 + p.hours_overcompensation * self.overcompensation)
        hours *= np.maximum(
            0,
            1
            - p.hours_stress_loss * np.maximum(0.0, self.stress - p.stress_hours_free)
            - p.hours_hv_loss * self.hv,
        )
        hours *= 1 - p.hours_policy_load_loss * orgs.adaptation_load[o]
        hours *= 1 - p.sharing_time_cost * p.information_sharing
        self.hours = hours * self.occupied
        w = p.structure_protocol_weight
        self.structure = np.where(
            self.occupied, w * self.protocol + (1 - w) * self.persistence, NEUTRAL
        )
        self.detection = self.blind_spot_detection * self.occupied

    # --- signals up and leaving: numbers here, the decisions with the agents -------------------
    def signal_blind_spots(self, model: MpgModel) -> None:
        """Notice families without a fitting offer and, depending on type, put it on the agenda.

        Innovators see blind spots but do not put them on the agenda; balancers signal via the
        agreed routing but do not keep pushing (CCV2019 §6.5). Unheard signals frustrate. A
        professional raises a blind spot again only after ``signal_cooldown_weeks``.
        """
        p, rng, n = model.params, model.rng, self.n
        noticing = rng.random(n)
        pushing = rng.random(n)
        has_gaps = self.occupied & (self.gaps > 0)
        self.unheard[self.occupied & ~has_gaps] *= 1 - p.unheard_decay
        seen = self.detection * np.minimum(1.0, self.gaps / GAPS_FULL_NOTICE)
        ready = model.week - self.last_signal >= p.signal_cooldown_weeks
        push = has_gaps & ready & (noticing < seen) & (pushing < self.signal_push)
        self.last_signal[push] = model.week
        model.flows.add("signals_raised", int(push.sum()))
        for position in push.nonzero()[0]:
            heard = model.org_list[self.org[position]].receive_signal()
            self.unheard[position] += p.unheard_memory * (
                (0.0 if heard else 1.0) - self.unheard[position]
            )

    def consider_leaving(self, model: MpgModel) -> None:
        """Leave with a chance that grows with stress, turmoil and the clash with the organisation.

        Caseload -> stress -> turnover (CCV2019 §3.1, §4.1); an innovator in a steadfast
        organisation leaves sooner (overcompensation, dropout, §6.5).
        """
        p, orgs, o = model.params, model.org_table, self.org
        rate = p.turnover_per_year / 52 * (p.leaving_base + p.leaving_stress * self.stress)
        rate = rate * (1 + p.leaving_org_turmoil * orgs.change_cost[o])
        rate = rate * (1 + p.clash_po_leaving * self.clash)
        leave = self.occupied & (model.rng.random(self.n) < rate)
        for position in leave.nonzero()[0]:
            self.occupant[position].leave()
