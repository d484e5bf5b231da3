"""Sensitivity page: Sobol / Morris indices with confidence bars, read from stored results."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update

from dashboard import components as ui
from dashboard import figures
from dashboard.context import context
from dashboard.i18n import clean_lang, t
from dashboard.outcomes import label
from dashboard.stored import sensitivity_tables

PATH = "/sensitivity"
NAME = "sensitivity"
TITLE = "Gevoeligheid · MPG V&O"
P = "se"
COMMAND = (
    "mpgsim sensitivity sobol --out results/sobol\n"
    "mpgsim sensitivity morris --out results/morris\n"
    "mpgsim dashboard --sweep results"
)


def choices(tables: dict) -> tuple[list[str], dict[str, list[str]]]:
    """Methods present, and the outcomes each method's table covers."""
    methods = [m for m in ("sobol", "morris") if m in tables]
    return methods, {m: sorted(tables[m]["outcome"].astype(str).unique()) for m in methods}


def outcome_options(tables: dict, method, current, lang: str) -> tuple[list[dict], str | None]:
    """The outcome choices of ``method`` and the one to show: ``current`` if it has it."""
    outcomes = choices(tables)[1].get(method, [])
    options = [{"label": label(o, lang), "value": o} for o in outcomes]
    return options, current if current in outcomes else (outcomes[0] if outcomes else None)


def view(tables: dict, method, outcome, lang: str):
    """Figure, caption and shown table for one method and outcome (None when not present)."""
    if method not in tables:
        return None
    table = tables[method]
    table = table[table["outcome"].astype(str) == outcome]
    if table.empty:
        return None
    fig, caption = figures.sensitivity(table, method, lang)
    return fig, caption, table


def layout(lang: str = "nl", method: str | None = None, outcome: str | None = None, **_q):
    """The Sensitivity page (an explanatory empty state when nothing is stored)."""
    lang = clean_lang(lang)
    ctx = context()
    tables = sensitivity_tables(ctx.sweep_dir)
    methods, outcomes = choices(tables)
    head = ui.heading(t("sensitivity.title", lang), t("sensitivity.intro", lang))
    if not methods:
        return ui.shell(
            "sensitivity",
            lang,
            [
                head,
                dbc.Alert(
                    [
                        html.P(t("sensitivity.empty", lang, dir=str(ctx.sweep_dir or "--sweep"))),
                        html.Pre(html.Code(COMMAND), className="mb-0 bg-white p-2 border rounded"),
                    ],
                    color="info",
                ),
            ],
        )
    method = method if method in methods else methods[0]
    outcome = outcome if outcome in outcomes[method] else outcomes[method][0]
    return ui.shell(
        "sensitivity",
        lang,
        [
            head,
            dcc.Store(id=f"{P}-lang", data=lang),
            dcc.Download(id=f"{P}-download"),
            dbc.Row(
                [
                    dbc.Col(
                        ui.select(
                            f"{P}-method",
                            t("sensitivity.method", lang),
                            [(m, m.capitalize()) for m in methods],
                            method,
                        ),
                        md=3,
                    ),
                    dbc.Col(
                        ui.select(
                            f"{P}-outcome",
                            t("sensitivity.outcome", lang),
                            [(o, label(o, lang)) for o in outcomes[method]],
                            outcome,
                        ),
                        md=5,
                    ),
                    ui.csv_button(P, lang),
                ]
            ),
            html.Div(_body(tables, method, outcome, lang), id=f"{P}-body"),
        ],
    )


def _body(tables, method, outcome, lang):
    shown = view(tables, method, outcome, lang)
    if shown is None:
        return dbc.Alert(t("common.no_result", lang), color="light")
    fig, caption, table = shown
    numbers = table.drop(columns=["outcome"]).round(3)
    return ui.figure(f"{P}-graph", label(outcome, lang), fig, caption, numbers, lang)


def register_callbacks(app, ctx) -> None:
    """Offer the chosen method's outcomes; redraw on a new outcome; download the shown table."""

    @app.callback(
        Output(f"{P}-outcome", "options"),
        Output(f"{P}-outcome", "value"),
        Output(f"{P}-body", "children"),
        Input(f"{P}-method", "value"),
        Input(f"{P}-outcome", "value"),
        State(f"{P}-lang", "data"),
        prevent_initial_call=True,
    )
    def redraw(method, outcome, lang):
        # One callback: a method's outcome list can differ (Morris and Sobol runs need not
        # share outcomes), so the list, the choice and the chart change together.
        lang = clean_lang(lang)
        tables = sensitivity_tables(ctx.sweep_dir)
        options, outcome = outcome_options(tables, method, outcome, lang)
        return options, outcome, _body(tables, method, outcome, lang)

    @app.callback(
        Output(f"{P}-download", "data"),
        Input(f"{P}-csv", "n_clicks"),
        State(f"{P}-method", "value"),
        State(f"{P}-outcome", "value"),
        prevent_initial_call=True,
    )
    def download(_n, method, outcome):
        shown = view(sensitivity_tables(ctx.sweep_dir), method, outcome, "nl")
        if shown is None:
            return no_update
        return dcc.send_data_frame(shown[2].to_csv, f"mpgsim-{method}.csv", index=False)
