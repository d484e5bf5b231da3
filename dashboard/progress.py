"""A page's side of a job: start it, poll it into a progress bar and status line, cancel it.

Each page with a :func:`dashboard.components.run_box` calls :func:`register` once with a
``finish`` function that turns a finished job into the page's result. Starting is the page's
own callback; it returns :func:`started` (or :func:`instant` when everything was cached).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dash import Input, Output, State, no_update

from dashboard.i18n import clean_lang, t
from dashboard.jobs import JobStatus

Finish = Callable[[JobStatus, str], tuple[Any, str]]


def ui_outputs(prefix: str) -> list[Output]:
    """The outputs a start, a poll and a cancel all set (job, timer, buttons, status, bar)."""
    return [
        Output(f"{prefix}-job", "data", allow_duplicate=True),
        Output(f"{prefix}-poll", "disabled", allow_duplicate=True),
        Output(f"{prefix}-run", "disabled", allow_duplicate=True),
        Output(f"{prefix}-cancel", "disabled", allow_duplicate=True),
        Output(f"{prefix}-status", "children", allow_duplicate=True),
        Output(f"{prefix}-progress", "value", allow_duplicate=True),
    ]


def started(job: str, lang: str) -> tuple:
    """Outputs of :func:`ui_outputs` for a job that was just queued."""
    return job, False, True, False, t("common.queued", lang), "0"


def stopped(message: str, done: bool = False) -> tuple:
    """Outputs of :func:`ui_outputs` once nothing runs (finished, failed or cancelled)."""
    return None, True, False, True, message, "100" if done else "0"


def instant(message: str) -> tuple:
    """Outputs of :func:`ui_outputs` for a result that was ready at once (all cached)."""
    return stopped(message, done=True)


def register(
    app, ctx, prefix: str, result: Output, finish: Finish, lang_id: str | None = None
) -> None:
    """Poll ``prefix``'s job into ``result``; wire its Cancel button."""
    lang_id = lang_id or f"{prefix}-lang"
    result = Output(result.component_id, result.component_property, allow_duplicate=True)

    @app.callback(
        result,
        *ui_outputs(prefix),
        Input(f"{prefix}-poll", "n_intervals"),
        State(f"{prefix}-job", "data"),
        State(lang_id, "data"),
        prevent_initial_call=True,
    )
    def poll(_n, job, lang):
        lang = clean_lang(lang)
        if job is None:
            return no_update, *stopped(no_update)
        status = ctx.jobs.status(job)
        if status.state == "running":
            text = t("common.progress_runs", lang, done=status.done, total=status.total)
            if status.total == 1 or status.done == 0:
                text = t("common.running", lang)
            pct = str(int(100 * status.fraction))
            return no_update, no_update, no_update, no_update, no_update, text, pct
        if status.state == "done":
            value, message = finish(status, lang)
            return value, *stopped(message, done=True)
        if status.state == "error":
            return no_update, *stopped(t("common.failed", lang, message=status.error))
        if status.state == "cancelled":
            return no_update, *stopped(t("common.cancelled", lang))
        return no_update, *stopped(t("common.expired", lang))

    @app.callback(
        *ui_outputs(prefix),
        Input(f"{prefix}-cancel", "n_clicks"),
        State(f"{prefix}-job", "data"),
        State(lang_id, "data"),
        prevent_initial_call=True,
    )
    def cancel(_n, job, lang):
        ctx.jobs.cancel(job)
        return stopped(t("common.cancelled", clean_lang(lang)))
