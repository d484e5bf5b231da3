"""Costs that follow the money, per partner (JenV-kosten: every partner's costs for one household).

Professional time is paid per FTE employed (salary), whatever the hours reach families; a
vacancy saves its salary and a hire costs recruitment and induction. The providers that
labelled funding brings per problem domain are paid time of other organisations, charged at
the same FTE rate for the hours they spend on the family. Specialist care is paid
per week of treatment, police per incident, drang and dwang per week, and the public costs of a
household - benefits, debt relief, housing - grow with its problems on those domains. Pooled
funding and procesregie have their own cost: maatwerk bought from the pooled money, the
overhead of pooling and of the agreements that let partners share information, and the case
table of procesregie.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import fit
from sim.domains import D, Frame, Sector, Status

if TYPE_CHECKING:
    from sim.model import MpgModel

#: The partners whose costs are counted, in the order of the weekly table's cost columns.
PARTNERS = ("social", "safety", "coordination", "specialist", "police", "coercion", "public")
SALARY = {Sector.SOCIAL: "salary_social", Sector.SAFETY: "salary_safety"}
SALARY[Sector.COORDINATION] = "salary_coordination"


class CostLedger:
    """This week's costs per partner, summed over the families the system has in view."""

    def __init__(self):
        self.week = dict.fromkeys(PARTNERS, 0.0)
        self._total: float | None = None

    def count_costs(self, model: MpgModel) -> None:
        """Book the week's costs of every partner."""
        p, fam, wf = model.params, model.families, model.workforce
        in_view, active = fam.in_view, fam.active
        staff = {}
        employed_by_sector = np.bincount(wf.sector[wf.occupied], minlength=len(Sector))
        for sector, salary in SALARY.items():
            employed = int(employed_by_sector[sector])
            hires = int(wf.hired_this_week[sector])
            staff[sector] = employed * p[salary] / 52 + hires * p.hiring_cost
        # maatwerk and public costs only for the families they are summed over (same values,
        # same order)
        rows, seen = active.nonzero()[0], in_view.nonzero()[0]
        maatwerk = fit.maatwerk(model, fam, rows) * fam.flexibility_need(rows)
        # providers that labelled funding brings are other organisations' paid time
        providers = float(fam.extra_providers[active].sum())
        pooled = model.climate.pooled_funding * p.pooling_overhead
        sharing = p.information_sharing * p.sharing_overhead
        # counts by np.count_nonzero: the same whole numbers as ``mask.sum()``, sooner
        overhead = np.count_nonzero(in_view) * (pooled + sharing) / 52
        n_procesregie = np.count_nonzero(fam.status == Status.PROCESREGIE)
        procesregie = n_procesregie * p.procesregie_case_cost
        treated = (fam.treated_until >= model.week) & in_view
        frame = fam.frame[seen]
        public = (
            p.benefits_cost * fam.domain[seen, D["school_work"]]
            + p.debt_relief_cost * fam.domain[seen, D["finances"]]
            + p.housing_cost * fam.domain[seen, D["housing"]]
        )
        self.week = {
            "social": staff[Sector.SOCIAL]
            + p.maatwerk_cost * float(maatwerk.sum())
            + providers
            * p.provider_hours_per_week
            / p.client_hours_per_week
            * p.salary_social
            / 52,
            "safety": staff[Sector.SAFETY],
            "coordination": staff[Sector.COORDINATION] + overhead + procesregie,
            "specialist": np.count_nonzero(treated) * p.specialist_cost,
            "police": float(fam.incidents[in_view].sum()) * p.incident_cost,
            "coercion": np.count_nonzero(frame == Frame.DRANG) * p.drang_cost
            + np.count_nonzero(frame == Frame.DWANG) * p.dwang_cost,
            "public": float(public.sum()) / 52,
        }
        self.week = {k: float(v) for k, v in self.week.items()}
        self._total = None

    def total(self) -> float:
        """This week's cost over all partners (summed once a week, on first read)."""
        if self._total is None:
            self._total = float(np.add.reduce(list(self.week.values())))  # np.sum, unwrapped
        return self._total
