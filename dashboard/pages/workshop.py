"""Workshop page: "de best passende jas" for a room with a projector.

Large type and four steps: pick a case, choose a coat, see what happens over time and at each
level, then reveal the best-fitting coat for this case (all 81 coats run with a few
replications, cached per case) and how far the group's choice was from it.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update

from dashboard import components as ui
from dashboard import figures, fit, progress
from dashboard.analysis import cached_keys, coat_distance, coat_id, run_record, state_tasks
from dashboard.context import context
from dashboard.i18n import clean_lang, t
from dashboard.messages import explain
from dashboard.numbers import number
from dashboard.outcomes import PANELS
from dashboard.runs import is_key
from dashboard.state import cases, check_choice, default_state, mix_defaults, mixes, validate_state
from sim.errors import ConfigError
from sim.params import TYPES
from sim.typology import LEVELS

PATH = "/workshop"
NAME = "workshop"
TITLE = "Workshop · MPG V&O"
P = "ws"
SHOWN_PANELS = ("stagnation", "escalation", "trust")
#: how often the page says how far the reveal's runs started ahead have come
AHEAD_POLL_MS = 2000


def case_options() -> list[str]:
    """Training cases; the baseline when no case file exists yet."""
    return cases() or mixes()


def _story(mix: str, lang: str) -> str:
    case = mix_defaults(mix)["case"]
    return case.get(f"story_{lang}") or case.get("story_nl") or ""


def warm_up(ctx) -> None:
    """Read the training cases' stored sweeps now, so a reveal in the room answers at once."""
    for mix in case_options():
        fit.stored_fit(ctx, mix)


def layout(lang: str = "nl", case: str | None = None, step: str | None = None, **_q):
    """The Workshop page; ``case`` and ``step`` come from the address, so a reload keeps them."""
    lang = clean_lang(lang)
    ctx = context()
    options = case_options()
    case = case if case in options else (options[0] if options else None)
    start = default_state(case)
    step = int(step) if step in ("3", "4") else 2
    record = _cached_record(ctx, start) if step >= 3 else None
    scores = fit.cached_fit(ctx, case) if step == 4 and record else None
    chosen = {f"{lv}_type": start.type_of(lv) for lv in LEVELS}
    return ui.shell(
        "workshop",
        lang,
        [
            html.Div(
                [
                    html.H1(t("workshop.title", lang), className="display-5 fw-bold"),
                    html.P(t("workshop.intro", lang), className="fs-3"),
                    html.A(
                        t("room.open_link", lang),
                        href="/kamer" + ("?lang=en" if lang == "en" else ""),
                        className="btn btn-outline-primary btn-lg",
                    ),
                ],
                className="mb-4",
            ),
            dcc.Store(id=f"{P}-lang", data=lang),
            dcc.Store(id=f"{P}-result", data=record),
            dcc.Store(id=f"{P}-step", data=step if record else 2),
            dcc.Store(id=f"{P}-url"),
            dcc.Store(id=f"{P}-prefetch"),
            None
            if cases()
            else dbc.Alert(t("workshop.no_cases", lang), color="info", class_name="fs-5"),
            dbc.Row(
                [
                    dbc.Col(
                        dbc.Card(
                            dbc.CardBody(
                                [
                                    html.H2(t("workshop.step1", lang), className="h2"),
                                    html.Fieldset(
                                        [
                                            html.Legend(
                                                t("workshop.step1", lang),
                                                className="visually-hidden",
                                            ),
                                            dbc.RadioItems(
                                                id=f"{P}-case",
                                                value=case,
                                                options=[
                                                    {"label": ui.mix_label(m, lang), "value": m}
                                                    for m in options
                                                ],
                                                class_name="fs-4 case-picker",
                                            ),
                                        ]
                                    ),
                                    html.H3(t("workshop.story", lang), className="h4 mt-3"),
                                    html.P(_story(case, lang), id=f"{P}-story", className="fs-4"),
                                ]
                            ),
                            class_name="h-100 workshop-card",
                        ),
                        lg=5,
                        class_name="mb-3",
                    ),
                    dbc.Col(
                        dbc.Card(
                            dbc.CardBody(
                                [
                                    html.H2(t("workshop.step2", lang), className="h2"),
                                    *[
                                        ui.type_picker(
                                            f"{P}-type-{lv}",
                                            lv,
                                            start.type_of(lv),
                                            lang,
                                            big=True,
                                            with_help=False,
                                        )
                                        for lv in LEVELS
                                    ],
                                    ui.run_box(
                                        P, lang, run_label=t("workshop.show", lang), big=True
                                    ),
                                ]
                            ),
                            class_name="h-100 workshop-card",
                        ),
                        lg=7,
                        class_name="mb-3",
                    ),
                ]
            ),
            html.Section(
                [
                    html.H2(t("workshop.step3", lang), className="h2 mt-3"),
                    html.Div(
                        outcome_view(ctx, record, lang) if record else None, id=f"{P}-outcome"
                    ),
                ]
            ),
            html.Section(
                [
                    html.H2(t("workshop.step4", lang), className="h2 mt-4"),
                    html.P(t("workshop.reveal_help", lang, reps=fit.REPS), className="fs-5"),
                    html.P(id=f"{P}-ahead", className="fs-5", **{"aria-live": "polite"}),
                    dcc.Interval(id=f"{P}-ahead-tick", interval=AHEAD_POLL_MS, disabled=True),
                    ui.run_box(f"{P}-rv", lang, run_label=t("workshop.reveal", lang), big=True),
                    html.Div(
                        reveal_view(scores, chosen, lang, fit.stored_robust(ctx, case))
                        if scores is not None
                        else None,
                        id=f"{P}-reveal-body",
                    ),
                ],
                className="mb-5",
            ),
        ],
        query=f"?case={case}" + (f"&step={step}" if record else ""),
        wide=True,
    )


def _cached_record(ctx, state) -> dict | None:
    keys = cached_keys(ctx.runner, state)
    return run_record(state, keys) if keys else None


def coat_from(values) -> dict[str, str]:
    """Validate four type values into a coat (``<level>_type`` keys)."""
    return {
        f"{lv}_type": check_choice(f"{lv}_type", v, TYPES)
        for lv, v in zip(LEVELS, values, strict=True)
    }


def workshop_state(case, types):
    """The scenario state of a case with a chosen coat (levers as in the case file)."""
    case = check_choice("case", case, case_options())
    base = mix_defaults(case)
    coat = coat_from(types)
    return validate_state(
        case, {lv: coat[f"{lv}_type"] for lv in LEVELS}, base["levers"], base["seed"], base["weeks"]
    )


def outcome_view(ctx, record: dict, lang: str):
    """Big rings and three time series for the group's coat."""
    table = ctx.runner.get(record.get("key"))
    if table is None:
        return None
    ref = ctx.runner.get(record.get("ref")) if is_key(record.get("ref")) else None
    levels = record.get("types") if isinstance(record.get("types"), dict) else None
    ring, ring_caption = figures.rings(table, lang, ref, levels=levels, big=True)
    panels = [p for p in PANELS if p.id in SHOWN_PANELS]
    series = [
        dbc.Col(ui.panel_figure(f"{P}-graph", table, p, lang, ref, big=True), xl=4, lg=6)
        for p in panels
    ]
    return html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(
                        ui.figure(
                            f"{P}-graph-rings",
                            t("workshop.at_levels", lang),
                            ring,
                            ring_caption,
                            lang=lang,
                            big=True,
                        ),
                        lg=8,
                        class_name="mx-auto",
                    )
                ]
            ),
            html.H3(t("workshop.over_time", lang), className="h3 mt-3"),
            dbc.Row(series),
        ]
    )


def reveal_view(scores, chosen: dict[str, str], lang: str, robust=None):
    """The best coat, the group's rank and distance, and the top five as a bar chart.

    With stored robust results (``robust``, see :func:`dashboard.fit.stored_robust`) it also
    says how robust the best coat is over plausible readings of the model.
    """
    best = scores.iloc[0]
    robust_line = fit.robust_text(robust, best, lang)
    mine = scores[scores["coat"] == coat_id(chosen)].iloc[0]
    distance = coat_distance(chosen, best)
    tiles = []
    for title, row, colour in (
        (t("workshop.your_coat", lang), mine, "warning"),
        (t("workshop.best_coat", lang), best, "success"),
    ):
        levels = html.Ul(
            [
                html.Li(
                    [
                        html.Span(t(f"level.{lv}", lang) + ": ", className="fw-normal"),
                        html.Strong(t(f"type.{row[f'{lv}_type']}", lang)),
                    ]
                )
                for lv in LEVELS
            ],
            className="list-unstyled fs-3 mb-0",
        )
        tiles.append(ui.coat_card(title, [levels], colour))
    verdict = (
        t("workshop.distance0", lang) if distance == 0 else t("workshop.distance", lang, n=distance)
    )
    return html.Div(
        [
            dbc.Row(tiles),
            html.P(
                t(
                    "workshop.rank",
                    lang,
                    rank=int(mine["rank"]),
                    score=number(mine["score"], lang),
                    best=number(best["score"], lang),
                ),
                className="fs-3 fw-semibold",
                id=f"{P}-rank",
            ),
            html.P(verdict, className="fs-3", id=f"{P}-distance"),
            html.P(how_sure(scores, mine, lang), className="fs-4", id=f"{P}-sure"),
            html.P(robust_line, className="fs-4", id=f"{P}-robust") if robust_line else None,
            html.P(
                t(
                    f"workshop.source_{best.get('source', 'live')}",
                    lang,
                    reps=int(scores["n"].min()),
                ),
                className="text-body-secondary",
                id=f"{P}-source",
            ),
            ui.figure(
                f"{P}-graph-top",
                t("workshop.top5", lang),
                figures.scores_bar(scores, coat_id(chosen), lang),
                t("workshop.score_explained", lang),
                lang=lang,
                big=True,
            ),
        ]
    )


def how_sure(scores, mine, lang: str) -> str:
    """How sure the best coat is, and whether the group's coat is within the noise of it."""
    if "tied" not in scores.columns:
        return t("workshop.sure_unknown", lang)
    text = fit.sure_text(int(scores["tied"].sum()), lang)
    if bool(mine.get("tied")) and int(mine["rank"]) > 1:
        text += " " + t("workshop.you_tied", lang)
    return text


def register_callbacks(app, ctx) -> None:
    """Changing the case or coat clears later steps; show the coat; reveal the best coat."""
    R = f"{P}-rv"
    later = [
        Output(f"{P}-result", "data", allow_duplicate=True),
        Output(f"{P}-outcome", "children", allow_duplicate=True),
        Output(f"{P}-reveal-body", "children", allow_duplicate=True),
        Output(f"{P}-step", "data", allow_duplicate=True),
        *progress.ui_outputs(P),
        *progress.ui_outputs(R),
    ]
    jobs = [State(f"{P}-job", "data"), State(f"{R}-job", "data")]

    def cleared(lang, show_job, reveal_job):
        # a job for the old case or coat (its run or its reveal) must not land on the new one
        ctx.jobs.cancel(show_job)
        ctx.jobs.cancel(reveal_job)
        idle = progress.stopped(t("common.idle", lang))
        return None, None, None, 2, *idle, *idle

    @app.callback(
        Output(f"{P}-story", "children"),
        *[Output(f"{P}-type-{lv}", "value", allow_duplicate=True) for lv in LEVELS],
        *later,
        Input(f"{P}-case", "value"),
        State(f"{P}-lang", "data"),
        *jobs,
        prevent_initial_call=True,
    )
    def pick_case(case, lang, show_job, reveal_job):
        lang = clean_lang(lang)
        if case not in case_options():
            return [no_update] * (1 + len(LEVELS) + len(later))
        types = [mix_defaults(case)["types"][lv] for lv in LEVELS]
        return _story(case, lang), *types, *cleared(lang, show_job, reveal_job)

    @app.callback(
        *later,
        *[Input(f"{P}-type-{lv}", "value") for lv in LEVELS],
        State(f"{P}-lang", "data"),
        *jobs,
        prevent_initial_call=True,
    )
    def pick_coat(*values):
        *_types, lang, show_job, reveal_job = values
        return cleared(clean_lang(lang), show_job, reveal_job)

    @app.callback(
        Output(f"{P}-prefetch", "data"),
        Output(f"{P}-ahead-tick", "disabled"),
        Output(f"{P}-ahead", "children"),
        Input(f"{P}-case", "value"),
        State(f"{P}-prefetch", "data"),
    )
    def prefetch(case, previous):
        # the reveal's runs start when the case is chosen and go on while the room talks;
        # a case left behind stops its own (a reveal that joined them runs them itself)
        if previous and ctx.jobs.status(previous).meta.get("mix") != case:
            ctx.jobs.cancel(previous)
        job = fit.prefetch(ctx, case) if case in case_options() else None
        return job, job is None, None

    @app.callback(
        Output(f"{P}-ahead", "children", allow_duplicate=True),
        Output(f"{P}-ahead-tick", "disabled", allow_duplicate=True),
        Input(f"{P}-ahead-tick", "n_intervals"),
        State(f"{P}-prefetch", "data"),
        State(f"{P}-lang", "data"),
        prevent_initial_call=True,
    )
    def ahead(_n, job, lang):
        status = ctx.jobs.status(job)
        lang = clean_lang(lang)
        if status.state == "running":
            return t("workshop.ahead", lang, done=status.done, total=status.total), False
        return (t("workshop.ahead_done", lang) if status.state == "done" else None), True

    app.clientside_callback(
        """function(step, mix, lang) {
            const q = new URLSearchParams();
            if (mix) { q.set('case', mix); }
            if (step && step > 2) { q.set('step', step); }
            if (lang === 'en') { q.set('lang', 'en'); }
            window.history.replaceState(null, '', '/workshop?' + q.toString());
            return step;
        }""",
        Output(f"{P}-url", "data"),
        Input(f"{P}-step", "data"),
        Input(f"{P}-case", "value"),
        State(f"{P}-lang", "data"),
    )

    @app.callback(
        Output(f"{P}-result", "data", allow_duplicate=True),
        *progress.ui_outputs(P),
        Input(f"{P}-run", "n_clicks"),
        State(f"{P}-case", "value"),
        *[State(f"{P}-type-{lv}", "value") for lv in LEVELS],
        State(f"{P}-lang", "data"),
        prevent_initial_call=True,
    )
    def run(_n, case, *rest):
        *types, lang = rest
        lang = clean_lang(lang)
        try:
            state = workshop_state(case, types)
        except ConfigError as exc:
            return no_update, *progress.stopped(t("common.error", lang, message=explain(exc, lang)))
        record = _cached_record(ctx, state)
        if record is not None:
            return record, *progress.instant(_done(state, lang))
        job = ctx.jobs.submit(state_tasks(state), meta={"case": case, "types": list(types)})
        return no_update, *progress.started(job, lang)

    def _done(state, lang):
        return t("common.done", lang, what=ui.state_summary(state, lang))

    def finish(status, lang):
        try:
            state = workshop_state(status.meta.get("case"), status.meta.get("types"))
        except (ConfigError, TypeError, ValueError):
            return no_update, t("common.expired", lang)
        return run_record(state, status.keys), _done(state, lang)

    progress.register(app, ctx, P, Output(f"{P}-result", "data"), finish)

    @app.callback(
        Output(f"{P}-outcome", "children"),
        Output(f"{P}-step", "data", allow_duplicate=True),
        Input(f"{P}-result", "data"),
        State(f"{P}-lang", "data"),
        prevent_initial_call=True,
    )
    def show(record, lang):
        if not isinstance(record, dict):
            return None, no_update
        return outcome_view(ctx, record, clean_lang(lang)), 3

    @app.callback(
        Output(f"{P}-reveal-body", "children", allow_duplicate=True),
        Output(f"{P}-step", "data", allow_duplicate=True),
        *progress.ui_outputs(R),
        Input(f"{R}-run", "n_clicks"),
        State(f"{P}-case", "value"),
        *[State(f"{P}-type-{lv}", "value") for lv in LEVELS],
        State(f"{P}-lang", "data"),
        prevent_initial_call=True,
    )
    def reveal(_n, case, *rest):
        *types, lang = rest
        lang = clean_lang(lang)
        try:
            state = workshop_state(case, types)
        except ConfigError as exc:
            message = t("common.error", lang, message=explain(exc, lang))
            return dbc.Alert(message, color="danger"), no_update, *progress.stopped(message)
        scores = fit.cached_fit(ctx, state.mix)
        chosen = {f"{lv}_type": ty for lv, ty in state.types}
        if scores is not None:
            done = t("workshop.revealed", lang)
            robust = fit.stored_robust(ctx, state.mix)
            return reveal_view(scores, chosen, lang, robust), 4, *progress.instant(done)
        job = ctx.jobs.submit(
            fit.live_tasks(state.mix), watch=None, meta={"case": case, "types": list(types)}
        )
        return no_update, no_update, *progress.started(job, lang)

    def finish_reveal(status, lang):
        try:
            state = workshop_state(status.meta.get("case"), status.meta.get("types"))
        except (ConfigError, TypeError, ValueError):
            return no_update, t("common.expired", lang)
        scores = fit.live_fit(ctx, state.mix, status.keys)
        chosen = {f"{lv}_type": ty for lv, ty in state.types}
        robust = fit.stored_robust(ctx, state.mix)
        return reveal_view(scores, chosen, lang, robust), t("workshop.revealed", lang)

    progress.register(
        app, ctx, R, Output(f"{P}-reveal-body", "children"), finish_reveal, lang_id=f"{P}-lang"
    )
