"""The typology as data: traits of each type at each level.

The CCV report (§6.4-6.5) describes three types - vasthoudend (steadfast), balancerend
(balancing) and innoverend (innovating) - at four levels: professional, organisation, region and
political climate. This module only declares *which* traits exist, what they mean and their
bounds; the values live in ``configs/typologies.toml`` so researchers can edit them. The
mechanisms read traits, never type names, so no combination is a hard-coded winner.
:func:`load_typology` reads that file (see :mod:`sim.files` for where it is looked for), so
``MpgModel(validate(), load_typology(), rng=1)`` needs nothing outside ``sim``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

from sim.errors import ConfigError
from sim.files import config_file, read_toml
from sim.params import TYPES

TYPOLOGY_FILE = "typologies.toml"

LEVELS = ("professional", "organisation", "region", "political_climate")

UNIT = (0.0, 1.0)

#: level -> trait -> (low, high, description)
TRAITS: Mapping[str, Mapping[str, tuple[float, float, str]]] = MappingProxyType(
    {
        "professional": {
            "protocol_adherence": (*UNIT, "follows protocols and the organisation's routines"),
            "persistence": (*UNIT, "stays with the family and the plan (continuity, structure)"),
            "creativity": (*UNIT, "size of the hidden treasure chest (schatkist) of own solutions"),
            "joint_goal": (*UNIT, "puts the joint goal for the family above the organisation's"),
            "blind_spot_detection": (*UNIT, "notices blind spots (witte vlekken)"),
            "signal_push": (*UNIT, "puts what it notices on the agenda and keeps pushing"),
            "overcompensation": (*UNIT, "works beyond its hours to make up for the system"),
            "frustration": (*UNIT, "frustration when signals go unheard"),
        },
        "organisation": {
            "protocol_rigidity": (*UNIT, "protocols embedded and binding"),
            "mission_clarity": (*UNIT, "clear mission: professionals know tasks and powers"),
            "backing": (*UNIT, "rugdekking: professionals feel covered by their organisation"),
            "room_to_deviate": (*UNIT, "room to do what is needed outside protocol"),
            "adaptivity": (*UNIT, "adapts its offer to the changed target group"),
            "institutional_goal": (
                *UNIT,
                "weight of its own institutional goal over the joint goal",
            ),
            "signal_uptake": (*UNIT, "picks up signals from its professionals"),
            "flexibility_demand": (*UNIT, "flexibility it demands from its professionals"),
            "change_cost": (*UNIT, "turmoil of change (identity let go, unclear expectations)"),
        },
        "region": {
            "base_capacity": (0.2, 1.5, "solid base: share of planned shared capacity realised"),
            "decision_weeks": (0.0, 26.0, "weeks the region takes to decide on an escalation"),
            "pilots_per_year": (0.0, 12.0, "pilots (proeftuinen) started per year"),
            "pilot_base_cost": (*UNIT, "share of base capacity a running pilot takes away"),
            "need_matching": (*UNIT, "how well collective arrangements match the family's need"),
            "shared_ownership": (*UNIT, "collaboration and shared ownership among members"),
            "signal_uptake": (*UNIT, "picks up signals from organisations"),
        },
        "political_climate": {
            "norm_clarity": (*UNIT, "clear norm from which is intervened; clear up/down-scaling"),
            "signal_uptake": (*UNIT, "picks up signals from practice"),
            "priority_shifts_per_year": (0.0, 12.0, "new political priorities (speerpunten)"),
            "carry_forward": (*UNIT, "share of results carried forward after a priority shift"),
            "pooling_drive": (*UNIT, "drive to pool funding when practice signals gaps"),
        },
    }
)


@dataclass(frozen=True)
class Typology:
    """Validated trait values: ``typology.trait(level, type, trait) -> float``."""

    values: Mapping[str, Mapping[str, Mapping[str, float]]]

    def trait(self, level: str, type_: str, name: str) -> float:
        """Return one trait value."""
        return self.values[level][type_][name]

    def traits(self, level: str, type_: str) -> Mapping[str, float]:
        """Return all traits of one type at one level."""
        return self.values[level][type_]

    @classmethod
    def from_mapping(cls, data: Mapping) -> Typology:
        """Validate a nested mapping (as read from typologies.toml).

        Raises:
            ConfigError: naming the missing or bad level, type, trait or value.
        """
        out: dict = {}
        for level, traits in TRAITS.items():
            if level not in data:
                raise ConfigError("typology", level, f"missing level; levels: {', '.join(LEVELS)}")
            out[level] = {}
            extra = set(data[level]) - set(TYPES)
            if extra:
                raise ConfigError(
                    f"typology.{level}", sorted(extra)[0], f"types: {', '.join(TYPES)}"
                )
            for type_ in TYPES:
                given = data[level].get(type_)
                if given is None:
                    raise ConfigError(f"typology.{level}", type_, "missing type")
                out[level][type_] = _check_traits(f"typology.{level}.{type_}", given, traits)
        return cls(values=out)


def _check_traits(where: str, given: Mapping, traits: Mapping) -> dict[str, float]:
    unknown = set(given) - set(traits)
    if unknown:
        name = sorted(unknown)[0]
        raise ConfigError(
            f"{where}.{name}", given[name], f"unknown trait; traits: {', '.join(traits)}"
        )
    checked = {}
    for name, (low, high, _doc) in traits.items():
        if name not in given:
            raise ConfigError(
                f"{where}.{name}", None, f"missing trait; a number from {low:g} to {high:g}"
            )
        value = given[name]
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok or not low <= value <= high:
            raise ConfigError(
                f"{where}.{name}", value, f"allowed: a number from {low:g} to {high:g}"
            )
        checked[name] = float(value)
    return checked


def load_typology(path: str | Path | None = None) -> Typology:
    """Read and validate the typology (default: ``typologies.toml`` in the configs).

    Raises:
        ConfigError: a missing file or a bad level, type, trait or value.
    """
    return _load_typology(str(Path(path) if path else config_file(TYPOLOGY_FILE)))


@cache
def _load_typology(path: str) -> Typology:
    return Typology.from_mapping(read_toml(Path(path)))
