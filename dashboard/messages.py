"""Error messages in the reader's language: the field, the value given and what is allowed.

The model raises :class:`~sim.errors.ConfigError` with an English line for the CLI; the
dashboard says the same in Dutch or English, naming the field as the page labels it.
"""

from __future__ import annotations

import re
from typing import Any

from dashboard.i18n import has, t
from dashboard.numbers import number
from dashboard.state import MAX_EVENTS
from sim.errors import ConfigError
from sim.params import PARAMETERS, TYPES

#: dashboard fields that are not model parameters, with their allowed whole-number ranges
RANGES = {"seed": (0, 2**31 - 1), "weeks": (13, 520)}
QUERY_FIELDS = {"prof": "professional_type", "org": "organisation_type"}
QUERY_FIELDS |= {"region": "region_type", "climate": "political_climate_type"}
#: an event's field as :func:`sim.events.check_events` names it: ``events[0].until``
_EVENT_FIELD = re.compile(r"^events\[(\d+)\](?:\.(\w+))?(?:\.(\w+))?$")
#: an event of a link: ``event1``
_LINK_EVENT = re.compile(r"^event(\d+)$")


def field_label(field: str, lang: str) -> str:
    """What the page calls ``field`` (a parameter's label, a level, or the field itself)."""
    field = QUERY_FIELDS.get(field, field)
    if _LINK_EVENT.match(field):
        return t("events.row", lang, n=_LINK_EVENT.match(field).group(1))
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
    if _LINK_EVENT.match(field):
        return t("events.allowed.link", lang)
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
    if exc.field.startswith("events"):
        return explain_event(exc, lang)
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


def explain_event(exc: ConfigError, lang: str) -> str:
    """One line for a refused event: the row and field, the value and what is allowed.

    The check is :func:`sim.events.check_events`; its English reasons are said again here in
    the reader's language, with the limits it named (the last week of the run, the first
    week after the start).
    """
    field, value, allowed_ = _event_parts(exc, lang)
    shown = t("events.empty", lang) if value is None else _shown(value)
    return t("error.not_allowed", lang, field=field, value=shown, allowed=allowed_)


def _event_parts(exc: ConfigError, lang: str) -> tuple[str, Any, str]:
    overlap = re.match(r"^events: (\w+)$", exc.field)
    if overlap:
        weeks = re.findall(r"\d+", str(exc.value))
        value = t("events.weeks_pair", lang, a=weeks[0], b=weeks[1]) if len(weeks) == 2 else ""
        name = field_label(overlap.group(1), lang)
        return t("events.overlap_field", lang, name=name), value, t("events.allowed.overlap", lang)
    found = _EVENT_FIELD.match(exc.field)
    if not found:  # the timeline as a whole: too many events, or not a list
        return t("events.title", lang), exc.value, t("events.allowed.count", lang, n=MAX_EVENTS)
    row, key, name = found.groups()
    n = int(row) + 1
    if key == "set" and name:
        return (
            t("events.field", lang, n=n, name=field_label(name, lang)),
            exc.value,
            _set(exc, lang),
        )
    if key == "types" and name:
        label = field_label(f"{name}_type", lang)
        return (
            t("events.field", lang, n=n, name=label),
            exc.value,
            allowed("professional_type", lang),
        )
    if key in ("target", "week", "until", "ramp_weeks"):
        label = t(f"events.{key}", lang)
        return t("events.field", lang, n=n, name=label), exc.value, _weeks(key, exc, lang)
    if "stands alone" in exc.allowed and isinstance(exc.value, dict):  # name what to empty
        key = "until" if "until" in exc.value else "ramp_weeks"
        label = t(f"events.{key}", lang)
        value = exc.value.get(key)
        return t("events.field", lang, n=n, name=label), value, _whole_event(exc, lang)
    return t("events.row", lang, n=n), exc.value, _whole_event(exc, lang)


def _set(exc: ConfigError, lang: str) -> str:
    name = exc.field.rsplit(".", 1)[-1]
    if "fixed" in exc.allowed:
        return t("events.allowed.fixed", lang)
    return allowed(name, lang)


def _weeks(key: str, exc: ConfigError, lang: str) -> str:
    limits = [int(x) for x in re.findall(r"\d+", exc.allowed)]
    if key == "target":
        return t("events.allowed.target", lang)
    if key == "week" and len(limits) >= 2:
        return t("events.allowed.week", lang, low=limits[0], high=limits[1])
    if key == "until" and limits:
        return t("events.allowed.until", lang, low=limits[0])
    if key == "ramp_weeks" and "pulse" in exc.allowed:
        return t("events.allowed.pulse_or_ramp", lang)
    return t("events.allowed.ramp", lang)


def _whole_event(exc: ConfigError, lang: str) -> str:
    if "stands alone" in exc.allowed:
        return t("events.allowed.type_alone", lang)
    if "one lever" in exc.allowed:
        return t("events.allowed.one", lang)
    return t("events.allowed.target", lang)
