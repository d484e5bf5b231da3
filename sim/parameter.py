"""The declaration of one parameter: name, default, unit, bounds, meaning, source.

:mod:`sim.params` declares the scenario parameters (levers, structure, family mix, costs);
:mod:`sim.coefficients` declares the mechanism coefficients. Both use :class:`Parameter`, and
:data:`sim.params.PARAMETERS` joins them: the one table the model, the config loader, SALib,
the store and the dashboard read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sim.errors import ConfigError


@dataclass(frozen=True)
class Parameter:
    """One declared model parameter.

    Attributes:
        name: snake_case identifier, used in configs, tables and the CLI.
        default: value used when a scenario does not override it.
        unit: unit of measurement ("share", "weeks", "families per FTE", ...).
        doc: one-sentence description for help texts.
        source: where the default comes from, by key of docs/sources.md; "free" when no
            public figure exists.
        kind: "float", "int", "bool" or "choice".
        low: lower bound (inclusive) for numbers.
        high: upper bound (inclusive) for numbers.
        choices: allowed values for "choice" parameters.
        group: typology, run, region, family, professional, organisation, climate, cost or
            mechanism (a coefficient inside a rule, not a lever).
        sensitivity: part of the default SALib parameter set.
        free: no public figure; the first to question (calibration sets some of them).
        plausible: range of the parameter sets kept by calibration (calibrated ones only).
        mechanism: for coefficients, the mechanism they belong to (see
            :data:`sim.coefficients.MECHANISMS`); a knock-out sets them all to zero.
        several: for "choice" parameters, whether distinct choices may be joined by "+"
            ("continuity+fallback": both mechanisms knocked out at once).
    """

    name: str
    default: Any
    unit: str
    doc: str
    source: str
    kind: str = "float"
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None
    group: str = "model"
    sensitivity: bool = False
    free: bool = False
    plausible: tuple[float, float] | None = None
    mechanism: str | None = None
    several: bool = False

    def allowed(self) -> str:
        """Describe the allowed values in words."""
        if self.kind == "choice":
            also = "; or several joined by +" if self.several else ""
            return "allowed: " + ", ".join(self.choices or ()) + also
        if self.kind == "bool":
            return "allowed: true or false"
        what = "a whole number" if self.kind == "int" else "a number"
        return f"allowed: {what} from {self.low:g} to {self.high:g} ({self.unit})"

    def accepts(self, value: str) -> bool:
        """Whether ``value`` is one choice or, if ``several``, distinct ones joined by "+".

        The default (such as "none") stands alone: it is never one of several.
        """
        choices = self.choices or ()
        if value in choices:
            return True
        parts = value.split("+")
        distinct = len(set(parts)) == len(parts) > 1
        return self.several and distinct and all(c in choices and c != self.default for c in parts)

    def check(self, value: Any) -> Any:
        """Return ``value`` converted to this parameter's type, or raise ConfigError."""
        if self.kind == "choice":
            if isinstance(value, str) and self.accepts(value):
                return value
            raise ConfigError(self.name, value, self.allowed())
        if self.kind == "bool":
            if isinstance(value, bool):
                return value
            raise ConfigError(self.name, value, self.allowed())
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(self.name, value, self.allowed())
        if not math.isfinite(value):
            raise ConfigError(self.name, value, self.allowed())
        if self.kind == "int":
            if float(value) != int(value):
                raise ConfigError(self.name, value, self.allowed())
            value = int(value)
        else:
            value = float(value)
        if not self.low <= value <= self.high:
            raise ConfigError(self.name, value, self.allowed())
        return value


def number(name, default, unit, low, high, doc, source, **kw) -> Parameter:
    """Declare a numeric parameter (an int when the default is an int)."""
    kind = kw.pop("kind", "int" if isinstance(default, int) else "float")
    return Parameter(name, default, unit, doc, source, kind=kind, low=low, high=high, **kw)
