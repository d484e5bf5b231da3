"""Print the direction tests' effects as a Markdown table (docs/TRACE.md §7).

The same paired runs as ``tests/sim/test_mechanisms.py`` (six seeds, common random numbers,
a 600-family region after a three-year burn-in, 52 reported weeks): per mechanism, type and
clash the paired difference, its 95% CI and d_z. Run from the project root:

    python tools/direction_table.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.sim.conftest import paired  # noqa: E402
from tests.sim.test_mechanisms import DIRECTIONS, TYPES, _interaction  # noqa: E402

CLASHES = [
    ("clash professional-organisation", "professional", "organisation", "stress_prevalence"),
    ("clash region-climate", "region", "political_climate", "escalation_wait_regio"),
    ("clash region-climate", "region", "political_climate", "fit_score"),
]


def _row(what: str, change: str, outcome: str, found) -> str:
    cells = [what, change, f"`{outcome}`", f"{found.a:.4g} → {found.b:.4g}"]
    cells += [f"{found.mean:+.3g} ({found.low:+.3g} to {found.high:+.3g})", f"{found.size:+.1f}"]
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    """Run every paired comparison and print one table row each."""
    print("| what | change | outcome | a → b | difference (95% CI) | d_z |")
    print("|---|---|---|---|---|---|")
    for what, param, low, high, outcome, _sign in DIRECTIONS:
        found = paired({param: low}, {param: high}, outcome)
        print(_row(what, f"`{param}` {low} → {high}", outcome, found), flush=True)
    for level, a, b, outcome, _sign in TYPES:
        found = paired({f"{level}_type": a}, {f"{level}_type": b}, outcome)
        print(_row(f"{level} type", f"{a} → {b}", outcome, found), flush=True)
    for what, lower, upper, outcome in CLASHES:
        found = _interaction(lower, upper, outcome)
        print(_row(what, "clashing − matched coats", outcome, found), flush=True)


if __name__ == "__main__":
    main()
