"""Pattern-oriented validation: the patterns of ``configs/patterns.toml`` against model runs.

Each pattern has a role fixed in advance (Grimm2005):

- *verification* patterns are inputs or encoded rules: shown, never counted as evidence;
- *calibration* patterns set the free parameters (:mod:`experiments.calibration`);
- *corroboration* patterns are held back and emergent, and name the mechanism that should
  produce them. With knock-outs, each is run again with that mechanism switched off (the
  ``knockout`` parameter) and must then fail: a pattern that survives the loss of its mechanism
  is not evidence for it. A knocked-out direction or ordering pattern *fails* when its
  mechanism carries most of the effect: the upper end of the 95% interval of the share of the
  effect left is below :data:`CARRIES_BELOW` (a range pattern fails when it leaves its range).

A run's value for an outcome is its tail mean over the reported weeks (after the burn-in); a
pattern's value is the mean over replications with a 95% t-interval. Variants of a scenario
share their seeds, so their differences are paired. Every pattern is also checked for drift:
a pattern measured on a series that clearly still moves (:func:`is_drifting`: by more than
:data:`DRIFT_LIMIT` of its mean a year, with a 95% interval over the replications that excludes
zero) fails, whatever its value.
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
from experiments.summary import WEEKS_A_YEAR
from sim.coefficients import SWITCHES
from sim.errors import ConfigError
from sim.measures import HEADLINE, OUTCOMES
from sim.params import PARAMETERS, check_name

KINDS = ("range", "direction", "ordering")
ROLES = ("verification", "calibration", "corroboration")
#: Largest drift a year, as a share of the mean, of a series a pattern may be measured on. A
#: series drifts when its mean drift over the replications is beyond this and its 95% interval
#: excludes zero (:func:`is_drifting`, declared on 2026-12-02 before its first run).
DRIFT_LIMIT = 0.05
#: Drift is measured against the mean, but never against a mean below these floors (a share near
#: zero, a wait of a few days): there a tiny wobble would read as a large relative drift.
DRIFT_FLOOR = {
    "share": 0.02,
    "score": 0.02,
    "level": 0.5,
    "count": 1.0,
    "rate": 0.1,
    "weeks": 1.0,
    "money": 1000.0,
    "cumulative": 1.0,
}


#: A knocked-out direction or ordering pattern fails when the upper end of the 95% interval of
#: the share of its effect left (Fieller's, ratio_ci) is below this: the named mechanism
#: carries most of the effect. Declared on 2026-12-02 before its first run (TRACE §8), in place
#: of "the knocked-out effect's interval includes zero", which rewarded low power: a mechanism
#: carrying 85% of an effect passed that at ten replications and not at twenty.
CARRIES_BELOW = 0.5


def relative_drift(name: str, slope: float, mean: float) -> float:
    """Drift a year as a share of the outcome's mean (see :data:`DRIFT_FLOOR`)."""
    return slope / max(abs(mean), DRIFT_FLOOR[OUTCOMES[name].kind])


def is_drifting(share: float, low: float, high: float) -> bool:
    """The drift rule: a series still moves (one definition for validate and the dashboard).

    It drifts when its mean drift a year over the runs is beyond :data:`DRIFT_LIMIT` of its
    mean *and* the 95% interval of that drift excludes zero. Until 2026-12-02 the point
    estimate alone decided; but a single run's slope swings by about a fifth of the mean a
    year, so at ten replications the interval is some ±10-30% wide and the point estimate
    called a steady series drifting about as often as not (more so when the worst of a
    pattern's several series is taken). The interval makes "drifting" a finding rather than a
    draw; a drift the runs cannot resolve is shown with its interval (:func:`drift_detail`).
    With fewer than two runs there is no interval, and nothing is called drifting.
    """
    return bool(abs(share) > DRIFT_LIMIT and (low > 0 or high < 0))


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
    mechanism: str = ""
    evidence: str = ""
    limits: str = ""

    def describe_target(self) -> str:
        """The criterion in words, for tables."""
        if self.kind == "range":
            return f"{fmt(self.target)} (accept {fmt(self.low)}-{fmt(self.high)})"
        if self.kind == "direction":
            change = ", ".join(f"{k}: {self.a[k]} -> {self.b[k]}" for k in self.b)
            return f"{self.outcome} {self.expect} when {change}"
        return f"{self.first} > {self.second}"

    @property
    def outcomes(self) -> tuple[str, ...]:
        """The outcomes the pattern reads."""
        return tuple(filter(None, (self.outcome, self.first, self.second)))

    def variants(self, knockout: str | None = None) -> list[dict[str, Any]]:
        """The scenario variants this pattern is measured on (with a knock-out if given)."""
        base = [dict(self.a), dict(self.b)] if self.kind == "direction" else [{}]
        return [{**v, "knockout": knockout} if knockout else v for v in base]


def load_patterns(path: str | Path | None = None) -> list[Pattern]:
    """Read and check the patterns file.

    Raises:
        ConfigError: a pattern with an unknown kind, role, outcome, mechanism or parameter.
    """
    path = Path(path) if path else config_dir() / "patterns.toml"
    try:
        entries = tomllib.loads(path.read_text())["pattern"]
        patterns = [Pattern(**entry) for entry in entries]
    except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(
            "patterns", str(path), f"a TOML file of [[pattern]] tables ({exc})"
        ) from None
    return [_check(p) for p in patterns]


def _check(p: Pattern) -> Pattern:
    if p.kind not in KINDS:
        raise ConfigError(f"pattern {p.id}: kind", p.kind, "allowed: " + ", ".join(KINDS))
    if p.role not in ROLES:
        raise ConfigError(f"pattern {p.id}: role", p.role, "allowed: " + ", ".join(ROLES))
    for name in p.outcomes:
        if name not in OUTCOMES:
            raise ConfigError(f"pattern {p.id}: outcome", name, "see `mpgsim` outcomes")
    for name in (*p.a, *p.b):
        check_name(name)
    if p.kind == "direction" and p.expect not in ("higher", "lower"):
        raise ConfigError(f"pattern {p.id}: expect", p.expect, "allowed: higher, lower")
    knockout = PARAMETERS["knockout"]
    if p.role == "corroboration" and (
        p.mechanism == knockout.default or not knockout.accepts(p.mechanism)
    ):
        allowed = "a corroboration pattern names the mechanisms to knock out: " + ", ".join(
            SWITCHES
        )
        raise ConfigError(f"pattern {p.id}: mechanism", p.mechanism, allowed + " (or a+b)")
    return p


def variants(patterns: Sequence[Pattern], knockouts: bool = False) -> list[dict[str, Any]]:
    """The scenario variants the patterns need: the scenario itself first, then the others.

    With ``knockouts``, every corroboration pattern's variants come again with its mechanism
    knocked out.
    """
    out: list[dict[str, Any]] = [{}]
    for p in patterns:
        wanted = p.variants()
        if knockouts and p.role == "corroboration":
            wanted += p.variants(p.mechanism)
        for v in wanted:
            if v not in out:
                out.append(v)
    return out


def plan(
    scenario: Scenario,
    patterns: Sequence[Pattern],
    reps: int,
    weeks: int,
    seed: int,
    knockouts: bool = False,
) -> pd.DataFrame:
    """A design with ``reps`` paired replications of every variant the patterns need.

    Every variant carries the same parameter columns (the scenario's value where a variant
    does not change it); ``sample_row`` is the variant's index in :func:`variants`.
    """
    wanted = variants(patterns, knockouts)
    keys = sorted({k for v in wanted for k in v})
    points = [{k: v.get(k, scenario.params[k]) for k in keys} for v in wanted]
    return build_design("validation", points, reps, seed, weeks, [scenario])


def by_variant(
    runs: pd.DataFrame, design: pd.DataFrame, wanted: list[dict[str, Any]]
) -> dict[int, pd.DataFrame]:
    """Run summaries per variant index, ordered by replication (pairs line up)."""
    # variants with identical parameters share a run id: keep every design row, but each run
    # once (the store lists a shared run once per design row, which would count it twice)
    rows = design[["run_id", "sample_row", "replication"]]
    summaries = runs.drop(columns=["sample_row", "replication"], errors="ignore")
    merged = rows.merge(summaries.drop_duplicates("run_id"), on="run_id")
    return {
        i: merged[merged.sample_row == i].sort_values("replication") for i in range(len(wanted))
    }


def evaluate(
    patterns: Sequence[Pattern],
    runs: pd.DataFrame,
    design: pd.DataFrame,
    drift: pd.DataFrame | None = None,
    knockouts: bool = False,
) -> pd.DataFrame:
    """Score every pattern on the per-run summaries of a validation design.

    Args:
        patterns: the patterns.
        runs: per-run summaries (tail means).
        design: the validation design (see :func:`plan`).
        drift: per-run drift a year of each outcome (see :func:`run_drift`); None skips it.
        knockouts: also score corroboration patterns with their mechanism knocked out.

    Returns:
        One row per pattern: id, role, kind, mechanism, description, target, value, ci_low,
        ci_high, drift (relative, a year) with its interval drift_low and drift_high,
        drift_series, drifting (:func:`is_drifting`), drift_beyond (the rule before
        2026-12-02: the point estimate beyond :data:`DRIFT_LIMIT`), met, passed, and with
        knock-outs
        knockout_value, knockout_met, knockout_left (:func:`effect_left`) with its interval
        knockout_left_low and knockout_left_high, knockout_fails (:func:`knockout_fails`) and
        knockout_gone (the rule before 2026-12-02: the knocked-out criterion is not met).
        ``passed`` means met and not drifting.
    """
    wanted = variants(patterns, knockouts)
    groups = by_variant(runs, design, wanted)
    drifts = by_variant(drift, design, wanted) if drift is not None else None
    rows = []
    for p in patterns:
        row = _score(p, groups, wanted, None)
        row.update(_drift_of(p, drifts, groups, wanted) if drifts is not None else NO_DRIFT)
        row["passed"] = row["met"] and not row["drifting"]
        if knockouts and p.role == "corroboration":
            out = _score(p, groups, wanted, p.mechanism)
            row.update(knockout_value=out["value"], knockout_met=out["met"])
            row["knockout_gone"] = not out["met"]
            row["knockout_left"] = effect_left(p, row["value"], out["value"])
            row["knockout_left_low"], row["knockout_left_high"] = _left_interval(p, groups, wanted)
            row["knockout_fails"] = knockout_fails(p, out["met"], row["knockout_left_high"])
        rows.append(row)
    return pd.DataFrame(rows)


def knockout_fails(p: Pattern, knocked_out_met: bool, left_high: float) -> bool:
    """Whether a pattern fails with its mechanism knocked out (see :data:`CARRIES_BELOW`).

    Args:
        p: the pattern.
        knocked_out_met: whether the pattern's criterion still holds knocked out.
        left_high: upper end of the 95% interval of the share of the effect left (NaN for a
            range pattern; infinite when the full effect is not significant).

    Returns:
        For a range pattern: it leaves its range. Otherwise: even the upper end of the share
        left is below :data:`CARRIES_BELOW`, so the mechanism carries most of the effect.
    """
    if p.kind == "range":
        return not knocked_out_met
    return bool(np.isfinite(left_high) and left_high < CARRIES_BELOW)


def effect_left(p: Pattern, effect: float, knocked_out: float) -> float:
    """Share of a pattern's effect that is left with its mechanism knocked out.

    For direction and ordering patterns: the knocked-out mean difference over the full one
    (1 = the mechanism carries none of it, 0 = all of it, below 0 = the effect reverses). It
    says how much of a pattern its mechanism carries when a knock-out "still holds" because a
    second route produces part of the effect. NaN for range patterns, and where the full
    effect is zero or not finite (there is nothing to share out).
    """
    if p.kind == "range" or not np.isfinite(effect) or effect == 0:
        return float("nan")
    return float(knocked_out / effect)


def _left_interval(p: Pattern, groups, wanted) -> tuple[float, float]:
    """95% interval of the effect left (:func:`effect_left`), from the paired replications.

    The knocked-out variants share the full ones' seeds, so each replication gives a full and
    a knocked-out effect; the interval is Fieller's for the ratio of their means. NaN for range
    patterns.
    """
    if p.kind == "range":
        return float("nan"), float("nan")
    full = _series(p, groups, wanted, None)
    out = _series(p, groups, wanted, p.mechanism)
    paired = pd.concat([out.rename("k"), full.rename("d")], axis=1, join="inner").dropna()
    return ratio_ci(paired.k.to_numpy(), paired.d.to_numpy())


def ratio_ci(k: np.ndarray, d: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Fieller's interval for ``mean(k) / mean(d)`` from paired values ``(k_i, d_i)``.

    The set of ratios R for which ``mean(k - R d)`` is not significantly different from zero
    (a t-test on the paired differences): the roots of a quadratic in R. It is bounded only
    when ``mean(d)`` itself differs significantly from zero; otherwise the ratio could be
    anything, and the interval is (-inf, inf). Unlike a knocked-out effect's own interval,
    it narrows around the true share as replications are added, so it does not reward low
    power.
    """
    k, d = np.asarray(k, dtype=float), np.asarray(d, dtype=float)
    n = k.size
    if n < 2 or d.size != n:
        return float("nan"), float("nan")
    t2 = stats.t.ppf(0.5 + level / 2, n - 1) ** 2
    cov = np.cov(k, d, ddof=1) / n  # variances and covariance of the two means
    mk, md = k.mean(), d.mean()
    a = md**2 - t2 * cov[1, 1]
    b = mk * md - t2 * cov[0, 1]
    c = mk**2 - t2 * cov[0, 0]
    if a <= 0:
        return float("-inf"), float("inf")
    root = np.sqrt(max(b**2 - a * c, 0.0))
    return float((b - root) / a), float((b + root) / a)


def knockout_words(r: Any) -> str:
    """What the knock-out did, in words, with the share of the effect left.

    "fails" (the mechanism carries most of the effect, :func:`knockout_fails`), "still holds"
    (the knocked-out pattern meets its criterion) or "inconclusive" (it does not, but the share
    left may be half the effect or more: too few replications to say the mechanism carries it).
    """
    words = "fails" if r.knockout_fails else "still holds"
    if not r.knockout_fails and not getattr(r, "knockout_met", True):
        words = "inconclusive"
    left = getattr(r, "knockout_left", float("nan"))
    if np.isfinite(left):
        low = getattr(r, "knockout_left_low", float("nan"))
        high = getattr(r, "knockout_left_high", float("nan"))
        if np.isfinite(low) and np.isfinite(high):
            words += f" ({left:.0%} of the effect left, 95% CI {low:.0%} to {high:.0%})"
        elif np.isnan(low):
            words += f" ({left:.0%} of the effect left)"
        else:
            words += f" ({left:.0%} of the effect left, CI unbounded)"
    return words


def _values(p: Pattern, groups, wanted, knockout: str | None) -> np.ndarray:
    """The per-replication values the pattern's criterion is applied to."""
    return _series(p, groups, wanted, knockout).to_numpy()


def _series(p: Pattern, groups, wanted, knockout: str | None) -> pd.Series:
    """The per-replication values the pattern's criterion is applied to, by replication."""
    first, *rest = [groups[wanted.index(v)].set_index("replication") for v in p.variants(knockout)]
    if p.kind == "range":
        return first[p.outcome]
    if p.kind == "ordering":
        return first[p.first] - first[p.second]
    return (rest[0][p.outcome] - first[p.outcome]).dropna()


def _score(p: Pattern, groups, wanted, knockout: str | None) -> dict[str, Any]:
    values = _values(p, groups, wanted, knockout)
    mean, lo, hi = mean_ci(values)
    if p.kind == "range":
        met = p.low <= mean <= p.high
    elif p.kind == "ordering" or p.expect == "higher":
        met = lo > 0
    else:
        met = hi < 0
    return {
        "id": p.id,
        "role": p.role,
        "kind": p.kind,
        "mechanism": p.mechanism,
        "description": p.description,
        "target": p.describe_target(),
        "value": mean,
        "ci_low": lo,
        "ci_high": hi,
        "met": bool(len(values) > 1 and met),
        "source": p.source,
        "evidence": p.evidence,
        "limits": p.limits,
        "reps": len(values),
    }


#: The drift columns of a pattern scored without drift data.
NO_DRIFT = {
    "drift": np.nan,
    "drift_low": np.nan,
    "drift_high": np.nan,
    "drift_series": "",
    "drifting": False,
    "drift_beyond": False,
}


def _drift_of(p: Pattern, drifts, groups, wanted) -> dict[str, Any]:
    """The drift of the series a pattern reads: a drifting one if any, else the largest.

    Each series (an outcome the pattern reads, in one of its variants) is judged over the
    replications by :func:`drift_over_runs`. Returns the columns of :data:`NO_DRIFT`; the
    series in words is "stagnation_offer at pooled_funding=0.0" (the outcome alone in the
    scenario itself).
    """
    found = []
    for v in p.variants():
        i = wanted.index(v)
        for name in p.outcomes:
            r = drift_over_runs(name, drifts[i][name], groups[i][name])
            found.append((r["drifting"], abs(r["drift_share"]), r, _series_name(name, v)))
    drifting, _, r, where = max(found, key=lambda f: f[:2])
    return {
        "drift": r["drift_share"],
        "drift_low": r["share_low"],
        "drift_high": r["share_high"],
        "drift_series": where,
        "drifting": drifting,
        "drift_beyond": any(f[2]["beyond_limit"] for f in found),
    }


def _series_name(outcome: str, variant: Mapping[str, Any]) -> str:
    setting = ", ".join(f"{k}={v}" for k, v in variant.items() if k != "knockout")
    return f"{outcome} at {setting}" if setting else outcome


def drifting_words(r: Any) -> str:
    """``drifting (+8.5% a year, 95% CI +3.1% to +13.9%: stagnation_offer at ...)``."""
    return "drifting" + drift_detail(r)


def drift_verdict(share: float, low: float, high: float) -> str:
    """A series' drift in a word, for tables.

    "drifting" (:func:`is_drifting`), "steady" (the whole interval within ±:data:`DRIFT_LIMIT`)
    or "not resolved" (neither: too few runs to tell).
    """
    if is_drifting(share, low, high):
        return "drifting"
    if np.isfinite(low) and np.isfinite(high) and max(abs(low), abs(high)) <= DRIFT_LIMIT:
        return "steady"
    return "not resolved"


def drift_cell(r: Any) -> str:
    """``+5.5% (+1.1% to +10.0%)``: a pattern's drift a year with its interval, for tables."""
    if not np.isfinite(r.drift):
        return "-"
    if not (np.isfinite(r.drift_low) and np.isfinite(r.drift_high)):
        return f"{r.drift:+.1%}"
    return f"{r.drift:+.1%} ({r.drift_low:+.1%} to {r.drift_high:+.1%})"


def drift_detail(r: Any) -> str:
    """`` (+8.5% a year, 95% CI +3.1% to +13.9%: stagnation_offer at pooled_funding=0.8)``.

    "" without a series; the interval is left out where there is none (a single run).
    """
    where = getattr(r, "drift_series", "")
    if not where:
        return ""
    low, high = getattr(r, "drift_low", np.nan), getattr(r, "drift_high", np.nan)
    ci = f", 95% CI {low:+.1%} to {high:+.1%}" if np.isfinite(low) and np.isfinite(high) else ""
    return f" ({r.drift:+.1%} a year{ci}: {where})"


def run_drift(store, outcomes: Sequence[str]) -> pd.DataFrame:
    """Per run, each outcome's least-squares slope a year over its reported weeks."""
    cols = ", ".join(f'regr_slope("{o}", week) * {WEEKS_A_YEAR} AS "{o}"' for o in outcomes)
    sql = (
        "WITH w AS (SELECT * FROM weekly QUALIFY row_number() OVER "
        "(PARTITION BY run_id, week ORDER BY run_id) = 1) "
        f"SELECT run_id, {cols} FROM w GROUP BY run_id"
    )
    return store.query(sql)


def drift_table(runs: pd.DataFrame, drift: pd.DataFrame, design: pd.DataFrame) -> pd.DataFrame:
    """Each headline outcome's drift a year over the reported weeks of the scenario's runs.

    Returns:
        One row per outcome with the columns of :func:`drift_over_runs`.
    """
    base = design[design.sample_row == 0]
    levels = runs[runs.run_id.isin(base.run_id)]
    slopes = drift[drift.run_id.isin(base.run_id)]
    rows = [
        {"outcome": name, **drift_over_runs(name, slopes[name], levels[name])}
        for name in HEADLINE
        if name in slopes
    ]
    return pd.DataFrame(rows)


def drift_over_runs(name: str, slopes: Sequence[float], levels: Sequence[float]) -> dict:
    """An outcome's drift a year over the reported weeks of several runs of one setting.

    Args:
        name: the outcome.
        slopes: each run's least-squares slope a year (:func:`run_drift`,
            :func:`experiments.summary.drift_a_year`).
        levels: each run's tail mean.

    Returns:
        mean (of the levels), drift_per_year with its 95% interval over the runs (ci_low,
        ci_high), drift_share with share_low and share_high (the same as a share of the mean,
        :func:`relative_drift`), drifting (:func:`is_drifting`: these runs clearly still
        move) and beyond_limit (the rule before 2026-12-02: abs(drift_share) above
        :data:`DRIFT_LIMIT`, whatever the interval).
    """
    mean = float(np.nanmean(np.asarray(levels, dtype=float)))
    slope, lo, hi = mean_ci(np.asarray(slopes, dtype=float))
    share, low, high = (relative_drift(name, x, mean) for x in (slope, lo, hi))
    return {
        "mean": mean,
        "drift_per_year": slope,
        "ci_low": lo,
        "ci_high": hi,
        "drift_share": share,
        "share_low": low,
        "share_high": high,
        "drifting": is_drifting(share, low, high),
        "beyond_limit": bool(abs(share) > DRIFT_LIMIT),
    }


def mean_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and two-sided t-interval of ``values`` (NaN interval for fewer than two)."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    mean = float(values.mean()) if values.size else float("nan")
    if values.size < 2:
        return mean, float("nan"), float("nan")
    half = stats.t.ppf(0.5 + level / 2, values.size - 1) * values.std(ddof=1) / np.sqrt(values.size)
    return mean, mean - half, mean + half


def to_markdown(table: pd.DataFrame) -> str:
    """The validation table as Markdown (for the README and docs/TRACE.md), by role."""
    lines = []
    knock = "knockout_fails" in table
    for role in ("corroboration", "calibration", "verification"):
        part = table[table.role == role]
        if part.empty:
            continue
        head = "| pattern | target | model (95% CI) | drift a year (95% CI) | result |"
        rule = "|---|---|---|---|---|"
        if knock and role == "corroboration":
            head = (
                "| pattern | mechanism | target | model (95% CI) | drift a year (95% CI) "
                "| result | knocked out |"
            )
            rule = "|---|---|---|---|---|---|---|"
        lines += [f"**{role}**", "", head, rule]
        for r in part.itertuples():
            value = f"{fmt(r.value)} ({fmt(r.ci_low)} to {fmt(r.ci_high)})"
            mark = "pass" if r.passed else (f"**{drifting_words(r)}**" if r.met else "**fail**")
            if role == "verification":
                mark = "holds" if r.passed else "**does not hold**"
            cells = [r.description, r.target, value, drift_cell(r), mark]
            if knock and role == "corroboration":
                ko = knockout_words(r)
                if r.knockout_fails:
                    ko = ko.replace("fails", "fails (as it should)", 1)
                else:
                    ko = f"**{ko}**"
                cells = [r.description, r.mechanism, r.target, value, drift_cell(r), mark, ko]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def evidence_table(table: pd.DataFrame) -> str:
    """Markdown: per pattern its result and what it is, and is not, evidence of (README, TRACE)."""
    lines = [
        "| pattern | role | model (95% CI) | result | evidence of | not evidence of |",
        "|---|---|---|---|---|---|",
    ]
    for role in ("corroboration", "calibration", "verification"):
        for r in table[table.role == role].itertuples():
            value = f"{fmt(r.value)} ({fmt(r.ci_low)} to {fmt(r.ci_high)})"
            result = "pass" if r.passed else (drifting_words(r) if r.met else "**fail**")
            if role == "verification":
                result = "holds" if r.passed else "**does not hold**"
            if role == "corroboration" and "knockout_fails" in table:
                gone = r.knockout_fails
                ko = knockout_words(r)
                result += f"; without `{r.mechanism}`: " + (ko if gone else f"**{ko}**")
                if r.passed and not gone:
                    result += " (so no evidence for it)"
            cells = [r.description, role, value, result, r.evidence, r.limits]
            lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def fmt(x: float | None) -> str:
    """A number for tables: thousands separated above 1,000, else three significant digits."""
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return "-"
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"


def describe(table: pd.DataFrame) -> dict[str, Any]:
    """Counts per role, for the closing line and the JSON beside the table.

    Corroboration counts as evidence only when the pattern passes *and* (with knock-outs)
    fails without its mechanism.
    """
    out = {}
    for role, group in table.groupby("role"):
        entry = {"passed": int(group.passed.sum()), "total": len(group)}
        if role == "corroboration" and "knockout_fails" in group:
            entry["evidence"] = int((group.passed & group.knockout_fails.fillna(False)).sum())
        out[role] = entry
    return json.loads(json.dumps(out))
