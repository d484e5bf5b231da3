"""The best-fitting coat of a family mix, for the workshop and the room.

All 81 coats, scored on recovery, stagnation, incidents, trust and cost (see
:func:`dashboard.analysis.fit_scores`). From a stored sweep of the case when it holds every
coat (``make cases`` stores the training cases), else computed in the job pool with
:data:`REPS` replications of :data:`WEEKS` weeks.
"""

from __future__ import annotations

import pandas as pd

from dashboard.analysis import TYPE_COLUMNS, coat_means, coat_runs, coat_tasks, fit_scores
from dashboard.figures import coat_text
from dashboard.i18n import t
from dashboard.jobs import Task

REPS = 3
WEEKS = 52
SEED = 1


def stored_fit(ctx, mix: str) -> pd.DataFrame | None:
    """Scores of the 81 coats from the stored sweeps, or None when they lack some."""
    from dashboard.stored import stored_coat_runs

    runs = stored_coat_runs(ctx.sweep_dir, mix, min_reps=REPS)
    if runs.empty:
        return None
    return fit_scores(coat_means(runs), runs=runs).assign(source="stored")


def live_tasks(mix: str) -> list[Task]:
    """The runs a live reveal needs."""
    return coat_tasks(mix, REPS, WEEKS, SEED)


def prefetch(ctx, mix: str) -> str | None:
    """Start a live reveal's runs in the background when a case is chosen, once per case.

    A reveal comes minutes later, after the room has chosen and discussed its own coat; by
    then most of its runs are in the cache and the rest under way, and the reveal's own job
    joins them. A user's own runs meanwhile wait for at most one background run per worker.

    Returns:
        The background job's id, or None when the case's sweep is stored (nothing to do).
    """
    if stored_fit(ctx, mix) is not None:
        return None
    return ctx.jobs.prefetch(live_tasks(mix), name=mix, meta={"mix": mix})


def live_fit(ctx, mix: str, keys: list[str]) -> pd.DataFrame | None:
    """Scores of the 81 coats from the finished runs of :func:`live_tasks`."""
    runs = coat_runs(ctx.runner, live_tasks(mix), keys)
    if runs.empty:
        return None
    return fit_scores(coat_means(runs), runs=runs).assign(source="live")


def cached_fit(ctx, mix: str) -> pd.DataFrame | None:
    """Stored scores, else live ones whose runs are all cached already (no job needed)."""
    stored = stored_fit(ctx, mix)
    if stored is not None:
        return stored
    keys = [ctx.runner.key(t.scenario(), t.seed, t.weeks) for t in live_tasks(mix)]
    return live_fit(ctx, mix, keys) if all(ctx.runner.has(k) for k in keys) else None


def sure_text(tied: int, lang: str) -> str:
    """How sure the best coat is, given how many coats (itself included) are tied for best."""
    if tied <= 1:
        return t("workshop.sure_alone", lang)
    if tied == 2:
        return t("workshop.sure_tied_one", lang)
    return t("workshop.sure_tied", lang, n=tied - 1)


def stored_robust(ctx, mix: str) -> pd.DataFrame:
    """The stored robust results of ``mix`` (see :func:`dashboard.stored.robust_summary`)."""
    from dashboard.stored import robust_summary

    return robust_summary(ctx.sweep_dir, mix)


def robust_text(robust: pd.DataFrame | None, best, lang: str) -> str | None:
    """How robust the revealed best coat is over plausible readings of the model, or None.

    "Best in 64% of the plausible readings; coat Y in 22%": ``best`` is the revealed coat,
    Y the coat most often best besides it.
    """
    if robust is None or robust.empty:
        return None
    coat = robust[(robust[TYPE_COLUMNS] == pd.Series(dict(best))[TYPE_COLUMNS]).all(axis=1)]
    if coat.empty:
        return None
    others = robust.drop(index=coat.index)
    other = others.iloc[0]
    return t(
        "workshop.robust",
        lang,
        p=percent(coat.iloc[0]["p_best"]),
        worlds=int(coat.iloc[0]["worlds"]),
        other=coat_text(other, lang),
        q=percent(other["p_best"]),
    )


def percent(share: float) -> str:
    """A share as a whole percentage, e.g. "64%"."""
    return f"{round(100 * float(share))}%"
