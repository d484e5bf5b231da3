"""Typology traits as experiment inputs: ``level.type.trait`` names, like parameter names.

The typology (``configs/typologies.toml``) is one reading of the report's words. To vary it,
each trait of each type at each level is an input of its own, named ``level.type.trait``
(``professional.innoverend.creativity``), with the bounds :data:`sim.typology.TRAITS`
declares. A dot never occurs in a parameter name, so a name is a trait exactly when it has
two dots. Overrides may mix parameters and traits; :func:`split` separates them and
:func:`apply` turns the trait values into a new, validated :class:`~sim.typology.Typology`.
The typology is part of the run identity (:mod:`experiments.ids`), so runs with other trait
values are other runs.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from sim.errors import ConfigError
from sim.params import TYPES
from sim.typology import TRAITS, Typology

#: ``level.type.trait`` -> (low, high, description), every trait of every type.
TRAIT_FACTORS: dict[str, tuple[float, float, str]] = {
    f"{level}.{type_}.{trait}": spec
    for level, traits in TRAITS.items()
    for type_ in TYPES
    for trait, spec in traits.items()
}


def is_trait(name: str) -> bool:
    """Tell whether ``name`` is written as a trait (``level.type.trait``), known or not."""
    return name.count(".") == 2


def check_trait(name: str) -> tuple[float, float, str]:
    """Return the bounds and meaning of trait ``name``.

    Raises:
        ConfigError: an unknown trait, suggesting close names.
    """
    if name in TRAIT_FACTORS:
        return TRAIT_FACTORS[name]
    close = difflib.get_close_matches(name, TRAIT_FACTORS, n=3)
    hint = f"did you mean {', '.join(close)}?" if close else "write it as level.type.trait"
    raise ConfigError("trait", name, f"unknown trait; {hint}")


def check_value(name: str, value: Any) -> float:
    """Return ``value`` as a float within the bounds of trait ``name``.

    Raises:
        ConfigError: an unknown trait, or a value that is not a number within its bounds.
    """
    low, high, _doc = check_trait(name)
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok or not low <= value <= high:
        raise ConfigError(name, value, f"allowed: a number from {low:g} to {high:g}")
    return float(value)


def split(overrides: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, float]]:
    """Separate parameter overrides from trait overrides (``level.type.trait`` names)."""
    params = {k: v for k, v in overrides.items() if not is_trait(k)}
    traits = {k: v for k, v in overrides.items() if is_trait(k)}
    return params, traits


def apply(typology: Typology, traits: Mapping[str, Any]) -> Typology:
    """Return ``typology`` with the trait values ``traits`` (``level.type.trait`` names) set.

    Raises:
        ConfigError: an unknown trait or a value out of its bounds.
    """
    if not traits:
        return typology
    values = {
        level: {type_: dict(found) for type_, found in types.items()}
        for level, types in typology.values.items()
    }
    for name, value in traits.items():
        level, type_, trait = name.split(".")
        check_value(name, value)
        values[level][type_][trait] = value
    return Typology.from_mapping(values)


def read(typology: Typology) -> dict[str, float]:
    """Every trait value of ``typology`` under its ``level.type.trait`` name."""
    return {name: typology.trait(*name.split(".")) for name in TRAIT_FACTORS}
