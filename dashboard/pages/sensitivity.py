"""Sensitivity page: Sobol / Morris indices with confidence bars, read from stored results."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, dcc, html, no_update

from dashboard import components as ui
from dashboard import figures
from dashboard.context import context
from dashboard.i18n import clean_lang, t
from dashboard.numbers import number
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
            dcc.Store(id=f"{P}-url"),
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
        query=f"?method={method}&outcome={outcome}",
    )


#: below this base sample size (N, or Morris trajectories) the bootstrap CIs are unreliable too
MIN_N = 64
#: index columns and their CI half-width columns, the ranking index first
INDICES = {
    "sobol": (("ST", "ST_conf"), ("S1", "S1_conf")),
    "morris": (("mu_star", "mu_star_conf"),),
}


def ranking_doubts(table: pd.DataFrame, method: str, lang: str) -> list[str]:
    """Plain reasons why these indices cannot rank the parameters (empty when they can).

    Three things make a ranking meaningless: a sample smaller than :data:`MIN_N`; Sobol indices
    outside 0-1, which only a too small sample produces; and, among the three parameters the
    caption names as most influential, a 95% CI half-width larger than the index itself.
    """
    reasons = []
    size = _sample_size(table, method)
    if size is not None and size < MIN_N:
        reasons.append(t("sensitivity.doubt_n", lang, n=size, min=MIN_N))
    if method == "sobol":
        values = table[[c for c in ("S1", "ST") if c in table.columns]]
        if ((values > 1.0) | (values < -0.05)).to_numpy().any():
            reasons.append(t("sensitivity.doubt_range", lang))
    first, *_ = INDICES[method]
    top = table.sort_values(first[0], ascending=False).head(3)
    wide = [
        ui.param_label(row["parameter"], lang)
        for _, row in top.iterrows()
        if any(
            conf in row and pd.notna(row[conf]) and row[conf] > abs(row[index])
            for index, conf in INDICES[method]
            if index in row
        )
    ]
    if wide:
        reasons.append(t("sensitivity.doubt_wide", lang, items=", ".join(wide)))
    return reasons


def _sample_size(table: pd.DataFrame, method: str) -> int | None:
    column = "n" if method == "sobol" else "trajectories"
    for name in (column, "n"):
        if name in table.columns and table[name].notna().any():
            return int(table[name].max())
    return None


def shown_table(table: pd.DataFrame, method: str, lang: str) -> pd.DataFrame:
    """The indices as a reader sees them: readable parameter names, figures in their language."""
    out = pd.DataFrame(
        {
            t("sensitivity.parameter", lang): table["parameter"].map(
                lambda name: ui.param_label(name, lang)
            )
        }
    )
    for index, conf in INDICES[method] + ((("sigma", None),) if method == "morris" else ()):
        if index not in table.columns:
            continue
        out[t(f"sensitivity.col.{index}", lang)] = [number(v, lang, 3) for v in table[index]]
        if conf and conf in table.columns:
            out[t(f"sensitivity.col.{index}", lang) + " ± 95%"] = [
                number(v, lang, 3) for v in table[conf]
            ]
    return out


def _body(tables, method, outcome, lang):
    shown = view(tables, method, outcome, lang)
    if shown is None:
        return dbc.Alert(t("common.no_result", lang), color="light")
    fig, caption, table = shown
    ordered = table.sort_values(INDICES[method][0][0], ascending=False)
    doubts = ranking_doubts(table, method, lang)
    warning = (
        dbc.Alert(
            [
                html.Strong(t("sensitivity.doubt_title", lang)),
                html.Ul([html.Li(r) for r in doubts], className="mb-0"),
            ],
            color="warning",
            id=f"{P}-warning",
        )
        if doubts
        else None
    )
    return html.Div(
        [
            warning,
            ui.figure(
                f"{P}-graph",
                label(outcome, lang),
                fig,
                caption,
                shown_table(ordered, method, lang),
                lang,
            ),
        ]
    )


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

    # the address keeps the method and outcome, so a reload or a shared link shows the same
    app.clientside_callback(
        """function(method, outcome, lang) {
            const q = new URLSearchParams();
            if (method) { q.set('method', method); }
            if (outcome) { q.set('outcome', outcome); }
            if (lang === 'en') { q.set('lang', 'en'); }
            window.history.replaceState(null, '', '/sensitivity?' + q.toString());
            return q.toString();
        }""",
        Output(f"{P}-url", "data"),
        Input(f"{P}-method", "value"),
        Input(f"{P}-outcome", "value"),
        State(f"{P}-lang", "data"),
    )

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
