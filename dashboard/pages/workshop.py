"""Workshop page: "de best passende jas" for a room with a projector.

Large type and four steps: pick a case, choose a coat, see what happens over time and at each
level, then reveal the best-fitting coat for this case (all 81 coats run with a few
replications, cached per case) and how far the group's choice was from it.
"""

from __future__ import annotations

import uuid

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update

from dashboard import components as ui
from dashboard import figures
from dashboard.analysis import coat_distance, coat_id, coat_sweep, fit_scores
from dashboard.i18n import clean_lang, t
from dashboard.outcomes import PANELS
from dashboard.pages.scenario import run_job
from dashboard.runs import is_key
from dashboard.state import cases, check_choice, default_state, mix_defaults, mixes, validate_state
from dashboard.stored import stored_coats
from sim.errors import ConfigError
from sim.params import TYPES
from sim.typology import LEVELS

PATH = "/workshop"
NAME = "workshop"
TITLE = "Workshop · MPG V&O"
P = "ws"
REPS = 3
SHOWN_PANELS = ("stagnation", "escalation", "trust")


def case_options() -> list[str]:
    """Training cases; the baseline when no case file exists yet."""
    return cases() or mixes()


def _story(mix: str, lang: str) -> str:
    case = mix_defaults(mix)["case"]
    return case.get(f"story_{lang}") or case.get("story_nl") or ""


def layout(lang: str = "nl", case: str | None = None, **_q):
    """The Workshop page."""
    lang = clean_lang(lang)
    options = case_options()
    case = case if case in options else (options[0] if options else None)
    start = default_state(case)
    return ui.shell(
        "workshop",
        lang,
        [
            html.Div(
                [
                    html.H1(t("workshop.title", lang), className="display-5 fw-bold"),
                    html.P(t("workshop.intro", lang), className="fs-3"),
                ],
                className="mb-4",
            ),
            dcc.Store(id=f"{P}-lang", data=lang),
            dcc.Store(id=f"{P}-session", data=uuid.uuid4().hex),
            dcc.Store(id=f"{P}-result"),
            dcc.Store(id=f"{P}-best"),
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
                                    html.Div(
                                        [
                                            dbc.Button(
                                                t("workshop.show", lang),
                                                id=f"{P}-run",
                                                n_clicks=0,
                                                size="lg",
                                                color="primary",
                                                class_name="me-2 btn-xl",
                                            ),
                                            dbc.Button(
                                                t("common.cancel", lang),
                                                id=f"{P}-cancel",
                                                n_clicks=0,
                                                size="lg",
                                                color="primary",
                                                outline=True,
                                                disabled=True,
                                                class_name="btn-xl",
                                            ),
                                        ],
                                        className="mt-2",
                                    ),
                                    html.Progress(
                                        id=f"{P}-progress",
                                        value="0",
                                        max="100",
                                        className="w-100 run-progress mt-3",
                                        **{"aria-label": t("common.progress", lang)},
                                    ),
                                    ui.status_line(P, "", "fs-5"),
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
                    html.Div(id=f"{P}-outcome"),
                ]
            ),
            html.Section(
                [
                    html.H2(t("workshop.step4", lang), className="h2 mt-4"),
                    html.P(t("workshop.reveal_help", lang, reps=REPS), className="fs-5"),
                    dbc.Button(
                        t("workshop.reveal", lang),
                        id=f"{P}-reveal",
                        n_clicks=0,
                        size="lg",
                        color="success",
                        class_name="btn-xl",
                    ),
                    html.Progress(
                        id=f"{P}-reveal-progress",
                        value="0",
                        max="100",
                        className="w-100 run-progress mt-3",
                        **{"aria-label": t("workshop.reveal", lang)},
                    ),
                    ui.status_line(f"{P}-reveal", "", "fs-5"),
                    html.Div(id=f"{P}-reveal-body"),
                ],
                className="mb-5",
            ),
        ],
        wide=True,
    )


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
    series = []
    for panel in panels:
        fig, caption = figures.timeseries(table, panel, lang, ref, big=True)
        series.append(
            dbc.Col(
                ui.figure(
                    f"{P}-graph-{panel.id}",
                    t(f"panel.{panel.id}", lang),
                    fig,
                    caption,
                    lang=lang,
                    big=True,
                ),
                xl=4,
                lg=6,
            )
        )
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


def best_fit_coats(ctx, state, tick=None):
    """All 81 coats for the case: from a stored sweep when it has them all, else computed.

    A stored sweep (``mpgsim sweep kwadrant --scenario cases/...``) usually has more
    replications than the :data:`REPS` computed here, and answers at once.
    """
    stored = stored_coats(ctx.sweep_dir, state.mix, min_reps=REPS)
    if not stored.empty:
        return stored.assign(source="stored")
    coats = coat_sweep(ctx.runner, state.mix, REPS, state.weeks, seed=state.seed, tick=tick)
    return coats.assign(source="live")


def reveal_view(scores, chosen: dict[str, str], lang: str):
    """The best coat, the group's rank and distance, and the top five as a bar chart."""
    best = scores.iloc[0]
    mine = scores[scores["coat"] == coat_id(chosen)].iloc[0]
    distance = coat_distance(chosen, best)
    tiles = []
    for title, row, colour in (
        (t("workshop.your_coat", lang), mine, "warning"),
        (t("workshop.best_coat", lang), best, "success"),
    ):
        tiles.append(
            dbc.Col(
                dbc.Card(
                    dbc.CardBody(
                        [
                            html.H3(title, className="h3"),
                            html.Ul(
                                [
                                    html.Li(
                                        [
                                            html.Span(
                                                t(f"level.{lv}", lang) + ": ", className="fw-normal"
                                            ),
                                            html.Strong(t(f"type.{row[f'{lv}_type']}", lang)),
                                        ]
                                    )
                                    for lv in LEVELS
                                ],
                                className="list-unstyled fs-3 mb-0",
                            ),
                        ]
                    ),
                    color=colour,
                    outline=True,
                    class_name="border-3 h-100",
                ),
                md=6,
                class_name="mb-3",
            )
        )
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
                    score=f"{mine['score']:.0f}",
                    best=f"{best['score']:.0f}",
                ),
                className="fs-3 fw-semibold",
                id=f"{P}-rank",
            ),
            html.P(verdict, className="fs-3", id=f"{P}-distance"),
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


def register_callbacks(app, ctx) -> None:
    """Story on case change; run the coat; reveal the best coat; all validated."""

    @app.callback(
        Output(f"{P}-story", "children"),
        *[Output(f"{P}-type-{lv}", "value") for lv in LEVELS],
        Input(f"{P}-case", "value"),
        State(f"{P}-lang", "data"),
        prevent_initial_call=True,
    )
    def pick_case(case, lang):
        if case not in case_options():
            return [no_update] * (1 + len(LEVELS))
        return [_story(case, clean_lang(lang))] + [mix_defaults(case)["types"][lv] for lv in LEVELS]

    @app.callback(
        Output(f"{P}-result", "data"),
        Output(f"{P}-status", "children"),
        Input(f"{P}-run", "n_clicks"),
        State(f"{P}-case", "value"),
        *[State(f"{P}-type-{lv}", "value") for lv in LEVELS],
        State(f"{P}-lang", "data"),
        State(f"{P}-session", "data"),
        **ui.background_options(P, ctx.manager),
    )
    def run(set_progress, _n, case, *rest):
        *types, lang, _session = rest
        lang = clean_lang(lang)
        try:
            state = workshop_state(case, types)
        except ConfigError as exc:
            return no_update, t("common.error", lang, message=str(exc))

        def tick(week, total):
            set_progress(
                (
                    str(int(100 * week / total)),
                    t("common.progress_text", lang, done=week, total=total),
                )
            )

        record = run_job(ctx, state, tick=tick)
        return record, t("common.done", lang, what=ui.mix_label(state.mix, lang))

    @app.callback(
        Output(f"{P}-outcome", "children"),
        Input(f"{P}-result", "data"),
        State(f"{P}-lang", "data"),
        prevent_initial_call=True,
    )
    def show(record, lang):
        if not isinstance(record, dict):
            return None
        return outcome_view(ctx, record, clean_lang(lang))

    @app.callback(
        Output(f"{P}-reveal-body", "children"),
        Output(f"{P}-reveal-status", "children"),
        Input(f"{P}-reveal", "n_clicks"),
        State(f"{P}-case", "value"),
        *[State(f"{P}-type-{lv}", "value") for lv in LEVELS],
        State(f"{P}-lang", "data"),
        State(f"{P}-session", "data"),
        **ui.background_options(
            f"{P}-reveal", ctx.manager, cancel=False, run_id=f"{P}-reveal", interval=400
        ),
    )
    def reveal(set_progress, _n, case, *rest):
        *types, lang, _session = rest
        lang = clean_lang(lang)
        try:
            state = workshop_state(case, types)
        except ConfigError as exc:
            return dbc.Alert(t("common.error", lang, message=str(exc)), color="danger"), ""

        def tick(done, total):
            set_progress(
                (
                    str(int(100 * done / total)),
                    t("common.progress_runs", lang, done=done, total=total),
                )
            )

        coats = best_fit_coats(ctx, state, tick)
        chosen = {f"{lv}_type": ty for lv, ty in state.types}
        return reveal_view(fit_scores(coats), chosen, lang), ""
