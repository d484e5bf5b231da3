"""Fast stand-ins for the model, importable by worker processes (the runner's seam)."""

from __future__ import annotations

import os
import time

import numpy as np
import pandas as pd

LEVEL_EFFECT = {"vasthoudend": 0.0, "balancerend": 0.1, "innoverend": 0.2}


def fake_model(task: dict) -> pd.DataFrame:
    """Seeded weekly table whose level depends on the coat: deterministic per (params, seed)."""
    rng = np.random.default_rng(task["seed"])
    level = sum(LEVEL_EFFECT.get(v, 0.0) for v in task["varied"].values() if isinstance(v, str))
    weeks = np.arange(1, task["weeks"] + 1)
    return pd.DataFrame(
        {
            "week": weeks,
            "stagnation_rate": 0.5 - level / 2 + rng.normal(0, 0.01, len(weeks)),
            "trust_mean": 0.3 + level + rng.normal(0, 0.01, len(weeks)),
        }
    )


def raising_model(task: dict) -> pd.DataFrame:
    """Raises for sample row 3, otherwise the fake model."""
    if task["sample_row"] == 3:
        raise RuntimeError(f"boom in row {task['sample_row']}")
    return fake_model(task)


def dying_model(task: dict) -> pd.DataFrame:
    """Kills its worker process for sample row 5 (as a segfault or the OOM killer would)."""
    if task["sample_row"] == 5:
        os._exit(1)
    return fake_model(task)


def slow_model(task: dict) -> pd.DataFrame:
    """The fake model, slowed down so that a worker can be killed while runs are in flight."""
    time.sleep(0.05)
    return fake_model(task)
