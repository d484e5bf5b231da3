"""A dashboard scenario: family mix, coat, levers, seed and weeks; from URLs and from callbacks.

Everything that reaches the server is untrusted: query strings may hold anything, and a crafted
request to ``/_dash-update-component`` can put any JSON value in any input. Two entry points:

* :func:`from_query` is lenient: it restores a shared link and drops what it does not know, so
  an old or mangled link still opens a page.
* :func:`validate_state` is strict: callbacks use it, and it raises
  :class:`~sim.errors.ConfigError` with one clear line for any bad value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any
from urllib.parse import urlencode

from experiments.config import Scenario, list_scenarios, load_scenario
from experiments.timeline import event_spec, parse_event
from sim.errors import ConfigError
from sim.events import FIXED, Event, check_events
from sim.params import PARAMETERS, TYPES
from sim.typology import LEVELS

#: parameter group -> the level it acts on, in the order decisions travel (government first)
LEVER_GROUPS = {
    "climate": "government",
    "region": "region",
    "organisation": "organisation",
    "professional": "professional",
    "family": "family",
}
LEVER_LEVELS = tuple(LEVER_GROUPS.values())
#: parameters that size the model: the family mix fixes them, so a click stays quick
SIZING = frozenset({"n_regions", "families_per_region", "municipalities_per_region"})
#: the policy levers shown first in each level (the rest sit under "more")
KEY_LEVERS = (
    "pooled_funding",
    "information_sharing",
    "intervention_norm",
    "procesregie_capacity_share",
    "specialist_capacity_per_100_families",
    "providers_per_problem",
    "caseload_norm",
    "social_fte_per_100_families",
    "turnover_per_year",
    "vacancy_weeks",
)


def _levers() -> tuple[str, ...]:
    """Every numeric parameter of a lever group, read from the declaration.

    New parameters appear without code changes; groups that are not levers (typology, cost,
    run settings, the model's mechanism coefficients) never do.
    """
    return tuple(
        p.name
        for p in PARAMETERS.values()
        if p.group in LEVER_GROUPS and p.name not in SIZING and p.kind in ("int", "float")
    )


#: every lever the dashboard exposes, in declaration order
LEVERS = _levers()


def levers_of(level: str) -> list[str]:
    """The levers acting on ``level``: key levers first, then the others."""
    names = [n for n in LEVERS if LEVER_GROUPS[PARAMETERS[n].group] == level]
    return sorted(names, key=lambda n: (n not in KEY_LEVERS, names.index(n)))


#: short query-string names of the four quadrants (links stay readable)
LEVEL_KEYS = {
    "professional": "prof",
    "organisation": "org",
    "region": "region",
    "political_climate": "climate",
}

#: events a dashboard timeline holds at most (a simple editor: three rows)
MAX_EVENTS = 3
#: query-string keys of a timeline's events, each in the ``--event`` syntax
EVENT_KEYS = tuple(f"event{i}" for i in range(1, MAX_EVENTS + 1))
#: what an event may change: the levers that can change during a run (key levers first), and
#: each level's type
EVENT_TARGETS = (
    *(n for n in KEY_LEVERS if n in LEVERS and n not in FIXED),
    *(f"{lv}_type" for lv in LEVELS),
    *(n for n in LEVERS if n not in FIXED and n not in KEY_LEVERS),
)

WEEKS_RANGE = (13, 520)
SEED_RANGE = (0, 2**31 - 1)
#: numbers beyond this are refused before any float conversion (10**400 would overflow)
_MAX_ABS = 1e12


@dataclass(frozen=True)
class ScenarioState:
    """A validated dashboard scenario."""

    mix: str
    types: tuple[tuple[str, str], ...]
    levers: tuple[tuple[str, float | int], ...]
    seed: int
    weeks: int
    events: tuple[Event, ...] = ()

    def overrides(self) -> dict[str, Any]:
        """Parameter overrides on top of the mix: the coat plus every lever."""
        out: dict[str, Any] = {f"{level}_type": type_ for level, type_ in self.types}
        out.update(self.levers)
        return out

    def scenario(self) -> Scenario:
        """Load the mix with this state's overrides and timeline (validated again)."""
        return timeline_scenario(self.mix, self.overrides(), self.events, self.weeks)

    def event_specs(self) -> tuple[str, ...]:
        """The events in the ``--event`` syntax (what links, jobs and CSV files carry)."""
        return tuple(event_spec(e) for e in self.events)

    def type_of(self, level: str) -> str:
        """Return the type at ``level``."""
        return dict(self.types)[level]

    def changed_levers(self) -> dict[str, Any]:
        """Levers whose value differs from the mix's own (what a shared link must carry)."""
        base = mix_defaults(self.mix)
        return {k: v for k, v in self.levers if base["levers"][k] != v}


def timeline_scenario(
    mix: str, overrides: Mapping[str, Any], events: Sequence[Event | Mapping], weeks: int
) -> Scenario:
    """The mix with ``overrides`` and exactly ``events``, checked for a run of ``weeks``.

    The events replace the mix's own: the dashboard's timeline editor shows the whole
    timeline, so what it shows is what runs.

    Raises:
        ConfigError: from the loader or from :func:`sim.events.check_events`.
    """
    base = load_scenario(mix, dict(overrides))
    return replace(base, events=()).with_events(events, weeks)


def mixes() -> list[str]:
    """Family mixes offered for interactive use: the baseline and the training cases.

    The national scenario is left out on purpose: 25 regions are too big for a click.
    """
    return [n for n in list_scenarios() if n == "baseline" or n.startswith("cases/")]


def cases() -> list[str]:
    """The training cases among the mixes."""
    return [n for n in mixes() if n.startswith("cases/")]


@cache
def mix_defaults(mix: str) -> dict[str, Any]:
    """Return the coat, levers, seed, weeks and case texts a mix starts with."""
    sc = load_scenario(mix)
    return {
        "types": dict(sc.types),
        "levers": {k: sc.params[k] for k in LEVERS},
        "seed": sc.seed,
        "weeks": sc.weeks,
        "case": dict(sc.case),
        "events": sc.events,
    }


def default_mix() -> str:
    """The mix a page opens with: the baseline when present."""
    names = mixes()
    return "baseline" if "baseline" in names or not names else names[0]


def check_number(name: str, value: Any, kind: str) -> float | int:
    """Refuse non-numbers, booleans, NaN/inf and absurd magnitudes with a ConfigError."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(name, _short(value), "allowed: a number")
    if isinstance(value, int) and abs(value) > _MAX_ABS:
        raise ConfigError(name, _short(value), "allowed: a number of sensible size")
    if isinstance(value, float) and (not math.isfinite(value) or abs(value) > _MAX_ABS):
        raise ConfigError(name, _short(value), "allowed: a finite number")
    if kind == "int":
        if float(value) != int(value):
            raise ConfigError(name, value, "allowed: a whole number")
        return int(value)
    return value


def _short(value: Any) -> str:
    """Shorten a hostile value for messages (a megabyte string must not come back whole)."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def check_int(name: str, value: Any, low: int, high: int) -> int:
    """Return ``value`` as an int within ``[low, high]`` or raise ConfigError."""
    number = check_number(name, value, "int")
    if not low <= number <= high:
        raise ConfigError(name, number, f"allowed: a whole number from {low} to {high}")
    return int(number)


def check_choice(name: str, value: Any, allowed: list[str] | tuple[str, ...]) -> str:
    """Return ``value`` when it is one of ``allowed``, else raise ConfigError."""
    if isinstance(value, str) and value in allowed:
        return value
    raise ConfigError(name, _short(value), "allowed: " + ", ".join(allowed))


def validate_state(
    mix: Any,
    types: Mapping[str, Any],
    levers: Mapping[str, Any],
    seed: Any,
    weeks: Any,
    events: Sequence[Event | Mapping[str, Any]] = (),
) -> ScenarioState:
    """Check raw callback values and return a ScenarioState.

    Args:
        mix: the family mix (one of :func:`mixes`).
        types: level -> type (the coat).
        levers: every lever in :data:`LEVERS` -> its value.
        seed: the run's seed.
        weeks: the run length in reported weeks.
        events: the timeline (event tables as in a scenario file, or checked events), at
            most :data:`MAX_EVENTS`; checked by :func:`sim.events.check_events`.

    Raises:
        ConfigError: for an unknown mix, type or lever, a value of the wrong type or range,
            or an event that is not allowed (its field named as ``events[i].FIELD``).
    """
    mix = check_choice("mix", mix, mixes())
    if not isinstance(types, Mapping) or not isinstance(levers, Mapping):
        raise ConfigError("scenario", "?", "types and levers must be tables")
    checked_types = tuple(
        (level, check_choice(f"{level}_type", types.get(level), TYPES)) for level in LEVELS
    )
    checked_levers = []
    for name in LEVERS:
        param = PARAMETERS[name]
        value = check_number(name, levers.get(name), param.kind)
        checked_levers.append((name, param.check(value)))
    unknown = set(levers) - set(LEVERS)
    if unknown:
        raise ConfigError("lever", _short(sorted(map(str, unknown))[0]), "not a dashboard lever")
    weeks = check_int("weeks", weeks, *WEEKS_RANGE)
    state = ScenarioState(
        mix=mix,
        types=checked_types,
        levers=tuple(checked_levers),
        seed=check_int("seed", seed, *SEED_RANGE),
        weeks=weeks,
        events=check_timeline(events, weeks),
    )
    state.scenario()  # the loader checks the whole combination once more
    return state


def check_timeline(events: Any, weeks: int) -> tuple[Event, ...]:
    """Check a dashboard timeline: at most :data:`MAX_EVENTS` events that fit in ``weeks``.

    Raises:
        ConfigError: too many events, or (from :func:`sim.events.check_events`) one that is
            not allowed.
    """
    if not isinstance(events, Sequence) or isinstance(events, str):
        raise ConfigError("events", _short(events), "a list of events")
    if len(events) > MAX_EVENTS:
        raise ConfigError("events", len(events), f"at most {MAX_EVENTS} events")
    tables = [e.to_dict() if isinstance(e, Event) else e for e in events]
    if not all(isinstance(e, Mapping) for e in tables):
        raise ConfigError("events", _short(events), "a list of events")
    checked = check_events(tables, weeks)
    for i, event in enumerate(checked):  # the editor shows one change per event
        if len(event.set) + len(event.types) != 1:
            raise ConfigError(f"events[{i}]", event_spec(event), "one lever or type per event")
    return checked


def default_state(mix: str | None = None) -> ScenarioState:
    """The untouched state of ``mix`` (the default mix when None)."""
    mix = mix or default_mix()
    base = mix_defaults(mix)
    return validate_state(
        mix, base["types"], base["levers"], base["seed"], base["weeks"], base["events"]
    )


def from_query(query: Mapping[str, Any]) -> ScenarioState:
    """Restore a state from query-string values, ignoring anything not allowed."""
    return read_query(query)[0]


def read_query(query: Mapping[str, Any]) -> tuple[ScenarioState, list[str]]:
    """Restore a state from query-string values; also name the fields that were ignored.

    Returns:
        The state, and the names of the fields whose values were not allowed (the page says
        so, with what is allowed, instead of dropping them silently).
    """
    ignored: list[str] = []

    def skip(field: str) -> None:
        if field in query:
            ignored.append(field)

    mix = query.get("mix")
    if mix not in mixes():
        skip("mix")
        mix = default_mix()
    base = mix_defaults(mix)
    types = dict(base["types"])
    for level, key in LEVEL_KEYS.items():
        if query.get(key) in TYPES:
            types[level] = query[key]
        else:
            skip(key)
    levers = dict(base["levers"])
    for name in LEVERS:
        value = _parse_number(query.get(name))
        try:
            levers[name] = PARAMETERS[name].check(value)
        except ConfigError:
            skip(name)
    seed = _parse_int(query.get("seed"), SEED_RANGE, None)
    weeks = _parse_int(query.get("weeks"), WEEKS_RANGE, None)
    for field, value in (("seed", seed), ("weeks", weeks)):
        if value is None:
            skip(field)
    weeks = weeks or base["weeks"]
    events = _query_events(query, weeks, ignored) if _has_events(query) else base["events"]
    state = validate_state(
        mix, types, levers, base["seed"] if seed is None else seed, weeks, events
    )
    return state, ignored


def _has_events(query: Mapping[str, Any]) -> bool:
    return any(key in query for key in EVENT_KEYS)


def _query_events(query: Mapping[str, Any], weeks: int, ignored: list[str]) -> list[dict]:
    """The link's events (``event1`` ...), each kept only when it fits with the ones before.

    An event that does not parse, does not fit in the run or overlaps an earlier one on the
    same parameter is named in ``ignored``; the others still run.
    """
    kept: list[dict] = []
    for key in EVENT_KEYS:
        spec = query.get(key)
        if spec is None:
            continue
        try:
            if not isinstance(spec, str) or len(spec) > 200:
                raise ConfigError(key, _short(spec), "an event")
            table = parse_event(spec)
            check_events([*kept, table], weeks)
        except ConfigError:
            ignored.append(key)
            continue
        kept.append(table)
    return kept


def _parse_number(raw: Any) -> float | int | None:
    if not isinstance(raw, str) or len(raw) > 32:
        return None
    try:
        number = float(raw)
    except ValueError:
        return None
    if not math.isfinite(number):
        return None
    return int(number) if number.is_integer() else number


def _parse_int(raw: Any, bounds: tuple[int, int], default: int | None) -> int | None:
    number = _parse_number(raw)
    if isinstance(number, int) and bounds[0] <= number <= bounds[1]:
        return number
    return default


def to_query(state: ScenarioState, lang: str, prefix: str = "") -> dict[str, str]:
    """Return the query-string items that restore ``state`` (only what differs is carried)."""
    base = mix_defaults(state.mix)
    items: dict[str, str] = {f"{prefix}mix": state.mix}
    for level, type_ in state.types:
        if base["types"][level] != type_:
            items[f"{prefix}{LEVEL_KEYS[level]}"] = type_
    for name, value in state.changed_levers().items():
        items[f"{prefix}{name}"] = f"{value:g}" if isinstance(value, float) else str(value)
    items[f"{prefix}seed"] = str(state.seed)
    if state.weeks != base["weeks"]:
        items[f"{prefix}weeks"] = str(state.weeks)
    for key, spec in zip(EVENT_KEYS, state.event_specs(), strict=False):
        items[f"{prefix}{key}"] = spec
    if lang != "nl" and not prefix:
        items["lang"] = lang
    return items


def query_string(items: Mapping[str, str]) -> str:
    """Encode query items as ``?a=b&c=d``."""
    return "?" + urlencode(items)


def coat_label(types: Mapping[str, str] | tuple, short: bool = False) -> str:
    """Describe a coat compactly, e.g. ``V-B-I-B`` or ``vasthoudend / balancerend / ...``."""
    types = dict(types)
    if short:
        return "-".join(types[level][0].upper() for level in LEVELS)
    return " / ".join(types[level] for level in LEVELS)
