"""The house table format, shared by single runs and the sweep runner (no model imports)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd


def label(
    weekly: pd.DataFrame, rid: str, seed: int, varied: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """Insert the leading columns ``run_id, seed`` and, after ``week``, the varied parameters."""
    out = weekly.copy()
    out.insert(0, "run_id", rid)
    out.insert(1, "seed", int(seed))
    for i, (name, value) in enumerate((varied or {}).items()):
        out.insert(3 + i, name, value)
    return out


#: Numeric columns of a run-summary table that describe the run, not its outcome.
RUN_BOOKKEEPING = frozenset({"seed", "sample_row", "replication", "weeks_averaged", "elapsed_s"})


def numeric_outcomes(runs: pd.DataFrame) -> list[str]:
    """The outcome columns of a table of run summaries (numbers, minus run bookkeeping)."""
    return [c for c in runs.select_dtypes("number").columns if c not in RUN_BOOKKEEPING]
