"""The MPG V&O model: families, professionals, organisations, regions and a political climate.

Decisions propagate downwards (climate -> region -> organisation -> professional -> family) and
signals travel upwards (family -> professional -> organisation -> region -> climate). One step
is one week. :meth:`MpgModel.step` only orders the rules; the rules are methods of the agents
and of the tables that hold what every family and professional updates every week
(:class:`~sim.families.Families`, :class:`~sim.workforce.Workforce`,
:class:`~sim.organisations.OrgTable`); what is measured is declared apart, in
:mod:`sim.measures`.
"""

from __future__ import annotations

from collections.abc import Sequence

import mesa
import numpy as np
from mesa.agent import AgentSet

from sim.climate import PoliticalClimate
from sim.coefficients import knocked_out
from sim.costs import CostLedger
from sim.domains import Frame, Sector, Status
from sim.events import Event, Timeline
from sim.families import RETURN_HORIZON_WEEKS, Families, Family
from sim.flows import Flows
from sim.organisations import Organisation, OrgTable
from sim.params import TYPES, Params
from sim.professionals import Professional
from sim.regions import Municipality, Region
from sim.tables import Table, clip
from sim.typology import Typology
from sim.workforce import Workforce

MUNICIPALITY_SIZE_CONCENTRATION = 4.0  # Dirichlet weights: regiogemeenten differ, not wildly
MAX_YEARS_IN_POST = 5  # the initial staff have been in post for up to five years
#: The caseload norm of each sector's positions (a lever an event may change).
NORMS = {
    Sector.SOCIAL: "caseload_norm",
    Sector.SAFETY: "safety_caseload_norm",
    Sector.COORDINATION: "regisseur_caseload",
}
#: The caseload each sector's professionals can carry without strain (for stress and
#: hesitance): social workers the workable caseload; the others their norm, for want of a figure.
WORKABLE = {
    Sector.SOCIAL: "workable_caseload",
    Sector.SAFETY: "safety_caseload_norm",
    Sector.COORDINATION: "regisseur_caseload",
}


class MpgModel(mesa.Model):
    """The multidimensional work field of one or more regions under one political climate.

    Args:
        params: validated parameters (:func:`sim.params.validate`). A ``knockout`` among them
            switches the named mechanism off (its coefficients set to zero).
        typology: trait values of the types.
        rng: seed or generator; the model owns all randomness through it.
        events: policy events (:mod:`sim.events`), in reported weeks after the burn-in.
    """

    def __init__(self, params: Params, typology: Typology, rng=None, events: Sequence[Event] = ()):
        super().__init__(rng=rng)
        self.params = knocked_out(params)
        self.given_params = params
        self.schedule(events)
        self.typology = typology
        self.week = 0
        self.flows = Flows()
        self.costs = CostLedger()
        self.climate = PoliticalClimate(self, self.params.political_climate_type)
        self._build_regions()
        self._build_organisations()
        self._build_workforce()
        self.families = Families(self, self._family_region, self._family_municipality)
        self.family_agents = [Family(self, i) for i in range(self.families.n)]
        self._hire_all()
        self.regions.do("run_pilots")

    # --- construction ---------------------------------------------------------------------
    def draw_type(self, level: str) -> str:
        """Draw a type for one agent of ``level``: the scenario's with prob ``type_share``."""
        chosen = self.params[f"{level}_type"]
        if self.rng.random() < self.params.type_share:
            return chosen
        others = [t for t in TYPES if t != chosen]
        return others[int(self.rng.integers(len(others)))]

    def _build_regions(self) -> None:
        p = self.params
        municipalities: list[Municipality] = []
        regions, fam_region, fam_muni = [], [], []
        for r in range(p.n_regions):
            counts = self._families_per_municipality()
            mine = []
            for k, count in enumerate(counts):
                m = Municipality(len(municipalities), r, k == 0, int(count))
                municipalities.append(m)
                mine.append(m)
                fam_region.append(np.full(count, r))
                fam_muni.append(np.full(count, m.index))
            regions.append(Region(self, r, p.region_type, mine))
        self.municipalities = municipalities
        self.municipality_is_centre = np.array([m.is_centre for m in municipalities])
        self.region_list = regions
        self.regions = AgentSet(regions, random=self.random)
        self.region_table = Table(
            p.n_regions, need_matching=(float, 0.0), shared_ownership=(float, 0.0)
        )
        # region, municipality and organisation numbers index tables for every family and
        # position each week: in NumPy's own index type, so no gather converts them first
        self._family_region = np.concatenate(fam_region).astype(np.intp)
        self._family_municipality = np.concatenate(fam_muni).astype(np.intp)

    def _families_per_municipality(self) -> np.ndarray:
        """Split a region's families: the centre's share, the rest over the regiogemeenten."""
        p = self.params
        n, k = p.families_per_region, p.municipalities_per_region
        if k == 1:
            return np.array([n])
        centre = int(round(n * p.centre_family_share))
        weights = self.rng.dirichlet(np.full(k - 1, MUNICIPALITY_SIZE_CONCENTRATION))
        rest = self.rng.multinomial(n - centre, weights)
        return np.concatenate([[centre], rest])

    def _build_organisations(self) -> None:
        p = self.params
        orgs: list[Organisation] = []

        def add(kind: str, region: int, municipality: int = -1, places: int = 0) -> Organisation:
            org = Organisation(
                self, len(orgs), kind, self.draw_type("organisation"), region, municipality, places
            )
            orgs.append(org)
            return org

        self.wijkteam_of = np.zeros(len(self.municipalities), dtype=np.intp)
        for m in self.municipalities:
            self.wijkteam_of[m.index] = add("wijkteam", m.region, m.index).index
        self.police_of, self.specialist_of, self.zvh_of = (
            np.zeros(p.n_regions, dtype=np.intp) for _ in range(3)
        )
        places = self._specialist_places()
        for r in range(p.n_regions):
            self.police_of[r] = add("police", r).index
            self.specialist_of[r] = add("specialist", r, places=places).index
            self.zvh_of[r] = add("zvh", r).index
        self.org_list = orgs
        self.organisations = AgentSet(orgs, random=self.random)
        self.wijkteams = self.organisations.select(lambda o: o.kind == "wijkteam")
        self.police = self.organisations.select(lambda o: o.kind == "police")
        self.specialists = self.organisations.select(lambda o: o.kind == "specialist")
        self.org_table = OrgTable([o.type for o in orgs], self.typology)

    def _specialist_places(self) -> int:
        p = self.params
        return int(round(p.specialist_capacity_per_100_families * p.families_per_region / 100))

    def _build_workforce(self) -> None:
        """Create positions from the staffing parameters (at least one per organisation)."""
        p = self.params
        sector, org, region, norm = [], [], [], []

        def add(n: int, s: Sector, o: int, r: int, caseload_norm: float) -> None:
            sector.extend([s] * n)
            org.extend([o] * n)
            region.extend([r] * n)
            norm.extend([caseload_norm] * n)

        for m in self.municipalities:
            n_social = max(1, round(p.social_fte_per_100_families * m.n_families / 100))
            add(n_social, Sector.SOCIAL, int(self.wijkteam_of[m.index]), m.region, p.caseload_norm)
        for r, reg in enumerate(self.region_list):
            n_safety = max(1, round(p.safety_fte_per_100_families * p.families_per_region / 100))
            add(n_safety, Sector.SAFETY, int(self.police_of[r]), r, p.safety_caseload_norm)
            slots = p.procesregie_capacity_share * p.families_per_region
            n_coord = round(slots / p.regisseur_caseload * reg.traits["base_capacity"])
            add(n_coord, Sector.COORDINATION, int(self.zvh_of[r]), r, p.regisseur_caseload)
        sectors = np.array(sector, dtype=np.int8)
        self.workforce = Workforce(
            sectors,
            np.array(org, dtype=np.intp),
            np.array(region, dtype=np.intp),
            np.array(norm),
            np.array([p[WORKABLE[Sector(s)]] for s in sectors], dtype=float),
        )

    def _hire_all(self) -> None:
        for position in range(self.workforce.n):
            self.hire(position, hired_week=-int(self.rng.integers(0, 52 * MAX_YEARS_IN_POST)))

    def hire(self, position: int, hired_week: int | None = None) -> Professional:
        """Fill ``position`` with a professional of a drawn type (new, unless ``hired_week``)."""
        prof = Professional(self, position, self.draw_type("professional"), hired_week)
        self.workforce.occupant[position] = prof
        return prof

    @property
    def professionals(self) -> AgentSet:
        """All professionals currently employed."""
        return self.agents_by_type[Professional]

    # --- one week ---------------------------------------------------------------------------
    def step(self) -> None:
        """One week: decisions flow down, families live and are helped, signals flow up."""
        self.week = int(self.time)
        fam, wf = self.families, self.workforce
        self.apply_policy()
        self.flows.start_week()
        wf.fill_vacancies(self)
        # government -> region -> organisation: the context of this week
        self.climate.shift_priorities()
        self.regions.do("run_pilots")
        self.org_table.adapt(self.params)
        # households come and go; families live; some come into view and are taken in
        fam.renew()
        fam.live()
        fam.cause_incidents()
        fam.get_signalled()
        self.intake_queues = fam.queue_for_intake()
        self.intake_started: list[tuple[np.ndarray, np.ndarray]] = []
        self.wijkteams.shuffle_do("take_in")
        fam.start_care_all(self.intake_started)
        self.safety_queues = fam.queue_for_safety()
        self.police.shuffle_do("take_in")
        fam.count_providers()
        fam.end_treatments()
        fam.seek_specialist_care()
        self.specialist_queues = fam.queue_for_specialist()
        self.specialists.do("admit_from_waitlist")
        # professionals work; families receive help that fits them more or less
        wf.count_caseloads(fam, self)
        wf.work(self)
        fam.name_blind_spots()
        fam.collaborate()
        fam.receive_help()
        fam.assess_progress()
        # opschaling, frame, trust, closure
        fam.request_escalation()
        self.escalation_requests = fam.escalation_requests()
        self.regions.do("screen_escalations")
        self.procesregie_done = fam.procesregie_done()
        self.regions.do("review_procesregie")
        fam.reconsider_frame()
        fam.update_trust()
        fam.close_or_continue()
        # signals travel up; the workforce turns over; the week's costs are booked
        wf.signal_blind_spots(self)
        wf.consider_leaving(self)
        self.costs.count_costs(self)
        self.record_stocks()

    def schedule(self, events: Sequence[Event]) -> None:
        """Set the policy events of the reported weeks, replacing any set before.

        Events act from reported week 1 on, so a model settled through its burn-in without
        events can be given them afterwards and runs as if it had them from the start.
        """
        self.timeline = Timeline(self.given_params, events) if events else None

    @property
    def reported_week(self) -> int:
        """This week counted from the end of the burn-in (week 1 is the first reported week)."""
        return self.week - self.params.burn_in_weeks

    def apply_policy(self) -> None:
        """Put this week's policy events into force: new lever values, re-drawn types.

        Nothing happens (and no random number is drawn) before an event's week, so a run with
        and without the event is identical up to it.
        """
        if self.timeline is None:
            return
        week = self.reported_week
        new = knocked_out(self.timeline.params_at(week))
        if dict(new) != dict(self.params):
            self._follow_levers(self.params, new)
            self.params = new
        for level in self.timeline.types_at(week):
            self.redraw_types(level)

    def _follow_levers(self, old: Params, new: Params) -> None:
        """Carry changed levers into the state built from them at the start."""
        wf = self.workforce
        for sector, name in NORMS.items():
            if new[name] != old[name]:
                wf.norm[wf.sector == sector] = new[name]
        for sector, name in WORKABLE.items():
            if new[name] != old[name]:
                wf.workable[wf.sector == sector] = new[name]
        if new.specialist_capacity_per_100_families != old.specialist_capacity_per_100_families:
            places = self._specialist_places()
            for org in self.specialists:
                org.places = places
        # signals from practice may have moved pooled funding: keep that, move the base
        shift = new.pooled_funding - old.pooled_funding
        self.climate.pooled_funding = float(clip(self.climate.pooled_funding + shift, 0, 1))

    def redraw_types(self, level: str) -> None:
        """Re-draw the types of a level's agents with the type_share rule (a type event)."""
        if level == "professional":
            for position in np.flatnonzero(self.workforce.occupied):
                self.workforce.occupant[position].retype(self.draw_type(level))
        elif level == "organisation":
            for org in self.org_list:
                org.type = self.draw_type(level)
                self.org_table.retype(org.index, self.typology.traits(level, org.type), self.params)
        elif level == "region":
            for region in self.region_list:
                region.type = self.params.region_type
                region.traits = self.typology.traits(level, region.type)
        else:
            self.climate.type = self.params.political_climate_type
            self.climate.traits = self.typology.traits(level, self.climate.type)

    def record_stocks(self) -> None:
        """Count the week's stocks the rolling flow measures divide by."""
        fam, flows = self.families, self.flows
        recently_closed = (fam.status == Status.CLOSED) & (
            self.week - fam.closed_week < RETURN_HORIZON_WEEKS
        )
        flows.add("recently_closed_family_weeks", np.count_nonzero(recently_closed))
        flows.add("dwang_family_weeks", np.count_nonzero(fam.frame == Frame.DWANG))
        flows.add("leavers", self.workforce.left_this_week)

    def case_counts(self) -> dict[str, int]:
        """Families per status (for conservation checks)."""
        counts = np.bincount(self.families.status, minlength=len(Status))
        return {s.name.lower(): int(counts[s]) for s in Status}
