"""Uitleg/About: what the model does and does not claim, how to use it, and every parameter."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard import components as ui
from dashboard.i18n import clean_lang, has, t
from sim.params import PARAMETERS

PATH = "/uitleg"
NAME = "about"
TITLE = "Uitleg · MPG V&O"


def _list(key: str, lang: str) -> html.Ul:
    return html.Ul([html.Li(item) for item in t(key, lang).split("|")])


def parameter_table(lang: str) -> pd.DataFrame:
    """Every declared parameter with its readable name, default, unit, range and source."""
    rows = []
    for p in PARAMETERS.values():
        source = _source(p, lang)
        rows.append(
            {
                t("sensitivity.parameter", lang): ui.param_label(p.name, lang),
                t("about.default", lang): _value(p, p.default, lang),
                t("about.unit", lang): ui.param_unit(p.name, lang),
                t("about.range", lang): _range(p, lang),
                t("about.source", lang): source,
            }
        )
    return pd.DataFrame(rows)


def _source(p, lang: str) -> str:
    """Where a value comes from; a free value says so in the reader's language."""
    if not p.free:
        return p.source
    rest = p.source.removeprefix("free").strip(" ()")
    return t("about.free", lang) + (f" ({rest})" if rest else "")


def _value(p, value, lang: str) -> str:
    """A parameter value as the reader writes it: a type name, or a Dutch/English number."""
    if p.kind == "choice":
        return t(f"type.{value}", lang) if has(f"type.{value}", "nl") else str(value)
    return ui.lever_value(p.name, value, lang, bare=True)


def _range(p, lang: str) -> str:
    if p.kind == "choice":
        return ", ".join(_value(p, c, lang) for c in p.choices)
    return f"{_value(p, p.low, lang)}–{_value(p, p.high, lang)}"


def layout(lang: str = "nl", **_query) -> html.Div:
    """The About page."""
    lang = clean_lang(lang)
    section = [
        (t("about.does_title", lang), _list("about.does", lang)),
        (t("about.not_title", lang), _list("about.not", lang)),
        (t("about.how_title", lang), _list("about.how", lang)),
        (t("about.sources_title", lang), _list("about.sources", lang)),
        (t("about.accessibility_title", lang), html.P(t("about.accessibility", lang))),
    ]
    cards = [
        dbc.Col(
            dbc.Card(dbc.CardBody([html.H2(title, className="h5"), body]), class_name="h-100"),
            md=6,
            class_name="mb-3",
        )
        for title, body in section
    ]
    return ui.shell(
        "about",
        lang,
        [
            ui.heading(t("about.title", lang), t("about.lead", lang)),
            dbc.Row(cards),
            html.H2(t("about.params_title", lang), className="h4 mt-3"),
            html.Div(
                dbc.Table.from_dataframe(
                    parameter_table(lang), striped=True, size="sm", class_name="small"
                ),
                className="table-responsive",
            ),
        ],
    )


def register_callbacks(app, ctx) -> None:
    """The About page has no callbacks."""
