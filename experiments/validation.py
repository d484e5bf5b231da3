"""Pattern-oriented validation: the patterns of ``configs/patterns.toml`` against model runs.

Each pattern has a role fixed in advance: *calibration* patterns set the free parameters
(:mod:`experiments.calibration`); *corroboration* patterns are held back and only reported.
A run's value for an outcome is its mean over the last 52 weeks (as in every sweep); a
pattern's value is the mean over replications with a 95% t-interval. Variants of a scenario
(direction patterns) share their seeds, so their differences are paired.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from experiments.config import Scenario, config_dir
from experiments.design import build_design
from sim.errors import ConfigError
from sim.measures import OUTCOMES
from sim.params import check_name

KINDS = ("range", "direction", "ordering")
ROLES = ("calibration", "corroboration")


@dataclass(frozen=True)
class Pattern:
    """One pattern with its pre-declared acceptance criterion (see configs/patterns.toml)."""

    id: str
    description: str
    source: str
    role: str
    kind: str
    outcome: str = ""
    target: float | None = None
    low: float | None = None
    high: float | None = None
    a: Mapping[str, Any] = field(default_factory=dict)
    b: Mapping[str, Any] = field(default_factory=dict)
    expect: str = ""
    first: str = ""
    second: str = ""

    def describe_target(self) -> str:
        """The criterion in words, for tables."""
        if self.kind == "range":
            return f"{fmt(self.target)} (accept {fmt(self.low)}-{fmt(self.high)})"
        if self.kind == "direction":
            change = ", ".join(f"{k}: {self.a[k]} -> {self.b[k]}" for k in self.b)
            return f"{self.outcome} {self.expect} when {change}"
        return f"{self.first} > {self.second}"


def load_patterns(path: str | Path | None = None) -> list[Pattern]:
    """Read and check the patterns file.

    Raises:
        ConfigError: a pattern with an unknown kind, role, outcome or parameter.
    """
    path = Path(path) if path else config_dir() / "patterns.toml"
    try:
        entries = tomllib.loads(path.read_text())["pattern"]
    except (OSError, KeyError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(
            "patterns", str(path), f"a TOML file of [[pattern]] tables ({exc})"
        ) from None
    return [_check(Pattern(**entry)) for entry in entries]


def _check(p: Pattern) -> Pattern:
    if p.kind not in KINDS:
        raise ConfigError(f"pattern {p.id}: kind", p.kind, "allowed: " + ", ".join(KINDS))
    if p.role not in ROLES:
        raise ConfigError(f"pattern {p.id}: role", p.role, "allowed: " + ", ".join(ROLES))
    for name in filter(None, (p.outcome, p.first, p.second)):
        if name not in OUTCOMES:
            raise ConfigError(f"pattern {p.id}: outcome", name, "see sim/measures.py")
    for name in (*p.a, *p.b):
        check_name(name)
    if p.kind == "direction" and p.expect not in ("higher", "lower"):
        raise ConfigError(f"pattern {p.id}: expect", p.expect, "allowed: higher, lower")
    return p


def variants(patterns: Sequence[Pattern]) -> list[dict[str, Any]]:
    """The scenario variants the patterns need: the scenario itself first, then each a and b."""
    out: list[dict[str, Any]] = [{}]
    for p in patterns:
        for v in (dict(p.a), dict(p.b)):
            if v not in out:
                out.append(v)
    return out


def plan(
    scenario: Scenario, patterns: Sequence[Pattern], reps: int, weeks: int, seed: int
) -> pd.DataFrame:
    """A design with ``reps`` paired replications of every variant the patterns need.

    Every variant carries the same parameter columns (the scenario's value where a variant
    does not change it); ``sample_row`` is the variant's index in :func:`variants`.
    """
    wanted = variants(patterns)
    keys = sorted({k for v in wanted for k in v})
    points = [{k: v.get(k, scenario.params[k]) for k in keys} for v in wanted]
    return build_design("validation", points, reps, seed, weeks, [scenario])


def evaluate(patterns: Sequence[Pattern], runs: pd.DataFrame, design: pd.DataFrame) -> pd.DataFrame:
    """Score every pattern on the per-run summaries of a validation design.

    Returns:
        One row per pattern: id, role, kind, description, target, value, ci_low, ci_high,
        passed, source, reps.
    """
    wanted = variants(patterns)
    # variants with identical parameters share a run id: keep every design row
    rows = design[["run_id", "sample_row", "replication"]]
    merged = rows.merge(
        runs.drop(columns=["sample_row", "replication"], errors="ignore"), on="run_id"
    )
    by_variant = {
        i: merged[merged.sample_row == i].sort_values("replication") for i in range(len(wanted))
    }
    return pd.DataFrame([_score(p, by_variant, wanted) for p in patterns])


def _score(p: Pattern, by_variant: dict[int, pd.DataFrame], wanted: list[dict]) -> dict[str, Any]:
    base = by_variant[0]
    if p.kind == "range":
        values = base[p.outcome].to_numpy()
        passed = lambda m, lo, hi: p.low <= m <= p.high  # noqa: E731
    elif p.kind == "ordering":
        values = (base[p.first] - base[p.second]).to_numpy()
        passed = lambda m, lo, hi: lo > 0  # noqa: E731
    else:
        a = by_variant[wanted.index(dict(p.a))].set_index("replication")[p.outcome]
        b = by_variant[wanted.index(dict(p.b))].set_index("replication")[p.outcome]
        values = (b - a).dropna().to_numpy()
        sign = 1 if p.expect == "higher" else -1
        passed = lambda m, lo, hi: (lo > 0) if sign > 0 else (hi < 0)  # noqa: E731
    mean, lo, hi = mean_ci(values)
    return {
        "id": p.id,
        "role": p.role,
        "kind": p.kind,
        "description": p.description,
        "target": p.describe_target(),
        "value": mean,
        "ci_low": lo,
        "ci_high": hi,
        "passed": bool(len(values) > 1 and passed(mean, lo, hi)),
        "source": p.source,
        "reps": len(values),
    }


def mean_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and two-sided t-interval of ``values`` (NaN interval for fewer than two)."""
    values = np.asarray(values, dtype=float)
    mean = float(values.mean()) if values.size else float("nan")
    if values.size < 2:
        return mean, float("nan"), float("nan")
    half = stats.t.ppf(0.5 + level / 2, values.size - 1) * values.std(ddof=1) / np.sqrt(values.size)
    return mean, mean - half, mean + half


def to_markdown(table: pd.DataFrame) -> str:
    """The validation table as Markdown (for the README and docs/TRACE.md)."""
    lines = [
        "| pattern | role | target | model (95% CI) | result |",
        "|---|---|---|---|---|",
    ]
    for r in table.itertuples():
        value = f"{fmt(r.value)} ({fmt(r.ci_low)} to {fmt(r.ci_high)})"
        mark = "pass" if r.passed else "**fail**"
        lines.append(f"| {r.description} | {r.role} | {r.target} | {value} | {mark} |")
    return "\n".join(lines) + "\n"


def fmt(x: float | None) -> str:
    """A number for tables: thousands separated above 1,000, else three significant digits."""
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return "-"
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"


def describe(table: pd.DataFrame) -> dict[str, Any]:
    """Counts per role, for the closing line and the JSON beside the table."""
    out = {}
    for role, group in table.groupby("role"):
        out[role] = {"passed": int(group.passed.sum()), "total": len(group)}
    return json.loads(json.dumps(out))
