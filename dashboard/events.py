"""Policy over time in the dashboard: the timeline editor's rows, events in words, chart marks.

The model checks events (:func:`sim.events.check_events`, through
:func:`dashboard.state.check_timeline`); this module only turns the editor's fields into
event tables, points an error at the row it came from, and says events in the reader's
language.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, html

from dashboard.components import help_text, lever_value, param_label
from dashboard.i18n import clean_lang, t
from dashboard.messages import allowed
from dashboard.outcomes import fmt, label
from dashboard.state import EVENT_TARGETS, MAX_EVENTS, check_choice, check_number, check_timeline
from experiments.timeline import event_effects, type_level
from sim.errors import ConfigError
from sim.events import Event
from sim.params import PARAMETERS, TYPES

#: the fields of one editor row, in the order the pages pass them
ROW_FIELDS = ("target", "value", "type", "week", "until", "ramp")
#: the value of an editor row's target that means "no event in this row"
NONE = "none"
#: the outcomes whose before and after the Scenario page shows per event
EFFECT_OUTCOMES = ("stagnation_rate", "trust_mean", "turnover_rate")


def row_ids(prefix: str) -> list[str]:
    """The component ids of the editor's fields, row by row (``{prefix}-ev0-target``, ...)."""
    return [f"{prefix}-ev{i}-{field}" for i in range(MAX_EVENTS) for field in ROW_FIELDS]


def split_rows(values: Sequence[Any]) -> list[tuple]:
    """The flat values of :func:`row_ids` as one tuple per row.

    Raises:
        ConfigError: not one value per field (a crafted request).
    """
    per = len(ROW_FIELDS)
    if len(values) != per * MAX_EVENTS:
        raise ConfigError("events", len(values), f"expected {per * MAX_EVENTS} values")
    return [tuple(values[i * per : (i + 1) * per]) for i in range(MAX_EVENTS)]


def row_values(event: Event | None) -> tuple:
    """What a row of the editor shows for ``event`` (an empty row for None)."""
    if event is None:
        return (NONE, None, TYPES[0], None, None, None)
    if event.types:
        level, type_ = next(iter(event.types.items()))
        return (f"{level}_type", None, type_, event.week, None, None)
    name, value = next(iter(event.set.items()))
    return (name, value, TYPES[0], event.week, event.until, event.ramp_weeks or None)


def check_rows(rows: Sequence[Sequence[Any]], weeks: int) -> tuple[Event, ...]:
    """The events of the editor's filled rows (a row without a target is unused).

    Raises:
        ConfigError: naming the row's field as ``events[ROW].FIELD`` (rows count from 0,
            whichever rows are empty), the value and what is allowed.
    """
    tables, used = [], []
    for i, row in enumerate(rows):
        if row[0] in (None, "", NONE):
            continue
        tables.append(_table(i, *row))
        used.append(i)
    try:
        return check_timeline(tables, weeks)
    except ConfigError as exc:
        raise _in_row(exc, tables, used) from None


def _table(i: int, target, value, type_, week, until, ramp) -> dict[str, Any]:
    where = f"events[{i}]"
    target = check_choice(f"{where}.target", target, EVENT_TARGETS)
    table: dict[str, Any] = {"week": week}
    level = type_level(target)
    if level is not None:
        table["types"] = {level: check_choice(f"{where}.types.{level}", type_, TYPES)}
    else:
        if value in (None, ""):  # said as "empty", not as a value that could be typed
            raise ConfigError(f"{where}.set.{target}", None, "a number")
        kind = PARAMETERS[target].kind
        table["set"] = {target: check_number(f"{where}.set.{target}", value, kind)}
    if until not in (None, ""):
        table["until"] = until
    if ramp not in (None, "", 0):
        table["ramp_weeks"] = ramp
    return table


def _in_row(exc: ConfigError, tables: list[dict], used: list[int]) -> ConfigError:
    """Point an error of the checked list (``events[k]``) at the editor row it came from."""
    found = re.match(r"events\[(\d+)\](.*)", exc.field)
    if found and int(found.group(1)) < len(used):
        field = f"events[{used[int(found.group(1))]}]{found.group(2)}"
        return ConfigError(field, exc.value, exc.allowed)
    for table, row in zip(tables, used, strict=True):  # a value out of bounds names the lever
        if exc.field in table.get("set", {}):
            return ConfigError(f"events[{row}].set.{exc.field}", exc.value, exc.allowed)
    return exc


def change_text(name: str, value: Any, lang: str) -> str:
    """One change in words: ``Ontschot budget → 80%``, ``Politiek klimaat → Innoverend``."""
    level = type_level(name)
    if level is not None:
        return f"{t(f'level.{level}', lang)} → {t(f'type.{value}', lang)}"
    return f"{param_label(name, lang)} → {lever_value(name, value, lang)}"


def _changes(event: Event, lang: str) -> str:
    items = {**event.set, **{f"{lv}_type": ty for lv, ty in event.types.items()}}
    return ", ".join(change_text(n, v, lang) for n, v in items.items())


def event_text(event: Event, lang: str) -> str:
    """An event in words, e.g. ``week 60–72: Verloop per jaar → 60%, daarna terug``."""
    return t(
        f"events.text.{event.kind}",
        lang,
        week=event.week,
        until=event.until,
        ramp=event.ramp_weeks,
        changes=_changes(event, lang),
    )


def timeline_text(events: Iterable[Event], lang: str) -> str:
    """A whole timeline in words, events separated by semicolons ("" without events)."""
    return "; ".join(event_text(e, lang) for e in events)


def marks(events: Iterable[Event], lang: str, tag: str = "") -> dict[int, str]:
    """Weeks to mark on a chart over time, each with a short label.

    Every event's start is marked, and a pulse's end; events in the same week share a mark.
    ``tag`` names whose events they are (the slot on the Compare page). The labels are whole:
    the chart shortens them, its caption does not.
    """
    found: dict[int, list[str]] = {}
    for event in events:
        text = _changes(event, lang)
        found.setdefault(event.week, []).append(text)
        if event.until is not None:
            found.setdefault(event.until, []).append(t("events.mark_end", lang, label=text))
    lead = f"{tag}: " if tag else ""
    return {week: lead + "; ".join(labels) for week, labels in found.items()}


def effects(table: pd.DataFrame, events: Sequence[Event], lang: str) -> pd.DataFrame:
    """Per event and headline outcome: the mean before, while in force, and a pulse's recovery.

    The numbers are :func:`experiments.timeline.event_effects` (26 weeks before; a pulse's own
    weeks, else from the week it is fully in force to the end), said in the reader's language.
    """
    outcomes = [o for o in EFFECT_OUTCOMES if o in table.columns]
    if not events or not outcomes:
        return pd.DataFrame()
    found = event_effects(table, events, outcomes)
    numbers = {e.label(): i + 1 for i, e in enumerate(events)}
    rows = []
    for _, row in found.iterrows():
        rows.append(
            {
                t("events.col.event", lang): t("events.row", lang, n=numbers[row["event"]]),
                t("events.col.outcome", lang): label(row["outcome"], lang),
                t("events.col.before", lang): fmt(row["outcome"], row["before"], lang),
                t("events.col.after", lang): fmt(row["outcome"], row["after"], lang),
                t("events.col.recovery", lang): _recovery(row["recovery_weeks"], lang),
            }
        )
    return pd.DataFrame(rows)


def _recovery(weeks: float, lang: str) -> str:
    if math.isnan(weeks):
        return "–"
    if math.isinf(weeks):
        return t("events.not_recovered", lang)
    return t("events.recovery_weeks", lang, n=int(weeks))


def merge_marks(*many: Mapping[int, str]) -> dict[int, str]:
    """Several sets of marks in one (labels of the same week joined)."""
    out: dict[int, list[str]] = {}
    for one in many:
        for week, text in one.items():
            out.setdefault(week, []).append(text)
    return {week: " | ".join(texts) for week, texts in out.items()}


# --- the editor ------------------------------------------------------------------------------


def editor(prefix: str, events: Sequence[Event], lang: str) -> html.Details:
    """The timeline editor: :data:`~dashboard.state.MAX_EVENTS` rows, open when in use."""
    rows = [
        _row(f"{prefix}-ev{i}", i, events[i] if i < len(events) else None, lang)
        for i in range(MAX_EVENTS)
    ]
    return html.Details(
        [
            html.Summary(t("events.title", lang), className="fw-semibold"),
            html.P(t("events.intro", lang), className="small text-body-secondary mt-1 mb-2"),
            *rows,
        ],
        open=bool(events),
        id=f"{prefix}-events",
        className="events mb-3",
    )


def target_label(name: str, lang: str) -> str:
    """How the editor lists a lever or a level's type."""
    level = type_level(name)
    if level is not None:
        return t("events.type_of", lang, level=t(f"level.{level}", lang))
    return param_label(name, lang)


def _row(p: str, i: int, event: Event | None, lang: str) -> html.Fieldset:
    target, value, type_, week, until, ramp = row_values(event)
    is_type = type_level(target) is not None

    def box(field, label, control, shown=True, help_=None):
        return dbc.Col(
            [
                dbc.Label(label, html_for=f"{p}-{field}", class_name="small mb-0"),
                control,
                help_text(f"{p}-{field}-help", help_) if help_ else None,
            ],
            id=f"{p}-{field}-box",
            width=6,
            style=None if shown else {"display": "none"},
            class_name="mb-1",
        )

    def number(field, value_):
        # no min, max or step: the browser would send an out-of-range number as empty, and
        # the message must name the number that was typed (check_events says what is allowed)
        return dbc.Input(id=f"{p}-{field}", type="number", value=value_, debounce=True, size="sm")

    options = [{"label": t("events.none", lang), "value": NONE}] + [
        {"label": target_label(n, lang), "value": n} for n in EVENT_TARGETS
    ]
    type_options = [{"label": t(f"type.{x}", lang), "value": x} for x in TYPES]
    return html.Fieldset(
        [
            html.Legend(t("events.row", lang, n=i + 1), className="fs-6 mb-1"),
            dbc.Label(t("events.target", lang), html_for=f"{p}-target", class_name="small mb-0"),
            dbc.Select(id=f"{p}-target", options=options, value=target, size="sm"),
            dbc.Row(
                [
                    box(
                        "value",
                        t("events.value", lang),
                        number("value", value),
                        not is_type,
                        value_help(target, lang),
                    ),
                    box(
                        "type",
                        t("events.new_type", lang),
                        dbc.Select(id=f"{p}-type", options=type_options, value=type_, size="sm"),
                        is_type,
                    ),
                    box("week", t("events.week_label", lang), number("week", week)),
                    box(
                        "until",
                        t("events.until_label", lang),
                        number("until", until),
                    ),
                    box("ramp", t("events.ramp_label", lang), number("ramp", ramp)),
                ],
                class_name="g-2 mt-0",
            ),
            help_text(f"{p}-help", t("events.row_help", lang)) if i == 0 else None,
        ],
        className="event-row border-top pt-2 mb-2",
    )


def value_help(target: Any, lang: str) -> str:
    """The help under a row's value: what the chosen lever allows (a share as a fraction)."""
    if target not in EVENT_TARGETS or type_level(target) is not None:
        return t("events.value_help", lang)
    text = t("events.value_allowed", lang, allowed=allowed(target, lang))
    if PARAMETERS[target].unit.startswith("share"):
        text += " " + t("events.value_help", lang)
    return text


def register_editor(app, prefix: str, lang_id: str) -> None:
    """Wire each row: its value field for a lever, its type field for a type, and its help.

    Args:
        app: the Dash app.
        prefix: the page's editor prefix (as given to :func:`editor`).
        lang_id: the page's language store.
    """
    for i in range(MAX_EVENTS):
        p = f"{prefix}-ev{i}"
        app.callback(
            Output(f"{p}-value-help", "children"),
            Input(f"{p}-target", "value"),
            State(lang_id, "data"),
            prevent_initial_call=True,
        )(lambda target, lang: value_help(target, clean_lang(lang)))
        app.clientside_callback(
            """function(target) {
                const isType = typeof target === 'string' && target.endsWith('_type');
                return [isType ? {display: 'none'} : {}, isType ? {} : {display: 'none'}];
            }""",
            Output(f"{p}-value-box", "style"),
            Output(f"{p}-type-box", "style"),
            Input(f"{p}-target", "value"),
        )
