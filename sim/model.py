"""The MPG V&O model: families, professionals, organisations, regions and a political climate.

Decisions propagate downwards (climate -> region -> organisation -> professional -> family) and
signals travel upwards (family -> professional -> organisation -> region -> climate). One step
is one week. :meth:`MpgModel.step` only orders the rules; the rules are agent methods (and the
vectorised methods of :class:`~sim.families.Families`); what is measured is declared apart, in
:mod:`sim.measures`.
"""

from __future__ import annotations

from collections import deque

import mesa
import numpy as np
from mesa.agent import AgentSet

from sim.climate import PoliticalClimate
from sim.domains import Sector, Status
from sim.families import Families, Family
from sim.organisations import Organisation
from sim.params import TYPES, Params
from sim.professionals import Professional
from sim.regions import Municipality, Region
from sim.tables import Table
from sim.typology import Typology
from sim.workforce import Workforce

WAIT_WINDOW_WEEKS = 13  # waiting time is the mean over admissions of the last quarter


class MpgModel(mesa.Model):
    """The multidimensional work field of one or more regions under one political climate.

    Args:
        params: validated parameters (:func:`sim.params.validate`).
        typology: trait values of the types (read from configs/typologies.toml by experiments).
        rng: seed or generator; the model owns all randomness through it.
    """

    def __init__(self, params: Params, typology: Typology, rng=None):
        super().__init__(rng=rng)
        self.params, self.typology = params, typology
        self.week = 0
        self.climate = PoliticalClimate(self, params.political_climate_type)
        self._build_regions()
        self._build_organisations()
        self._build_workforce()
        self.families = Families(self, self._family_region, self._family_municipality)
        self.family_agents = [Family(self, i) for i in range(self.families.n)]
        self.waitlist_pressure = np.zeros(params.n_regions)
        self.recent_waits: deque[tuple[int, np.ndarray]] = deque()
        self._hire_all()
        self.organisations.do("adapt")
        self.regions.do("run_pilots")
        self.wijkteams.do("take_in")

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
        self._family_region = np.concatenate(fam_region).astype(np.int32)
        self._family_municipality = np.concatenate(fam_muni).astype(np.int32)

    def _families_per_municipality(self) -> np.ndarray:
        """Split a region's families: the centre's share, the rest over the regiogemeenten."""
        p = self.params
        n, k = p.families_per_region, p.municipalities_per_region
        if k == 1:
            return np.array([n])
        centre = int(round(n * p.centre_family_share))
        weights = self.rng.dirichlet(np.full(k - 1, 4.0))
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

        self.wijkteam_of = np.zeros(len(self.municipalities), dtype=np.int32)
        for m in self.municipalities:
            self.wijkteam_of[m.index] = add("wijkteam", m.region, m.index).index
        self.police_of, self.specialist_of, self.zvh_of = (
            np.zeros(p.n_regions, dtype=np.int32) for _ in range(3)
        )
        places = int(round(p.specialist_capacity_per_100_families * p.families_per_region / 100))
        for r in range(p.n_regions):
            self.police_of[r] = add("police", r).index
            self.specialist_of[r] = add("specialist", r, places=places).index
            self.zvh_of[r] = add("zvh", r).index
        self.org_list = orgs
        self.organisations = AgentSet(orgs, random=self.random)
        self.wijkteams = self.organisations.select(lambda o: o.kind == "wijkteam")
        self.police = self.organisations.select(lambda o: o.kind == "police")
        self.specialists = self.organisations.select(lambda o: o.kind == "specialist")
        self.org_table = Table(
            len(orgs),
            mission_clarity=(float, 0.0),
            adaptivity=(float, 0.0),
            institutional_goal=(float, 0.0),
            room_to_deviate=(float, 0.0),
        )

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
        self.workforce = Workforce(
            np.array(sector, dtype=np.int8),
            np.array(org, dtype=np.int32),
            np.array(region, dtype=np.int32),
            np.array(norm),
        )

    def _hire_all(self) -> None:
        # the initial staff have been in post for up to five years, not all hired today
        for position in range(self.workforce.n):
            self.hire(position, hired_week=-int(self.rng.integers(0, 260)))

    def hire(self, position: int, hired_week: int | None = None) -> Professional:
        """Fill ``position`` with a professional of a drawn type (new, unless ``hired_week``)."""
        prof = Professional(self, position, self.draw_type("professional"), hired_week)
        self.workforce.occupant[position] = prof
        return prof

    @property
    def professionals(self) -> AgentSet:
        """All professionals currently employed."""
        return self.agents_by_type[Professional]

    def record_waits(self, waits: np.ndarray) -> None:
        """Remember the waiting times of families admitted to specialist care this week."""
        self.recent_waits.append((self.week, np.asarray(waits, dtype=float)))
        while self.recent_waits and self.recent_waits[0][0] <= self.week - WAIT_WINDOW_WEEKS:
            self.recent_waits.popleft()

    # --- one week ---------------------------------------------------------------------------
    def step(self) -> None:
        """One week: decisions flow down, families live and are helped, signals flow up."""
        self.week = int(self.time)
        fam = self.families
        self.workforce.fill_vacancies(self)
        # government -> region -> organisation: the context of this week
        self.climate.shift_priorities()
        self.regions.do("run_pilots")
        self.organisations.do("adapt")
        # families live; some come into view and are taken in
        fam.live()
        fam.cause_incidents()
        fam.get_signalled()
        self.wijkteams.shuffle_do("take_in")
        self.police.shuffle_do("take_in")
        fam.count_providers()
        fam.end_treatments()
        fam.seek_specialist_care()
        self.specialists.do("admit_from_waitlist")
        # professionals work; families receive help that fits them more or less
        self.workforce.count_caseloads(fam, self)
        self.professionals.shuffle_do("work")
        fam.name_blind_spots()
        fam.collaborate()
        fam.receive_help()
        fam.assess_progress()
        # opschaling, frame, trust, closure
        fam.request_escalation()
        self.regions.do("screen_escalations")
        self.regions.do("review_procesregie")
        fam.reconsider_frame()
        fam.update_trust()
        fam.close_or_continue()
        # signals travel up; the workforce turns over
        self.professionals.shuffle_do("signal_blind_spots")
        self.professionals.shuffle_do("consider_leaving")
        fam.count_costs()

    def case_counts(self) -> dict[str, int]:
        """Families per status (for conservation checks)."""
        counts = np.bincount(self.families.status, minlength=len(Status))
        return {s.name.lower(): int(counts[s]) for s in Status}
