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
from dashboard import figures, fit, progress
from dashboard.analysis import (
    all_coats,
    coat_id,
    coat_means,
    coat_runs,
    coat_tasks,
    state_tasks,
)
from dashboard.context import context
from dashboard.export import csv_text, file_name, send
from dashboard.i18n import clean_lang, t
from dashboard.messages import explain
from dashboard.numbers import number
from dashboard.outcomes import HEADLINE, PANELS, fmt, label, sign
from dashboard.state import LEVEL_KEYS, check_choice, default_mix, default_state, mixes
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
    if live is not None and outcome in live.columns and len(live) == 81:
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
            dcc.Store(id=f"{P}-computed"),
            dcc.Store(id=f"{P}-d-lang", data=lang),
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
                        html.H2(t("kwadrant.details", lang), className="h5"),
                        html.P(t("kwadrant.details_help", lang), className="small"),
                        ui.select(
                            f"{P}-coat",
                            t("kwadrant.coat_order", lang),
                            coat_options(lang),
                            coat_id(all_coats()[0]),
                            size="sm",
                        ),
                        ui.run_box(f"{P}-d", lang, run_label=t("kwadrant.details_run", lang)),
                        html.Div(id=f"{P}-detail"),
                    ]
                ),
                class_name="mt-3",
                id=f"{P}-detail-card",
            ),
            dbc.Card(
                dbc.CardBody(
                    [
                        html.H2(t("kwadrant.compute", lang), className="h6"),
                        html.P(
                            t("kwadrant.source_live", lang, reps=LIVE_REPS, weeks=LIVE_WEEKS),
                            className="small",
                        ),
                        ui.run_box(P, lang),
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
    best = grid.sort_values("value", ascending=sign(outcome) <= 0).head(10)
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
                        html.Th(t("kwadrant.coat_order", lang)),
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
            how_sure(fit.stored_robust(ctx, mix), mix, lang),
        ]
    )


def _regret(value: float, outcome: str, lang: str) -> str:
    """A regret in score points, or in the outcome's own unit."""
    return number(value, lang, decimals=1) if outcome == "score" else fmt(outcome, value, lang)


def how_sure(robust: pd.DataFrame, mix: str, lang: str):
    """How sure the best coat is over plausible readings: P(best) and ties, when stored."""
    heading = html.H2(t("kwadrant.robust_title", lang), className="h5 mt-4")
    if robust.empty:
        hint = t("kwadrant.robust_none", lang, command=f"mpgsim robust --scenario {mix}")
        return html.Div([heading, html.P(hint, className="small text-body-secondary")])
    first, second = robust.iloc[0], robust.iloc[1]
    outcome = str(first.get("outcome", "score"))
    what = t("kwadrant.robust_score", lang) if outcome == "score" else label(outcome, lang)
    text = t(
        "kwadrant.robust_text",
        lang,
        worlds=int(first["worlds"]),
        outcome=what,
        best=figures.coat_text(first, lang),
        p=fit.percent(first["p_best"]),
        second=figures.coat_text(second, lang),
        q=fit.percent(second["p_best"]),
        ties=int(first["ties"]),
    )
    rows = [
        html.Tr(
            [
                html.Td(figures.coat_text(r, lang)),
                html.Td(fit.percent(r["p_best"])),
                html.Td("–" if pd.isna(r["p_within_ci"]) else fit.percent(r["p_within_ci"])),
                html.Td(_regret(r["regret_median"], outcome, lang)),
            ]
        )
        for _, r in robust.head(5).iterrows()
    ]
    head = html.Tr(
        [
            html.Th(t("kwadrant.coat_order", lang)),
            html.Th(t("kwadrant.robust_p_best", lang)),
            html.Th(t("kwadrant.robust_p_ci", lang)),
            html.Th(t("kwadrant.robust_regret", lang)),
        ]
    )
    table = dbc.Table(
        [html.Thead(head), html.Tbody(rows)], size="sm", striped=True, class_name="small"
    )
    return html.Div([heading, html.P(text, id=f"{P}-robust"), table], id=f"{P}-sure")


def coat_options(lang: str) -> list[tuple[str, str]]:
    """The 81 coats as choices of the details picker: the keyboard's way to a cell."""
    return [(coat_id(c), figures.coat_text(c, lang)) for c in all_coats()]


def coat_of(value) -> dict[str, str] | None:
    """The coat of a picker value such as ``vasthoudend|balancerend|...``, or None."""
    if not isinstance(value, str) or value.count("|") != len(LEVELS) - 1:
        return None
    try:
        types = [check_choice(lv, v, TYPES) for lv, v in zip(LEVELS, value.split("|"), strict=True)]
    except ConfigError:
        return None
    return dict(zip(TYPE_COLUMNS, types, strict=True))


def cell_of(click, lang: str) -> dict[str, str] | None:
    """The coat of a clicked heatmap cell (from a possibly crafted ``clickData``), or None."""
    try:
        point = click["points"][0]
        return figures.kwadrant_cell(point.get("curveNumber"), point.get("x"), point.get("y"), lang)
    except (KeyError, IndexError, TypeError, AttributeError):
        return None


def detail_view(ctx, mix: str, coat: dict, outcome: str, lang: str, keys: list[str]):
    """One coat: where it ranks, whether it ties with the best, and its weeks over time."""
    grid, source = grid_for(ctx, mix, outcome)
    lines = [html.H3(figures.coat_text(coat, lang), className="h5", id=f"{P}-detail-coat")]
    if not grid.empty:
        ranked = grid.sort_values("value", ascending=sign(outcome) <= 0).reset_index(drop=True)
        match = (ranked[TYPE_COLUMNS] == pd.Series(coat)).all(axis=1)
        if match.any():
            row = ranked[match].iloc[0]
            rank = int(match.idxmax()) + 1
            text = t(
                "kwadrant.detail_rank", lang, rank=rank, value=fmt(outcome, row["value"], lang)
            )
            lines.append(html.P(text, id=f"{P}-detail-rank"))
            if "tied" in row and pd.notna(row.get("tied")):
                key = "kwadrant.detail_tied" if row["tied"] else "kwadrant.detail_not_tied"
                lines.append(html.P(t(key, lang)))
            if "p_best" in row and pd.notna(row.get("p_best")):
                lines.append(
                    html.P(t("kwadrant.p_best", lang, p=fmt("share_drang", row["p_best"], lang)))
                )
    table = ctx.runner.get(keys[0]) if keys else None
    ref = ctx.runner.get(keys[1]) if len(keys) > 1 else None
    if table is not None:
        shown = (p for p in PANELS if p.id in ("stagnation", "escalation", "trust"))
        cols = [dbc.Col(ui.panel_figure(f"{P}-detail", table, p, lang, ref), xl=4) for p in shown]
        lines.append(dbc.Row(cols))
    lines.append(html.A(t("common.open_scenario", lang), href=scenario_href(coat, mix, lang)))
    return html.Div(lines)


def _coat_state(mix: str, coat: dict):
    base = default_state(mix)
    types = {lv: coat[f"{lv}_type"] for lv in LEVELS}
    from dashboard.state import validate_state

    return validate_state(mix, types, dict(base.levers), base.seed, base.weeks)


def register_callbacks(app, ctx) -> None:
    """Redraw, compute live, open a clicked cell's details, download."""

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
            return dbc.Alert(t("common.error", lang, message=explain(exc, lang)), color="danger")
        return body(ctx, mix, outcome, lang)

    @app.callback(
        Output(f"{P}-computed", "data", allow_duplicate=True),
        *progress.ui_outputs(P),
        Input(f"{P}-run", "n_clicks"),
        State(f"{P}-mix", "value"),
        State(f"{P}-lang", "data"),
        prevent_initial_call=True,
    )
    def compute(_n, mix, lang):
        lang = clean_lang(lang)
        try:
            mix = check_choice("mix", mix, mixes())
        except ConfigError as exc:
            return no_update, *progress.stopped(t("common.error", lang, message=explain(exc, lang)))
        tasks = coat_tasks(mix, LIVE_REPS, LIVE_WEEKS)
        job = ctx.jobs.submit(tasks, watch=None, meta={"mix": mix})
        return no_update, *progress.started(job, lang)

    def finish(status, lang):
        mix = status.meta.get("mix")
        if mix not in mixes():
            return no_update, t("common.expired", lang)
        runs = coat_runs(ctx.runner, coat_tasks(mix, LIVE_REPS, LIVE_WEEKS), status.keys)
        ctx.runner.remember(_live_name(mix), coat_means(runs))
        return uuid.uuid4().hex, t("common.done", lang, what=ui.mix_label(mix, lang))

    progress.register(app, ctx, P, Output(f"{P}-computed", "data"), finish)

    @app.callback(
        Output(f"{P}-detail", "children", allow_duplicate=True),
        Output(f"{P}-coat", "value"),
        *progress.ui_outputs(f"{P}-d"),
        Input(f"{P}-graph", "clickData"),
        Input(f"{P}-d-run", "n_clicks"),
        State(f"{P}-coat", "value"),
        State(f"{P}-mix", "value"),
        State(f"{P}-outcome", "value"),
        State(f"{P}-lang", "data"),
        prevent_initial_call=True,
    )
    def open_cell(click, _n, picked, mix, outcome, lang):
        # a click on a cell picks that coat; the Details button opens the picked coat
        from dash import ctx as dash_ctx

        lang = clean_lang(lang)
        clicked = dash_ctx.triggered_id == f"{P}-graph"
        coat = cell_of(click, lang) if clicked else coat_of(picked)
        if coat is None or mix not in mixes() or outcome not in HEADLINE:
            return no_update, no_update, *progress.stopped(t("kwadrant.no_cell", lang))
        return details(coat, mix, outcome, lang)

    def details(coat, mix, outcome, lang):
        state = _coat_state(mix, coat)
        tasks = state_tasks(state)
        keys = [ctx.runner.key(task.scenario(), task.seed, task.weeks) for task in tasks]
        picked = coat_id(coat)
        if all(ctx.runner.has(k) for k in keys):
            view = detail_view(ctx, mix, coat, outcome, lang, keys)
            done = t("common.done", lang, what=figures.coat_text(coat, lang))
            return view, picked, *progress.instant(done)
        meta = {"mix": mix, "coat": coat, "outcome": outcome}
        job = ctx.jobs.submit(tasks, meta=meta)
        return detail_view(ctx, mix, coat, outcome, lang, []), picked, *progress.started(job, lang)

    def finish_detail(status, lang):
        meta = status.meta
        view = detail_view(ctx, meta["mix"], meta["coat"], meta["outcome"], lang, status.keys)
        return view, t("common.done", lang, what=figures.coat_text(meta["coat"], lang))

    progress.register(
        app, ctx, f"{P}-d", Output(f"{P}-detail", "children"), finish_detail, lang_id=f"{P}-lang"
    )

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
        grid, source = grid_for(ctx, mix, outcome)
        if grid.empty:
            return no_update
        out = grid.rename(columns={"value": outcome})
        header = [("mix", mix), ("outcome", outcome), ("source", source)]
        return send(
            csv_text(out, header, dutch=True), file_name("kwadrant", mix, outcome, dutch=True)
        )
