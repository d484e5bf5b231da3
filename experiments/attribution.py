"""Which mechanisms carry a pattern: every mechanism knocked out in turn (a knock-out screen).

``mpgsim validate --knockouts`` asks one question per corroboration pattern: does it fail
without the mechanism it names? When the answer is "it still holds", the pattern is produced
by some other route, and the validation cannot say which. The screen answers that: it runs
each pattern again with every one of the :data:`~sim.coefficients.SWITCHES` knocked out in
turn and reports, per mechanism, the share of the pattern's effect that is left (see
:func:`experiments.validation.effect_left`) and whether the pattern still holds.

The screen is a diagnostic, not a test: the mechanism a pattern names is declared before it is
run, and finding afterwards that another mechanism carries the pattern does not make the
pattern evidence for that one. It says what the model's pattern rests on - which is what a
reviewer needs to judge whether it is evidence of anything the report claims.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from experiments import validation
from experiments.config import Scenario
from experiments.validation import CARRIES_BELOW, Pattern, fmt
from sim.coefficients import SWITCHES
from sim.errors import ConfigError


def copies(patterns: Sequence[Pattern], mechanisms: Sequence[str]) -> list[Pattern]:
    """Every pattern once per mechanism, with that mechanism as the one knocked out."""
    return [replace(p, mechanism=m) for m in mechanisms for p in patterns]


def select(
    patterns: Sequence[Pattern], ids: Sequence[str] = (), mechanisms: Sequence[str] = ()
) -> tuple[list[Pattern], list[str]]:
    """The corroboration patterns and mechanisms to screen (all of them when none are named).

    Raises:
        ConfigError: a pattern id that is not a corroboration pattern, or an unknown mechanism.
    """
    corroboration = {p.id: p for p in patterns if p.role == "corroboration"}
    for i in ids:
        if i not in corroboration:
            raise ConfigError(
                "--pattern", i, "a corroboration pattern: " + ", ".join(corroboration)
            )
    for m in mechanisms:
        if m not in SWITCHES:
            raise ConfigError(
                "--mechanism", m, "a mechanism that can be knocked out: " + ", ".join(SWITCHES)
            )
    chosen = [corroboration[i] for i in ids] if ids else list(corroboration.values())
    return chosen, list(mechanisms) or list(SWITCHES)


def plan(
    scenario: Scenario,
    patterns: Sequence[Pattern],
    mechanisms: Sequence[str],
    reps: int,
    weeks: int,
    seed: int,
) -> tuple[pd.DataFrame, list[Pattern]]:
    """The screen's design, and the pattern copies it was built from (for :func:`evaluate`).

    Runs with the same parameters as a ``mpgsim validate`` run (the scenario, the patterns'
    variants, a knock-out of the named mechanism) get the same run id, so a screen in the
    validation's results directory reuses them.
    """
    screened = copies(patterns, mechanisms)
    return validation.plan(scenario, screened, reps, weeks, seed, knockouts=True), screened


def evaluate(
    screened: Sequence[Pattern], runs: pd.DataFrame, design: pd.DataFrame, declared
) -> pd.DataFrame:
    """One row per pattern and mechanism knocked out.

    Args:
        screened: the pattern copies of :func:`plan`.
        runs: per-run summaries.
        design: the screen's design.
        declared: pattern id -> the mechanism the pattern names in the patterns file.

    Returns:
        Columns id, description, kind, declared, mechanism, value (with all mechanisms),
        ci_low, ci_high, met, knockout_value, knockout_fails, knockout_left,
        knockout_left_high, carries.
    """
    table = validation.evaluate(screened, runs, design, knockouts=True)
    table["declared"] = table.id.map(declared)
    table["carries"] = carries(table)
    keep = ["id", "description", "kind", "declared", "mechanism", "value", "ci_low", "ci_high"]
    keep += ["met", "knockout_value", "knockout_fails", "knockout_left", "knockout_left_high"]
    keep += ["carries"]
    return table[keep].reset_index(drop=True)


def carries(table: pd.DataFrame) -> pd.Series:
    """Whether each knocked-out mechanism carries its pattern.

    The validation's own rule (:func:`experiments.validation.knockout_fails`): a direction or
    ordering pattern is carried when even the upper end of the 95% interval of the share of its
    effect left is below :data:`~experiments.validation.CARRIES_BELOW`, not when the
    knocked-out interval merely includes zero (with a few replications that happens to
    mechanisms that leave most of the effect). A range pattern is carried when it leaves its
    range. A pattern that does not hold with every mechanism on is carried by nothing.
    """
    return table.met & table.knockout_fails.astype(bool)


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per pattern: its declared mechanism's effect left, and the mechanisms that carry it."""
    rows = []
    for pid, part in table.groupby("id", sort=False):
        own = part[part.mechanism == part.declared.iloc[0]]
        carriers = part[part.carries].sort_values("knockout_left", na_position="first")
        rows.append(
            {
                "id": pid,
                "declared": part.declared.iloc[0],
                "met": bool(part.met.iloc[0]),
                "declared_left": own.knockout_left.iloc[0] if len(own) else np.nan,
                "declared_fails": bool(own.knockout_fails.iloc[0]) if len(own) else None,
                "carried_by": ", ".join(_carrier(r) for r in carriers.itertuples()),
            }
        )
    return pd.DataFrame(rows)


def _carrier(r) -> str:
    """``mechanism (12% left)`` or, for a range pattern, ``mechanism (fails: 2.1)``."""
    if np.isfinite(r.knockout_left):
        return f"{r.mechanism} ({r.knockout_left:.0%} left)"
    return f"{r.mechanism} (fails: {fmt(r.knockout_value)})"


def to_markdown(table: pd.DataFrame) -> str:
    """The screen as Markdown: a summary per pattern, then mechanisms by patterns."""
    lines = [
        "| pattern | holds | declared mechanism | left without it | carried by (95% interval "
        f"of the share left below {CARRIES_BELOW:.0%}; a range pattern: out of its range) |",
        "|---|---|---|---|---|",
    ]
    for r in summary(table).itertuples():
        own = "-" if not np.isfinite(r.declared_left) else f"{r.declared_left:.0%}"
        if r.declared_fails:
            own += " (fails)"
        holds = "yes" if r.met else "**no**"
        lines.append(f"| {r.id} | {holds} | {r.declared} | {own} | {r.carried_by or '**none**'} |")
    ids = list(dict.fromkeys(table.id))
    lines += [
        "",
        "Share of the effect left (range patterns: the value) with each mechanism knocked out:",
        "",
    ]
    lines += ["| mechanism | " + " | ".join(ids) + " |", "|---" * (len(ids) + 1) + "|"]
    cell = table.set_index(["mechanism", "id"])
    for m in dict.fromkeys(table.mechanism):
        cells = [_cell(cell.loc[(m, i)]) for i in ids]
        lines.append(f"| {m} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _cell(r) -> str:
    text = f"{r.knockout_left:.0%}" if np.isfinite(r.knockout_left) else fmt(r.knockout_value)
    return f"**{text}**" if r.carries else text
