"""The workforce: positions (formatieplaatsen) and who occupies them.

Positions are fixed by the staffing parameters (specialist care has places, not positions, and
a region's Zorg- en Veiligheidshuis has no coordinators at zero procesregie capacity);
professionals come and go. When a professional leaves, its families stay with the position but
lose the relationship and get no hours until a new professional is hired after
``vacancy_weeks`` (MODEL.md §4.9).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import fit
from sim.domains import Sector
from sim.tables import Table

if TYPE_CHECKING:
    from sim.families import Families
    from sim.model import MpgModel


class Workforce(Table):
    """One row per position: who works there and what families feel from it this week."""

    def __init__(self, sector: np.ndarray, org: np.ndarray, region: np.ndarray, norm: np.ndarray):
        n = len(sector)
        super().__init__(
            n,
            occupied=(bool, False),
            vacant_until=(np.int32, 0),
            hours=(float, 0.0),
            caseload=(np.int32, 0),
            structure=(float, 0.5),
            flexibility=(float, 0.0),
            joint_goal=(float, 0.5),
            hv=(bool, False),
            stress=(float, 0.0),
            detection=(float, 0.0),
            complexity=(float, 0.0),
            integral=(float, 0.0),
            gaps=(np.int32, 0),
            leavers=(np.int32, 0),
        )
        self.sector, self.org, self.region, self.norm = sector, org, region, norm.astype(float)
        self.occupant: list = [None] * n
        self.left_this_week = 0

    def occupy(self, position: int) -> None:
        """Mark ``position`` as occupied (called by a newly hired professional)."""
        self.occupied[position] = True

    def vacate(self, position: int, model: MpgModel) -> None:
        """Empty ``position``: its families lose their relationship with the professional."""
        self.occupied[position] = False
        self.occupant[position] = None
        self.vacant_until[position] = model.week + model.params.vacancy_weeks
        self.leavers[position] += 1
        self.left_this_week += 1
        # what families felt from this person leaves with them until someone is hired
        self.hours[position], self.structure[position] = 0.0, 0.5
        self.flexibility[position], self.joint_goal[position] = 0.0, 0.5
        self.hv[position], self.detection[position] = False, 0.0
        model.families.lose_professional(position)

    def count_caseloads(self, fam: Families, model: MpgModel) -> None:
        """Count each position's families and summarise them for its professional."""
        n = self.n
        load = np.zeros(n)
        complexity = np.zeros(n)
        integral = np.zeros(n)
        gaps = np.zeros(n)
        no_offer = fam.contra & (fit.maatwerk(model, fam) < 0.5)
        for pos in (fam.social_pos, fam.safety_pos, fam.coord_pos):
            ok = pos >= 0
            idx = pos[ok]
            load += np.bincount(idx, minlength=n)
            complexity += np.bincount(idx, weights=fam.complexity[ok], minlength=n)
            integral += np.bincount(idx, weights=(fam.coord_pos[ok] >= 0), minlength=n)
            gaps += np.bincount(idx, weights=no_offer[ok], minlength=n)
        self.caseload = load.astype(np.int32)
        safe = np.maximum(load, 1)
        self.complexity, self.integral, self.gaps = (
            complexity / safe,
            integral / safe,
            gaps.astype(np.int32),
        )

    def positions(self, org: int, sector: Sector | None = None) -> np.ndarray:
        """Positions of organisation ``org`` (optionally of one sector)."""
        mask = self.org == org
        if sector is not None:
            mask &= self.sector == sector
        return np.flatnonzero(mask)

    def assign(self, positions: np.ndarray, limit: int) -> int:
        """Return the least-loaded occupied position under ``limit`` families, or -1."""
        ok = self.occupied[positions] & (self.caseload[positions] < limit)
        if not ok.any():
            return -1
        candidates = positions[ok]
        best = candidates[np.argmin(self.caseload[candidates])]
        self.caseload[best] += 1
        return int(best)

    def fill_vacancies(self, model: MpgModel) -> None:
        """Hire into positions whose vacancy has run out; start a new week's leaver count."""
        self.left_this_week = 0
        ready = np.flatnonzero(~self.occupied & (self.vacant_until <= model.week))
        for position in ready:
            model.hire(int(position))
