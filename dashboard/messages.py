"""Error messages in the reader's language: the field, the value given and what is allowed.

The model raises :class:`~sim.errors.ConfigError` with an English line for the CLI; the
dashboard says the same in Dutch or English, naming the field as the page labels it.
"""

from __future__ import annotations

from typing import Any

from dashboard.i18n import has, t
from dashboard.numbers import number
from sim.errors import ConfigError
from sim.params import PARAMETERS, TYPES

#: dashboard fields that are not model parameters, with their allowed whole-number ranges
RANGES = {"seed": (0, 2**31 - 1), "weeks": (13, 520)}
QUERY_FIELDS = {"prof": "professional_type", "org": "organisation_type"}
QUERY_FIELDS |= {"region": "region_type", "climate": "political_climate_type"}


def field_label(field: str, lang: str) -> str:
    """What the page calls ``field`` (a parameter's label, a level, or the field itself)."""
    field = QUERY_FIELDS.get(field, field)
    # a type is picked under its level's name ("Professional"), so the message uses that name
    if field.endswith("_type") and has(f"level.{field[:-5]}", "nl"):
        return t(f"level.{field[:-5]}", lang)
    for key in (f"param.{field}.label", f"field.{field}"):
        if has(key, "nl"):
            return t(key, lang)
    return field


def allowed(field: str, lang: str) -> str:
    """What ``field`` accepts, in words."""
    field = QUERY_FIELDS.get(field, field)
    param = PARAMETERS.get(field)
    if param is not None and param.kind == "choice":
        return t("error.one_of", lang, items=", ".join(t(f"type.{x}", lang) for x in TYPES))
    if param is not None and param.low is not None:
        return t(
            "error.range",
            lang,
            low=number(param.low, lang, _places(param.low)),
            high=number(param.high, lang, _places(param.high)),
            unit=_unit(param, lang),
        )
    if field in RANGES:
        low, high = RANGES[field]
        return t("error.range", lang, low=number(low, lang), high=number(high, lang), unit="")
    if field == "mix":
        return t("error.known_mix", lang)
    return t("error.see_help", lang)


def _unit(param, lang: str) -> str:
    """The unit after a range; a share is a fraction in a link, so say the percentages too."""
    if param.unit.startswith("share"):
        low, high = (number(v * 100, lang, 0) + "%" for v in (param.low, param.high))
        return f"({low}–{high})"
    unit_key = f"unit.{param.unit}"
    return t(unit_key, lang) if has(unit_key, "nl") else param.unit


def _places(value: float) -> int:
    return 0 if float(value).is_integer() else len(f"{value:g}".split(".")[-1])


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def explain(exc: ConfigError, lang: str) -> str:
    """One line for a refused value: field, value and what is allowed."""
    return t(
        "error.not_allowed",
        lang,
        field=field_label(exc.field, lang),
        value=_shown(exc.value),
        allowed=allowed(exc.field, lang),
    )


def ignored_notice(fields: list[str], lang: str) -> str:
    """The notice for link values that were not used, and what each field allows."""
    parts = [f"{field_label(f, lang)} ({allowed(f, lang)})" for f in fields]
    return t("common.ignored", lang, items="; ".join(parts))
