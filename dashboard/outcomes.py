"""What the dashboard knows about outcome columns: grouping, direction, scale and formatting.

The model's own declaration (``sim.measures.OUTCOMES``) gives units; this module adds what a
chart needs. Every function works with whatever subset of columns a run table has, so a model
that adds or drops a column never breaks a page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from dashboard.i18n import has, t
from sim.measures import HEADLINE as MODEL_HEADLINE

#: outcomes that are shares (0-1) and shown as percentages
SHARES = frozenset(
    {
        "stagnation_rate",
        "stagnation_collaboration",
        "stagnation_client",
        "stagnation_offer",
        "stagnation_overruling",
        "share_drang",
        "share_dwang",
        "hv_prevalence",
        "stress_prevalence",
        "turnover_rate",
        "trust_mean",
        "recovered_share",
        "returned_share",
        "fit_score",
        "procesregie_share",
        "policy_load",
        "pooled_funding_share",
        "motivation_mean",
        "methods_fit_share",
        "in_view_share",
        "child_risk_mean",
        "stagnation_rate_centre",
        "stagnation_rate_regio",
        "procesregie_share_centre",
        "procesregie_share_regio",
    }
)

#: +1 when more is better for families, -1 when more is worse
BETTER = {
    "stagnation_rate": -1,
    "stagnation_collaboration": -1,
    "stagnation_client": -1,
    "stagnation_offer": -1,
    "stagnation_overruling": -1,
    "incidents_per_family_year": -1,
    "share_drang": -1,
    "share_dwang": -1,
    "caseload_mean": -1,
    "caseload_max": -1,
    "waitlist_length": -1,
    "waiting_weeks_mean": -1,
    "hv_prevalence": -1,
    "stress_prevalence": -1,
    "turnover_rate": -1,
    "trust_mean": 1,
    "recovered_share": 1,
    "returned_share": -1,
    "cost_per_household_year": -1,
    "fit_score": 1,
    "procesregie_share": 1,
    "signals_raised": 1,
    "signals_to_government": 1,
    "policy_load": -1,
    "pooled_funding_share": 1,
    "caseload_ratio_mean": -1,
    "priority_shifts": -1,
    "motivation_mean": 1,
    "methods_fit_share": 1,
    "child_risk_mean": -1,
    "intake_waitlist_length": -1,
    "professionals_per_family": -1,
}

#: outcomes offered in pickers, in display order (filtered by what a table has)
HEADLINE = tuple(
    name
    for name in MODEL_HEADLINE
    if name == "stagnation_rate" or not name.startswith("stagnation_")
)

#: criteria of the workshop's "best-fitting coat" score
FIT_CRITERIA = (
    "recovered_share",
    "stagnation_rate",
    "incidents_per_family_year",
    "trust_mean",
    "cost_per_household_year",
)


@dataclass(frozen=True)
class Panel:
    """One time-series chart on the Scenario page."""

    id: str
    series: tuple[str, ...]
    axis: str
    secondary: tuple[str, ...] = ()
    secondary_axis: str = ""
    stacked: bool = False


PANELS = (
    Panel(
        "stagnation",
        (
            "stagnation_collaboration",
            "stagnation_client",
            "stagnation_offer",
            "stagnation_overruling",
        ),
        "share",
        stacked=True,
    ),
    Panel(
        "escalation",
        ("share_drang", "share_dwang"),
        "share",
        secondary=("incidents_per_family_year",),
        secondary_axis="incidents",
    ),
    Panel(
        "caseload",
        ("caseload_mean", "caseload_max"),
        "families_per_fte",
        secondary=("waitlist_length",),
        secondary_axis="waitlist",
    ),
    Panel("workforce", ("hv_prevalence", "stress_prevalence", "turnover_rate"), "share"),
    Panel("trust", ("trust_mean", "recovered_share", "returned_share"), "share"),
    Panel("cost", ("cost_per_household_year",), "euro"),
)

#: level -> (column, scale at which pressure counts as maximal); shares use scale 1
#: (size-free indicators, so a 30-family training case and a 1,100-family region compare)
LEVEL_INDICATORS: Mapping[str, tuple[tuple[str, float], ...]] = {
    "family": (("stagnation_rate", 1.0), ("incidents_per_family_year", 4.0), ("trust_mean", 1.0)),
    "professional": (
        ("hv_prevalence", 1.0),
        ("stress_prevalence", 1.0),
        ("caseload_ratio_mean", 2.0),
    ),
    "organisation": (("waiting_weeks_mean", 26.0), ("turnover_rate", 0.5), ("policy_load", 1.0)),
    "government": (("pooled_funding_share", 1.0), ("priority_shifts", 8.0)),
}
RING_LEVELS = ("family", "professional", "organisation", "government")


def label(name: str, lang: str) -> str:
    """Human label of an outcome column (the column name when no translation exists)."""
    key = f"outcome.{name}"
    return t(key, lang) if has(key, "nl") else name.replace("_", " ")


def present(names: Iterable[str], table: pd.DataFrame | Iterable[str]) -> list[str]:
    """Keep the names that are columns of ``table`` (order kept)."""
    cols = set(table.columns if isinstance(table, pd.DataFrame) else table)
    return [n for n in names if n in cols]


def outcome_columns(table: pd.DataFrame) -> list[str]:
    """Outcome columns of a run table: headline ones first, then any other numeric column."""
    skip = {"week", "run_id", "seed", "replicate"}
    numeric = [
        c for c in table.columns if c not in skip and pd.api.types.is_numeric_dtype(table[c])
    ]
    first = present(HEADLINE, numeric)
    return first + [c for c in numeric if c not in first]


def scale(name: str) -> float:
    """Multiplier for display: shares become percentages."""
    return 100.0 if name in SHARES else 1.0


def fmt(name: str, value: float, lang: str = "nl") -> str:
    """Format one value of an outcome for text (percent, euro, or a plain number)."""
    if value is None or pd.isna(value):
        return "–"
    dec = "," if lang == "nl" else "."
    if name in SHARES:
        text = f"{value * 100:.1f}%"
    elif "cost" in name:
        text = f"€ {value:,.0f}".replace(",", "_").replace("_", "." if lang == "nl" else ",")
        return text
    elif abs(value) >= 100:
        text = f"{value:,.0f}".replace(",", "_").replace("_", "." if lang == "nl" else ",")
        return text
    else:
        text = f"{value:.2f}"
    return text.replace(".", dec)


def tail_mean(table: pd.DataFrame, name: str, weeks: int = 52) -> float:
    """Mean of ``name`` over the last ``weeks`` weeks (half the run when it is shorter)."""
    if name not in table.columns or table.empty:
        return float("nan")
    n = min(weeks, max(1, len(table) // 2))
    return float(table[name].iloc[-n:].mean())


def level_pressure(table: pd.DataFrame) -> dict[str, float | None]:
    """Pressure (0-1) per ring level from the indicators present; None when none is present.

    An indicator where more is better (trust, pooled funding, signals reaching government)
    contributes ``1 - value/scale``, so every number reads as "how much pressure".
    """
    out: dict[str, float | None] = {}
    for level in RING_LEVELS:
        parts = []
        for name, top in LEVEL_INDICATORS[level]:
            if name in table.columns:
                value = min(max(tail_mean(table, name) / top, 0.0), 1.0)
                parts.append(1 - value if BETTER.get(name, -1) > 0 else value)
        out[level] = sum(parts) / len(parts) if parts else None
    return out
