"""Families: the constant factor of the work field, never typed.

Every family updates every week, so the population's state lives in arrays (one row per
family) and its rules are vectorised methods of :class:`Families`, named as verbs. A
:class:`Family` Mesa agent is a thin view on one row, for inspection and the dashboard.

Every coefficient a rule uses is a declared parameter (``p.<name>``, see
:mod:`sim.coefficients` and :mod:`sim.params`); the few numbers left in the code are named
constants with their reason.
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
    D,
    Frame,
    Status,
)
from sim.tables import clip

if TYPE_CHECKING:
    from sim.model import MpgModel

SERIOUS = 0.5  # severity from which a domain counts as a serious problem (half of the scale)
LOGISTIC_PEAK = 4.0  # 4 s (1 - s) is 1 at s = 0.5: problem_drift is the growth at mid severity
NEUTRAL_NORM = 0.5  # own norm at which safety problems grow at the common pace
LIFE_EVENT_SPREAD = 0.5  # a life event's bump is uniform within +-50% of its mean size
INCIDENT_CAP_PER_WEEK = 3  # more incidents in one week add nothing to the risk estimate
PROF_CHANGE_CAP = 2  # two changes of professional in a week hurt no more than two
ONE_CONTACT_MAX_INVOLVED = 2  # up to two professionals still feel like one contact person
JOINT_PLAN_MIN_INVOLVED = 3  # from three professionals on there is a joint plan to overrule
COOPERATION_FLOOR = 0.05  # nobody is entirely beyond reach for good
MEMBER_NOISE_SHARE = 0.5  # members differ around the family by half the families' spread
RETURN_HORIZON_WEEKS = 104  # returns are counted within two years of closure (as CBS-VT2023)
DRANG_CONTAINMENT = 0.5  # drang contains half of what dwang does: conditional, not enforced
FAMILY_LOAD_SHAPE = 2.0  # Beta(2, 2): most families near the mix's load, few at the extremes
BLOCKER_MIN = 0.05  # a blocker weighing less than this (about a week in the last few) did not block
TRAIT_SD = 0.12  # families differ in trust, motivation and norm by about a tenth of the scale
#: Domains other than the basic needs (their improvement lasts only once basic needs are met).
NOT_BASIC = np.setdiff1d(np.arange(N_DOMAINS), BASIC)
VISIBLE = [D["parenting"], D["school_work"]]  # what schools and neighbours see of a family
# the same columns as slices where they lie side by side: views instead of fancy indexing
SPECIALIST_COLUMNS = slice(SPECIALIST[0], SPECIALIST[-1] + 1)
NOT_BASIC_COLUMNS = slice(NOT_BASIC[0], NOT_BASIC[-1] + 1)
if not (
    np.array_equal(np.arange(N_DOMAINS)[SPECIALIST_COLUMNS], SPECIALIST)
    and np.array_equal(np.arange(N_DOMAINS)[NOT_BASIC_COLUMNS], NOT_BASIC)
):
    raise RuntimeError("the specialist and non-basic domains must lie side by side")


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
        stagnated, cause: whether a case in view stagnates, and why (:class:`Cause`).
        social_pos, safety_pos, coord_pos: the positions (professionals) involved, -1 for none.
        alliance: the working relationship with the social professional, [0, 1].
        queued_week: week the family (re)joined the intake queue, -1 when not queued.
    """

    def __init__(self, model: MpgModel, region: np.ndarray, municipality: np.ndarray):
        self.model = model
        n = self.n = len(region)
        self.region = region
        self.municipality = municipality
        self.in_centre = model.municipality_is_centre[municipality]
        # Indexed [family, member, domain] like any table, but stored family-fastest: the
        # weekly updates then run over long rows of families instead of ten domains at a time.
        self.members = np.ones((len(MEMBERS), n), dtype=bool).T
        self.severity = np.zeros((len(MEMBERS), N_DOMAINS, n)).transpose(2, 0, 1)
        for name in ("trust", "motivation", "own_norm", "intergenerational", "child_risk"):
            setattr(self, name, np.zeros(n))
        for name in ("trust_disposition",):
            setattr(self, name, np.zeros(n))
        self.help_request = np.zeros(n, dtype=bool)
        self.status = np.zeros(n, dtype=np.int8)
        self._masks: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self.frame = np.zeros(n, dtype=np.int8)
        self._init_case_tracking(n)
        self.draw(np.arange(n))
        self.start_in_view(model.rng.random(n) < model.params.in_view_at_start)

    def start_in_view(self, start: np.ndarray) -> None:
        """Warm start: families in view at the start carry the risk and frame they call for.

        As if they had been in view before, so the burn-in needs less time.

        The risk estimate is the incident rate without help; the frame is the one the pressure
        calls for (drang above the intervention norm, dwang above it plus the margin).
        """
        p = self.model.params
        self.incident_ema[:] = np.minimum(self.incident_rate(), INCIDENT_CAP_PER_WEEK)
        self.status[start] = Status.SIGNALLED
        self.status_changed()
        self.queued_week[start] = 0
        self.entry_week[start] = 0
        pressure = self.pressure()
        # a frame at the start only where the ladder can be climbed at all
        framed = start & (pressure > p.intervention_norm) & (p.frame_step_up > 0)
        self.frame[framed] = Frame.DRANG
        self.frame[framed & (pressure > p.intervention_norm + p.frame_dwang_margin)] = Frame.DWANG

    # --- a household's own traits -------------------------------------------------------------
    def draw(self, idx: np.ndarray) -> None:
        """Draw new households into rows ``idx`` from the scenario's family mix (not in view)."""
        p, rng = self.model.params, self.model.rng
        k = idx.size
        self.members[idx] = True
        self.members[idx, 1] = rng.random(k) < p.partner_share
        self.severity[idx] = self._initial_severity(rng, k, self.members[idx])
        # the traits are drawn in this order, then written to the rows at once
        trust = _around(rng, p.trust_initial, k)
        motivation = _around(rng, p.motivation_initial, k)
        self.own_norm[idx] = _around(rng, p.own_norm_initial, k)
        self.intergenerational[idx] = _around(rng, p.intergenerational_initial, k)
        asking = rng.random(k) < p.help_request_share
        motivation[asking] = np.minimum(1, motivation[asking] + p.help_request_motivation)
        self.trust[idx] = self.trust_disposition[idx] = trust
        self.motivation[idx] = motivation
        self.help_request[idx] = asking
        self.status[idx] = Status.NOT_IN_VIEW
        self.status_changed()
        self.end_dwang(idx)  # a household that moves away leaves its order behind
        self.frame[idx] = Frame.VOLUNTARY
        self._reset_case(idx)
        if not hasattr(self, "domain"):
            self.refresh()
        else:
            self.refresh(idx)
        self.best_burden[idx] = self.burden[idx]
        self.child_risk[idx] = self._child_target(idx)

    def _initial_severity(self, rng, k: int, members: np.ndarray) -> np.ndarray:
        p = self.model.params
        means = np.array([p[f"severity_{d}"] for d in DOMAINS])
        # families differ in overall load: a factor 1 +- family_load_spread (beta-shaped)
        load = 1 + p.family_load_spread * (
            2 * rng.beta(FAMILY_LOAD_SHAPE, FAMILY_LOAD_SHAPE, k) - 1
        )
        family = means * load[:, None] + rng.normal(0, p.severity_spread, (k, N_DOMAINS))
        noise_sd = p.severity_spread * MEMBER_NOISE_SHARE
        member_noise = rng.normal(0, noise_sd, (k, len(MEMBERS), N_DOMAINS))
        sev = clip(family[:, None, :] * MEMBER_WEIGHT[None] + member_noise, 0, 1)
        sev[~members] = 0.0
        return sev

    def _init_case_tracking(self, n: int) -> None:
        int16 = ("stall_weeks", "low_weeks", "extra_providers", "n_involved", "returns")
        int16 += ("incidents", "prof_changes")
        for name in int16:
            setattr(self, name, np.zeros(n, dtype=np.int16))
        # positions index the per-position columns for every family, many times a week: in
        # NumPy's own index type, so no gather converts them first
        for name in ("social_pos", "safety_pos", "coord_pos"):
            setattr(self, name, np.full(n, -1, dtype=np.intp))
        int32_unset = ("referred_week", "treated_until")
        int32_unset += ("escalation_week", "escalated_week", "entry_week", "queued_week")
        int32_unset += ("closed_week",)
        for name in int32_unset:
            setattr(self, name, np.full(n, -1, dtype=np.int32))
        self.no_referral_until = np.zeros(n, dtype=np.int32)
        for name in ("stagnated", "recovered", "crime_named", "quick_win", "collab_failed"):
            setattr(self, name, np.zeros(n, dtype=bool))
        self.overruled = np.zeros(n, dtype=bool)
        self.cause = np.zeros(n, dtype=np.int8)
        # EMA of collab, client, offer, overrule; stored family-fastest like severity, so the
        # weekly maximum over the four runs along columns, not over 4-value rows one by one
        self.blockers = np.zeros((4, n), dtype=float).T
        for name in ("best_burden", "incident_ema", "fit", "help", "hours", "alliance"):
            setattr(self, name, np.zeros(n, dtype=float))

    def _reset_case(self, idx: np.ndarray) -> None:
        """Forget everything about a case: a new household in these rows."""
        for name in ("stall_weeks", "low_weeks", "extra_providers", "n_involved", "returns"):
            getattr(self, name)[idx] = 0
        self.incidents[idx] = 0
        self.prof_changes[idx] = 0
        self.release(idx)
        for name in ("entry_week", "queued_week", "closed_week"):
            getattr(self, name)[idx] = -1
        self.no_referral_until[idx] = 0
        for name in ("recovered", "quick_win", "collab_failed", "overruled"):
            getattr(self, name)[idx] = False
        self.blockers[idx] = 0.0
        for name in ("incident_ema", "fit", "help", "hours", "alliance"):
            getattr(self, name)[idx] = 0.0

    # --- derived state --------------------------------------------------------------------
    def status_changed(self) -> None:
        """Forget the status masks: every rule that writes ``status`` calls this.

        The masks are read some twenty times a week and the status changes only at a few
        transitions, so they are computed once after each change, on first read.
        """
        self._masks = None

    def _status_masks(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self._masks is None:
            status = self.status
            queued = status == Status.SIGNALLED
            active = (status == Status.IN_CARE) | (status == Status.PROCESREGIE)
            in_view = queued | active
            for mask in (queued, active, in_view):
                mask.flags.writeable = False  # shared by every reader: nobody may edit it
            self._masks = (active, in_view, queued)
        return self._masks

    @property
    def active(self) -> np.ndarray:
        """Families in care or under procesregie (read-only; shared until the status changes)."""
        return self._status_masks()[0]

    @property
    def in_view(self) -> np.ndarray:
        """Families the system knows of: queued at intake, in care or under procesregie."""
        return self._status_masks()[1]

    @property
    def queued(self) -> np.ndarray:
        """Families signalled and waiting at intake."""
        return self._status_masks()[2]

    def settled(self) -> np.ndarray:
        """Families closed as recovered and still out of view."""
        return (self.status == Status.CLOSED) & self.recovered

    def refresh(self, rows: np.ndarray | None = None) -> None:
        """Recompute the per-family summaries of severity the rules read (all rows, or some).

        Complexity is a score, not a share: it is not clipped, so the most complex families
        stay distinguishable from each other (clipping made a quarter of them equal).
        """
        p = self.model.params
        self._flexibility_need = None  # follows from these summaries: read anew
        severity = self.severity if rows is None else self.severity[rows]
        # the most severe member per domain: three members, so two element-wise maxima
        domain = np.maximum(np.maximum(severity[:, 0], severity[:, 1]), severity[:, 2])
        burden = row_mean(domain)
        basic_ok = np.maximum(domain[:, BASIC[0]], domain[:, BASIC[1]]) < p.basic_needs_threshold
        safety_severity = row_mean(domain, SAFETY)
        serious = domain >= SERIOUS
        # the same counts as np.count_nonzero(serious, axis=1): summed as bytes (at most ten
        # per family), which NumPy adds without converting each element first
        n_serious = np.add.reduce(serious.view(np.uint8), axis=1, dtype=np.uint8).astype(np.intp)
        (a, b), (c, d) = CONTRA_PAIRS
        contra = (serious[:, a] & serious[:, b]) | (serious[:, c] & serious[:, d])
        complexity = burden + p.complexity_per_serious * n_serious + p.complexity_contra * contra
        if rows is None:
            # new arrays, never written in place: a rule may hold last week's (``before``)
            self.domain, self.burden, self.basic_ok = domain, burden, basic_ok
            self.safety_severity, self.n_serious, self.contra = safety_severity, n_serious, contra
            self.complexity = complexity
            return
        self.domain[rows] = domain
        self.burden[rows] = burden
        self.basic_ok[rows] = basic_ok
        self.safety_severity[rows] = safety_severity
        self.n_serious[rows] = n_serious
        self.contra[rows] = contra
        self.complexity[rows] = complexity

    def _child_target(self, rows: np.ndarray | None = None) -> np.ndarray:
        p = self.model.params
        w = np.array([p.child_risk_from_child, p.child_risk_from_safety, p.child_risk_from_norm])
        if rows is None:
            routes = (row_mean(self.severity[:, 2]), self.safety_severity, self.own_norm)
        else:
            routes = (
                row_mean(self.severity[rows, 2]),
                self.safety_severity[rows],
                self.own_norm[rows],
            )
        # the three routes of intergenerational transfer, weighted and normalised to 0-1
        return sum(wi * r for wi, r in zip(w, routes, strict=True)) / max(w.sum(), 1e-9)

    # --- rules (verbs), in the order the model calls them ------------------------------------
    def renew(self) -> None:
        """Households leave the population (children grow up, families move); new ones arrive.

        A constant turnover keeps the population stationary, so a long run settles into a
        steady state instead of ageing one cohort (NJi2017: the number of families is stable).
        A family closed as recovered that stays out of view is no longer a multi-problem
        family: it leaves the count faster (``recovered_exit_per_year``).
        """
        p, rng = self.model.params, self.model.rng
        rate = p.family_turnover_per_year + p.recovered_exit_per_year * self.settled()
        leaving = (rng.random(self.n) < rate / 52).nonzero()[0]
        if leaving.size:
            self.model.flows.add("households_renewed", leaving.size)
            self.draw(leaving)

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
            idx = events.nonzero()[0]
            member = rng.integers(0, len(MEMBERS), idx.size)
            domain = rng.integers(0, N_DOMAINS, idx.size)
            hit = self.members[idx, member]
            size = rng.uniform(1 - LIFE_EVENT_SPREAD, 1 + LIFE_EVENT_SPREAD, idx.size)
            bump = p.life_event_severity * size * hit
            self.severity[idx, member, domain] = np.minimum(
                1, self.severity[idx, member, domain] + bump
            )
        pace = 1 + p.drift_unmet_basic_needs * ~self.basic_ok
        pace = pace + p.drift_intergenerational * self.intergenerational
        safety_pace = np.maximum(0, 1 + p.drift_own_norm * (self.own_norm - NEUTRAL_NORM))
        # pace times each domain's pace: 1 outside the safety domains, where pace * 1 is pace
        factor = np.empty((n, N_DOMAINS), order="F")
        factor[:] = pace[:, None]
        factor[:, SAFETY] = (pace * safety_pace)[:, None]
        # growth = drift * peak * s * (1 - s) * pace: the same products in the same order, into
        # two scratch tables kept between weeks (a fresh family x member x domain table each
        # week costs more in page faults than the arithmetic)
        if getattr(self, "_scratch", None) is None:
            self._scratch = (np.empty_like(self.severity), np.empty_like(self.severity))
        growth, spare = self._scratch
        np.multiply(p.problem_drift * LOGISTIC_PEAK, self.severity, out=growth)
        growth *= np.subtract(1, self.severity, out=spare)
        growth *= factor[:, None, :]
        self.severity += growth
        # An absent member's severity stays 0 without being masked here: it is drawn as 0, its
        # growth is proportional to it, its life events bump it by 0, and help multiplies it.
        clip(self.severity, 0, 1, out=self.severity)
        self.refresh()
        self.child_risk += p.child_risk_adaptation * (self._child_target() - self.child_risk)

    def cause_incidents(self) -> None:
        """Draw safety and nuisance incidents from the imbalance between burden and support.

        Escalation is a consequence of imbalance (disbalans, CCV2019 §2.1): the more a family's
        burden exceeds the help it effectively gets, the more incidents.
        """
        rate = self.incident_rate()
        self.incidents = self.model.rng.poisson(rate).astype(np.int16)
        recent = np.minimum(self.incidents, INCIDENT_CAP_PER_WEEK)
        self.incident_ema += self.model.params.incident_memory * (recent - self.incident_ema)

    def incident_rate(self) -> np.ndarray:
        """Expected incidents this week of each family, from its burden and effective help."""
        p = self.model.params
        imbalance = clip(self.burden - self.help * self.fit, 0, 1)
        w = p.incident_burden_weight
        rate = (p.incidents_per_year / 52) * (w * self.burden + (1 - w) * self.safety_severity)
        rate = rate * (p.incident_base + p.incident_imbalance * imbalance)
        rate *= np.maximum(0, 1 + p.incident_own_norm * (self.own_norm - NEUTRAL_NORM))
        # a frame contains part of the unsafe behaviour (drang a share of what dwang does)
        contained = p.frame_containment * np.array([0.0, DRANG_CONTAINMENT, 1.0])[self.frame]
        return rate * (1 - contained)

    def get_signalled(self) -> None:
        """Families come into view through incidents (safety side) or signals (social side).

        Most have no help request (CCV2019 §2.1), so entry is mostly externally initiated.
        Closed families return when their problems come back ("steeds dezelfde gezinnen",
        §3.1): the hazard grows with the square of their burden against the closure line.
        """
        p, rng, week = self.model.params, self.model.rng, self.model.week
        visible = row_mean(self.domain, VISIBLE)
        social_signal = p.signal_base + p.signal_per_severity * visible
        social_signal = social_signal + p.signal_help_request * self.help_request
        hazard = p.signal_per_incident * self.incidents + social_signal
        closed = self.status == Status.CLOSED
        back = p.relapse_per_year / 52 * (self.burden / p.closure_burden) ** 2
        hazard = np.where(closed, back + p.relapse_per_incident * self.incidents, hazard)
        out_of_view = (self.status == Status.NOT_IN_VIEW) | closed
        new = out_of_view & (rng.random(self.n) < 1 - np.exp(-hazard))
        returning = new & closed
        self.returns[returning] += 1
        recent = returning & (week - self.closed_week < RETURN_HORIZON_WEEKS)
        self.model.flows.add("returns_within_horizon", np.count_nonzero(recent))
        self.status[new] = Status.SIGNALLED
        self.status_changed()
        self.entry_week[new] = week
        self.queued_week[new] = week
        self.stall_weeks[new] = 0
        self.frame[new] = Frame.VOLUNTARY

    def by_region(self, mask: np.ndarray) -> list[np.ndarray]:
        """Per region, the families in ``mask`` in ascending order.

        The regions' own decisions (screening, specialist admission, safety intake) touch
        only their own families, so what each one reads can be split off for all at once.
        """
        idx = mask.nonzero()[0]
        n_regions = self.model.params.n_regions
        if n_regions == 1:
            return [idx]
        region = self.region[idx]
        by = idx[np.argsort(region, kind="stable")]
        counts = np.bincount(region, minlength=n_regions)
        return _split(by, counts)

    def queue_for_intake(self) -> list[np.ndarray]:
        """Per municipality, the families waiting for a social professional.

        Those queued at intake, and those in procesregie who lost their social worker.
        """
        lost = self.active & (self.social_pos < 0)
        waiting = (self.queued | lost).nonzero()[0]
        by_muni = waiting[np.argsort(self.municipality[waiting], kind="stable")]
        counts = np.bincount(self.municipality[waiting], minlength=len(self.model.municipalities))
        return _split(by_muni, counts)

    def queue_for_safety(self) -> list[np.ndarray]:
        """Per region, active families known as unsafe that have no safety professional."""
        p = self.model.params
        known = (self.incident_ema * 52 > p.police_known_incidents) | (
            self.safety_severity > p.police_known_severity
        )
        return self.by_region(self.active & known & (self.safety_pos < 0))

    def queue_for_specialist(self) -> tuple[np.ndarray, list[np.ndarray]]:
        """Per region, the families in specialist treatment (a count) and those waiting."""
        week = self.model.week
        treating = self.treated_until >= week
        counts = np.bincount(self.region[treating], minlength=self.model.params.n_regions)
        return counts, self.by_region(self.waiting())

    def escalation_requests(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Per region, the families in care that asked for procesregie, and all active ones."""
        asked = (self.escalation_week >= 0) & (self.status == Status.IN_CARE)
        return self.by_region(asked), self.by_region(self.active)

    def procesregie_done(self) -> list[np.ndarray]:
        """Per region, procesregie cases that move again with risk down, after the minimum."""
        p, week = self.model.params, self.model.week
        calm = self.incident_ema * 52 < p.procesregie_settled_incidents
        settled = ~self.stagnated & calm & (self.stall_weeks < p.procesregie_settled_stall)
        done = (self.status == Status.PROCESREGIE) & settled
        return self.by_region(done & ((week - self.escalated_week) >= p.procesregie_min_weeks))

    def count_providers(self) -> None:
        """Under labelled funding, each serious problem domain brings providers of its own."""
        p = self.model.params
        labelled = 1 - self.model.climate.pooled_funding
        extra = np.rint(p.providers_per_problem * labelled * self.n_serious)
        self.extra_providers = np.where(self.active, extra, 0).astype(np.int16)

    def end_treatments(self) -> None:
        """Discharge families whose treatment ended; they are not re-referred for a while."""
        week = self.model.week
        done = self.treated_until == week
        self.no_referral_until[done] = week + self.model.params.treatment_pause_weeks

    def seek_specialist_care(self) -> None:
        """Refer active families with a serious specialist need to the regional waitlist."""
        p, week = self.model.params, self.model.week
        need = self.domain[:, SPECIALIST].max(axis=1) >= p.specialist_threshold
        free = (
            (self.referred_week < 0)
            & (self.treated_until < week)
            & (self.no_referral_until <= week)
        )
        referred = self.active & need & free
        self.referred_week[referred] = week
        self.model.flows.add("specialist_referrals", int(np.count_nonzero(referred)))

    def waiting(self) -> np.ndarray:
        """Mask of families on a specialist waitlist right now."""
        return (self.referred_week >= 0) & (self.treated_until < self.model.week)

    def name_blind_spots(self) -> None:
        """The social side sees and names crime only sometimes (a blind spot, CCV2019 §2.1).

        The chance grows with the professional's eye for blind spots and the room to share
        information with the safety side.
        """
        p, rng, wf = self.model.params, self.model.rng, self.model.workforce
        eye = fit.at_position(wf.detection, self.social_pos, 0.0)
        sharing = p.naming_without_sharing + (1 - p.naming_without_sharing) * p.information_sharing
        chance = p.blind_spot_naming * eye * sharing
        unseen = self.active & ~self.crime_named & (self.domain[:, D["crime"]] >= p.crime_visible)
        self.crime_named |= unseen & (rng.random(self.n) < chance)

    def collaborate(self) -> None:
        """Draw whether the professionals around each family collaborated this week.

        More professionals means more pairs that can fail (CCV2019 §3.3: a more fragile
        process); the social and safety domains "enter the same field but do not understand
        each other" unless information can be shared; a regisseur repairs most of it.
        """
        p, rng, week = self.model.params, self.model.rng, self.model.week
        treated = self.treated_until >= week
        social, safety = self.social_pos >= 0, self.safety_pos >= 0
        coordinated = self.coord_pos >= 0
        n_involved = (
            social.astype(int) + safety + coordinated + treated.astype(int) + self.extra_providers
        )
        self.n_involved = n_involved.astype(np.int16)
        pairs = n_involved * (n_involved - 1) / 2
        mixed = social & safety
        # whose organisation each family meets: fixed from here until the cases close
        self._social_org = fit.social_org(self.model, self)
        joint = fit.joint_orientation(self.model, self, self._social_org)
        hazard = p.collab_base_hazard + p.collab_domain_gap * mixed * (1 - p.information_sharing)
        hazard = hazard + p.collab_goal_gap * (1 - joint)
        shared = self.model.region_table.shared_ownership[self.region]
        hazard *= 1 - p.collab_shared_ownership * shared
        hazard *= np.where(coordinated, 1 - p.coordination_collab_repair, 1.0)
        self.collab_failed = self.active & (rng.random(self.n) < 1 - np.exp(-hazard * pairs))
        institutional = fit.specialist_institutional_goal(self.model, self)
        overrule_rate = p.overruling_per_year / 52 * institutional
        joint_plan = coordinated | (n_involved >= JOINT_PLAN_MIN_INVOLVED)
        self.overruled = treated & joint_plan & (rng.random(self.n) < overrule_rate)

    def receive_help(self) -> None:
        """Improve treated domains by the help that reaches the family and fits it.

        Help = hours x working alliance x fit of the coat x cooperation x collaboration, gated
        per domain (specialist care, contra-indications, the safety side's reach, blind spots)
        and by basic needs first (VJI-RA). The alliance builds only with contact time, so help
        spread thinly over many families does less than the same hours given to fewer: the
        reason a workable caseload exists (SigPub2022).
        """
        p, wf = self.model.params, self.model.workforce
        per_family = _hours_per_family(wf)
        social_hours = per_family[self.social_pos]
        safety_hours = per_family[self.safety_pos]
        social = np.minimum(social_hours / p.hours_needed_social, 1.0)
        safety = np.minimum(safety_hours / p.hours_needed_safety, 1.0)
        coord = np.where(self.coord_pos >= 0, p.coordination_attention, 0.0)
        # full social plus full safety attention is the most a family can get
        cap = 1 + p.help_safety_weight
        attention = clip(social + p.help_safety_weight * safety + coord, 0, cap)
        self.alliance += p.alliance_build_rate * (social - self.alliance)
        bond = 1 - p.help_alliance_weight * (1 - self.alliance)
        # Derived once here and read again later this week: nothing in between changes the
        # professionals' structure, the social organisation (assess_progress, the regions'
        # screening and update_trust keep the positions), trust, motivation or frame (until
        # reconsider_frame has read the cooperation), or the maatwerk chance.
        self._structure_supplied = fit.structure_supplied(self.model, self, self._social_org)
        self.fit = fit.coat_fit(self.model, self, self._social_org, self._structure_supplied)
        self._cooperation = self.cooperation()
        hesitance = fit.at_position(wf.hv, self.social_pos, 0.0)
        effect = attention * bond * self.fit * self._cooperation * (1 - p.help_hv_loss * hesitance)
        effect *= np.where(self.collab_failed, 1 - p.help_failed_collaboration_loss, 1.0)
        effect *= ~self.overruled
        active = self.active
        self.help = np.where(active, attention, 0.0)
        self.hours = np.where(active, social_hours + safety_hours + per_family[self.coord_pos], 0.0)
        step = p.recovery_rate * (effect * active)[:, None] * self._domain_gates()
        self.severity *= (1 - step)[:, None, :]
        before = self.burden
        self.refresh()
        self.quick_win = active & (self.burden < before - p.quick_win_step)

    def cooperation(self) -> np.ndarray:
        """Willingness and ability to cooperate; drang and dwang force part of it."""
        p = self.model.params
        willing = p.coop_trust_weight * self.trust + (1 - p.coop_trust_weight) * self.motivation
        coop = p.coop_base + (1 - p.coop_base) * willing - p.coop_own_norm * self.own_norm
        floor = np.array([0.0, p.coop_floor_drang, p.coop_floor_dwang])[self.frame]
        return clip(np.maximum(coop, floor), COOPERATION_FLOOR, 1)

    def _domain_gates(self) -> np.ndarray:
        """How far help can act on each domain (0-1) given the offer and who is involved."""
        p, week = self.model.params, self.model.week
        gate = np.ones((self.n, N_DOMAINS), order="F")
        treated = self.treated_until >= week
        maatwerk = self._maatwerk = fit.maatwerk(self.model, self)
        untreated = clip(1 - p.specialist_block + p.maatwerk_unblock * maatwerk, 0, 1)
        contra_ok = 1 - p.contra_block * (1 - maatwerk)
        specialist = np.where(treated, np.where(self.contra, contra_ok, 1.0), untreated)
        gate[:, SPECIALIST_COLUMNS] = specialist[:, None]
        reach = (self.safety_pos >= 0) | (self.frame > Frame.VOLUNTARY)
        gate[:, SAFETY] = np.where(reach, 1.0, 1 - p.safety_block)[:, None]
        named = self.crime_named | (self.safety_pos >= 0)
        gate[:, D["crime"]] *= np.where(named, 1.0, 1 - p.blind_spot_block)
        lasting = np.where(self.basic_ok, 1.0, p.basic_needs_penalty)
        gate[:, NOT_BASIC_COLUMNS] *= lasting[:, None]
        return gate

    def assess_progress(self) -> None:
        """Mark cases in view without progress for ``stagnation_weeks`` as stagnated, with cause.

        A family queued at intake makes no progress either: it counts, with cause "no fitting
        offer" (waitlists, CCV2019 §2.1). For families in care the cause is the blocker that
        weighed most over recent weeks: collaboration, the client, the offer, or overruling;
        a case that stalled while nothing blocked it stalled because the help fell short of what
        its problems needed, which is the offer again.
        """
        p = self.model.params
        active, queued = self.active, self.queued
        no_offer = self.waiting() | (self.contra & (self._maatwerk < fit.MAATWERK_FITS))
        no_offer |= active & (self.help < p.stagnation_min_help)
        no_offer |= queued
        client = self._cooperation < p.stagnation_client_cooperation
        indicators = np.empty((4, self.n), dtype=bool)  # stacked as the blockers are
        for row, indicator in enumerate((self.collab_failed, client, no_offer, self.overruled)):
            indicators[row] = indicator
        self.blockers += p.blocker_memory * (indicators.T - self.blockers)
        progress = active & (self.burden < self.best_burden - p.progress_step)
        in_view = active | queued
        reset = progress | ~in_view
        self.best_burden = np.where(reset, self.burden, self.best_burden)
        self.stall_weeks = np.where(reset, 0, self.stall_weeks + 1).astype(np.int16)
        newly = in_view & ~self.stagnated & (self.stall_weeks >= p.stagnation_weeks)
        self.cause[newly] = np.argmax(self.blockers[newly], axis=1) + 1
        # no blocker weighed: help reached the family but did not outweigh the drift of its
        # problems - the offer fell short (queued families had no offer at all)
        unblocked = self.blockers.max(axis=1) < BLOCKER_MIN
        self.cause[newly & (queued | unblocked)] = Cause.OFFER
        self.stagnated = (self.stagnated | newly) & in_view & ~progress
        self.cause[~self.stagnated] = Cause.NONE

    def request_escalation(self) -> None:
        """Ask for procesregie for stagnated cases and complex, unsafe ones."""
        p, week = self.model.params, self.model.week
        unsafe = self.incident_ema * 52 > p.escalation_incidents_per_year
        urgent = self.stagnated | ((self.complexity > p.escalation_complexity) & unsafe)
        ask = (self.status == Status.IN_CARE) & urgent & (self.escalation_week < 0)
        self.escalation_week[ask] = week

    def reconsider_frame(self) -> None:
        """Escalate voluntary -> drang -> dwang under pressure; step down when it eases.

        Pressure combines incidents, safety severity and non-cooperation; the political climate
        sets the norm from which is intervened (CCV2019 §3.2, §4.2). A handelingsverlegen
        professional hesitates, and an unclear norm makes up- and down-scaling slower.
        """
        p, rng, wf = self.model.params, self.model.rng, self.model.workforce
        pressure = self.pressure(self._cooperation)
        norm = p.intervention_norm + np.where(self.frame >= Frame.DRANG, p.frame_dwang_margin, 0.0)
        hesitance = fit.at_position(wf.hv, self.social_pos, 1.0)
        clarity = p.frame_clarity_base + self.model.climate.trait("norm_clarity")
        up_rate = p.frame_step_up * (1 - p.frame_hv_hesitation * hesitance) * clarity
        active = self.active
        up = active & (self.frame < Frame.DWANG) & (pressure > norm)
        up &= rng.random(self.n) < up_rate
        down = active & (self.frame > Frame.VOLUNTARY) & (pressure < norm - p.frame_down_margin)
        down &= rng.random(self.n) < p.frame_step_down * clarity
        self.model.flows.add("dwang_started", np.count_nonzero(up & (self.frame == Frame.DRANG)))
        self.end_dwang(down.nonzero()[0])
        self.frame += up.astype(np.int8) - down.astype(np.int8)

    def end_dwang(self, idx: np.ndarray) -> None:
        """Count the dwang orders among ``idx`` that end, by any way out.

        The time under dwang is family-weeks under dwang per ended order (Little's law), so
        every exit counts: a step down, a closure and a household that moves away.
        """
        self.model.flows.add("dwang_ended", np.count_nonzero(self.frame[idx] == Frame.DWANG))

    def pressure(self, cooperation: np.ndarray | None = None) -> np.ndarray:
        """Pressure to impose a frame: incidents, safety severity and non-cooperation.

        ``cooperation`` is :meth:`cooperation` when the caller has it already.
        """
        p = self.model.params
        if cooperation is None:
            cooperation = self.cooperation()
        incidents = np.minimum(self.incident_ema * 52 / p.frame_incidents_full, 1)
        pressure = p.frame_incident_weight * incidents
        pressure = pressure + p.frame_safety_weight * self.safety_severity
        return pressure + p.frame_noncooperation_weight * (1 - cooperation)

    def update_trust(self) -> None:
        """Trust erodes with overasking protocols, waiting, changing and many professionals.

        It grows with being heard, concrete help and quick wins (also under drang: drang can be
        an entry point), and one central contact person (CCV2019 §2.2, §4.2).
        """
        p = self.model.params
        heard = self.help * self.fit
        central = (self.coord_pos >= 0) | (self.n_involved <= ONE_CONTACT_MAX_INVOLVED)
        overask = clip(self._structure_supplied - self.structure_need(), 0, 1)
        changes = np.minimum(self.prof_changes, PROF_CHANGE_CAP)
        many = np.maximum(self.n_involved - ONE_CONTACT_MAX_INVOLVED, 0)
        delta = p.trust_heard * heard + p.trust_quick_win * self.quick_win
        delta = delta + p.trust_one_contact * central
        delta += p.trust_drang_entry * (self.quick_win & (self.frame == Frame.DRANG))
        delta -= p.trust_overasked * overask + p.trust_waiting * self.waiting()
        delta -= p.trust_changed_professional * changes + p.trust_many_professionals * many
        delta -= p.trust_dwang * (self.frame == Frame.DWANG)
        active = self.active
        # experiences move trust; between them it drifts back to the family's own disposition
        delta += p.trust_reversion * (self.trust_disposition - self.trust)
        self.trust = clip(self.trust + delta * active, 0, 1)
        w_trust, w_win = p.motivation_from_trust, p.motivation_from_quick_win
        target = w_trust * self.trust + w_win * self.quick_win
        target = target + (1 - w_trust - w_win) * self.help_request
        self.motivation += p.motivation_rate * (target - self.motivation) * active
        self.prof_changes[:] = 0

    def structure_need(self) -> np.ndarray:
        """Need for structure and a clear norm: safety problems and a deviant own norm."""
        p = self.model.params
        need = p.need_structure_base + p.need_structure_safety * self.safety_severity
        need = need + p.need_structure_own_norm * self.own_norm
        return clip(need + p.need_structure_framed * (self.frame > 0), 0, 1)

    def flexibility_need(self, rows: np.ndarray | None = None) -> np.ndarray:
        """Need for maatwerk: contra-indications, many serious domains, basic needs unmet.

        Only for the families ``rows``, when given. It follows from the summaries of severity
        (and the week's parameters) alone, so it is computed once after each :meth:`refresh`,
        on first read (read-only: shared by every reader until then).
        """
        need = self._flexibility_need
        if need is None:
            p = self.model.params
            need = p.need_flexibility_base + p.need_flexibility_contra * self.contra
            need = need + p.need_flexibility_per_serious * self.n_serious
            need = clip(need + p.need_flexibility_basic * ~self.basic_ok, 0, 1)
            need.flags.writeable = False
            self._flexibility_need = need
        return need if rows is None else need[rows]

    def close_or_continue(self) -> None:
        """Close recovered cases, and cases the family drops out of under a voluntary frame."""
        p, rng, week = self.model.params, self.model.rng, self.model.week
        active = self.active
        low = active & (self.burden < p.closure_burden)
        self.low_weeks = np.where(low, self.low_weeks + 1, 0).astype(np.int16)
        recovered = self.low_weeks >= p.closure_weeks
        dropout = active & (self.frame == Frame.VOLUNTARY) & (self.trust < p.dropout_trust)
        dropout &= rng.random(self.n) < p.dropout_per_week
        closing = (recovered | dropout).nonzero()[0]
        if closing.size == 0:
            return
        self.model.flows.extend("weeks_to_closure", week - self.entry_week[closing])
        self.recovered[closing] = recovered[closing]
        self.release(closing)
        self.status[closing] = Status.CLOSED
        self.status_changed()
        self.end_dwang(closing)
        self.frame[closing] = Frame.VOLUNTARY
        self.closed_week[closing] = week
        self.low_weeks[closing] = 0

    # --- case transitions (called by organisations, regions and the workforce) -------------
    def start_care(self, f: int | np.ndarray, position: int | np.ndarray) -> None:
        """Take family ``f`` into care with the social professional at ``position``.

        ``f`` and ``position`` may be arrays: families taken in one after the other, in order.
        """
        waits = self.model.week - self.queued_week[f]
        self.model.flows.extend("intake_waits", waits)
        self.status[f] = Status.IN_CARE
        self.status_changed()
        self.social_pos[f] = position
        self.queued_week[f] = -1
        self.best_burden[f] = self.burden[f]
        self.stall_weeks[f] = 0
        self.blockers[f] = 0.0
        self.stagnated[f] = False

    def start_care_all(self, started: list[tuple[np.ndarray, np.ndarray]]) -> None:
        """Start the care the wijkteams decided on in one intake round, in their order.

        Each wijkteam takes in only its own municipality's families, so starting them all
        after the round is the same as starting each team's at once, in one array operation.
        """
        if started:
            families, positions = zip(*started, strict=True)
            self.start_care(np.concatenate(families), np.concatenate(positions))

    def escalate(self, f: int | np.ndarray, position: int | np.ndarray) -> None:
        """Put family ``f`` (or several) under procesregie with the coordinator at ``position``."""
        self.status[f] = Status.PROCESREGIE
        self.status_changed()
        self.coord_pos[f] = position
        self.escalated_week[f] = self.model.week
        self.escalation_week[f] = -1

    def de_escalate(self, idx: np.ndarray) -> None:
        """Hand families back from procesregie to regular care.

        A family whose social professional left during procesregie, with nobody to take over,
        has no regular care to go back to: it queues again at intake.
        """
        self.status[idx] = Status.IN_CARE
        self.status_changed()
        self.coord_pos[idx] = -1
        self.escalated_week[idx] = -1
        orphans = idx[self.social_pos[idx] < 0]
        if orphans.size:
            self.requeue(orphans)

    def requeue(self, idx: np.ndarray) -> None:
        """Put families in care back in the intake queue: their professional left, nobody took over.

        They keep their place by signal week, so they are taken in first.
        """
        self.status[idx] = Status.SIGNALLED
        self.status_changed()
        self.social_pos[idx] = -1
        self.queued_week[idx] = self.model.week

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

    # --- views ----------------------------------------------------------------------------
    def case_status(self, i: int) -> str:
        """Status of family ``i`` in the words of the case statuses (see sim.domains)."""
        if self.stagnated[i]:
            return "stagnated"
        if self.status[i] == Status.SIGNALLED and self.returns[i] > 0:
            return "returned"
        return CASE_STATUSES[(0, 1, 2, 3, 5)[self.status[i]]]


def _around(rng: np.random.Generator, mean: float, n: int) -> np.ndarray:
    """Draw ``n`` values of a 0-1 family trait around the mix's ``mean``."""
    return clip(rng.normal(mean, TRAIT_SD, n), 0, 1)


def row_mean(values: np.ndarray, columns=None) -> np.ndarray:
    """``values.mean(axis=1)`` (or ``values[:, columns].mean(axis=1)``), bit for bit.

    A row-wise reduction over ten domains calls NumPy's inner loop once per family; adding
    whole columns calls it once per domain. The additions follow NumPy's own order, so the
    result is the same to the last bit (tests/sim/test_speed_helpers.py): along a row NumPy
    adds fewer than eight values in turn, and eight to fifteen in eight pairwise accumulators
    and then the rest in turn; a copy made by indexing columns is laid out column by column,
    and NumPy adds its columns in turn.
    """
    pairwise = columns is None
    k = values.shape[1] if pairwise else len(columns)
    if not 0 < k < 16:
        raise ValueError("row_mean follows NumPy's order for 1 to 15 columns")
    if pairwise and k >= 8:
        # the eight accumulators pair up level by level: three additions of stacked columns
        by_column = values.T
        pairs = by_column[0:8:2] + by_column[1:8:2]
        quads = pairs[0::2] + pairs[1::2]
        total = quads[0] + quads[1]
        rest = by_column[8:]
    else:
        cols = [values[:, i] for i in (range(k) if pairwise else columns)]
        total, rest = 0.0 + cols[0], cols[1:]  # NumPy starts the sum from zero
    for col in rest:
        total += col  # total is a new array by now: it can take the sums in place
    return total / k


def _split(ordered: np.ndarray, counts: np.ndarray) -> list[np.ndarray]:
    """``np.split(ordered, np.cumsum(counts)[:-1])`` by plain slicing (a view per group)."""
    ends = np.cumsum(counts).tolist()
    return [ordered[start:end] for start, end in zip([0, *ends[:-1]], ends, strict=True)]


def _hours_per_family(wf) -> np.ndarray:
    """Hours per week each position gives each of its families (0 when vacant).

    One longer than the workforce: position -1 (no professional) reads the trailing 0.
    """
    per_family = np.zeros(wf.n + 1)
    np.divide(wf.hours, np.maximum(wf.caseload, 1), out=per_family[:-1], where=wf.occupied)
    return per_family


def random_order(keys: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Indices that sort ``keys`` ascending, ties broken at random (never by array index)."""
    return np.lexsort((rng.random(len(keys)), keys))


class Family(mesa.Agent):
    """One multi-problem family: a view on its row in :class:`Families`.

    Families do not act on their own schedule; the population's rules act on all rows at once.
    The agent exists so a family can be inspected like any Mesa agent (and followed in the
    workshop). When a household leaves the population, the next one takes its row.
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
