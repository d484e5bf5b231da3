"""Every model parameter, declared once.

Each :class:`Parameter` carries its name, default, unit, bounds, description and source. This
one table feeds the model (:func:`validate` gives the model its :class:`Params`), the config
loader (scenario overrides are checked against it), the SALib problem (parameters marked
``sensitivity``) and the dashboard (slider ranges and help texts).

Sources: "CCV" is Lommers & Langeveld (2019), *Multiprobleemgezinnen Veiligheid & Overlast*;
other figures are listed in MODEL.md §6 and docs/ODD.md. ``free`` marks parameters with no
public figure: they are set by calibration (docs/TRACE.md) and are the ones to question first.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

from sim.calibration import CALIBRATED, CALIBRATION
from sim.errors import ConfigError

TYPES = ("vasthoudend", "balancerend", "innoverend")


@dataclass(frozen=True)
class Parameter:
    """One declared model parameter.

    Attributes:
        name: snake_case identifier, used in configs, tables and the CLI.
        default: value used when a scenario does not override it.
        unit: unit of measurement ("share", "weeks", "families per FTE", ...).
        doc: one-sentence description for help texts.
        source: where the default comes from; "free" when no public figure exists.
        kind: "float", "int", "bool" or "choice".
        low: lower bound (inclusive) for numbers.
        high: upper bound (inclusive) for numbers.
        choices: allowed values for "choice" parameters.
        group: family, professional, organisation, region, climate, cost, typology, run.
        sensitivity: part of the default SALib parameter set.
        free: no public figure; set by calibration.
        plausible: range of the parameter sets kept by calibration (calibrated ones only).
    """

    name: str
    default: Any
    unit: str
    doc: str
    source: str
    kind: str = "float"
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None
    group: str = "model"
    sensitivity: bool = False
    free: bool = False
    plausible: tuple[float, float] | None = None

    def allowed(self) -> str:
        """Describe the allowed values in words."""
        if self.kind == "choice":
            return "allowed: " + ", ".join(self.choices or ())
        if self.kind == "bool":
            return "allowed: true or false"
        what = "a whole number" if self.kind == "int" else "a number"
        return f"allowed: {what} from {self.low:g} to {self.high:g} ({self.unit})"

    def check(self, value: Any) -> Any:
        """Return ``value`` converted to this parameter's type, or raise ConfigError."""
        if self.kind == "choice":
            if isinstance(value, str) and value in (self.choices or ()):
                return value
            raise ConfigError(self.name, value, self.allowed())
        if self.kind == "bool":
            if isinstance(value, bool):
                return value
            raise ConfigError(self.name, value, self.allowed())
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(self.name, value, self.allowed())
        if not math.isfinite(value):
            raise ConfigError(self.name, value, self.allowed())
        if self.kind == "int":
            if float(value) != int(value):
                raise ConfigError(self.name, value, self.allowed())
            value = int(value)
        else:
            value = float(value)
        if not self.low <= value <= self.high:
            raise ConfigError(self.name, value, self.allowed())
        return value


def _p(name, default, unit, low, high, doc, source, **kw) -> Parameter:
    kind = kw.pop("kind", "int" if isinstance(default, int) else "float")
    return Parameter(name, default, unit, doc, source, kind=kind, low=low, high=high, **kw)


def _type(level: str, doc: str) -> Parameter:
    return Parameter(
        f"{level}_type",
        "balancerend",
        "type",
        doc,
        "CCV §6.4-6.5 (typology)",
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
    # --- structure -------------------------------------------------------------------------
    _p(
        "n_regions",
        1,
        "regions",
        1,
        25,
        "Number of regions, each with one Zorg- en Veiligheidshuis.",
        "25 ZVHs (ZVH multi-year agenda 2021-24)",
        group="region",
    ),
    _p(
        "families_per_region",
        1100,
        "families",
        20,
        5000,
        "Multi-problem families in view per region.",
        "~27,000 families in NL (NJi 2016-17) / 25 regions",
        group="region",
    ),
    _p(
        "municipalities_per_region",
        14,
        "municipalities",
        1,
        40,
        "Municipalities per region; the first is the centrumgemeente.",
        "~340 municipalities / 25 regions (CBS)",
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
        "free (CCV §2.1 names debts as the most common domain)",
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
        "free (CCV §2.2: low trust)",
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
        "free (CCV §2.1)",
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
        "free (CCV §2.1)",
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
        "CCV poll §2: 3 in 4 do not seek help",
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
        "free (seed 001: basis op orde)",
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
        "free (seed 001)",
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
    _p(
        "return_per_year",
        0.3,
        "per year",
        0.0,
        2.0,
        "Hazard of a closed family returning, at closure-level burden.",
        "free (CBS: 28-38% re-reports to Veilig Thuis)",
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
        "8-9 workable (Significant Public 2022); 15 children/FTE (convenant 2007-08)",
        group="professional",
        sensitivity=True,
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
        "Maastricht pilot 2021: 2 regisseurs for 14 families",
        group="professional",
    ),
    _p(
        "client_hours_per_week",
        18.0,
        "hours per week",
        4.0,
        36.0,
        "Direct client hours per FTE per week.",
        "GI cap of 2 h/family/week incl. travel (Leiden 2021) x 9 families",
        group="professional",
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
        "18-19%/yr child protection (Leiden 2021); 13%/yr social domain (AEF 2020)",
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
        "free (calibrated to 13-14 weeks waiting, GR Jeugdhulp Rijnmond 2022-23)",
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
        "overruling_per_year",
        1.0,
        "per year",
        0.0,
        6.0,
        "Rate at which a specialist overrules a joint plan on dossier knowledge alone "
        "(scaled by the organisation's institutional goal).",
        "free (CCV §4.3)",
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
        "CCV §1.2.3: ~5% most complex cases",
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
        "free (CCV §4.3)",
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
        "free (seed 001: brede geldstroom)",
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
        "free (CCV §3.2)",
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
        "free (CCV §3.2, §4.2)",
        group="climate",
        sensitivity=True,
        free=True,
    ),
    # --- costs (Ministry of JenV cost analysis of multi-problem households, seed 002) -----
    _p(
        "hourly_cost",
        95.0,
        "EUR per hour",
        40.0,
        200.0,
        "Full cost of one professional hour, any partner.",
        "free (order of Dutch tariffs)",
        group="cost",
        free=True,
    ),
    _p(
        "specialist_cost_per_week",
        900.0,
        "EUR per week",
        100.0,
        5000.0,
        "Cost of a week of specialist care.",
        "free",
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
        "free",
        group="cost",
        free=True,
    ),
    _p(
        "dwang_cost_per_week",
        1200.0,
        "EUR per week",
        100.0,
        10000.0,
        "Cost of a week under a coercive measure (dwang).",
        "free",
        group="cost",
        free=True,
    ),
    _p(
        "public_cost_per_week",
        3500.0,
        "EUR per week",
        0.0,
        5000.0,
        "Benefits, debt relief and housing costs of a household at full burden.",
        "free (calibrated to ~EUR 114,000/yr, NJi Almelo 2017)",
        group="cost",
        free=True,
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
    {p.name: _calibrated(p) for p in _DECLARATIONS}
)
DEFAULTS: Mapping[str, Any] = MappingProxyType({p.name: p.default for p in PARAMETERS.values()})
SENSITIVITY_DEFAULT: tuple[str, ...] = tuple(p.name for p in _DECLARATIONS if p.sensitivity)


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
