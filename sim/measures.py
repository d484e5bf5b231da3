"""What is measured, declared apart from the rules (like Agents.jl's ``mdata``).

Each :class:`Outcome` names a weekly model-level measure, its unit, what it means and the
function that reads it from the model. Experiments may pass their own list to
:func:`sim.run.simulate` without touching the rules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from sim.domains import Cause, Frame, Sector, Status
from sim.model import WAIT_WINDOW_WEEKS, MpgModel

METHODS_FIT = 0.7  # fit from which a professional would say its methods fit the family


#: What kind of quantity an outcome is; decides how it is shown and summarised.
KINDS = (
    "share",  # a fraction 0-1 of some population (shown as a percentage)
    "score",  # a 0-1 index (trust, fit, risk)
    "level",  # a mean level in its own unit (caseload)
    "count",  # a number of families or things right now
    "rate",  # events per unit of time
    "weeks",  # a duration
    "money",  # euros
    "cumulative",  # a running total since week 1 (its tail mean says little)
)
#: Which way is better for families (like EMA's ScalarOutcome kind MAXIMIZE / MINIMIZE).
HIGHER, LOWER = "higher", "lower"


@dataclass(frozen=True)
class Outcome:
    """A weekly outcome: name, unit, meaning, how to read it, and which way is better.

    Attributes:
        name: column name in every table.
        unit: unit in words.
        doc: one-sentence meaning.
        read: reads the value from a model after a step.
        level: family, professional, organisation or government (for the rings).
        better: ``"higher"``, ``"lower"``, or None when no direction is better (counts, shares
            of a policy): such outcomes get no best coat.
        kind: one of :data:`KINDS`.
    """

    name: str
    unit: str
    doc: str
    read: Callable[[MpgModel], float]
    level: str = "family"
    better: str | None = None
    kind: str = "share"

    def __post_init__(self):
        if self.better not in (HIGHER, LOWER, None):
            raise ValueError(f"{self.name}: better must be higher, lower or None")
        if self.kind not in KINDS:
            raise ValueError(f"{self.name}: kind must be one of {KINDS}")

    @property
    def sign(self) -> int:
        """+1 when higher is better, -1 when lower is better, 0 when neither."""
        return {HIGHER: 1, LOWER: -1}.get(self.better, 0)


def _share(mask: np.ndarray, among: np.ndarray) -> float:
    n = int(among.sum())
    return float((mask & among).sum() / n) if n else 0.0


def _active(m: MpgModel) -> np.ndarray:
    return m.families.active


def _stagnation(cause: Cause | None):
    def read(m: MpgModel) -> float:
        fam = m.families
        hit = fam.stagnated if cause is None else fam.stagnated & (fam.cause == cause)
        return _share(hit, fam.active)

    return read


def _by_place(centre: bool, what: str):
    def read(m: MpgModel) -> float:
        fam = m.families
        here = fam.in_centre == centre
        if what == "stagnation":
            return _share(fam.stagnated, fam.active & here)
        if what == "procesregie":
            return _share(fam.status == Status.PROCESREGIE, fam.active & here)
        waits = [w for r in m.regions for w in r.escalation_waits[centre]]
        return float(np.mean(waits)) if waits else 0.0

    return read


def _frame(frame: Frame):
    return lambda m: _share(m.families.frame == frame, _active(m))


def _caseloads(m: MpgModel) -> np.ndarray:
    wf = m.workforce
    working = wf.occupied & (wf.sector != Sector.COORDINATION)
    return wf.caseload[working]


def _professionals(m: MpgModel, attr: str) -> float:
    values = [getattr(p, attr) for p in m.professionals]
    return float(np.mean(values)) if values else 0.0


def _waiting_weeks(m: MpgModel) -> float:
    waits = [w for week, ws in m.recent_waits if week > m.week - WAIT_WINDOW_WEEKS for w in ws]
    return float(np.mean(waits)) if waits else 0.0


def _cost(m: MpgModel) -> float:
    fam = m.families
    n = int(fam.active.sum())
    return float(fam.cost_week[fam.active].sum() * 52 / n) if n else 0.0


def _mean(values: np.ndarray, mask: np.ndarray) -> float:
    return float(values[mask].mean()) if mask.any() else 0.0


def _methods_fit(m: MpgModel) -> float:
    return _share(m.families.fit >= METHODS_FIT, _active(m))


def _complexity_rank_of_procesregie(m: MpgModel) -> float:
    """Mean percentile rank (0-1) of procesregie cases' complexity among active cases."""
    fam = m.families
    active = np.flatnonzero(fam.active)
    if active.size == 0:
        return 0.0
    ranks = fam.complexity[active].argsort().argsort() / max(active.size - 1, 1)
    chosen = fam.status[active] == Status.PROCESREGIE
    return float(ranks[chosen].mean()) if chosen.any() else 0.0


_OUTCOMES = (
    Outcome(
        "stagnation_rate",
        "share of active cases",
        "Active cases stagnated (no progress for stagnation_weeks), any cause.",
        _stagnation(None),
        better="lower",
        kind="share",
    ),
    Outcome(
        "stagnation_collaboration",
        "share of active cases",
        "Stagnated because professionals do not come to collaboration.",
        _stagnation(Cause.COLLABORATION),
        better="lower",
        kind="share",
    ),
    Outcome(
        "stagnation_client",
        "share of active cases",
        "Stagnated because the client does not (or cannot) cooperate.",
        _stagnation(Cause.CLIENT),
        better="lower",
        kind="share",
    ),
    Outcome(
        "stagnation_offer",
        "share of active cases",
        "Stagnated for lack of a fitting offer or on a waitlist.",
        _stagnation(Cause.OFFER),
        better="lower",
        kind="share",
    ),
    Outcome(
        "stagnation_overruling",
        "share of active cases",
        "Stagnated because a specialist overruled the joint plan.",
        _stagnation(Cause.OVERRULING),
        better="lower",
        kind="share",
    ),
    Outcome(
        "incidents_per_family_year",
        "incidents per family-year",
        "Safety and nuisance incidents this week, annualised, over all families.",
        lambda m: float(m.families.incidents.sum() * 52 / m.families.n),
        better="lower",
        kind="rate",
    ),
    Outcome(
        "share_drang",
        "share of active cases",
        "Active cases under drang.",
        _frame(Frame.DRANG),
        better=None,
        kind="share",
    ),
    Outcome(
        "share_dwang",
        "share of active cases",
        "Active cases under dwang.",
        _frame(Frame.DWANG),
        better="lower",
        kind="share",
    ),
    Outcome(
        "caseload_mean",
        "families per professional",
        "Mean caseload of working social and safety professionals.",
        lambda m: float(_caseloads(m).mean()) if _caseloads(m).size else 0.0,
        "professional",
        better="lower",
        kind="level",
    ),
    Outcome(
        "caseload_max",
        "families per professional",
        "Largest caseload.",
        lambda m: float(_caseloads(m).max()) if _caseloads(m).size else 0.0,
        "professional",
        better="lower",
        kind="level",
    ),
    Outcome(
        "caseload_ratio_mean",
        "caseload / norm",
        "Mean caseload relative to its norm.",
        lambda m: _mean(m.workforce.caseload / m.workforce.norm, m.workforce.occupied),
        "professional",
        better="lower",
        kind="level",
    ),
    Outcome(
        "waitlist_length",
        "families",
        "Families waiting for specialist care.",
        lambda m: float(m.families.waiting().sum()),
        "organisation",
        better="lower",
        kind="count",
    ),
    Outcome(
        "waiting_weeks_mean",
        "weeks",
        "Mean wait of families admitted to specialist care in the last 13 weeks.",
        _waiting_weeks,
        "organisation",
        better="lower",
        kind="weeks",
    ),
    Outcome(
        "intake_waitlist_length",
        "families",
        "Signalled families waiting for intake.",
        lambda m: float((m.families.status == Status.SIGNALLED).sum()),
        "organisation",
        better="lower",
        kind="count",
    ),
    Outcome(
        "hv_prevalence",
        "share of professionals",
        "Professionals who are handelingsverlegen.",
        lambda m: _professionals(m, "hv"),
        "professional",
        better="lower",
        kind="share",
    ),
    Outcome(
        "stress_prevalence",
        "share of professionals",
        "Professionals above the stress threshold.",
        lambda m: _professionals(m, "stressed"),
        "professional",
        better="lower",
        kind="share",
    ),
    Outcome(
        "turnover_rate",
        "per year",
        "Leavers this week, annualised, per position.",
        lambda m: m.workforce.left_this_week * 52 / max(m.workforce.n, 1),
        "organisation",
        better="lower",
        kind="rate",
    ),
    Outcome(
        "trust_mean",
        "0-1",
        "Mean trust of families in active care.",
        lambda m: _mean(m.families.trust, _active(m)),
        better="higher",
        kind="score",
    ),
    Outcome(
        "motivation_mean",
        "0-1",
        "Mean motivation of families in active care.",
        lambda m: _mean(m.families.motivation, _active(m)),
        better="higher",
        kind="score",
    ),
    Outcome(
        "recovered_share",
        "share of families",
        "Families whose case was closed as recovered and have not returned.",
        lambda m: float(((m.families.status == Status.CLOSED) & m.families.recovered).mean()),
        better="higher",
        kind="share",
    ),
    Outcome(
        "returned_share",
        "share of closed-once families",
        "Families that came back after a closure, among all that were ever closed.",
        lambda m: _returned(m),
        better="lower",
        kind="share",
    ),
    Outcome(
        "cost_per_household_year",
        "EUR per household-year",
        "Cost across all partners per active household, annualised.",
        _cost,
        better="lower",
        kind="money",
    ),
    Outcome(
        "fit_score",
        "0-1",
        "Mean fit of the coat (four levels' types) to the needs of families in active care.",
        lambda m: _mean(m.families.fit, _active(m)),
        better="higher",
        kind="score",
    ),
    Outcome(
        "methods_fit_share",
        "share of active cases",
        "Cases where the approach fits the family well (fit >= 0.7).",
        _methods_fit,
        "professional",
        better="higher",
        kind="share",
    ),
    Outcome(
        "procesregie_share",
        "share of active cases",
        "Active cases under procesregie.",
        lambda m: _share(m.families.status == Status.PROCESREGIE, _active(m)),
        "organisation",
        better=None,
        kind="share",
    ),
    Outcome(
        "active_cases",
        "families",
        "Families in care or under procesregie.",
        lambda m: float(_active(m).sum()),
        better=None,
        kind="count",
    ),
    Outcome(
        "in_view_share",
        "share of families",
        "Families known to the system (signalled or active).",
        lambda m: float(np.isin(m.families.status, (1, 2, 3)).mean()),
        better=None,
        kind="share",
    ),
    Outcome(
        "professionals_per_family",
        "professionals",
        "Mean number of professionals and providers involved per active case.",
        lambda m: _mean(m.families.n_involved, _active(m)),
        better="lower",
        kind="level",
    ),
    Outcome(
        "child_risk_mean",
        "0-1",
        "Children's later risk (intergenerational transfer), mean over all families.",
        lambda m: float(m.families.child_risk.mean()),
        better="lower",
        kind="score",
    ),
    Outcome(
        "signals_raised",
        "signals",
        "Blind spots signalled by professionals so far.",
        lambda m: float(sum(o.signals_received for o in m.organisations)),
        "organisation",
        better=None,
        kind="cumulative",
    ),
    Outcome(
        "signals_to_government",
        "signals",
        "Signals that reached the political climate so far.",
        lambda m: float(m.climate.signals_received),
        "government",
        better=None,
        kind="cumulative",
    ),
    Outcome(
        "pooled_funding_share",
        "share",
        "Pooled share of the budget now.",
        lambda m: float(m.climate.pooled_funding),
        "government",
        better=None,
        kind="share",
    ),
    Outcome(
        "policy_load",
        "0-1",
        "Load of shifting priorities on organisations (mean).",
        lambda m: float(np.mean([o.adaptation_load for o in m.organisations])),
        "government",
        better="lower",
        kind="score",
    ),
    Outcome(
        "priority_shifts",
        "shifts",
        "Political priority shifts so far.",
        lambda m: float(m.climate.shifts),
        "government",
        better=None,
        kind="cumulative",
    ),
    Outcome(
        "pilots_active",
        "pilots",
        "Pilots (proeftuinen) running, summed over regions.",
        lambda m: float(sum(r.pilots for r in m.regions)),
        "government",
        better=None,
        kind="count",
    ),
    Outcome(
        "stagnation_rate_centre",
        "share of active cases",
        "Stagnation in the centrumgemeente.",
        _by_place(True, "stagnation"),
        better="lower",
        kind="share",
    ),
    Outcome(
        "stagnation_rate_regio",
        "share of active cases",
        "Stagnation in the regiogemeenten.",
        _by_place(False, "stagnation"),
        better="lower",
        kind="share",
    ),
    Outcome(
        "procesregie_share_centre",
        "share of active cases",
        "Procesregie in the centrumgemeente.",
        _by_place(True, "procesregie"),
        "organisation",
        better=None,
        kind="share",
    ),
    Outcome(
        "procesregie_share_regio",
        "share of active cases",
        "Procesregie in the regiogemeenten.",
        _by_place(False, "procesregie"),
        "organisation",
        better=None,
        kind="share",
    ),
    Outcome(
        "escalation_wait_centre",
        "weeks",
        "Mean weeks from escalation request to procesregie, centrumgemeente (so far).",
        _by_place(True, "wait"),
        "government",
        better="lower",
        kind="weeks",
    ),
    Outcome(
        "escalation_wait_regio",
        "weeks",
        "Mean weeks from escalation request to procesregie, regiogemeenten (so far).",
        _by_place(False, "wait"),
        "government",
        better="lower",
        kind="weeks",
    ),
    Outcome(
        "no_help_request_share",
        "share of active cases",
        "Active cases whose family did not ask for help itself.",
        lambda m: _share(~m.families.help_request, _active(m)),
        better=None,
        kind="share",
    ),
    Outcome(
        "procesregie_complexity_rank",
        "0-1",
        "Mean complexity percentile of procesregie cases among active cases (1 = most complex).",
        _complexity_rank_of_procesregie,
        "organisation",
        better=None,
        kind="score",
    ),
    Outcome(
        "protocol_adherence_mean",
        "0-1",
        "Mean protocol adherence of professionals this week.",
        lambda m: _professionals(m, "protocol"),
        "professional",
        better=None,
        kind="score",
    ),
)


def _returned(m: MpgModel) -> float:
    fam = m.families
    ever_closed = (fam.status == Status.CLOSED) | (fam.returns > 0)
    return _share(fam.returns > 0, ever_closed)


OUTCOMES: Mapping[str, Outcome] = MappingProxyType({o.name: o for o in _OUTCOMES})
OUTCOME_NAMES: tuple[str, ...] = tuple(OUTCOMES)

#: The outcomes MODEL.md §5 names, in reading order: what a summary shows first.
HEADLINE: tuple[str, ...] = (
    "stagnation_rate",
    "stagnation_collaboration",
    "stagnation_client",
    "stagnation_offer",
    "incidents_per_family_year",
    "share_drang",
    "share_dwang",
    "caseload_mean",
    "waitlist_length",
    "waiting_weeks_mean",
    "hv_prevalence",
    "stress_prevalence",
    "turnover_rate",
    "trust_mean",
    "recovered_share",
    "returned_share",
    "cost_per_household_year",
    "fit_score",
)
