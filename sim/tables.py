"""Struct-of-arrays tables: the weekly state that many agents share lives in NumPy arrays."""

from __future__ import annotations

import numpy as np

try:
    # NumPy's clip ufunc itself: ``np.clip`` reaches it through three Python wrappers that
    # cost more than clipping a column of a table. The same function, the same results.
    from numpy._core.umath import clip
except ImportError:  # pragma: no cover - a NumPy that keeps it elsewhere
    clip = np.clip


class Table:
    """A fixed-length table of named NumPy columns (``table.stress[i]``).

    Agents that decide (professionals, organisations, regions) write their current state into
    their row, so the family rules can read it for every family at once with one gather.
    """

    def __init__(self, n: int, **columns: tuple[np.dtype | type, object]):
        self.n = n
        for name, (dtype, fill) in columns.items():
            setattr(self, name, np.full(n, fill, dtype=dtype))
