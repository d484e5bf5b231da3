"""What the dashboard knows about outcome columns: labels, units, direction and formatting.

Direction (``better``), kind and unit come from the model's one declaration,
``sim.measures.OUTCOMES``; nothing here repeats them. Every function works with whatever
subset of columns a run table has, so a model that adds or drops an outcome never breaks a
page: a new outcome shows with its declared English unit until the catalogs name it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from dashboard.i18n import has, t
from dashboard.numbers import decimals_for, number
from experiments.score import FIT_CRITERIA  # noqa: F401 - re-exported for the pages
from experiments.summary import tail_mean
from experiments.tables import numeric_outcomes
from sim.measures import HEADLINE as MODEL_HEADLINE
from sim.measures import OUTCOMES

#: kinds shown times 100: shares as percentages, 0-1 scores as points out of 100
PERCENT_KINDS = frozenset({"share", "score"})

#: outcomes offered in pickers, in display order (filtered by what a table has)
HEADLINE = tuple(
    name
    for name in MODEL_HEADLINE
    if name == "stagnation_rate" or not name.startswith("stagnation_")
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


def kind(name: str) -> str:
    """The declared kind of an outcome ("level" for columns the model does not declare)."""
    outcome = OUTCOMES.get(name)
    return outcome.kind if outcome else "level"


def sign(name: str) -> int:
    """+1 when higher is better, -1 when lower is better, 0 when neither (or undeclared)."""
    outcome = OUTCOMES.get(name)
    return outcome.sign if outcome else 0


def scale(name: str) -> float:
    """Multiplier for display: shares become percentages, scores points out of 100."""
    return 100.0 if kind(name) in PERCENT_KINDS else 1.0


def label(name: str, lang: str) -> str:
    """Human label of an outcome column (the column name when no translation exists)."""
    key = f"outcome.{name}"
    return t(key, lang) if has(key, "nl") else name.replace("_", " ")


def unit(name: str, lang: str, diff: bool = False) -> str:
    """Unit as shown: "%" (a difference: "%-punt"), "van 100", "€", or the declared unit."""
    k = kind(name)
    if k in PERCENT_KINDS or k == "money":
        return t(f"unit.{k}{'_diff' if diff else ''}", lang)
    declared = OUTCOMES[name].unit if name in OUTCOMES else ""
    key = f"unit.{declared}"
    return t(key, lang) if declared and has(key, "nl") else declared


def label_with_unit(name: str, lang: str, diff: bool = False) -> str:
    """``Label (unit)``, for axis titles and table headers."""
    shown = unit(name, lang, diff)
    return f"{label(name, lang)} ({shown})" if shown else label(name, lang)


def fmt(name: str, value: float | None, lang: str = "nl", diff: bool = False) -> str:
    """One value of an outcome as text: "23,4%", "+1,2 %-punt", "€ 12.345", "8,25"."""
    if value is None or pd.isna(value):
        return "–"
    k = kind(name)
    if k == "share":
        text = number(value * 100, lang, 1, signed=diff)
        return f"{text} {t('unit.share_diff', lang)}" if diff else f"{text}%"
    if k == "score":
        text = number(value * 100, lang, 1, signed=diff)
        return text if diff else f"{text} {t('unit.score_of', lang)}"
    if k == "money":
        return "€ " + number(value, lang, 0, signed=diff)
    if k in ("count", "cumulative") and float(value).is_integer():
        return number(value, lang, 0, signed=diff)  # 87 signals, not 87,0
    return number(value, lang, decimals_for(value), signed=diff)


def present(names: Iterable[str], table: pd.DataFrame | Iterable[str]) -> list[str]:
    """Keep the names that are columns of ``table`` (order kept)."""
    cols = set(table.columns if isinstance(table, pd.DataFrame) else table)
    return [n for n in names if n in cols]


def outcome_columns(table: pd.DataFrame) -> list[str]:
    """Outcome columns of a run table: headline ones first, then any other numeric column."""
    numeric = [c for c in numeric_outcomes(table) if c != "week"]
    first = present(HEADLINE, numeric)
    return first + [c for c in numeric if c not in first]


def level_pressure(table: pd.DataFrame) -> dict[str, float | None]:
    """Pressure (0-1) per ring level from the indicators present; None when none is present.

    An indicator where more is better (trust, pooled funding) contributes ``1 - value/scale``,
    so every number reads as "how much pressure".
    """
    out: dict[str, float | None] = {}
    for level in RING_LEVELS:
        parts = []
        for name, top in LEVEL_INDICATORS[level]:
            if name in table.columns:
                value = min(max(tail_mean(table, name) / top, 0.0), 1.0)
                parts.append(1 - value if sign(name) > 0 else value)
        out[level] = sum(parts) / len(parts) if parts else None
    return out
