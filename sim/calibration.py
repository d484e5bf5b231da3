"""The calibrated free parameters, read from the data file ``calibrated.toml`` in the configs.

``mpgsim calibrate --write`` writes that file (no command writes into ``sim/``); the procedure
is ``configs/calibration.toml`` and the result is discussed in docs/TRACE.md. The parameter
declaration (:mod:`sim.params`) applies it: defaults become the chosen values, "calibrated"
their source, the kept range plausible.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sim.errors import ConfigError
from sim.files import config_file, read_toml

CALIBRATED_FILE = "calibrated.toml"
_ENTRY = ("value", "low", "high", "prior")


def load_calibrated(path: str | Path | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Read the calibration result: ``(meta, {parameter: {value, low, high, prior}})``.

    Raises:
        ConfigError: a missing or malformed file, naming the entry.
    """
    path = Path(path) if path else config_file(CALIBRATED_FILE)
    data = read_toml(path)
    meta, params = data.get("calibration", {}), data.get("parameters", {})
    for name, entry in params.items():
        if not isinstance(entry, Mapping) or set(entry) != set(_ENTRY):
            raise ConfigError(
                f"{path.name}: parameters.{name}", entry, f"keys: {', '.join(_ENTRY)}"
            )
    return dict(meta), {name: dict(entry) for name, entry in params.items()}


CALIBRATION, CALIBRATED = load_calibrated()
