"""What is measured, declared apart from the rules (like Agents.jl's ``mdata``).

Each :class:`Outcome` names a weekly model-level measure, its unit, what it means, which way
is better and the function that reads it from the model. Experiments may pass their own list
to :func:`sim.run.simulate` without touching the rules.

Denominators are honest: a share of "families in view" counts every family the system knows
of - queued at intake, in care or under procesregie - so families waiting at intake are not
left out of stagnation or cost. Rates and durations (returns, waits, time under dwang,
turnover, signals) are read over the last year of flows (:mod:`sim.flows`), never "so far", so
they do not grow with the length of a run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from sim.costs import PARTNERS
from sim.domains import Cause, Frame, Status
from sim.families import RETURN_HORIZON_WEEKS
from sim.model import MpgModel

METHODS_FIT = 0.7  # fit from which a professional would say its methods fit the family
WAIT_WINDOW_WEEKS = 13  # waiting times are the mean over the last quarter's admissions


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


def _week(m: MpgModel) -> dict:
    """What several outcomes of this week share, computed once a week on first read.

    Every outcome is read after each reported week: the frontline mask, its caseloads and the
    counts of families in view are the same for all of them until the model steps again.
    """
    cache = m.__dict__.get("_measure_week")
    if cache is None or cache[0] != m.steps:
        cache = (m.steps, {})
        m._measure_week = cache
    return cache[1]


def _shared(m: MpgModel, key: str, compute: Callable[[MpgModel], object]):
    week = _week(m)
    if key not in week:
        week[key] = compute(m)
    return week[key]


def _share(mask: np.ndarray, among: np.ndarray, n: int | None = None) -> float:
    # a count over a count: the same correctly rounded quotient as NumPy's division
    n = np.count_nonzero(among) if n is None else n
    return np.count_nonzero(mask & among) / n if n else 0.0


def _n_in_view(m: MpgModel) -> int:
    return _shared(m, "n_in_view", lambda m: np.count_nonzero(m.families.in_view))


def _n_active(m: MpgModel) -> int:
    return _shared(m, "n_active", lambda m: np.count_nonzero(m.families.active))


def _mean(values: np.ndarray, mask: np.ndarray) -> float:
    """``values[mask].mean()``, 0 when the mask is empty (every reported week reads a dozen)."""
    return _average(values[mask])


def _average(values: np.ndarray) -> float:
    """``float(values.mean())``, 0 when there are no values.

    Summed in float64 and divided by the count, as ``ndarray.mean`` does, without its wrapper.
    """
    return float(np.add.reduce(values, dtype=np.float64) / values.size) if values.size else 0.0


def _in_view(m: MpgModel) -> np.ndarray:
    return m.families.in_view


def _active(m: MpgModel) -> np.ndarray:
    return m.families.active


def _stagnated_by_cause(m: MpgModel) -> np.ndarray:
    """Stagnated families in view per cause (index :class:`Cause`), counted once a week."""
    fam = m.families
    return np.bincount(fam.cause[fam.stagnated & fam.in_view], minlength=len(Cause))


def _stagnation(cause: Cause | None):
    def read(m: MpgModel) -> float:
        n = _n_in_view(m)
        if not n:
            return 0.0
        counts = _shared(m, "stagnated_by_cause", _stagnated_by_cause)
        hit = counts.sum() if cause is None else counts[cause]
        return float(hit / n)

    return read


def _place(centre: bool, what: str):
    def read(m: MpgModel) -> float:
        fam = m.families
        if what in ("stagnation", "procesregie"):
            here = _shared(
                m,
                f"in_view_centre_{centre}",
                lambda m: m.families.in_view & (m.families.in_centre == centre),
            )
            n = _shared(m, f"n_in_view_centre_{centre}", lambda m: np.count_nonzero(here))
            hit = fam.stagnated if what == "stagnation" else fam.status == Status.PROCESREGIE
            return _share(hit, here, n)
        return _average(m.flows.values(f"escalation_waits_{'centre' if centre else 'regio'}"))

    return read


def _frames_in_view(m: MpgModel) -> np.ndarray:
    """Families in view per frame (index :class:`Frame`), counted once a week."""
    return np.bincount(m.families.frame[_in_view(m)], minlength=len(Frame))


def _frame(frame: Frame):
    def read(m: MpgModel) -> float:
        n = _n_in_view(m)
        return float(_shared(m, "frames", _frames_in_view)[frame] / n) if n else 0.0

    return read


def _frontline(m: MpgModel) -> np.ndarray:
    """Occupied social and safety positions: the professionals who work with families."""
    return _shared(m, "frontline", lambda m: m.workforce.occupied & m.workforce.frontline)


def _caseloads(m: MpgModel) -> np.ndarray:
    return _shared(m, "caseloads", lambda m: m.workforce.caseload[_frontline(m)])


def _waits(name: str):
    def read(m: MpgModel) -> float:
        return _average(m.flows.values(name, WAIT_WINDOW_WEEKS))

    return read


def _intake_weeks(m: MpgModel) -> float:
    """Mean wait of the last quarter's intakes; while nobody is taken in, the queue's wait."""
    waits = m.flows.values("intake_waits", WAIT_WINDOW_WEEKS)
    if waits.size:
        return _average(waits)
    fam = m.families
    return _average(m.week - fam.queued_week[fam.queued])


def _specialist_load(m: MpgModel) -> float:
    """Referrals to specialist care over the places that free up in the same weeks.

    A place frees up at the latest after ``treatment_weeks`` (sooner when the case closes), so
    above 1 more is asked than the places can take at their nominal term and the waitlist
    grows; the ratio says how close the care runs to that edge (queueing's offered load).
    """
    places = sum(s.places_now() for s in m.specialists)
    freed = places * m.flows.weeks_seen(WAIT_WINDOW_WEEKS) / m.params.treatment_weeks
    return m.flows.total("specialist_referrals", WAIT_WINDOW_WEEKS) / freed if freed else 0.0


def _cost(partner: str | None, per: str = "household"):
    def read(m: MpgModel) -> float:
        n = _n_in_view(m) if per == "household" else _n_active(m)
        week = m.costs.total() if partner is None else m.costs.week[partner]
        return week * 52 / n if n else 0.0

    return read


def _returns_within_two_years(m: MpgModel) -> float:
    """Chance that a closed family is signalled again within two years of its closure.

    From last year's hazard of return among families closed less than two years ago (returns
    per closed family-week), as a constant hazard over the two years.
    """
    exposure = m.flows.total("recently_closed_family_weeks")
    if exposure <= 0:
        return 0.0
    hazard = m.flows.total("returns_within_horizon") / exposure
    return float(1 - np.exp(-RETURN_HORIZON_WEEKS * hazard))


def _dwang_years(m: MpgModel) -> float:
    """Mean time under dwang (Little's law: family-years under dwang per exit from dwang)."""
    ended = m.flows.total("dwang_ended")
    return m.flows.total("dwang_family_weeks") / 52 / ended if ended else 0.0


def _drang_share_of_framed(m: MpgModel) -> float:
    counts = _shared(m, "frames", _frames_in_view)
    framed = int(counts[Frame.DRANG] + counts[Frame.DWANG])
    return float(counts[Frame.DRANG] / framed) if framed else 0.0


def _closure_weeks(m: MpgModel) -> float:
    return _average(m.flows.values("weeks_to_closure"))


def _turnover(m: MpgModel) -> float:
    return m.flows.per_year("leavers") / max(m.workforce.n, 1)


def _methods_fit(m: MpgModel) -> float:
    return _share(m.families.fit >= METHODS_FIT, _active(m), _n_active(m))


def _complexity_rank_of_procesregie(m: MpgModel) -> float:
    """Mean percentile rank (0-1) of procesregie cases' complexity among active cases.

    Ties share their average rank (as ``scipy.stats.rankdata``): a value's average rank is
    its first place in sorted order plus half the places its ties take after it. Only the
    procesregie cases' ranks are needed, so they are looked up in the sorted values.
    """
    fam = m.families
    active = fam.active
    n_active = _n_active(m)
    if n_active < 2:
        return 0.0
    mine = fam.complexity[fam.status == Status.PROCESREGIE]  # procesregie cases are active
    if mine.size == 0:
        return 0.0
    ordered = np.sort(fam.complexity[active])
    first = ordered.searchsorted(mine, side="left")
    ties = ordered.searchsorted(mine, side="right") - first
    average = (first + 1) + (ties - 1) / 2
    return _average((average - 1) / (n_active - 1))


def _o(name, unit, doc, read, level="family", better=None, kind="share") -> Outcome:
    return Outcome(name, unit, doc, read, level, better, kind)


IN_VIEW = "share of families in view"
ACTIVE = "share of active cases"
FRONTLINE = "share of frontline professionals"
PER_HOUSEHOLD = "EUR per household-year"

_OUTCOMES = (
    _o(
        "stagnation_rate",
        IN_VIEW,
        "Families in view (queued, in care, procesregie) without progress for stagnation_weeks, "
        "any cause.",
        _stagnation(None),
        better=LOWER,
    ),
    _o(
        "stagnation_collaboration",
        IN_VIEW,
        "Stagnated because professionals do not come to collaboration.",
        _stagnation(Cause.COLLABORATION),
        better=LOWER,
    ),
    _o(
        "stagnation_client",
        IN_VIEW,
        "Stagnated because the client does not (or cannot) cooperate.",
        _stagnation(Cause.CLIENT),
        better=LOWER,
    ),
    _o(
        "stagnation_offer",
        IN_VIEW,
        "Stagnated for lack of a fitting offer: waiting at intake or for specialist care, or too "
        "little help.",
        _stagnation(Cause.OFFER),
        better=LOWER,
    ),
    _o(
        "stagnation_overruling",
        IN_VIEW,
        "Stagnated because a specialist overruled the joint plan.",
        _stagnation(Cause.OVERRULING),
        better=LOWER,
    ),
    _o(
        "stagnation_in_care",
        ACTIVE,
        "Active cases (in care or procesregie) stagnated, any cause.",
        lambda m: _share(m.families.stagnated, _active(m), _n_active(m)),
        better=LOWER,
    ),
    _o(
        "incidents_per_family_year",
        "incidents per family-year",
        "Safety and nuisance incidents this week, annualised, over all families.",
        lambda m: float(m.families.incidents.sum() * 52 / m.families.n),
        better=LOWER,
        kind="rate",
    ),
    _o(
        "share_drang",
        IN_VIEW,
        "Families in view under drang (a conditional framework).",
        _frame(Frame.DRANG),
    ),
    _o(
        "share_dwang",
        IN_VIEW,
        "Families in view under dwang (coercion).",
        _frame(Frame.DWANG),
        better=LOWER,
    ),
    _o(
        "drang_share_of_framed",
        "share of families under drang or dwang",
        "Drang among families under a frame (drang or dwang).",
        _drang_share_of_framed,
    ),
    _o(
        "dwang_years",
        "years",
        "Mean time under dwang over the last year (Little's law: family-years under dwang per "
        "ended order, by a step down, a closure or a household moving away).",
        _dwang_years,
        kind="level",
    ),
    _o(
        "caseload_mean",
        "families per professional",
        "Mean caseload of working social and safety professionals.",
        lambda m: _average(_caseloads(m)),
        "professional",
        LOWER,
        "level",
    ),
    _o(
        "caseload_max",
        "families per professional",
        "Largest caseload.",
        lambda m: float(_caseloads(m).max()) if _caseloads(m).size else 0.0,
        "professional",
        LOWER,
        "level",
    ),
    _o(
        "caseload_ratio_mean",
        "caseload / norm",
        "Mean caseload of working professionals relative to its norm.",
        lambda m: _mean(m.workforce.caseload / m.workforce.norm, m.workforce.occupied),
        "professional",
        LOWER,
        "level",
    ),
    _o(
        "help_hours_per_family",
        "hours per week",
        "Professional hours a week per family in view (families queued at intake get none).",
        lambda m: _mean(m.families.hours, _in_view(m)),
        better=HIGHER,
        kind="level",
    ),
    _o(
        "waitlist_length",
        "families",
        "Families waiting for specialist care.",
        lambda m: float(np.count_nonzero(m.families.waiting())),
        "organisation",
        LOWER,
        "count",
    ),
    _o(
        "waiting_weeks_mean",
        "weeks",
        "Mean wait of families admitted to specialist care in the last 13 weeks.",
        _waits("specialist_waits"),
        "organisation",
        LOWER,
        "weeks",
    ),
    _o(
        "specialist_load",
        "referrals per freed place",
        "Referrals to specialist care in the last 13 weeks over the places freed in that time "
        "at their nominal term (places / treatment_weeks a week): the offered load; above 1 the "
        "waitlist grows.",
        _specialist_load,
        "organisation",
        LOWER,
        "level",
    ),
    _o(
        "intake_waitlist_length",
        "families",
        "Signalled families waiting for intake.",
        lambda m: float(np.count_nonzero(m.families.queued)),
        "organisation",
        LOWER,
        "count",
    ),
    _o(
        "intake_waiting_weeks",
        "weeks",
        "Mean wait at intake of families taken into care in the last 13 weeks.",
        _intake_weeks,
        "organisation",
        LOWER,
        "weeks",
    ),
    _o(
        "hv_prevalence",
        FRONTLINE,
        "Social and safety professionals experiencing handelingsverlegenheid (expected share).",
        lambda m: _mean(m.workforce.hv, _frontline(m)),
        "professional",
        LOWER,
    ),
    _o(
        "stress_prevalence",
        FRONTLINE,
        "Social and safety professionals above the stress threshold.",
        lambda m: _mean(m.workforce.stressed, _frontline(m)),
        "professional",
        LOWER,
    ),
    _o(
        "turnover_rate",
        "per position-year",
        "Leavers over the last year per position.",
        _turnover,
        "organisation",
        LOWER,
        "rate",
    ),
    _o(
        "trust_mean",
        "0-1",
        "Mean trust of families in active care.",
        lambda m: _mean(m.families.trust, _active(m)),
        better=HIGHER,
        kind="score",
    ),
    _o(
        "motivation_mean",
        "0-1",
        "Mean motivation of families in active care.",
        lambda m: _mean(m.families.motivation, _active(m)),
        better=HIGHER,
        kind="score",
    ),
    _o(
        "recovered_share",
        "share of families",
        "Families whose case was closed as recovered and have not returned.",
        lambda m: np.count_nonzero(m.families.settled()) / m.families.n,
        better=HIGHER,
    ),
    _o(
        "returns_within_two_years",
        "share of closed families",
        "Chance that a closed family is signalled again within two years (from last year's "
        "return rate).",
        _returns_within_two_years,
        better=LOWER,
    ),
    _o(
        "signal_to_closure_weeks",
        "weeks",
        "Mean weeks from signal to closure of cases closed in the last year.",
        _closure_weeks,
        kind="weeks",
    ),
    _o(
        "cost_per_household_year",
        PER_HOUSEHOLD,
        "Cost across all partners per household in view, annualised (sum of the cost_ columns).",
        _cost(None),
        better=LOWER,
        kind="money",
    ),
    *(
        _o(
            f"cost_{partner}",
            PER_HOUSEHOLD,
            f"Cost of the {partner} partner(s) per household in view, annualised.",
            _cost(partner),
            better=LOWER,
            kind="money",
        )
        for partner in PARTNERS
    ),
    _o(
        "cost_per_active_case_year",
        "EUR per active case-year",
        "Cost across all partners per active case, annualised.",
        _cost(None, per="active"),
        better=LOWER,
        kind="money",
    ),
    _o(
        "fit_score",
        "0-1",
        "Mean fit of the coat (four levels' types) to the needs of families in active care.",
        lambda m: _mean(m.families.fit, _active(m)),
        better=HIGHER,
        kind="score",
    ),
    _o(
        "methods_fit_share",
        ACTIVE,
        "Cases where the approach fits the family well (fit >= 0.7).",
        _methods_fit,
        "professional",
        HIGHER,
    ),
    _o(
        "procesregie_share",
        IN_VIEW,
        "Families in view under procesregie.",
        lambda m: _share(m.families.status == Status.PROCESREGIE, _in_view(m), _n_in_view(m)),
        "organisation",
    ),
    _o(
        "active_cases",
        "families",
        "Families in care or under procesregie.",
        lambda m: float(_n_active(m)),
        kind="count",
    ),
    _o(
        "in_view_share",
        "share of families",
        "Families known to the system (queued at intake, in care or procesregie).",
        lambda m: _n_in_view(m) / m.families.n,  # the mean of the mask: a count over n
    ),
    _o(
        "professionals_per_family",
        "professionals",
        "Mean number of professionals and providers involved per active case.",
        lambda m: _mean(m.families.n_involved, _active(m)),
        better=LOWER,
        kind="level",
    ),
    _o(
        "child_risk_mean",
        "0-1",
        "Children's later risk (intergenerational transfer), mean over all families.",
        lambda m: _average(m.families.child_risk),
        better=LOWER,
        kind="score",
    ),
    _o(
        "signals_raised",
        "signals per year",
        "Blind spots signalled by professionals to their organisation, over the last year.",
        lambda m: m.flows.per_year("signals_raised"),
        "organisation",
        kind="rate",
    ),
    _o(
        "signals_to_government",
        "signals per year",
        "Signals that reached the political climate, over the last year.",
        lambda m: m.flows.per_year("signals_to_government"),
        "government",
        kind="rate",
    ),
    _o(
        "pooled_funding_share",
        "share",
        "Pooled share of the budget now.",
        lambda m: float(m.climate.pooled_funding),
        "government",
    ),
    _o(
        "policy_load",
        "0-1",
        "Load of shifting priorities on organisations (mean).",
        lambda m: _average(m.org_table.adaptation_load),
        "government",
        LOWER,
        "score",
    ),
    _o(
        "priority_shifts",
        "shifts per year",
        "Political priority shifts over the last year.",
        lambda m: m.flows.per_year("priority_shifts"),
        "government",
        kind="rate",
    ),
    _o(
        "pilots_active",
        "pilots",
        "Pilots (proeftuinen) running, summed over regions.",
        lambda m: float(sum(r.pilots for r in m.region_list)),
        "government",
        kind="count",
    ),
    _o(
        "clash_professional_organisation",
        "0-1",
        "Mean clash between professionals' and their organisations' types.",
        lambda m: _mean(m.workforce.clash, m.workforce.occupied),
        "professional",
        kind="score",
    ),
    _o(
        "clash_region_climate",
        "0-1",
        "Mean clash between the regions' and the political climate's pace of change.",
        lambda m: _average(np.array([r.clash for r in m.region_list])),
        "government",
        kind="score",
    ),
    _o(
        "stagnation_rate_centre",
        IN_VIEW,
        "Stagnation in the centrumgemeente.",
        _place(True, "stagnation"),
        better=LOWER,
    ),
    _o(
        "stagnation_rate_regio",
        IN_VIEW,
        "Stagnation in the regiogemeenten.",
        _place(False, "stagnation"),
        better=LOWER,
    ),
    _o(
        "procesregie_share_centre",
        IN_VIEW,
        "Procesregie in the centrumgemeente.",
        _place(True, "procesregie"),
        "organisation",
    ),
    _o(
        "procesregie_share_regio",
        IN_VIEW,
        "Procesregie in the regiogemeenten.",
        _place(False, "procesregie"),
        "organisation",
    ),
    _o(
        "escalation_wait_centre",
        "weeks",
        "Mean weeks from escalation request to procesregie, centrumgemeente (last year).",
        _place(True, "wait"),
        "government",
        LOWER,
        "weeks",
    ),
    _o(
        "escalation_wait_regio",
        "weeks",
        "Mean weeks from escalation request to procesregie, regiogemeenten (last year).",
        _place(False, "wait"),
        "government",
        LOWER,
        "weeks",
    ),
    _o(
        "no_help_request_share",
        ACTIVE,
        "Active cases whose family did not ask for help itself.",
        lambda m: _share(~m.families.help_request, _active(m), _n_active(m)),
    ),
    _o(
        "procesregie_complexity_rank",
        "0-1",
        "Mean complexity percentile of procesregie cases among active cases (1 = most complex).",
        _complexity_rank_of_procesregie,
        "organisation",
        kind="score",
    ),
    _o(
        "protocol_adherence_mean",
        "0-1",
        "Mean protocol adherence of frontline professionals this week.",
        lambda m: _mean(m.workforce.protocol, _frontline(m)),
        "professional",
        kind="score",
    ),
)

OUTCOMES: Mapping[str, Outcome] = MappingProxyType({o.name: o for o in _OUTCOMES})
OUTCOME_NAMES: tuple[str, ...] = tuple(OUTCOMES)
COST_COLUMNS: tuple[str, ...] = tuple(f"cost_{partner}" for partner in PARTNERS)

#: The headline outcomes, in reading order: what a summary shows first.
HEADLINE: tuple[str, ...] = (
    "stagnation_rate",
    "stagnation_collaboration",
    "stagnation_client",
    "stagnation_offer",
    "incidents_per_family_year",
    "share_drang",
    "share_dwang",
    "caseload_mean",
    "intake_waiting_weeks",
    "waitlist_length",
    "waiting_weeks_mean",
    "help_hours_per_family",
    "hv_prevalence",
    "stress_prevalence",
    "turnover_rate",
    "trust_mean",
    "recovered_share",
    "returns_within_two_years",
    "cost_per_household_year",
    "fit_score",
)
