"""Flows of the last weeks: what happened, not only what is.

Some outcomes are rates or durations - returns after closure, waits at intake, time under
dwang, leavers. Counting them "so far" makes them grow with the run's length; averaging over a
rolling window of recent weeks keeps them comparable between runs of any length, and lets a
model in steady state show a steady value.

The outcomes read these flows every reported week, so the window keeps running totals of the
counts (added when a week opens, taken off when it leaves the window) instead of re-summing a
year of weeks each time. Counts are whole numbers of events, so the running totals equal the
sums exactly.
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
        for kept in self._values.values():
            while kept and kept[0][0] < oldest:
                kept.popleft()

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

    def total(self, name: str, weeks: int | None = None) -> float:
        """Sum of the counts of ``name`` over the last ``weeks`` weeks (default: the window)."""
        if self.weeks_seen(weeks) == len(self._weeks):
            return float(self._totals.get(name, 0.0))
        k = self.weeks_seen(weeks)
        n = len(self._weeks)
        return float(sum(self._weeks[i].get(name, 0.0) for i in range(n - k, n)))

    def values(self, name: str, weeks: int | None = None) -> np.ndarray:
        """All values of ``name`` recorded over the last ``weeks`` weeks, oldest first."""
        kept = self._values.get(name, ())
        if self.weeks_seen(weeks) == len(self._weeks):
            parts = [v for _, v in kept]  # the window holds no older weeks: all of them
        else:
            first = self._week_no - self.weeks_seen(weeks) + 1
            parts = [v for week, v in kept if week >= first]
        return np.concatenate(parts) if parts else np.empty(0)

    def weeks_seen(self, weeks: int | None = None) -> int:
        """How many weeks the window holds (fewer than asked early in a run)."""
        return min(len(self._weeks), weeks or self.window)

    def per_year(self, name: str) -> float:
        """Annual rate of ``name`` over the window."""
        return self.total(name) * 52 / max(self.weeks_seen(), 1)
