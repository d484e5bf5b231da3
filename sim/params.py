"""Every model parameter, declared once.

Each :class:`~sim.parameter.Parameter` carries its name, default, unit, bounds, description and
source. This one table - the scenario parameters declared here and the mechanism coefficients
of :mod:`sim.coefficients` - feeds the model (:func:`validate` gives the model its
:class:`Params`), the config loader (scenario overrides are checked against it), the SALib
problem (parameters marked ``sensitivity``), the store and the dashboard (slider ranges and
help texts).

Sources are cited by key from docs/sources.md ("CCV2019 §3.2" is the report's section 3.2).
``free`` marks parameters with no public figure: some are set by calibration (docs/TRACE.md);
all are the ones to question first.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from sim.calibration import CALIBRATED, CALIBRATION
from sim.coefficients import COEFFICIENTS, SWITCHES
from sim.errors import ConfigError
from sim.parameter import Parameter, number

TYPES = ("vasthoudend", "balancerend", "innoverend")


_p = number


def _type(level: str, doc: str) -> Parameter:
    return Parameter(
        f"{level}_type",
        "balancerend",
        "type",
        doc,
        "CCV2019 §6.4-6.5 (typology)",
        kind="choice",
        choices=TYPES,
        group="typology",
    )


_DECLARATIONS: tuple[Parameter, ...] = (
    # --- typology: the four quadrants of the coat ("de jas") -----------------------------
    _type("professional", "Dominant type of the professionals."),
    _type("organisation", "Dominant type of the organisations."),
    _type("region", "Type of the region (its municipalities and the Zorg- en Veiligheidshuis)."),
    _type("political_climate", "Type of the political climate (national and local government)."),
    _p(
        "type_share",
        0.8,
        "share",
        1 / 3,
        1.0,
        "Share of professionals and organisations that follow the scenario's type; the rest are "
        "split evenly over the two other types.",
        "free",
        group="typology",
        free=True,
    ),
    # --- run -------------------------------------------------------------------------------
    _p(
        "burn_in_weeks",
        364,
        "weeks",
        0,
        1040,
        "Weeks the model runs before the first reported week, so reported figures come from a "
        "model in steady state (docs/TRACE.md shows the equilibrium check).",
        "free (Lee2015: warm-up before measuring)",
        group="run",
    ),
    Parameter(
        "knockout",
        "none",
        "mechanism",
        "Switch mechanisms off (their coefficients set to zero), to show what they produce; join "
        "several with + (continuity+fallback).",
        "Grimm2005 (pattern-oriented modelling: knock-outs)",
        kind="choice",
        choices=("none", *SWITCHES),
        several=True,
        group="run",
    ),
    # --- structure -------------------------------------------------------------------------
    _p(
        "n_regions",
        1,
        "regions",
        1,
        25,
        "Number of regions, each with one Zorg- en Veiligheidshuis.",
        "ZVH2021: a Zorg- en Veiligheidshuis in each of 25 safety regions",
        group="region",
    ),
    _p(
        "families_per_region",
        1100,
        "families",
        20,
        5000,
        "Multi-problem families in view per region.",
        "NJi2017: ~27,000 families in NL / 25 regions",
        group="region",
    ),
    _p(
        "municipalities_per_region",
        14,
        "municipalities",
        1,
        40,
        "Municipalities per region; the first is the centrumgemeente.",
        "~340 municipalities (CBS) / 25 regions (ZVH2021)",
        group="region",
    ),
    _p(
        "centre_family_share",
        0.35,
        "share",
        0.05,
        0.95,
        "Share of a region's families living in the centrumgemeente.",
        "free",
        group="region",
        free=True,
    ),
    # --- families (the mix; training cases override these) -------------------------------
    _p(
        "severity_finances",
        0.55,
        "0-1",
        0.0,
        1.0,
        "Mean initial severity: finances and debts.",
        "free (CCV2019 §2.1 names debts as the most common domain)",
        group="family",
        free=True,
    ),
    _p(
        "severity_housing",
        0.40,
        "0-1",
        0.0,
        1.0,
        "Mean initial severity: housing.",
        "free",
        group="family",
        free=True,
    ),
    _p(
        "severity_mental_health",
        0.40,
        "0-1",
        0.0,
        1.0,
        "Mean initial severity: mental health.",
        "free",
        group="family",
        free=True,
    ),
    _p(
        "severity_addiction",
        0.30,
        "0-1",
        0.0,
        1.0,
        "Mean initial severity: addiction.",
        "free",
        group="family",
        free=True,
    ),
    _p(
        "severity_lvb",
        0.25,
        "0-1",
        0.0,
        1.0,
        "Mean initial severity: intellectual disability (licht verstandelijke beperking).",
        "free",
        group="family",
        free=True,
    ),
    _p(
        "severity_parenting",
        0.45,
        "0-1",
        0.0,
        1.0,
        "Mean initial severity: parenting and child safety.",
        "free",
        group="family",
        free=True,
    ),
    _p(
        "severity_domestic_violence",
        0.30,
        "0-1",
        0.0,
        1.0,
        "Mean initial severity: domestic violence.",
        "free",
        group="family",
        free=True,
    ),
    _p(
        "severity_crime",
        0.30,
        "0-1",
        0.0,
        1.0,
        "Mean initial severity: crime.",
        "free",
        group="family",
        free=True,
    ),
    _p(
        "severity_school_work",
        0.45,
        "0-1",
        0.0,
        1.0,
        "Mean initial severity: school and work.",
        "free",
        group="family",
        free=True,
    ),
    _p(
        "severity_nuisance",
        0.35,
        "0-1",
        0.0,
        1.0,
        "Mean initial severity: nuisance.",
        "free",
        group="family",
        free=True,
    ),
    _p(
        "severity_spread",
        0.15,
        "0-1",
        0.0,
        0.5,
        "Spread (sd) of severities around the means, between families and members.",
        "free",
        group="family",
        free=True,
    ),
    _p(
        "trust_initial",
        0.35,
        "0-1",
        0.0,
        1.0,
        "Mean initial trust in the system.",
        "free (CCV2019 §2.2: low trust)",
        group="family",
        free=True,
    ),
    _p(
        "motivation_initial",
        0.35,
        "0-1",
        0.0,
        1.0,
        "Mean initial intrinsic motivation.",
        "free",
        group="family",
        free=True,
    ),
    _p(
        "own_norm_initial",
        0.40,
        "0-1",
        0.0,
        1.0,
        "Mean distance between the family's own (streetwise) norm and the societal norm.",
        "free (CCV2019 §2.1)",
        group="family",
        free=True,
    ),
    _p(
        "intergenerational_initial",
        0.45,
        "0-1",
        0.0,
        1.0,
        "Mean intergenerational background risk (problems carried over from parents).",
        "free (CCV2019 §2.1)",
        group="family",
        free=True,
    ),
    _p(
        "help_request_share",
        0.25,
        "share",
        0.0,
        1.0,
        "Share of families with a help request of their own at entry.",
        "CCV2019 §2 poll: 3 in 4 do not seek help",
        group="family",
        sensitivity=True,
    ),
    _p(
        "partner_share",
        0.45,
        "share",
        0.0,
        1.0,
        "Share of families with two parents.",
        "free",
        group="family",
        free=True,
    ),
    _p(
        "in_view_at_start",
        0.6,
        "share",
        0.0,
        1.0,
        "Share of families already signalled or in care at the start.",
        "free",
        group="family",
        free=True,
    ),
    _p(
        "family_turnover_per_year",
        0.2,
        "per year",
        0.0,
        0.5,
        "Share of households that leave the population each year (children grow up, families "
        "move), replaced by new households from the same mix.",
        "free (NJi2017: the number of families is stable from year to year; a family is a "
        "'multi-problem family' for about five years as children grow up and households change)",
        group="family",
        free=True,
    ),
    _p(
        "recovered_exit_per_year",
        0.5,
        "per year",
        0.0,
        2.0,
        "Extra rate at which a family closed as recovered leaves the population of multi-problem "
        "families (its problems no longer multiple and complex).",
        "free",
        group="family",
        free=True,
    ),
    _p(
        "family_load_spread",
        0.4,
        "factor",
        0.0,
        0.9,
        "How far families differ in overall load: each family's severities are the mix's means "
        "times a factor within 1 +- this spread.",
        "free",
        group="family",
        free=True,
    ),
    # --- family dynamics -------------------------------------------------------------------
    _p(
        "problem_drift",
        0.003,
        "per week",
        0.0,
        0.05,
        "Weekly worsening of problems (logistic in severity); help works against it.",
        "free",
        group="family",
        sensitivity=True,
        free=True,
    ),
    _p(
        "life_events_per_year",
        1.5,
        "per year",
        0.0,
        6.0,
        "Rate of life events (eviction notice, arrest, job loss) that raise one severity.",
        "free",
        group="family",
        free=True,
    ),
    _p(
        "life_event_severity",
        0.2,
        "0-1",
        0.0,
        0.6,
        "Mean rise in severity of one domain of one member from a life event.",
        "free",
        group="family",
        free=True,
    ),
    _p(
        "recovery_rate",
        0.05,
        "per week",
        0.0,
        0.2,
        "Weekly improvement of a treated domain at full, fitting, cooperative help.",
        "free",
        group="family",
        sensitivity=True,
        free=True,
    ),
    _p(
        "basic_needs_threshold",
        0.5,
        "0-1",
        0.1,
        0.9,
        "Finance/housing severity above which basic needs are not in order.",
        "free (VJI-RA: basis op orde)",
        group="family",
        free=True,
    ),
    _p(
        "basic_needs_penalty",
        0.35,
        "factor",
        0.0,
        1.0,
        "Share of the improvement on other domains that lasts while basic needs are not in order.",
        "free (VJI-RA)",
        group="family",
        sensitivity=True,
        free=True,
    ),
    _p(
        "incidents_per_year",
        2.0,
        "per family-year",
        0.0,
        12.0,
        "Safety and nuisance incidents per year of a family at full imbalance.",
        "free",
        group="family",
        sensitivity=True,
        free=True,
    ),
    _p(
        "closure_burden",
        0.22,
        "0-1",
        0.05,
        0.6,
        "Mean severity below which a case may be closed as recovered.",
        "free",
        group="family",
        free=True,
    ),
    # --- professionals ---------------------------------------------------------------------
    _p(
        "caseload_norm",
        9,
        "families per FTE",
        3,
        30,
        "Caseload norm of social-domain professionals.",
        "SigPub2022: 8-9 workable; Convenant2007: 15 children per FTE; FNV2022: ~18 in practice",
        group="professional",
        sensitivity=True,
    ),
    _p(
        "workable_caseload",
        8.5,
        "families per FTE",
        4.0,
        20.0,
        "Families a social-domain professional can carry without strain (stress and hesitance "
        "grow with the caseload above it, whatever the formal norm).",
        "SigPub2022: 8-9 families per FTE workable",
        group="professional",
    ),
    _p(
        "safety_caseload_norm",
        20,
        "families per FTE",
        5,
        60,
        "Caseload norm of safety-domain professionals (wijkagent, probation).",
        "free",
        group="professional",
        free=True,
    ),
    _p(
        "regisseur_caseload",
        7,
        "families per FTE",
        3,
        20,
        "Families per process coordinator (procesregisseur / gezinsmanager).",
        "Maastricht2021: 2 regisseurs for 14 families",
        group="professional",
    ),
    _p(
        "client_hours_per_week",
        18.0,
        "hours per week",
        4.0,
        36.0,
        "Direct client hours per FTE per week.",
        "Leiden2021: GI cap of 2 h/family/week incl. travel, x 9 families",
        group="professional",
    ),
    _p(
        "hours_needed_social",
        2.0,
        "hours per week",
        0.5,
        6.0,
        "Hours a week a family needs from its social professional for full attention.",
        "Leiden2021: GIs cap time at 2 hours a week per family",
        group="professional",
    ),
    _p(
        "hours_needed_safety",
        1.0,
        "hours per week",
        0.25,
        4.0,
        "Hours a week a family needs from its safety professional for full attention.",
        "free",
        group="professional",
        free=True,
    ),
    _p(
        "intake_margin",
        1.2,
        "factor",
        1.0,
        2.0,
        "A team takes in families up to this multiple of the caseload norm.",
        "free",
        group="professional",
        free=True,
    ),
    _p(
        "handover_margin",
        1.5,
        "factor",
        1.0,
        3.0,
        "Colleagues take over a leaver's families up to this multiple of the norm.",
        "free",
        group="professional",
        free=True,
    ),
    _p(
        "signal_cooldown_weeks",
        26,
        "weeks",
        1,
        104,
        "Weeks before a professional puts a blind spot on the agenda again.",
        "free",
        group="professional",
        free=True,
    ),
    _p(
        "fallback_weeks",
        26,
        "weeks",
        4,
        104,
        "Weeks in which a new professional leans on protocol (less and less).",
        "free (CCV2019 §4.1)",
        group="professional",
        free=True,
    ),
    _p(
        "social_fte_per_100_families",
        7.0,
        "FTE per 100 families",
        0.5,
        20.0,
        "Social-domain professionals (wijkteam, youth care) per 100 families.",
        "free",
        group="professional",
        sensitivity=True,
        free=True,
    ),
    _p(
        "safety_fte_per_100_families",
        1.5,
        "FTE per 100 families",
        0.1,
        10.0,
        "Safety-domain professionals (police, probation) per 100 families.",
        "free",
        group="professional",
        free=True,
    ),
    _p(
        "turnover_per_year",
        0.15,
        "per year",
        0.0,
        0.6,
        "Base staff turnover at average stress.",
        "Leiden2021: 18-19%/yr child protection; AEF2020: 13%/yr social domain",
        group="professional",
        sensitivity=True,
    ),
    _p(
        "vacancy_weeks",
        8,
        "weeks",
        0,
        52,
        "Weeks a position stays empty after someone leaves.",
        "free",
        group="professional",
        sensitivity=True,
        free=True,
    ),
    _p(
        "stress_threshold",
        0.5,
        "0-1",
        0.1,
        0.9,
        "Stress level counted as 'experiences stress'.",
        "free",
        group="professional",
        free=True,
    ),
    _p(
        "hv_threshold",
        0.45,
        "0-1",
        0.1,
        0.9,
        "Score above which a professional is handelingsverlegen.",
        "free",
        group="professional",
        free=True,
    ),
    _p(
        "providers_per_problem",
        0.5,
        "providers per domain",
        0.0,
        2.0,
        "Extra providers a serious problem domain brings under labelled funding.",
        "free",
        group="organisation",
        sensitivity=True,
        free=True,
    ),
    # --- organisations ---------------------------------------------------------------------
    _p(
        "specialist_capacity_per_100_families",
        15.0,
        "places per 100 families",
        0.5,
        40.0,
        "Specialist care places (youth care, GGZ, addiction) per 100 families.",
        "free (calibrated to 13-14 weeks waiting, Rijnmond2023)",
        group="organisation",
        sensitivity=True,
        free=True,
    ),
    _p(
        "specialist_threshold",
        0.6,
        "0-1",
        0.1,
        0.9,
        "Severity of mental health, addiction or LVB that calls for specialist care.",
        "free",
        group="organisation",
        free=True,
    ),
    _p(
        "treatment_weeks",
        26,
        "weeks",
        4,
        104,
        "Length of a specialist treatment.",
        "free",
        group="organisation",
        free=True,
    ),
    _p(
        "treatment_pause_weeks",
        26,
        "weeks",
        0,
        104,
        "Weeks after a treatment before a family is referred to specialist care again.",
        "free",
        group="organisation",
        free=True,
    ),
    _p(
        "overruling_per_year",
        1.0,
        "per year",
        0.0,
        6.0,
        "Rate at which a specialist overrules a joint plan on dossier knowledge alone "
        "(scaled by the organisation's institutional goal).",
        "free (CCV2019 §4.3)",
        group="organisation",
        free=True,
    ),
    # --- region ----------------------------------------------------------------------------
    _p(
        "procesregie_capacity_share",
        0.05,
        "share of families",
        0.0,
        0.3,
        "Process-coordination capacity as a share of the region's families.",
        "CCV2019 §1.2.3: ~5% most complex cases",
        group="region",
        sensitivity=True,
    ),
    _p(
        "screening_strictness",
        0.6,
        "0-1",
        0.0,
        1.0,
        "Complexity percentile a regiogemeente case must reach to pass the centre's screening.",
        "free (CCV2019 §4.3)",
        group="region",
        free=True,
    ),
    _p(
        "procesregie_min_weeks",
        26,
        "weeks",
        4,
        104,
        "Weeks a case stays under procesregie at least before it is handed back.",
        "free",
        group="region",
        free=True,
    ),
    _p(
        "pilot_weeks",
        52,
        "weeks",
        8,
        156,
        "How long a pilot (proeftuin) runs.",
        "free (CCV2019 §6.5: pilots that start and fade)",
        group="region",
        free=True,
    ),
    _p(
        "pilot_phase_out_weeks",
        13,
        "weeks",
        0,
        52,
        "Weeks over which an ended pilot's effect fades out (0: it stops at once).",
        "free (CCV2019 §6.5: outputs not carried forward)",
        group="region",
        free=True,
    ),
    _p(
        "progress_step",
        0.01,
        "0-1",
        0.002,
        0.05,
        "Drop in mean severity below the best so far that counts as progress.",
        "free",
        group="region",
        free=True,
    ),
    _p(
        "closure_weeks",
        8,
        "weeks",
        1,
        26,
        "Weeks below the closure burden before a case is closed as recovered.",
        "free",
        group="region",
        free=True,
    ),
    _p(
        "stagnation_weeks",
        12,
        "weeks",
        4,
        52,
        "Weeks without progress after which an active case counts as stagnated.",
        "free",
        group="region",
        free=True,
    ),
    # --- political climate (levers) --------------------------------------------------------
    _p(
        "pooled_funding",
        0.2,
        "share",
        0.0,
        1.0,
        "Share of the budget that is pooled (ontschot) rather than labelled per domain.",
        "free (VJI-RA: brede geldstroom)",
        group="climate",
        sensitivity=True,
        free=True,
    ),
    _p(
        "information_sharing",
        0.5,
        "0-1",
        0.0,
        1.0,
        "Room the rules give partners to share information (0: strict reading of the AVG).",
        "free (CCV2019 §3.2)",
        group="climate",
        sensitivity=True,
        free=True,
    ),
    _p(
        "intervention_norm",
        0.55,
        "0-1",
        0.1,
        0.95,
        "Pressure (incidents, safety severity, non-cooperation) above which drang is imposed.",
        "free (CCV2019 §3.2, §4.2)",
        group="climate",
        sensitivity=True,
        free=True,
    ),
    # --- costs that follow the money (JenV-kosten: every partner's costs for one household) ---
    _p(
        "salary_social",
        85000.0,
        "EUR per FTE-year",
        60000.0,
        130000.0,
        "Full cost of one social-domain FTE a year (salary, employer charges, overhead).",
        "CAO-Gemeenten",
        group="cost",
    ),
    _p(
        "salary_safety",
        90000.0,
        "EUR per FTE-year",
        60000.0,
        130000.0,
        "Full cost of one police or probation FTE a year.",
        "CAO-Gemeenten (order of police scales)",
        group="cost",
    ),
    _p(
        "salary_coordination",
        95000.0,
        "EUR per FTE-year",
        60000.0,
        140000.0,
        "Full cost of one procesregisseur FTE a year.",
        "CAO-Gemeenten",
        group="cost",
    ),
    _p(
        "hiring_cost",
        10000.0,
        "EUR per hire",
        0.0,
        40000.0,
        "Recruitment and induction of a new professional.",
        "free",
        group="cost",
        free=True,
    ),
    _p(
        "specialist_cost",
        900.0,
        "EUR per week",
        200.0,
        5000.0,
        "A week of specialist care (ambulant and residential youth care, GGZ, addiction care).",
        "NZa-tarieven (blend; free)",
        group="cost",
        free=True,
    ),
    _p(
        "incident_cost",
        1500.0,
        "EUR per incident",
        100.0,
        10000.0,
        "Police and justice cost of one incident.",
        "Politie-kosten (order of magnitude)",
        group="cost",
    ),
    _p(
        "drang_cost",
        150.0,
        "EUR per week",
        0.0,
        1000.0,
        "A week under drang (a conditional framework: voluntary youth probation, a drang "
        "trajectory).",
        "free",
        group="cost",
        free=True,
    ),
    _p(
        "dwang_cost",
        1200.0,
        "EUR per week",
        200.0,
        5000.0,
        "A week under dwang (a child-protection order by a GI; out-of-home placement for part of "
        "them).",
        "free (CBS-JB2022 for the orders; placement share unknown)",
        group="cost",
        free=True,
    ),
    _p(
        "maatwerk_cost",
        300.0,
        "EUR per week",
        0.0,
        2000.0,
        "Maatwerk bought for a family at full need and full chance of a fitting offer.",
        "free (VJI-RA: one money stream for maatwerk)",
        group="cost",
        free=True,
    ),
    _p(
        "pooling_overhead",
        400.0,
        "EUR per household-year",
        0.0,
        3000.0,
        "Overhead of pooled funding (budget holders, accounting) per household in view at full "
        "pooling.",
        "free",
        group="cost",
        free=True,
    ),
    _p(
        "sharing_overhead",
        300.0,
        "EUR per household-year",
        0.0,
        3000.0,
        "Overhead of the agreements that let partners share information, per household at full "
        "room.",
        "free",
        group="cost",
        free=True,
    ),
    _p(
        "procesregie_case_cost",
        150.0,
        "EUR per case-week",
        0.0,
        1000.0,
        "Case-table time of all partners for a procesregie case, on top of the regisseur.",
        "free",
        group="cost",
        free=True,
    ),
    _p(
        "provider_hours_per_week",
        1.5,
        "hours per week",
        0.0,
        8.0,
        "Hours a week each extra provider (brought by labelled funding) spends on a family.",
        "free",
        group="cost",
        free=True,
    ),
    _p(
        "benefits_cost",
        28000.0,
        "EUR per year",
        0.0,
        50000.0,
        "Benefits and allowances of a household with no income from work (school/work severity 1).",
        "Bijstand2024 (social assistance plus allowances)",
        group="cost",
    ),
    _p(
        "debt_relief_cost",
        3500.0,
        "EUR per year",
        0.0,
        15000.0,
        "Debt relief (schuldhulpverlening) of a household at finance severity 1.",
        "NVVK",
        group="cost",
    ),
    _p(
        "housing_cost",
        8000.0,
        "EUR per year",
        0.0,
        30000.0,
        "Housing costs (arrears, eviction, shelter) of a household at housing severity 1.",
        "Aedes-huisuitzetting",
        group="cost",
    ),
)


def _calibrated(p: Parameter) -> Parameter:
    """Apply the calibrated value (configs/calibrated.toml) to a free parameter's declaration."""
    found = CALIBRATED.get(p.name)
    if found is None:
        return p
    kept = f"{CALIBRATION['kept']} of {CALIBRATION['tried']} sets kept"
    return replace(
        p,
        default=p.check(found["value"]),
        source=f"calibrated ({kept}; docs/TRACE.md); prior: {p.source}",
        plausible=(found["low"], found["high"]),
    )


PARAMETERS: Mapping[str, Parameter] = MappingProxyType(
    {p.name: _calibrated(p) for p in (*_DECLARATIONS, *COEFFICIENTS)}
)
DEFAULTS: Mapping[str, Any] = MappingProxyType({p.name: p.default for p in PARAMETERS.values()})
SENSITIVITY_DEFAULT: tuple[str, ...] = tuple(p.name for p in _DECLARATIONS if p.sensitivity)
if len(PARAMETERS) != len(_DECLARATIONS) + len(COEFFICIENTS):
    raise RuntimeError("a parameter is declared twice")


class Params(Mapping[str, Any]):
    """Validated, immutable parameter values with attribute access (``params.caseload_norm``)."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, Any]):
        object.__setattr__(self, "_values", dict(values))

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        raise AttributeError("Params are immutable; use replace()")

    def __reduce__(self):
        # rebuilt through __init__: unpickling must not reach __getattr__ before _values exists
        return (Params, (self._values,))

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        changed = {k: v for k, v in self._values.items() if v != DEFAULTS[k]}
        return f"Params({changed})"

    def replace(self, **overrides: Any) -> Params:
        """Return a copy with ``overrides`` validated and applied."""
        return validate({**self._values, **overrides})

    def to_dict(self) -> dict[str, Any]:
        """Return a plain dict of all values."""
        return dict(self._values)


def check_name(name: str) -> Parameter:
    """Return the declaration of ``name`` or raise a ConfigError suggesting close names."""
    if name in PARAMETERS:
        return PARAMETERS[name]
    close = difflib.get_close_matches(name, PARAMETERS, n=3)
    hint = f"did you mean {', '.join(close)}?" if close else "see `mpgsim params` for the list"
    raise ConfigError("parameter", name, f"unknown parameter; {hint}")


def validate(overrides: Mapping[str, Any] | None = None) -> Params:
    """Check ``overrides`` against the declaration and return complete Params.

    Raises:
        ConfigError: for an unknown name, a wrong type or a value out of bounds.
    """
    values = dict(DEFAULTS)
    for name, value in (overrides or {}).items():
        values[name] = check_name(name).check(value)
    return Params(values)
