"""Content-addressed run ids: the same scenario, parameters, seed and length give the same id."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from experiments.config import load_typology
from experiments.version import model_version


def run_id(params: Mapping[str, Any], seed: int, weeks: int) -> str:
    """Return a 16-hex-digit id of a run.

    It hashes the full parameters, seed, length, the typology's trait values (so an edited
    configs/typologies.toml never reuses old results) and the package version.
    """
    payload = json.dumps(
        {
            "params": dict(sorted(params.items())),
            "seed": int(seed),
            "weeks": int(weeks),
            "typology": load_typology().values,
            "version": model_version(),
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha1(payload.encode()).hexdigest()[:16]
