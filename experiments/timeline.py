"""Policy over time in experiments: ``--event`` options, event fields of a design, effects.

The model applies events (:mod:`sim.events`, which also validates them: :func:`check_events`
is the one check). This module turns what a researcher types into event tables, lets a design
vary an event's timing or size, and measures what an event did in a run's weekly table.

``--event`` syntax (one event per option; see :data:`EVENT_HELP`)::

    52:pooled_funding=0.8                 a step: from week 52 on
    60-72:turnover_per_year=0.6           a pulse: weeks 60 to 71, back to the value before at 72
    30+26:information_sharing=0.9         a ramp: linearly from week 30 over 26 weeks
    78:political_climate_type=innoverend  a type change: the level's agents re-drawn
    52:pooled_funding=0.8,caseload_norm=12  several levers in one event

Design columns ``event.N.FIELD`` vary event N of the run's timeline (the scenario's events
first, then the ``--event`` ones, counted from 0): FIELD is ``week``, ``until`` or
``ramp_weeks``, a parameter the event sets (its value), or ``LEVEL_type`` (its type). Moving a
pulse's ``week`` moves the whole pulse (its length is kept) unless the point also sets
``until``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from experiments.config import Scenario, parse_value
from sim.errors import ConfigError
from sim.events import Event, check_events
from sim.params import TYPES, check_name
from sim.typology import LEVELS

if TYPE_CHECKING:  # NumPy and pandas load only when an analysis runs, not for --help
    import numpy as np
    import pandas as pd

EVENT_HELP = (
    "A policy event: WEEK:NAME=VALUE (a step from WEEK on), WEEK-UNTIL:NAME=VALUE (a pulse, "
    "back to the value before at UNTIL), WEEK+RAMP:NAME=VALUE (phased in linearly over RAMP "
    "weeks) or WEEK:LEVEL_type=TYPE (a type change, e.g. 78:political_climate_type=innoverend). "
    "NAME=VALUE may repeat, comma-separated. Weeks are reported weeks (after the burn-in). "
    "Repeat --event for more events."
)
_FORM = "WEEK:NAME=VALUE, WEEK-UNTIL:NAME=VALUE, WEEK+RAMP:NAME=VALUE or WEEK:LEVEL_type=TYPE"
_WHEN = re.compile(r"^\s*(\d+)\s*(?:([-+])\s*(\d+))?\s*$")
#: Fields of an event that are weeks (whole numbers), as opposed to lever values or types.
WEEK_FIELDS = ("week", "until", "ramp_weeks")
#: Prefix of a design column that varies an event (``event.0.week``).
EVENT_PREFIX = "event."


# --- the --event option --------------------------------------------------------------------


def parse_event(spec: str) -> dict[str, Any]:
    """Turn one ``--event`` text into an event table (validated later by ``check_events``).

    Raises:
        ConfigError: naming ``--event``, the text and the form it should have, or the lever
            and the value it does not allow.
    """
    field = f"--event {spec!r}"
    when, sep, changes = spec.partition(":")
    found = _WHEN.match(when)
    if not sep or not found or not changes.strip():
        raise ConfigError("--event", spec, f"write it as {_FORM}")
    week, op, other = found.groups()
    event: dict[str, Any] = {"week": int(week)}
    if op == "-":
        event["until"] = int(other)
    elif op == "+":
        event["ramp_weeks"] = int(other)
    for item in changes.split(","):
        name, eq, raw = item.partition("=")
        name, raw = name.strip(), raw.strip()
        if not eq or not name or not raw:
            raise ConfigError(field, item.strip(), "each change is NAME=VALUE")
        _put(event, name, raw, field)
    return event


def event_spec(event: Event) -> str:
    """The ``--event`` text of ``event``: the inverse of :func:`parse_event`.

    Links and CSV headers carry events in this form, so a timeline reads the same on the
    command line, in a shared address and in an exported file.
    """
    when = str(event.week)
    if event.until is not None:
        when += f"-{event.until}"
    elif event.ramp_weeks:
        when += f"+{event.ramp_weeks}"
    changes = {**event.set, **{f"{lv}_type": ty for lv, ty in event.types.items()}}
    return when + ":" + ",".join(f"{k}={_text(v)}" for k, v in changes.items())


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def parse_events(specs: Sequence[str] | None) -> list[dict[str, Any]]:
    """Parse every ``--event`` option (see :func:`parse_event`), in order."""
    return [parse_event(spec) for spec in specs or ()]


def _put(event: dict[str, Any], name: str, raw: str, field: str) -> None:
    level = type_level(name)
    if level is not None:
        if raw not in TYPES:
            raise ConfigError(f"{field} {name}", raw, "types: " + ", ".join(TYPES))
        event.setdefault("types", {})[level] = raw
        return
    try:
        event.setdefault("set", {})[name] = parse_value(name, raw)
    except ConfigError as exc:
        raise ConfigError(f"{field} {exc.field}", exc.value, exc.allowed) from None


def type_level(name: str) -> str | None:
    """The level of a ``LEVEL_type`` name (``political_climate_type`` -> political_climate)."""
    level = name.removesuffix("_type")
    return level if name.endswith("_type") and level in LEVELS else None


def with_timeline(scenario: Scenario, specs: Sequence[str] | None, weeks: int) -> Scenario:
    """``scenario`` with the ``--event`` options added, every event checked for ``weeks``.

    Raises:
        ConfigError: as :func:`timeline_for`.
    """
    return replace(scenario, events=timeline_for(scenario.events, specs, weeks))


def timeline_for(
    scenario_events: Sequence[Event], specs: Sequence[str] | None, weeks: int
) -> tuple[Event, ...]:
    """The scenario's events plus the ``--event`` ones, checked for a run of ``weeks``.

    Raises:
        ConfigError: a malformed option, or (from :func:`sim.events.check_events`) an event
            that is not allowed; an error in an ``--event`` names the option as typed.
    """
    own = [e.to_dict() for e in scenario_events]
    extra = parse_events(specs)
    try:
        return check_events([*own, *extra], weeks)
    except ConfigError as exc:
        raise _name_option(exc, len(own), specs or ()) from None


def _name_option(exc: ConfigError, first: int, specs: Sequence[str]) -> ConfigError:
    """Point an error about ``events[i]`` at the ``--event`` option it came from, if any."""
    found = re.match(r"events\[(\d+)\]\.?(.*)", exc.field)
    if found and int(found.group(1)) >= first:
        spec = specs[int(found.group(1)) - first]
        return ConfigError(f"--event {spec!r} {found.group(2)}".strip(), exc.value, exc.allowed)
    return exc


# --- event fields of a design ----------------------------------------------------------------


def is_event_field(name: str) -> bool:
    """Whether a design column varies an event (``event.N.FIELD``) rather than a parameter."""
    return name.startswith(EVENT_PREFIX)


def split_event_field(name: str) -> tuple[int, str]:
    """``event.2.week`` -> (2, "week").

    Raises:
        ConfigError: not ``event.N.FIELD`` with N a whole number.
    """
    parts = name.split(".", 2)
    if len(parts) != 3 or not parts[1].isdigit() or not parts[2]:
        raise ConfigError(
            "--param",
            name,
            "an event field is event.N.FIELD, e.g. event.0.week or "
            "event.0.pooled_funding (N counts the run's events from 0)",
        )
    return int(parts[1]), parts[2]


def event_field_kind(name: str) -> str:
    """The kind of value an event field takes: "int", "float", "bool" or "choice"."""
    _, field = split_event_field(name)
    if field in WEEK_FIELDS:
        return "int"
    if type_level(field) is not None:
        return "choice"
    return check_name(field).kind


def parse_event_field(name: str, raw: str) -> Any:
    """The value of an event field from text (a week, a lever's value or a type).

    Raises:
        ConfigError: a malformed field name, or a value its field does not allow.
    """
    _, field = split_event_field(name)
    text = raw.strip()
    if field in WEEK_FIELDS:
        if not text.isdigit():
            raise ConfigError(name, text, "allowed: a whole number of reported weeks")
        return int(text)
    if type_level(field) is not None:
        if text not in TYPES:
            raise ConfigError(name, text, "types: " + ", ".join(TYPES))
        return text
    try:
        return parse_value(field, text)
    except ConfigError as exc:
        raise ConfigError(name, exc.value, exc.allowed) from None


def split_point(point: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A design point's parameter overrides and its event fields, apart."""
    params = {k: v for k, v in point.items() if not is_event_field(k)}
    fields = {k: v for k, v in point.items() if is_event_field(k)}
    return params, fields


def apply_event_fields(
    events: Sequence[Event], fields: Mapping[str, Any], weeks: int
) -> tuple[Event, ...]:
    """The events with a design point's ``event.N.FIELD`` values put in, checked for ``weeks``.

    Raises:
        ConfigError: N beyond the run's events, or (from ``check_events``) a resulting event
            that is not allowed.
    """
    tables = [_copy(e.to_dict()) for e in events]
    for name, value in fields.items():
        index, field = split_event_field(name)
        if index >= len(tables):
            have = f"event.0 to event.{len(tables) - 1}" if tables else "no events"
            raise ConfigError(
                "--param", name, f"the run has {have}; give the event with --event or [[events]]"
            )
        _set_field(tables[index], field, value, "until" not in _fields_of(fields, index))
    try:
        return check_events(tables, weeks)
    except ConfigError as exc:
        point = ", ".join(f"{k}={v}" for k, v in fields.items())
        raise ConfigError(f"{exc.field} (design point {point})", exc.value, exc.allowed) from None


def _copy(table: dict[str, Any]) -> dict[str, Any]:
    return {k: dict(v) if isinstance(v, Mapping) else v for k, v in table.items()}


def _fields_of(fields: Mapping[str, Any], index: int) -> set[str]:
    return {split_event_field(n)[1] for n in fields if split_event_field(n)[0] == index}


def _set_field(table: dict[str, Any], field: str, value: Any, keep_length: bool) -> None:
    if field == "week" and keep_length and "until" in table:
        table["until"] = int(value) + table["until"] - table["week"]  # move the whole pulse
    if field in WEEK_FIELDS:
        table[field] = int(value)
    elif type_level(field) is not None:
        table.setdefault("types", {})[type_level(field)] = value
    else:
        table.setdefault("set", {})[field] = value


def events_json(events: Iterable[Event]) -> str:
    """Events as the JSON text stored in design rows and run summaries."""
    return json.dumps([e.to_dict() for e in events], sort_keys=True)


def events_from_json(text: Any) -> list[dict[str, Any]]:
    """The event tables of a design row (an empty list for rows of stores without events)."""
    if not isinstance(text, str) or not text:
        return []
    return json.loads(text)


def event_marks(timelines: Iterable[Any]) -> dict[int, str]:
    """Weeks to mark on a chart over time, with labels, from runs' stored events (JSON).

    Every event start is marked, and a pulse's end; the same week in several runs' timelines
    (a timing sweep) gets one mark whose labels are joined.
    """
    marks: dict[int, list[str]] = {}
    for text in timelines:
        for event in check_events(events_from_json(text)):
            marks.setdefault(event.week, []).append(event.label())
            if event.until is not None:
                marks.setdefault(event.until, []).append(f"end of {event.label()}")
    return {week: "; ".join(dict.fromkeys(labels)) for week, labels in marks.items()}


# --- what an event did -----------------------------------------------------------------------

#: Weeks before an event whose values define its "before" mean and pre-event band.
BAND_WEEKS = 26
#: Width of the pre-event band in standard deviations of the weekly values.
BAND_SDS = 2.0
#: Consecutive weeks an outcome must stay within its band to count as recovered.
HOLD_WEEKS = 4


@dataclass(frozen=True)
class Band:
    """An outcome's pre-event band: mean ± :data:`BAND_SDS` sd of its weekly values."""

    mean: float
    sd: float

    @property
    def low(self) -> float:
        """The band's lower bound."""
        return self.mean - BAND_SDS * self.sd

    @property
    def high(self) -> float:
        """The band's upper bound."""
        return self.mean + BAND_SDS * self.sd

    def holds(self, values: np.ndarray) -> np.ndarray:
        """Which values lie within the band (bounds included)."""
        return (values >= self.low) & (values <= self.high)


def pre_event_band(weekly: pd.DataFrame, outcome: str, week: int) -> Band:
    """The band of ``outcome`` over the :data:`BAND_WEEKS` weeks before ``week``.

    The band is the mean ± :data:`BAND_SDS` standard deviations (sample sd) of the weekly
    values of reported weeks ``week - BAND_WEEKS`` to ``week - 1`` (fewer when the event comes
    earlier). NaN when no week precedes the event.
    """
    import numpy as np

    before = _between(weekly, outcome, week - BAND_WEEKS, week)
    if len(before) == 0:
        return Band(math.nan, math.nan)
    sd = float(np.std(before, ddof=1)) if len(before) > 1 else 0.0
    return Band(float(np.mean(before)), sd)


def recovery_weeks(
    weekly: pd.DataFrame, outcome: str, week: int, until: int, hold: int = HOLD_WEEKS
) -> float:
    """Weeks after a pulse ends until ``outcome`` is back within its pre-event band.

    The band is :func:`pre_event_band` of the pulse's start ``week``. The outcome is back
    when it lies within the band in ``hold`` consecutive reported weeks; the recovery time is
    the first of those weeks minus ``until`` (the first week without the pulse), so 0 means it
    is within its band as soon as the pulse ends.

    Args:
        weekly: one run's weekly table (``week`` and the outcome).
        outcome: the column to follow.
        week: the pulse's first week.
        until: the first week after the pulse.
        hold: consecutive weeks within the band that count as recovered.

    Returns:
        The recovery time in weeks; infinity when the run ends before the outcome is back
        (or before ``hold`` weeks after the pulse could be seen); NaN without a band.
    """
    band = pre_event_band(weekly, outcome, week)
    if math.isnan(band.mean):
        return math.nan
    after = weekly.loc[weekly["week"] >= until].sort_values("week")
    inside = band.holds(after[outcome].to_numpy(dtype=float))
    run = 0
    for i, ok in enumerate(inside):
        run = run + 1 if ok else 0
        if run == hold:
            return float(after["week"].iloc[i - hold + 1] - until)
    return math.inf


def paired_difference(
    weekly: pd.DataFrame, outcome: str, column: str, without: Any, with_: Any
) -> pd.DataFrame:
    """Per week: the mean paired difference (with - without) across seeds and its 95% CI.

    For a design that varies an event field (``column``, e.g. ``event.0.turnover_per_year``)
    between a value that changes nothing (``without``: the lever's own value) and the event's
    (``with_``): replication r of both points shares its seed, so before the event the
    difference is exactly zero, and after it is the event's effect, free of the noise the two
    runs share.

    Returns:
        Columns ``week``, ``n`` (seeds), ``diff`` and ``ci95`` (half-width; NaN for one seed).
    """
    from experiments.stats import half_width  # scipy: only for this analysis

    wide = weekly.pivot_table(index=["seed", "week"], columns=column, values=outcome)
    by_week = (wide[with_] - wide[without]).groupby("week")
    out = by_week.agg(n="count", diff="mean", sd="std").reset_index()
    out["ci95"] = half_width(out["sd"], out["n"])
    return out.drop(columns="sd")


def paired_recovery_weeks(paired: pd.DataFrame, until: int, hold: int = HOLD_WEEKS) -> float:
    """Weeks after a pulse ends until its paired effect is no longer distinguishable from 0.

    Args:
        paired: :func:`paired_difference` of the pulse against the same seeds without it.
        until: the first week after the pulse.
        hold: consecutive weeks whose 95% CI of the difference includes 0.

    Returns:
        The first of ``hold`` such weeks minus ``until``; infinity when the run ends first.
    """
    after = paired[paired["week"] >= until].sort_values("week")
    inside = (after["diff"].abs() <= after["ci95"]).to_numpy()
    run = 0
    for i, ok in enumerate(inside):
        run = run + 1 if ok else 0
        if run == hold:
            return float(after["week"].iloc[i - hold + 1] - until)
    return math.inf


def event_effects(
    weekly: pd.DataFrame, events: Sequence[Event], outcomes: Sequence[str]
) -> pd.DataFrame:
    """Per event and outcome: the mean before, the mean after, and a pulse's recovery time.

    ``before`` is the mean over the :data:`BAND_WEEKS` weeks before the event. ``after`` is
    the mean while the event is in force: a pulse's own weeks; for a step, ramp or type
    change, from the week it is fully in force (after a ramp) to the end of the run. Later
    events fall in that window too: read ``after`` as "after this event", not "because of it"
    (a run without the event, same seed, is the clean comparison). For pulses,
    ``left_band`` tells whether the outcome left its pre-event band during the pulse, and
    ``recovery_weeks`` is :func:`recovery_weeks` (NaN for other kinds).

    Returns:
        Columns ``event`` (its label), ``kind``, ``week``, ``outcome``, ``before``,
        ``after``, ``left_band``, ``recovery_weeks``.
    """
    import pandas as pd

    rows = []
    for event in events:
        start = event.week + event.ramp_weeks
        end = event.until if event.until is not None else int(weekly["week"].max()) + 1
        for outcome in outcomes:
            before = _between(weekly, outcome, event.week - BAND_WEEKS, event.week)
            after = _between(weekly, outcome, start, end)
            recovery, left = math.nan, None
            if event.until is not None:
                band = pre_event_band(weekly, outcome, event.week)
                left = bool(len(after)) and not band.holds(after).all()
                recovery = recovery_weeks(weekly, outcome, event.week, event.until)
            rows.append(
                {
                    "event": event.label(),
                    "kind": event.kind,
                    "week": event.week,
                    "outcome": outcome,
                    "before": _mean(before),
                    "after": _mean(after),
                    "left_band": left,
                    "recovery_weeks": recovery,
                }
            )
    return pd.DataFrame(rows)


def _between(weekly: pd.DataFrame, outcome: str, first: int, end: int) -> np.ndarray:
    """Values of ``outcome`` in reported weeks ``first`` to ``end - 1``."""
    chosen = (weekly["week"] >= first) & (weekly["week"] < end)
    return weekly.loc[chosen, outcome].to_numpy(dtype=float)


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else math.nan
