"""Families: the constant factor of the work field, never typed.

Every family updates every week, so the population's state lives in arrays (one row per
family) and its rules are vectorised methods of :class:`Families`, named as verbs. A
:class:`Family` Mesa agent is a thin view on one row, for inspection and the dashboard.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim import fit
from sim.domains import (
    BASIC,
    CASE_STATUSES,
    CONTRA_PAIRS,
    DOMAINS,
    MEMBER_WEIGHT,
    MEMBERS,
    N_DOMAINS,
    SAFETY,
    SPECIALIST,
    Cause,
    Frame,
    Status,
)

if TYPE_CHECKING:
    from sim.model import MpgModel

ACTIVE = (Status.IN_CARE, Status.PROCESREGIE)
HOURS_NEEDED = {"social": 2.0, "safety": 1.0}  # hours/week a family needs from each side
SERIOUS = 0.5  # severity from which a domain counts as a serious problem
PROGRESS_STEP = 0.01  # drop in mean severity that counts as progress
CLOSURE_WEEKS = 8  # weeks below the closure burden before a case is closed
TREATMENT_PAUSE_WEEKS = 26  # no re-referral to specialist care this soon after treatment


class Families:
    """State and rules of all families in the model, one array row per family.

    Attributes:
        severity: (n, members, domains) problem severity in [0, 1] per member and life domain.
        members: (n, members) whether the member exists (single-parent families lack a partner).
        trust: trust in the system, [0, 1].
        motivation: intrinsic motivation to work on the problems, [0, 1].
        own_norm: distance of the family's own ("streetwise") norm from the societal norm.
        intergenerational: background risk carried over from the parents' generation.
        help_request: whether the family asks for help itself.
        status: :class:`~sim.domains.Status` of the case.
        frame: :class:`~sim.domains.Frame` (voluntary, drang, dwang).
        stagnated, cause: whether an active case stagnates, and why (:class:`Cause`).
        social_pos, safety_pos, coord_pos: the positions (professionals) involved, -1 for none.
    """

    def __init__(self, model: MpgModel, region: np.ndarray, municipality: np.ndarray):
        self.model = model
        p, rng = model.params, model.rng
        n = self.n = len(region)
        self.region = region
        self.municipality = municipality
        self.in_centre = model.municipality_is_centre[municipality]
        self.members = np.ones((n, len(MEMBERS)), dtype=bool)
        self.members[:, 1] = rng.random(n) < p.partner_share
        self.severity = self._initial_severity(rng, n)
        self.trust = _around(rng, p.trust_initial, n)
        self.motivation = _around(rng, p.motivation_initial, n)
        self.own_norm = _around(rng, p.own_norm_initial, n)
        self.intergenerational = _around(rng, p.intergenerational_initial, n)
        self.help_request = rng.random(n) < p.help_request_share
        self.motivation[self.help_request] = np.minimum(1, self.motivation[self.help_request] + 0.2)
        self.status = np.where(
            rng.random(n) < p.in_view_at_start, Status.SIGNALLED, Status.NOT_IN_VIEW
        )
        self.status = self.status.astype(np.int8)
        self.frame = np.zeros(n, dtype=np.int8)
        self._init_case_tracking(n)
        self.refresh()
        self.best_burden = self.burden.copy()
        self.child_risk = self._child_target()

    def _initial_severity(self, rng: np.random.Generator, n: int) -> np.ndarray:
        p = self.model.params
        means = np.array([p[f"severity_{d}"] for d in DOMAINS])
        complexity = 0.6 + 0.8 * rng.beta(2.0, 2.0, n)  # families differ in overall load
        family = means * complexity[:, None] + rng.normal(0, p.severity_spread, (n, N_DOMAINS))
        member_noise = rng.normal(0, p.severity_spread / 2, (n, len(MEMBERS), N_DOMAINS))
        sev = np.clip(family[:, None, :] * MEMBER_WEIGHT[None] + member_noise, 0, 1)
        sev[~self.members] = 0.0
        return sev

    def _init_case_tracking(self, n: int) -> None:
        self.stagnated = np.zeros(n, dtype=bool)
        self.cause = np.zeros(n, dtype=np.int8)
        self.stall_weeks = np.zeros(n, dtype=np.int16)
        self.blockers = np.zeros((n, 4), dtype=float)  # EMA of collab, client, offer, overrule
        self.low_weeks = np.zeros(n, dtype=np.int16)
        self.social_pos = np.full(n, -1, dtype=np.int32)
        self.safety_pos = np.full(n, -1, dtype=np.int32)
        self.coord_pos = np.full(n, -1, dtype=np.int32)
        self.extra_providers = np.zeros(n, dtype=np.int16)
        self.referred_week = np.full(n, -1, dtype=np.int32)
        self.treated_until = np.full(n, -1, dtype=np.int32)
        self.no_referral_until = np.zeros(n, dtype=np.int32)
        self.escalation_week = np.full(n, -1, dtype=np.int32)
        self.escalated_week = np.full(n, -1, dtype=np.int32)
        self.n_involved = np.zeros(n, dtype=np.int16)
        self.returns = np.zeros(n, dtype=np.int16)
        self.recovered = np.zeros(n, dtype=bool)
        self.entry_week = np.full(n, -1, dtype=np.int32)
        self.incidents = np.zeros(n, dtype=np.int16)
        self.incident_ema = np.zeros(n, dtype=float)
        self.prof_changes = np.zeros(n, dtype=np.int16)
        self.crime_named = np.zeros(n, dtype=bool)
        self.quick_win = np.zeros(n, dtype=bool)
        self.collab_failed = np.zeros(n, dtype=bool)
        self.overruled = np.zeros(n, dtype=bool)
        self.fit = np.zeros(n, dtype=float)
        self.cost_week = np.zeros(n, dtype=float)
        self.help = np.zeros(n, dtype=float)

    # --- derived state --------------------------------------------------------------------
    def refresh(self) -> None:
        """Recompute the per-family summaries the rules read (domain maxima, burden, flags)."""
        self.domain = self.severity.max(axis=1)
        self.burden = self.domain.mean(axis=1)
        self.basic_ok = self.domain[:, BASIC].max(axis=1) < self.model.params.basic_needs_threshold
        self.safety_severity = self.domain[:, SAFETY].mean(axis=1)
        self.n_serious = (self.domain >= SERIOUS).sum(axis=1)
        self.contra = np.zeros(self.n, dtype=bool)
        for a, b in CONTRA_PAIRS:
            self.contra |= (self.domain[:, a] >= SERIOUS) & (self.domain[:, b] >= SERIOUS)
        self.complexity = np.clip(self.burden + 0.04 * self.n_serious + 0.15 * self.contra, 0, 1)
        self.active = np.isin(self.status, ACTIVE)

    def _child_target(self) -> np.ndarray:
        child = self.severity[:, 2].mean(axis=1)
        return np.clip(0.4 * child + 0.3 * self.safety_severity + 0.3 * self.own_norm, 0, 1)

    # --- rules (verbs), in the order the model calls them ------------------------------------
    def live(self) -> None:
        """Let problems develop: life events, and problems that worsen unless help outweighs it.

        Every problem drifts upwards (help, in :meth:`receive_help`, works against it). The drift
        is logistic in severity and faster when basic needs are not in order and with an
        intergenerational background; safety domains worsen faster with a deviant own norm.
        """
        p, rng = self.model.params, self.model.rng
        n = self.n
        events = rng.random(n) < p.life_events_per_year / 52
        if events.any():
            idx = np.flatnonzero(events)
            member = rng.integers(0, len(MEMBERS), idx.size)
            domain = rng.integers(0, N_DOMAINS, idx.size)
            hit = self.members[idx, member]
            bump = rng.uniform(0.1, 0.3, idx.size) * hit
            self.severity[idx, member, domain] = np.minimum(
                1, self.severity[idx, member, domain] + bump
            )
        pace = 0.6 + 0.6 * ~self.basic_ok + 0.4 * self.intergenerational
        domain_pace = np.ones((n, N_DOMAINS))
        domain_pace[:, SAFETY] = 0.7 + 0.6 * self.own_norm[:, None]
        growth = p.problem_drift * 4 * self.severity * (1 - self.severity)
        self.severity += growth * (pace[:, None] * domain_pace)[:, None, :]
        self.severity *= self.members[:, :, None]
        np.clip(self.severity, 0, 1, out=self.severity)
        self.refresh()
        self.child_risk += 0.02 * (self._child_target() - self.child_risk)

    def cause_incidents(self) -> None:
        """Draw safety and nuisance incidents from the imbalance between burden and support.

        Escalation is a consequence of imbalance (disbalans, CCV §2.1): the more a family's
        burden exceeds the help it effectively gets, the more incidents.
        """
        p, rng = self.model.params, self.model.rng
        imbalance = np.clip(self.burden - self.help * self.fit, 0, 1)
        rate = (p.incidents_per_year / 52) * (0.3 * self.burden + 0.7 * self.safety_severity)
        rate *= (0.5 + 2.0 * imbalance) * (0.6 + 0.8 * self.own_norm)
        self.incidents = rng.poisson(rate).astype(np.int16)
        self.incident_ema += 0.1 * (np.minimum(self.incidents, 3) - self.incident_ema)

    def get_signalled(self) -> None:
        """Families come into view through incidents (safety side) or signals (social side).

        Most have no help request (CCV §2.1), so entry is mostly externally initiated. Closed
        families return when their problems come back ("steeds dezelfde gezinnen", §3.1).
        """
        p, rng, week = self.model.params, self.model.rng, self.model.week
        social_signal = (
            0.004 + 0.02 * self.domain[:, [5, 8]].mean(axis=1) + 0.02 * self.help_request
        )
        hazard = 0.5 * self.incidents + social_signal
        closed = self.status == Status.CLOSED
        back = p.return_per_year / 52 * (self.burden / p.closure_burden) ** 2
        hazard = np.where(closed, back + 0.3 * self.incidents, hazard)
        out_of_view = (self.status == Status.NOT_IN_VIEW) | closed
        new = out_of_view & (rng.random(self.n) < 1 - np.exp(-hazard))
        self.returns[new & closed] += 1
        self.status[new] = Status.SIGNALLED
        self.entry_week[new] = week
        self.frame[new] = Frame.VOLUNTARY

    def receive_help(self) -> None:
        """Improve treated domains by the help that reaches the family and fits it.

        Help = attention of the professionals involved x fit of the coat x cooperation x
        working collaboration; gated per domain (specialist care, contra-indications, the
        safety side's reach, blind spots) and by basic needs first (seed 001).
        """
        p, wf = self.model.params, self.model.workforce
        attention = self._attention(wf)
        self.fit = fit.coat_fit(self.model, self)
        coop = self.cooperation()
        hv = np.where(self.social_pos >= 0, wf.hv[self.social_pos], False)
        effect = attention * self.fit * coop * (1 - 0.4 * hv)
        effect *= np.where(self.collab_failed, 0.3, 1.0) * ~self.overruled
        self.help = np.where(self.active, attention, 0.0)
        gate = self._domain_gates()
        step = p.recovery_rate * (effect * self.active)[:, None] * gate
        self.severity *= (1 - step)[:, None, :]
        before = self.burden
        self.refresh()
        self.quick_win = self.active & (self.burden < before - 0.002)

    def _attention(self, wf) -> np.ndarray:
        """Share of needed hours that reaches each family from its social and safety workers."""
        social = _share(wf, self.social_pos, HOURS_NEEDED["social"])
        safety = _share(wf, self.safety_pos, HOURS_NEEDED["safety"])
        coord = np.where(self.coord_pos >= 0, 0.2, 0.0)
        return np.clip(np.minimum(social, 1.0) + 0.3 * np.minimum(safety, 1.0) + coord, 0, 1.3)

    def cooperation(self) -> np.ndarray:
        """Willingness and ability to cooperate; drang and dwang force part of it."""
        coop = 0.2 + 0.8 * (0.5 * self.trust + 0.5 * self.motivation) - 0.3 * self.own_norm
        floor = np.array([0.0, 0.35, 0.55])[self.frame]
        return np.clip(np.maximum(coop, floor), 0.05, 1)

    def _domain_gates(self) -> np.ndarray:
        """How far help can act on each domain (0-1) given the offer and who is involved."""
        p, week = self.model.params, self.model.week
        gate = np.ones((self.n, N_DOMAINS))
        treated = self.treated_until >= week
        maatwerk = fit.maatwerk(self.model, self)
        specialist = np.where(treated, np.where(self.contra, maatwerk, 1.0), 0.25 + 0.35 * maatwerk)
        gate[:, SPECIALIST] = specialist[:, None]
        safety_reach = np.where((self.safety_pos >= 0) | (self.frame > Frame.VOLUNTARY), 1.0, 0.4)
        gate[:, SAFETY] = safety_reach[:, None]
        gate[:, 7] *= np.where(self.crime_named | (self.safety_pos >= 0), 1.0, 0.2)  # blind spot
        lasting = np.where(self.basic_ok, 1.0, p.basic_needs_penalty)
        others = np.setdiff1d(np.arange(N_DOMAINS), BASIC)
        gate[:, others] *= lasting[:, None]
        return gate

    def waiting(self) -> np.ndarray:
        """Mask of families on a specialist waitlist right now."""
        return (self.referred_week >= 0) & (self.treated_until < self.model.week)

    def seek_specialist_care(self) -> None:
        """Refer active families with a serious specialist need to the regional waitlist."""
        p, week = self.model.params, self.model.week
        need = self.domain[:, SPECIALIST].max(axis=1) >= p.specialist_threshold
        free = (
            (self.referred_week < 0)
            & (self.treated_until < week)
            & (self.no_referral_until <= week)
        )
        self.referred_week[self.active & need & free] = week

    def end_treatments(self) -> None:
        """Discharge families whose treatment ended; they are not re-referred for a while."""
        week = self.model.week
        done = self.treated_until == week
        self.no_referral_until[done] = week + TREATMENT_PAUSE_WEEKS

    def collaborate(self) -> None:
        """Draw whether the professionals around each family collaborated this week.

        More professionals means more pairs that can fail (CCV §3.3: a more fragile process);
        the social and safety domains "enter the same field but do not understand each other"
        unless information can be shared; procesregie repairs most of it.
        """
        p, rng, week = self.model.params, self.model.rng, self.model.week
        treated = (self.treated_until >= week).astype(int)
        n_involved = (
            (self.social_pos >= 0).astype(int)
            + (self.safety_pos >= 0)
            + (self.coord_pos >= 0)
            + treated
            + self.extra_providers
        )
        self.n_involved = n_involved
        pairs = n_involved * (n_involved - 1) / 2
        mixed = (self.social_pos >= 0) & (self.safety_pos >= 0)
        joint = fit.joint_orientation(self.model, self)
        hazard = 0.01 + 0.04 * mixed * (1 - p.information_sharing) + 0.04 * (1 - joint)
        hazard *= 1 - 0.5 * self.model.region_table.shared_ownership[self.region]
        hazard *= np.where(self.coord_pos >= 0, 0.3, 1.0)
        self.collab_failed = self.active & (rng.random(self.n) < 1 - np.exp(-hazard * pairs))
        overrule_rate = (
            p.overruling_per_year / 52 * fit.specialist_institutional_goal(self.model, self)
        )
        joint_plan = (self.coord_pos >= 0) | (n_involved >= 3)
        self.overruled = (treated > 0) & joint_plan & (rng.random(self.n) < overrule_rate)

    def assess_progress(self) -> None:
        """Mark active cases without progress for ``stagnation_weeks`` as stagnated, with cause.

        The cause is the blocker that weighed most over recent weeks (EMA): collaboration,
        the client, the offer, or overruling.
        """
        p = self.model.params
        # no fitting offer: on a waitlist, contra-indicated without maatwerk, or too little
        # help reaching the family (overloaded or vacant positions)
        no_offer = self.waiting() | (self.contra & (fit.maatwerk(self.model, self) < 0.5))
        no_offer |= self.active & (self.help < 0.25)
        indicators = np.stack(
            [self.collab_failed, self.cooperation() < 0.35, no_offer, self.overruled], axis=1
        )
        self.blockers += 0.15 * (indicators - self.blockers)
        progress = self.active & (self.burden < self.best_burden - PROGRESS_STEP)
        self.best_burden = np.where(progress | ~self.active, self.burden, self.best_burden)
        self.stall_weeks = np.where(progress | ~self.active, 0, self.stall_weeks + 1).astype(
            np.int16
        )
        newly = self.active & ~self.stagnated & (self.stall_weeks >= p.stagnation_weeks)
        self.cause[newly] = np.argmax(self.blockers[newly], axis=1) + 1
        self.stagnated = (self.stagnated | newly) & self.active & ~progress
        self.cause[~self.stagnated] = Cause.NONE

    def request_escalation(self) -> None:
        """Ask for procesregie for stagnated cases and the most complex, unsafe ones."""
        week = self.model.week
        urgent = self.stagnated | ((self.complexity > 0.65) & (self.incident_ema * 52 > 2))
        ask = (self.status == Status.IN_CARE) & urgent & (self.escalation_week < 0)
        self.escalation_week[ask] = week

    def reconsider_frame(self) -> None:
        """Escalate voluntary -> drang -> dwang under pressure; step down when it eases.

        Pressure combines incidents, safety severity and non-cooperation; the political climate
        sets the norm from which is intervened (CCV §3.2, §4.2). A handelingsverlegen
        professional hesitates, and an unclear norm makes up- and down-scaling slower.
        """
        p, rng, wf = self.model.params, self.model.rng, self.model.workforce
        incidents_per_year = self.incident_ema * 52
        pressure = 0.4 * np.minimum(incidents_per_year / 4, 1) + 0.4 * self.safety_severity
        pressure += 0.2 * (1 - self.cooperation())
        norm = p.intervention_norm + np.where(self.frame >= Frame.DRANG, 0.15, 0.0)
        hv = np.where(self.social_pos >= 0, wf.hv[self.social_pos], True)
        clarity = self.model.climate.trait("norm_clarity")
        up_rate = 0.08 * np.where(hv, 0.5, 1.0) * (0.5 + clarity)
        up = self.active & (self.frame < Frame.DWANG) & (pressure > norm)
        up &= rng.random(self.n) < up_rate
        down = self.active & (self.frame > Frame.VOLUNTARY) & (pressure < norm - 0.25)
        down &= rng.random(self.n) < 0.04 * (0.5 + clarity)
        self.frame += up.astype(np.int8) - down.astype(np.int8)

    def update_trust(self) -> None:
        """Trust erodes with overasking protocols, waiting, changing and many professionals.

        It grows with being heard, concrete help and quick wins (also under drang: drang can be
        an entry point), and one central contact person (CCV §2.2, §4.2).
        """
        heard = self.help * self.fit
        waiting = self.waiting()
        central = (self.coord_pos >= 0) | (self.n_involved <= 2)
        overask = np.clip(fit.structure_supplied(self.model, self) - self._structure_need(), 0, 1)
        delta = 0.006 * heard + 0.008 * self.quick_win + 0.003 * central
        delta += 0.006 * (self.quick_win & (self.frame == Frame.DRANG))
        delta -= 0.02 * overask + 0.006 * waiting + 0.08 * np.minimum(self.prof_changes, 2)
        delta -= 0.003 * np.maximum(self.n_involved - 2, 0) + 0.008 * (self.frame == Frame.DWANG)
        self.trust = np.clip(self.trust + delta * self.active, 0, 1)
        target = 0.5 * self.trust + 0.3 * self.quick_win + 0.2 * self.help_request
        self.motivation += 0.05 * (target - self.motivation) * self.active
        self.prof_changes[:] = 0

    def _structure_need(self) -> np.ndarray:
        need = 0.25 + 0.5 * self.safety_severity + 0.3 * self.own_norm + 0.1 * (self.frame > 0)
        return np.clip(need, 0, 1)

    def flexibility_need(self) -> np.ndarray:
        """Need for maatwerk: contra-indications, many serious domains, basic needs unmet."""
        need = 0.15 + 0.4 * self.contra + 0.06 * self.n_serious + 0.15 * ~self.basic_ok
        return np.clip(need, 0, 1)

    def structure_need(self) -> np.ndarray:
        """Need for structure and a clear norm: safety problems and a deviant own norm."""
        return self._structure_need()

    def close_or_continue(self) -> None:
        """Close recovered cases, and cases the family drops out of under a voluntary frame."""
        p, rng = self.model.params, self.model.rng
        low = self.active & (self.burden < p.closure_burden)
        self.low_weeks = np.where(low, self.low_weeks + 1, 0).astype(np.int16)
        recovered = self.low_weeks >= CLOSURE_WEEKS
        dropout = self.active & (self.frame == Frame.VOLUNTARY) & (self.trust < 0.12)
        dropout &= rng.random(self.n) < 0.03
        closing = recovered | dropout
        self.recovered = np.where(closing, recovered, self.recovered)
        self.release(np.flatnonzero(closing))
        self.status[closing] = Status.CLOSED
        self.frame[closing] = Frame.VOLUNTARY
        self.refresh()

    def count_costs(self) -> None:
        """Cost of the week per household across partners (JenV cost-analysis method, seed 002).

        Hours of every partner, specialist care, police on incidents, coercive measures, and
        public costs (benefits, debt relief, housing) that scale with the burden.
        """
        p, wf, week = self.model.params, self.model.workforce, self.model.week
        hours = (
            _hours(wf, self.social_pos) + _hours(wf, self.safety_pos) + _hours(wf, self.coord_pos)
        )
        hours = hours + 1.5 * self.extra_providers
        cost = hours * p.hourly_cost + (self.treated_until >= week) * p.specialist_cost_per_week
        cost = cost + self.incidents * p.incident_cost
        cost = cost + p.dwang_cost_per_week * np.array([0.0, 0.25, 1.0])[self.frame]
        self.cost_week = cost * self.active + p.public_cost_per_week * self.burden

    # --- case transitions (called by organisations and regions) ---------------------------
    def start_care(self, f: int, position: int) -> None:
        """Take family ``f`` into care with the social professional at ``position``."""
        self.status[f] = Status.IN_CARE
        self.social_pos[f] = position
        self.best_burden[f] = self.burden[f]
        self.stall_weeks[f] = 0
        self.blockers[f] = 0.0
        self.stagnated[f] = False
        self.active[f] = True

    def escalate(self, f: int, position: int) -> None:
        """Put family ``f`` under procesregie with the coordinator at ``position``."""
        self.status[f] = Status.PROCESREGIE
        self.coord_pos[f] = position
        self.escalated_week[f] = self.model.week
        self.escalation_week[f] = -1

    def de_escalate(self, idx: np.ndarray) -> None:
        """Hand families back from procesregie to regular care."""
        self.status[idx] = Status.IN_CARE
        self.coord_pos[idx] = -1
        self.escalated_week[idx] = -1

    def release(self, idx: np.ndarray) -> None:
        """Let go of everything the system had arranged for these families (at closure)."""
        for column in (
            self.social_pos,
            self.safety_pos,
            self.coord_pos,
            self.referred_week,
            self.treated_until,
            self.escalation_week,
            self.escalated_week,
        ):
            column[idx] = -1
        self.extra_providers[idx] = 0
        self.stagnated[idx] = False
        self.cause[idx] = Cause.NONE
        self.crime_named[idx] = False

    def lose_professional(self, position: int) -> None:
        """Families of a professional who left lose the relationship (trust and continuity)."""
        for column in (self.social_pos, self.safety_pos, self.coord_pos):
            self.prof_changes[column == position] += 1

    def count_providers(self) -> None:
        """Under labelled funding, each serious problem domain brings providers of its own."""
        p = self.model.params
        extra = np.floor(
            p.providers_per_problem * (1 - self.model.climate.pooled_funding) * self.n_serious + 0.5
        )
        self.extra_providers = np.where(self.active, extra, 0).astype(np.int16)

    def name_blind_spots(self) -> None:
        """The social side sees and names crime only sometimes (a blind spot, CCV §2.1).

        The chance grows with the professional's eye for blind spots and the room to share
        information with the safety side.
        """
        p, rng, wf = self.model.params, self.model.rng, self.model.workforce
        eye = np.where(self.social_pos >= 0, wf.detection[np.maximum(self.social_pos, 0)], 0.0)
        chance = 0.05 * eye * (0.3 + 0.7 * p.information_sharing)
        unseen = self.active & ~self.crime_named & (self.domain[:, 7] >= 0.4)
        self.crime_named |= unseen & (rng.random(self.n) < chance)

    # --- views ----------------------------------------------------------------------------
    def case_status(self, i: int) -> str:
        """Status of family ``i`` in the words of MODEL.md §2."""
        if self.stagnated[i]:
            return "stagnated"
        if self.status[i] == Status.SIGNALLED and self.returns[i] > 0:
            return "returned"
        return CASE_STATUSES[(0, 1, 2, 3, 5)[self.status[i]]]


def _around(rng: np.random.Generator, mean: float, n: int, sd: float = 0.12) -> np.ndarray:
    return np.clip(rng.normal(mean, sd, n), 0, 1)


def _share(wf, pos: np.ndarray, needed: float) -> np.ndarray:
    """Hours per week a family gets from the position at ``pos``, as a share of ``needed``."""
    return _hours(wf, pos) / needed


def _hours(wf, pos: np.ndarray) -> np.ndarray:
    valid = pos >= 0
    safe = np.where(valid, pos, 0)
    per_family = wf.hours[safe] / np.maximum(wf.caseload[safe], 1)
    return np.where(valid & wf.occupied[safe], per_family, 0.0)


class Family(mesa.Agent):
    """One multi-problem family: a view on its row in :class:`Families`.

    Families do not act on their own schedule; the population's rules act on all rows at once.
    The agent exists so a family can be inspected like any Mesa agent (and followed in the
    workshop).
    """

    def __init__(self, model: MpgModel, row: int):
        super().__init__(model)
        self.row = row

    @property
    def problems(self) -> dict[str, float]:
        """Severity per life domain (maximum over members)."""
        fam = self.model.families
        return dict(zip(DOMAINS, fam.domain[self.row].round(3).tolist(), strict=True))

    @property
    def case_status(self) -> str:
        """Signalled, in care, escalated, stagnated, closed, returned or not in view."""
        return self.model.families.case_status(self.row)

    @property
    def trust(self) -> float:
        """Trust in the system, [0, 1]."""
        return float(self.model.families.trust[self.row])

    @property
    def frame(self) -> str:
        """Voluntary, drang or dwang."""
        return Frame(self.model.families.frame[self.row]).name.lower()
