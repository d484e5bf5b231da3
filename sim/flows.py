"""Flows of the last weeks: what happened, not only what is.

Some outcomes are rates or durations - returns after closure, waits at intake, time under
dwang, leavers. Counting them "so far" makes them grow with the run's length; averaging over a
rolling window of recent weeks keeps them comparable between runs of any length, and lets a
model in steady state show a steady value.

The outcomes read these flows every reported week, so the window keeps running totals of the
counts (added when a week opens, taken off when it leaves the window) instead of re-summing a
year of weeks each time. Counts are whole numbers of events, so the running totals equal the
sums exactly. Likewise each name's values are kept joined in one array, extended when a week
records some and cut when a week leaves the window: the same values in the same order as
joining the weeks at each read.
"""

from __future__ import annotations

from collections import deque

import numpy as np

WINDOW_WEEKS = 52  # rates and durations are measured over the last year


class Flows:
    """Weekly counts and values, kept for the last :data:`WINDOW_WEEKS` weeks."""

    def __init__(self, window: int = WINDOW_WEEKS):
        self.window = window
        self._weeks: deque[dict[str, float]] = deque()
        self._totals: dict[str, float] = {}
        # per name, the values of each week that recorded some: (week number, values)
        self._values: dict[str, deque[tuple[int, np.ndarray]]] = {}
        # per name, those values joined, oldest first (read-only: handed to every reader)
        self._joined: dict[str, np.ndarray] = {}
        self._week_no = -1
        self.start_week()

    def start_week(self) -> None:
        """Open a new week's record and forget weeks older than the window."""
        self._weeks.append({})
        self._week_no += 1
        while len(self._weeks) > self.window:
            for name, count in self._weeks.popleft().items():
                self._totals[name] -= count
        oldest = self._week_no - self.window + 1
        for name, kept in self._values.items():
            dropped = 0
            while kept and kept[0][0] < oldest:
                dropped += kept.popleft()[1].size
            if dropped:
                self._joined[name] = self._joined[name][dropped:]

    def add(self, name: str, count: float) -> None:
        """Count ``count`` events of ``name`` this week (a whole number)."""
        counts = self._weeks[-1]
        counts[name] = counts.get(name, 0.0) + count
        self._totals[name] = self._totals.get(name, 0.0) + count

    def extend(self, name: str, values) -> None:
        """Record individual values (e.g. waits in weeks) of ``name`` this week."""
        values = np.asarray(values, dtype=float).ravel()
        if values.size:
            self._values.setdefault(name, deque()).append((self._week_no, values))
            joined = self._joined.get(name)
            joined = np.concatenate((joined, values)) if joined is not None else values.copy()
            joined.flags.writeable = False
            self._joined[name] = joined

    def total(self, name: str, weeks: int | None = None) -> float:
        """Sum of the counts of ``name`` over the last ``weeks`` weeks (default: the window)."""
        if self.weeks_seen(weeks) == len(self._weeks):
            return float(self._totals.get(name, 0.0))
        k = self.weeks_seen(weeks)
        n = len(self._weeks)
        return float(sum(self._weeks[i].get(name, 0.0) for i in range(n - k, n)))

    def values(self, name: str, weeks: int | None = None) -> np.ndarray:
        """All values of ``name`` recorded over the last ``weeks`` weeks, oldest first.

        Read-only: the array is shared with later reads until a week adds or drops values.
        """
        joined = self._joined.get(name)
        if joined is None:
            return np.empty(0)
        if self.weeks_seen(weeks) == len(self._weeks):
            return joined  # the window holds no older weeks: all of them
        first = self._week_no - self.weeks_seen(weeks) + 1
        older = sum(v.size for week, v in self._values[name] if week < first)
        return joined[older:]

    def weeks_seen(self, weeks: int | None = None) -> int:
        """How many weeks the window holds (fewer than asked early in a run)."""
        return min(len(self._weeks), weeks or self.window)

    def per_year(self, name: str) -> float:
        """Annual rate of ``name`` over the window."""
        return self.total(name) * 52 / max(self.weeks_seen(), 1)
