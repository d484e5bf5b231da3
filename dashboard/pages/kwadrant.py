"""Kwadrant page: the 81 coats as heatmaps for one outcome and family profile.

Reads a stored sweep (``--sweep DIR``) when it has the profile; otherwise the 81 coats can be
computed here with fewer replications, clearly labelled as such. A click on a cell, or a link
in the table, opens that coat as a scenario.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, dcc, html, no_update

from dashboard import components as ui
from dashboard import figures
from dashboard.analysis import coat_sweep
from dashboard.i18n import clean_lang, t
from dashboard.outcomes import BETTER, HEADLINE, fmt, label
from dashboard.state import LEVEL_KEYS, check_choice, default_mix, mixes
from dashboard.stored import TYPE_COLUMNS, kwadrant_grid, sweep_runs
from sim.errors import ConfigError
from sim.params import TYPES
from sim.typology import LEVELS

PATH = "/kwadrant"
NAME = "kwadrant"
TITLE = "Kwadrant · MPG V&O"
P = "kw"
LIVE_REPS = 2
LIVE_WEEKS = 52
COMMAND = "mpgsim sweep kwadrant --out results/kwadrant"


def warm_up(ctx) -> None:
    """Read the stored sweeps now (a large store takes seconds), so the page opens at once."""
    sweep_runs(ctx.sweep_dir)


def grid_for(ctx, mix: str, outcome: str) -> tuple[pd.DataFrame, str]:
    """The 81-cell grid and where it came from: "stored", "live" or "" (nothing yet)."""
    stored = kwadrant_grid(sweep_runs(ctx.sweep_dir), outcome, mix)
    if len(stored) == 81:
        return stored, "stored"
    live = ctx.runner.recall(_live_name(mix))
    if live is not None and outcome in live.columns:
        return live[[*TYPE_COLUMNS, outcome, "n"]].rename(columns={outcome: "value"}), "live"
    return pd.DataFrame(), ""


def _live_name(mix: str) -> str:
    return f"coats:{mix}:{LIVE_REPS}:{LIVE_WEEKS}:1"


def outcome_options(ctx, lang: str) -> list[tuple[str, str]]:
    """Headline outcomes (those in the default mix's cached run when one exists)."""
    return [(o, label(o, lang)) for o in HEADLINE]


def scenario_href(cell, mix: str, lang: str) -> str:
    """Link that opens a coat as a scenario."""
    items = {"mix": mix}
    items.update({LEVEL_KEYS[lv]: cell[f"{lv}_type"] for lv in LEVELS})
    if lang != "nl":
        items["lang"] = lang
    return "/scenario?" + urlencode(items)


def layout(lang: str = "nl", mix: str | None = None, outcome: str | None = None, **_q):
    """The Kwadrant page."""
    from dashboard.app import context

    lang = clean_lang(lang)
    ctx = context()
    mix = mix if mix in mixes() else default_mix()
    outcome = outcome if outcome in HEADLINE else "stagnation_rate"
    return ui.shell(
        "kwadrant",
        lang,
        [
            ui.heading(t("kwadrant.title", lang), t("kwadrant.intro", lang)),
            dcc.Store(id=f"{P}-lang", data=lang),
            dcc.Store(id=f"{P}-session", data=uuid.uuid4().hex),
            dcc.Store(id=f"{P}-computed"),
            dcc.Location(id=f"{P}-nav", refresh=True),
            dcc.Download(id=f"{P}-download"),
            dbc.Row(
                [
                    dbc.Col(
                        ui.select(
                            f"{P}-mix",
                            t("kwadrant.mix", lang),
                            [(m, ui.mix_label(m, lang)) for m in mixes()],
                            mix,
                        ),
                        md=4,
                    ),
                    dbc.Col(
                        ui.select(
                            f"{P}-outcome",
                            t("kwadrant.outcome", lang),
                            outcome_options(ctx, lang),
                            outcome,
                        ),
                        md=4,
                    ),
                    ui.csv_button(P, lang),
                ]
            ),
            html.Div(body(ctx, mix, outcome, lang), id=f"{P}-body"),
            dbc.Card(
                dbc.CardBody(
                    [
                        html.H2(t("kwadrant.compute", lang), className="h6"),
                        html.P(
                            t("kwadrant.source_live", lang, reps=LIVE_REPS, weeks=LIVE_WEEKS),
                            className="small",
                        ),
                        ui.progress(P, lang),
                    ]
                ),
                class_name="mt-3",
            ),
        ],
    )


def body(ctx, mix: str, outcome: str, lang: str):
    """Source label, heatmaps and the top-ten table for one profile and outcome."""
    grid, source = grid_for(ctx, mix, outcome)
    if grid.empty:
        return dbc.Alert(t("kwadrant.none", lang, command=COMMAND), color="info", id=f"{P}-empty")
    reps = int(grid["n"].median())
    if source == "stored":
        note = dbc.Alert(
            t("kwadrant.source_stored", lang, runs=int(grid["n"].sum()), reps=reps),
            color="success",
            class_name="py-2",
        )
    else:
        note = dbc.Alert(
            [
                dbc.Badge(
                    t("kwadrant.fewer", lang), color="warning", text_color="dark", class_name="me-2"
                ),
                t("kwadrant.source_live", lang, reps=reps, weeks=LIVE_WEEKS),
            ],
            color="warning",
            class_name="py-2",
        )
    fig, caption = figures.kwadrant(grid, outcome, lang)
    best = grid.sort_values("value", ascending=BETTER.get(outcome, -1) < 0).head(10)
    rows = [
        html.Tr(
            [
                html.Td(i + 1),
                html.Td(figures.coat_text(r, lang)),
                html.Td(fmt(outcome, r["value"], lang)),
                html.Td(html.A(t("common.open_scenario", lang), href=scenario_href(r, mix, lang))),
            ]
        )
        for i, (_, r) in enumerate(best.iterrows())
    ]
    table = dbc.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th(t("kwadrant.rank", lang)),
                        html.Th(t("kwadrant.coat", lang)),
                        html.Th(label(outcome, lang)),
                        html.Th(""),
                    ]
                )
            ),
            html.Tbody(rows),
        ],
        size="sm",
        striped=True,
        class_name="small",
    )
    return html.Div(
        [
            note,
            ui.figure(f"{P}-graph", label(outcome, lang), fig, caption, lang=lang),
            html.H2(t("kwadrant.best", lang), className="h5 mt-3"),
            table,
        ]
    )


def register_callbacks(app, ctx) -> None:
    """Redraw, compute live, open a clicked cell, download."""

    @app.callback(
        Output(f"{P}-body", "children"),
        Input(f"{P}-mix", "value"),
        Input(f"{P}-outcome", "value"),
        Input(f"{P}-computed", "data"),
        State(f"{P}-lang", "data"),
        prevent_initial_call=True,
    )
    def redraw(mix, outcome, _computed, lang):
        lang = clean_lang(lang)
        try:
            mix = check_choice("mix", mix, mixes())
            outcome = check_choice("outcome", outcome, HEADLINE)
        except ConfigError as exc:
            return dbc.Alert(t("common.error", lang, message=str(exc)), color="danger")
        return body(ctx, mix, outcome, lang)

    @app.callback(
        Output(f"{P}-computed", "data"),
        Output(f"{P}-status", "children"),
        Input(f"{P}-run", "n_clicks"),
        State(f"{P}-mix", "value"),
        State(f"{P}-lang", "data"),
        State(f"{P}-session", "data"),
        **ui.background_options(P, ctx.manager, interval=400),
    )
    def compute(set_progress, _n, mix, lang, _session):
        lang = clean_lang(lang)
        try:
            mix = check_choice("mix", mix, mixes())
        except ConfigError as exc:
            return no_update, t("common.error", lang, message=str(exc))

        def tick(done, total):
            set_progress(
                (
                    str(int(100 * done / total)),
                    t("common.progress_runs", lang, done=done, total=total),
                )
            )

        coat_sweep(ctx.runner, mix, LIVE_REPS, LIVE_WEEKS, tick=tick)
        return uuid.uuid4().hex, t("common.done", lang, what=ui.mix_label(mix, lang))

    @app.callback(
        Output(f"{P}-nav", "href"),
        Input(f"{P}-graph", "clickData"),
        State(f"{P}-mix", "value"),
        State(f"{P}-lang", "data"),
        prevent_initial_call=True,
    )
    def open_cell(click, mix, lang):
        try:
            point = click["points"][0]["customdata"]
            cell = {
                f"{lv}_type": check_choice(lv, v, TYPES)
                for lv, v in zip(LEVELS, point, strict=True)
            }
            mix = check_choice("mix", mix, mixes())
        except (ConfigError, KeyError, IndexError, TypeError, ValueError):
            return no_update
        return scenario_href(cell, mix, clean_lang(lang))

    @app.callback(
        Output(f"{P}-download", "data"),
        Input(f"{P}-csv", "n_clicks"),
        State(f"{P}-mix", "value"),
        State(f"{P}-outcome", "value"),
        prevent_initial_call=True,
    )
    def download(_n, mix, outcome):
        if mix not in mixes() or outcome not in HEADLINE:
            return no_update
        grid, _source = grid_for(ctx, mix, outcome)
        if grid.empty:
            return no_update
        out = grid.rename(columns={"value": outcome})
        return dcc.send_data_frame(out.to_csv, f"mpgsim-kwadrant-{outcome}.csv", index=False)
