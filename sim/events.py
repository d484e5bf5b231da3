"""Policy over time: events that change a lever or a type during a run.

Policy advisors ask "what if we pool funding from next year", "what does a year of high
turnover do", "what if the climate turns after the elections". An :class:`Event` changes
declared parameters or the type of one level from a reported week on:

- a *step* sets values from ``week`` on;
- a *pulse* sets them from ``week`` until ``until``, then restores the values before;
- a *ramp* moves them linearly from the values before to the new ones over ``ramp_weeks``;
- a *type change* re-draws the agents of a level with the ``type_share`` rule.

Weeks count reported weeks (after the burn-in). Events only act from their week on and draw
random numbers only then, so a run with and without an event is identical, row for row, up to
the event's week: every event is a clean paired experiment.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sim.errors import ConfigError
from sim.params import PARAMETERS, TYPES, Params, check_name
from sim.typology import LEVELS

#: Parameters fixed at the start of a run: they shape the population, the positions or the
#: run itself, and cannot change halfway.
FIXED = frozenset(
    {
        "n_regions",
        "families_per_region",
        "municipalities_per_region",
        "centre_family_share",
        "social_fte_per_100_families",
        "safety_fte_per_100_families",
        "procesregie_capacity_share",
        "in_view_at_start",
        "burn_in_weeks",
        "knockout",
        *(f"{level}_type" for level in LEVELS),
    }
)


@dataclass(frozen=True)
class Event:
    """One change of policy at a reported week (see the module docstring for the kinds)."""

    week: int
    set: Mapping[str, Any] = field(default_factory=dict)
    types: Mapping[str, str] = field(default_factory=dict)
    until: int | None = None
    ramp_weeks: int = 0

    @property
    def kind(self) -> str:
        """step, pulse, ramp or type."""
        if self.types:
            return "type"
        if self.until is not None:
            return "pulse"
        return "ramp" if self.ramp_weeks else "step"

    @property
    def end(self) -> float:
        """First week the event no longer holds (infinity for steps, ramps and type changes)."""
        return self.until if self.until is not None else float("inf")

    def label(self) -> str:
        """The event in a few words, for tables and charts (``pooled_funding=0.8``)."""
        changes = {**self.set, **{f"{k}_type": v for k, v in self.types.items()}}
        text = ", ".join(f"{k}={v}" for k, v in changes.items())
        if self.kind == "pulse":
            return f"{text} (weeks {self.week}-{self.until})"
        if self.kind == "ramp":
            return f"{text} (over {self.ramp_weeks} weeks)"
        return text

    def to_dict(self) -> dict[str, Any]:
        """A plain dict (for run identities, JSON and TOML)."""
        out: dict[str, Any] = {"week": self.week}
        if self.set:
            out["set"] = dict(self.set)
        if self.types:
            out["types"] = dict(self.types)
        if self.until is not None:
            out["until"] = self.until
        if self.ramp_weeks:
            out["ramp_weeks"] = self.ramp_weeks
        return out


def check_events(raw: Iterable[Mapping[str, Any]], weeks: int | None = None) -> tuple[Event, ...]:
    """Validate events against the parameter declaration and the run length.

    Args:
        raw: event tables (``week``, ``set``, ``types``, ``until``, ``ramp_weeks``).
        weeks: the run's reported weeks; an event must start within them.

    Raises:
        ConfigError: naming the event's field, the value and what is allowed.
    """
    events = tuple(_check_one(i, dict(e), weeks) for i, e in enumerate(raw))
    _check_overlaps(events)
    return events


_KEYS = {"week", "set", "types", "until", "ramp_weeks"}


def _check_one(i: int, e: dict[str, Any], weeks: int | None) -> Event:
    where = f"events[{i}]"
    unknown = set(e) - _KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise ConfigError(f"{where}.{key}", e[key], "allowed keys: " + ", ".join(sorted(_KEYS)))
    week = _whole(f"{where}.week", e.get("week"), 1, weeks)
    until = e.get("until")
    if until is not None:
        until = _whole(f"{where}.until", until, week + 1, None, "a week after week")
    ramp = _whole(f"{where}.ramp_weeks", e.get("ramp_weeks", 0), 0, None)
    changes = _mapping(f"{where}.set", e.get("set", {}))
    types = _mapping(f"{where}.types", e.get("types", {}))
    if not changes and not types:
        raise ConfigError(where, e, "an event sets at least one parameter (set) or type (types)")
    if types and (changes or until is not None or ramp):
        raise ConfigError(where, e, "a type change stands alone: no set, until or ramp_weeks")
    if until is not None and ramp:
        raise ConfigError(f"{where}.ramp_weeks", ramp, "a pulse (until) cannot also ramp")
    checked = {}
    for name, value in changes.items():
        param = check_name(name)
        if name in FIXED:
            raise ConfigError(
                f"{where}.set.{name}", value, "fixed at the start of a run; it cannot change"
            )
        checked[name] = param.check(value)
        if ramp and param.kind not in ("int", "float"):
            raise ConfigError(f"{where}.set.{name}", value, "only numbers can ramp")
    for level, type_ in types.items():
        if level not in LEVELS:
            raise ConfigError(f"{where}.types.{level}", type_, "levels: " + ", ".join(LEVELS))
        if type_ not in TYPES:
            raise ConfigError(f"{where}.types.{level}", type_, "types: " + ", ".join(TYPES))
    return Event(week, checked, dict(types), until, ramp)


def _whole(field_: str, value, low: int, high: int | None, what: str = "") -> int:
    ok = isinstance(value, int) and not isinstance(value, bool)
    if not ok or value < low or (high is not None and value > high):
        span = f"from {low} to {high}" if high is not None else f">= {low}"
        raise ConfigError(
            field_, value, f"allowed: a whole number {span}{' (' + what + ')' if what else ''}"
        )
    return value


def _mapping(field_: str, value) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError(field_, value, "a table of NAME = VALUE")
    return value


def _check_overlaps(events: Sequence[Event]) -> None:
    """Two events may not set the same parameter (or level) in overlapping windows."""
    for i, a in enumerate(events):
        for b in events[i + 1 :]:
            shared = (set(a.set) & set(b.set)) | (set(a.types) & set(b.types))
            if shared and a.week < b.end and b.week < a.end:
                name = sorted(shared)[0]
                raise ConfigError(
                    f"events: {name}",
                    f"weeks {a.week} and {b.week}",
                    "two events set it in overlapping windows; end the first (until) first",
                )


class Timeline:
    """The parameters and types in force in each reported week, given a run's events."""

    def __init__(self, base: Params, events: Sequence[Event]):
        self.base = base
        self.events = tuple(sorted(events, key=lambda e: e.week))

    def changes_at(self, week: int) -> bool:
        """Whether any parameter is being changed in ``week`` (an event starts, ramps or ends)."""
        for e in self.events:
            if e.set and (e.week <= week < e.week + max(e.ramp_weeks, 1) or week == e.until):
                return True
        return False

    def params_at(self, week: int) -> Params:
        """The parameters (and types) in force in reported week ``week``."""
        values = dict(self.base)
        for e in self.events:
            if week < e.week or week >= e.end:
                continue
            values.update({f"{level}_type": t for level, t in e.types.items()})
            share = 1.0
            if e.ramp_weeks:
                share = min(1.0, (week - e.week + 1) / e.ramp_weeks)
            for name, target in e.set.items():
                before = values[name]
                if share < 1.0:
                    value = before + share * (target - before)
                    values[name] = round(value) if PARAMETERS[name].kind == "int" else value
                else:
                    values[name] = target
        return Params(values)

    def types_at(self, week: int) -> dict[str, str]:
        """The type changes that take effect in reported week ``week`` (level -> type)."""
        return {lv: t for e in self.events if e.week == week for lv, t in e.types.items()}

    def labels_at(self, week: int) -> str:
        """The events starting (or a pulse ending) in ``week``, in words; empty otherwise."""
        out = [e.label() for e in self.events if e.week == week]
        out += [f"end of {e.label()}" for e in self.events if e.until == week]
        return "; ".join(out)
