"""The house table format, shared by single runs and the sweep runner (no model imports)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd


def label(
    weekly: pd.DataFrame, rid: str, seed: int, varied: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """Insert the leading columns ``run_id, seed`` and, after ``week``, the varied parameters."""
    n = len(weekly)
    lead = pd.DataFrame({"run_id": [rid] * n, "seed": [int(seed)] * n}, index=weekly.index)
    first, rest = weekly.iloc[:, :1], weekly.iloc[:, 1:]
    # one concat, not an insert per column: a design may vary hundreds of inputs
    values = pd.DataFrame({k: [v] * n for k, v in (varied or {}).items()}, index=weekly.index)
    return pd.concat([lead, first, values, rest], axis=1)


#: Numeric columns of a run-summary table that describe the run, not its outcome.
RUN_BOOKKEEPING = frozenset({"seed", "sample_row", "replication", "weeks_averaged", "elapsed_s"})


def numeric_outcomes(runs: pd.DataFrame) -> list[str]:
    """The outcome columns of a table of run summaries (numbers, minus run bookkeeping)."""
    return [c for c in runs.select_dtypes("number").columns if c not in RUN_BOOKKEEPING]
