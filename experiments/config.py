"""Scenarios: a name plus overrides, read from ``configs/``.

A scenario file is TOML::

    name = "baseline"
    description = "One region of about 1,100 families."
    weeks = 104            # optional run length
    seed = 1               # optional default seed

    [types]                # the coat: one type per level
    professional = "balancerend"
    organisation = "balancerend"
    region = "balancerend"
    political_climate = "balancerend"

    [params]               # any declared parameter (see `mpgsim params`)
    families_per_region = 1100

    [[events]]             # policy over time (see sim.events): pooled funding from week 52
    week = 52
    set = { pooled_funding = 0.8 }

    [[events]]             # a pulse: back to the value before at week 72
    week = 60
    until = 72
    set = { turnover_per_year = 0.6 }

A scenario may start from another with ``extends = "baseline"``: its types and params override
the ones it extends, and its events come *after* the inherited ones (the timeline grows); write
``events = []`` to drop the inherited events. Everything is checked against the parameter
declaration, the events by :func:`sim.events.check_events` against the scenario's weeks; a
mistake raises :class:`~sim.errors.ConfigError` naming the field, the value and what is allowed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from experiments import traits
from sim.errors import ConfigError
from sim.events import Event, check_events
from sim.files import config_dirs, read_toml
from sim.params import Params, check_name, validate
from sim.typology import LEVELS, Typology, load_typology

__all__ = [
    "MAX_SEED",
    "Scenario",
    "check_seed",
    "config_dir",
    "list_scenarios",
    "load_scenario",
    "load_typology",
    "parse_sets",
    "parse_value",
]

DEFAULT_WEEKS = 104
DEFAULT_SEED = 1
#: Seeds are stored as 64-bit signed integers in every table, so this is the largest one.
MAX_SEED = 2**63 - 1
#: files in configs/ that describe the model or its validation, not scenarios
NOT_SCENARIOS = {"typologies", "patterns", "calibration", "calibrated"}
_TOP_KEYS = {
    "name",
    "description",
    "weeks",
    "seed",
    "types",
    "params",
    "events",
    "extends",
    "case",
}


def config_dir() -> Path:
    """The first configs folder looked in (``$MPGSIM_CONFIG_DIR``, else the packaged one).

    Files are looked up in :func:`sim.files.config_dirs` order; see :mod:`sim.files`.
    """
    return config_dirs()[0]


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: parameters, typology and run defaults."""

    name: str
    description: str
    overrides: Mapping[str, Any]
    params: Params
    typology: Typology
    weeks: int = DEFAULT_WEEKS
    seed: int = DEFAULT_SEED
    case: Mapping[str, str] = field(default_factory=dict)
    events: tuple[Event, ...] = ()

    def with_overrides(self, overrides: Mapping[str, Any]) -> Scenario:
        """Return a copy with more overrides applied and validated.

        Overrides may name parameters or typology traits (``level.type.trait``, see
        :mod:`experiments.traits`); traits change the scenario's typology.
        """
        merged = {**self.overrides, **overrides}
        params, trait_values = traits.split(merged)
        return replace(
            self,
            overrides=merged,
            params=validate(params),
            typology=traits.apply(self.typology, trait_values),
        )

    def with_events(
        self, extra: Iterable[Mapping[str, Any] | Event] = (), weeks: int | None = None
    ) -> Scenario:
        """Return a copy with ``extra`` events after its own, all checked for a run of ``weeks``.

        Args:
            extra: more events (tables as in a scenario file, or :class:`~sim.events.Event`).
            weeks: the run length the events must fit in; the scenario's own when None.

        Raises:
            ConfigError: from :func:`sim.events.check_events`, naming the event's field.
        """
        raw = [e.to_dict() if isinstance(e, Event) else e for e in (*self.events, *extra)]
        return replace(self, events=check_events(raw, weeks or self.weeks))

    def event_dicts(self) -> list[dict[str, Any]]:
        """The events as plain dicts (for run identities, design rows and JSON)."""
        return [e.to_dict() for e in self.events]

    @property
    def types(self) -> dict[str, str]:
        """The coat of this scenario: level -> type."""
        return {level: self.params[f"{level}_type"] for level in LEVELS}


def list_scenarios() -> list[str]:
    """Names of the scenarios in the configs folders (training cases as ``cases/NAME``)."""
    names: list[str] = []
    for root in config_dirs():
        names += [p.stem for p in sorted(root.glob("*.toml")) if p.stem not in NOT_SCENARIOS]
        names += [f"cases/{p.stem}" for p in sorted((root / "cases").glob("*.toml"))]
    return list(dict.fromkeys(names))


def load_scenario(name_or_path: str, overrides: Mapping[str, Any] | None = None) -> Scenario:
    """Load a scenario by name (``baseline``, ``cases/jesse``) or by path to a TOML file.

    Raises:
        ConfigError: unknown scenario, unreadable file or a bad value.
    """
    path = _resolve(name_or_path)
    raw = _flatten(path, seen=())
    params_overrides = {**raw["params"], **(overrides or {})}
    weeks = _positive_int("weeks", raw.get("weeks", DEFAULT_WEEKS))
    try:
        events = check_events(raw["events"], weeks)
    except ConfigError as exc:  # name the file: the index counts inherited events first
        raise ConfigError(f"{path.name}: {exc.field}", exc.value, exc.allowed) from None
    params, trait_values = traits.split(params_overrides)
    return Scenario(
        name=raw.get("name", path.stem),
        description=raw.get("description", ""),
        overrides=params_overrides,
        params=validate(params),
        typology=traits.apply(load_typology(), trait_values),
        weeks=weeks,
        seed=check_seed(raw.get("seed", DEFAULT_SEED), "seed"),
        case=raw.get("case", {}),
        events=events,
    )


def _resolve(name_or_path: str) -> Path:
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" or candidate.exists():
        if candidate.is_file():
            return candidate
        raise ConfigError("scenario", name_or_path, "no such file")
    for root in config_dirs():
        for path in (root / f"{name_or_path}.toml", root / "cases" / f"{name_or_path}.toml"):
            if path.is_file() and path.stem not in NOT_SCENARIOS:
                return path
    raise ConfigError("scenario", name_or_path, "known scenarios: " + ", ".join(list_scenarios()))


def _flatten(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    """Read a scenario file, merging what it extends; types become ``<level>_type`` params."""
    if path in seen:
        raise ConfigError("extends", path.stem, "scenarios may not extend each other in a cycle")
    data = read_toml(path)
    unknown = set(data) - _TOP_KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise ConfigError(
            f"{path.name}: {key}", data[key], f"allowed keys: {', '.join(sorted(_TOP_KEYS))}"
        )
    base: dict[str, Any] = {"params": {}, "events": []}
    if "extends" in data:
        base = _flatten(_resolve(str(data["extends"])), seen + (path,))
    params = dict(base["params"])
    for level, type_ in _table(path, data, "types").items():
        if level not in LEVELS:
            raise ConfigError(f"{path.name}: types.{level}", type_, f"levels: {', '.join(LEVELS)}")
        params[f"{level}_type"] = type_
    params.update(_table(path, data, "params"))
    own = {k: v for k, v in data.items() if k not in ("types", "params", "events", "extends")}
    merged = {**base, **own, "params": params}
    merged["events"] = _events(path, data, base["events"])
    return merged


def _events(path: Path, data: Mapping, inherited: list) -> list:
    """The inherited events followed by the file's own; ``events = []`` drops the inherited."""
    if "events" not in data:
        return list(inherited)
    own = data["events"]
    if not isinstance(own, list) or not all(isinstance(e, Mapping) for e in own):
        raise ConfigError(f"{path.name}: events", own, "[[events]] tables (week, set, ...)")
    return [*inherited, *own] if own else []


def _table(path: Path, data: Mapping, key: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise ConfigError(f"{path.name}: {key}", value, "must be a table ([section])")
    return value


def _positive_int(name: str, value: Any, low: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ConfigError(name, value, f"allowed: a whole number >= {low}")
    return value


def check_seed(value: Any, field: str = "--seed") -> int:
    """Return ``value`` as a seed, or raise ConfigError: a whole number from 0 to MAX_SEED."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SEED:
        raise ConfigError(field, value, f"allowed: a whole number from 0 to {MAX_SEED} (2^63 - 1)")
    return value


def parse_value(name: str, raw: str) -> Any:
    """Turn the text ``raw`` into a value of the declared parameter or trait ``name``, checked.

    ``"12"`` becomes 12 for an int parameter, ``"true"`` True for a bool, and so on; a trait
    (``level.type.trait``, see :mod:`experiments.traits`) takes a number within its bounds.

    Raises:
        ConfigError: an unknown parameter, or a value its declaration does not allow.
    """
    if traits.is_trait(name.strip()):
        return traits.check_value(name.strip(), _coerce("float", raw.strip()))
    param = check_name(name.strip())
    return param.check(_coerce(param.kind, raw.strip()))


def parse_sets(sets: list[str] | None) -> dict[str, Any]:
    """Turn ``["caseload_norm=12", "region_type=innoverend"]`` into checked overrides.

    Raises:
        ConfigError: an item without ``=``, an unknown parameter or a bad value.
    """
    overrides: dict[str, Any] = {}
    for item in sets or []:
        name, sep, raw = item.partition("=")
        if not sep:
            raise ConfigError("--set", item, "write it as NAME=VALUE")
        overrides[name.strip()] = parse_value(name, raw)
    return overrides


def _coerce(kind: str, raw: str) -> Any:
    if kind == "bool":
        return {"true": True, "false": False}.get(raw.lower(), raw)
    if kind in ("int", "float"):
        try:
            number = float(raw)
        except ValueError:
            return raw
        return int(number) if kind == "int" and number.is_integer() else number
    return raw
