"""Shared building blocks of the pages: header, controls with help texts, progress, figures.

Controls are native, labelled form elements (select, radio, number input), so they work with
a keyboard and a screen reader without extra work. Every graph comes in a ``<figure>`` with
a caption that says what it shows, plus an expandable table of the figures behind it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard import figures
from dashboard.i18n import LANGS, has, t
from dashboard.numbers import number
from dashboard.state import ScenarioState, mix_defaults
from experiments.version import model_version
from sim.params import PARAMETERS, TYPES

NAV = (
    ("scenario", "/scenario"),
    ("compare", "/compare"),
    ("kwadrant", "/kwadrant"),
    ("sensitivity", "/sensitivity"),
    ("workshop", "/workshop"),
    ("about", "/uitleg"),
)


def shell(page: str, lang: str, body: list, query: str = "", wide: bool = False) -> html.Div:
    """Wrap a page: skip link, navigation bar, language switch, main landmark and footer."""
    suffix = "?lang=en" if lang == "en" else ""
    links = [
        dbc.NavItem(
            dbc.NavLink(
                t(f"nav.{key}", lang),
                href=path + suffix,
                active=key == page,
                id=f"nav-{key}",
                class_name="px-3",
            )
        )
        for key, path in NAV
    ]
    switch = html.Div(
        [html.Span(t("app.lang_label", lang) + ":", className="visually-hidden")]
        + [
            html.A(
                code.upper(),
                href=_lang_href(page, code, query),
                id=f"lang-{code}",
                className="btn btn-sm " + ("btn-light" if code == lang else "btn-outline-light"),
                **{
                    "aria-current": "true" if code == lang else "false",
                    "hrefLang": code,
                    "lang": code,
                },
            )
            for code in LANGS
        ],
        className="d-flex gap-1 ms-lg-3",
        role="group",
        **{"aria-label": t("app.lang_label", lang)},
    )
    header = html.Header(
        dbc.Navbar(
            dbc.Container(
                [
                    html.A(
                        [
                            html.Span("MPG V&O", className="brand-mark"),
                            html.Span(t("app.title", lang), className="d-none d-xl-inline ms-2"),
                        ],
                        href="/scenario" + suffix,
                        className="navbar-brand",
                    ),
                    dbc.NavbarToggler(id="nav-toggle", n_clicks=0),
                    dbc.Collapse(
                        html.Nav(
                            dbc.Nav(links, navbar=True), **{"aria-label": t("nav.label", lang)}
                        ),
                        id="nav-collapse",
                        navbar=True,
                        is_open=False,
                    ),
                    switch,
                ],
                fluid=True,
            ),
            color="primary",
            dark=True,
            class_name="py-2",
        )
    )
    return html.Div(
        [
            html.A(
                t("app.skip", lang), href="#main", className="visually-hidden-focusable skip-link"
            ),
            header,
            html.Main(
                dbc.Container(body, fluid=wide, class_name="py-4"),
                id="main",
                tabIndex="-1",
                lang=lang,
            ),
            html.Footer(
                dbc.Container(
                    html.Small(t("app.footer", lang, version=model_version())),
                    class_name="py-3 text-muted",
                ),
                className="border-top",
            ),
        ],
        lang=lang,
    )


def _lang_href(page: str, code: str, query: str) -> str:
    path = dict(NAV).get(page, "/scenario")
    items = [kv for kv in query.lstrip("?").split("&") if kv and not kv.startswith("lang=")]
    if code != "nl":
        items.append(f"lang={code}")
    return path + ("?" + "&".join(items) if items else "")


def heading(title: str, intro: str, level: int = 1) -> html.Div:
    """Page title and a lead paragraph."""
    tag = html.H1 if level == 1 else html.H2
    return html.Div(
        [tag(title, className="h2 mb-2"), html.P(intro, className="lead text-body-secondary")],
        className="mb-4",
    )


def help_text(id_: str, text: str) -> html.Small:
    """A short help text under a control."""
    return html.Small(text, id=id_, className="form-text text-body-secondary d-block")


def select(
    id_: str,
    label: str,
    options: Sequence[tuple[str, str]],
    value: str,
    help_: str | None = None,
    size: str | None = None,
) -> html.Div:
    """A labelled native select."""
    return html.Div(
        [
            dbc.Label(label, html_for=id_, class_name="fw-semibold"),
            dbc.Select(
                id=id_,
                options=[{"label": lab, "value": v} for v, lab in options],
                value=value,
                size=size,
            ),
            help_text(f"{id_}-help", help_) if help_ else None,
        ],
        className="mb-3",
    )


def type_picker(
    id_: str, level: str, value: str, lang: str, big: bool = False, with_help: bool = True
) -> html.Fieldset:
    """Three toggle buttons for one quadrant of the coat, in a fieldset with a legend."""
    return html.Fieldset(
        [
            html.Legend(
                t(f"level.{level}", lang),
                className="fs-6 fw-semibold mb-1" if not big else "fs-3 fw-semibold mb-2",
            ),
            dbc.RadioItems(
                id=id_,
                options=[{"label": t(f"type.{x}", lang), "value": x} for x in TYPES],
                value=value,
                inline=True,
                class_name="btn-group type-picker" + (" type-picker-big" if big else ""),
                input_class_name="btn-check",
                label_class_name="btn btn-outline-primary " + ("btn-lg" if big else "btn-sm"),
                label_checked_class_name="active",
            ),
            help_text(f"{id_}-help", t(f"scenario.type_help.{level}", lang)) if with_help else None,
        ],
        className="mb-3",
    )


def lever_slider(id_: str, name: str, value, reference, lang: str) -> html.Div:
    """A labelled native slider for one lever, with its reference value marked.

    A native ``<input type=range>`` works with keyboard and screen reader as it is; the
    reference value is a ``<datalist>`` tick on the track and is named in the help line. The
    value is sent after a short pause, so dragging does not start a run per pixel.
    """
    p = PARAMETERS[name]
    return html.Div(
        [
            html.Div(
                [
                    dbc.Label(param_label(name, lang), html_for=id_, class_name="mb-0 small"),
                    html.Output(
                        lever_value(name, value, lang),
                        id=f"{id_}-value",
                        htmlFor=id_,
                        className="small fw-semibold ms-auto text-nowrap",
                    ),
                ],
                # a long label and a long value each keep their own line instead of overflowing
                className="d-flex flex-wrap align-items-baseline column-gap-2",
            ),
            dbc.Input(
                id=id_,
                type="range",
                min=p.low,
                max=p.high,
                step=lever_step(name),
                value=value,
                list=f"{id_}-ref",
                debounce=400,
                class_name="form-range",
            ),
            html.Datalist(html.Option(value=str(reference)), id=f"{id_}-ref"),
            help_text(
                f"{id_}-help",
                t(
                    "common.reference_value",
                    lang,
                    value=lever_value(name, reference, lang),
                    low=lever_value(name, p.low, lang, bare=True),
                    high=lever_value(name, p.high, lang),
                ),
            ),
        ],
        className="mb-2 lever",
        title=param_help(name, lang),
    )


def slider_number(value):
    """A slider sends its value as text ("0.35"); anything else is checked as it is."""
    if isinstance(value, str) and len(value) <= 32:
        try:
            number_ = float(value)
        except ValueError:
            return value
        return int(number_) if number_.is_integer() else number_
    return value


def readout(name: str, raw, lang: str) -> str:
    """The text beside a lever for a raw slider value ("–" for what no slider can send)."""
    value = slider_number(raw)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "–"
    # a crafted request may send 10**400 or NaN; those never reach the number formatting
    if isinstance(value, float) and not math.isfinite(value):
        return "–"
    return lever_value(name, value, lang) if abs(value) < 1e12 else "–"


def param_label(name: str, lang: str) -> str:
    """A parameter's readable name (its declared name when the catalogs lack it)."""
    key = f"param.{name}.label"
    return t(key, lang) if has(key, "nl") else name.replace("_", " ")


def param_help(name: str, lang: str) -> str:
    """A parameter's help text: the catalog's, else the declared description (English)."""
    key = f"param.{name}.help"
    return t(key, lang) if has(key, "nl") else PARAMETERS[name].doc


def param_unit(name: str, lang: str) -> str:
    """A parameter's unit in the reader's language."""
    unit = PARAMETERS[name].unit
    return t(f"unit.{unit}", lang) if has(f"unit.{unit}", "nl") else unit


def lever_step(name: str) -> float:
    """Slider step: whole numbers for counts, else about a hundredth of the range."""
    p = PARAMETERS[name]
    if p.kind == "int":
        return 1
    return 10 ** math.floor(math.log10((p.high - p.low) / 100))


def lever_value(name: str, value, lang: str, bare: bool = False) -> str:
    """A lever value as text with its unit: "35%", "9 gezinnen per fte", "0,55".

    ``bare`` leaves the unit off (the low end of a range whose high end names it).
    """
    p = PARAMETERS[name]
    if value is None:
        return "–"
    if p.unit.startswith("share"):
        pct = value * 100
        text = number(pct, lang, 0 if abs(pct - round(pct)) < 0.05 else 1)
        return text if bare else text + "%"
    places = max(0, -round(math.log10(lever_step(name))))
    text = number(value, lang, places)
    if bare or p.unit in ("0-1", ""):  # a 0-1 scale needs no unit after every value
        return text
    return f"{text} {param_unit(name, lang)}"


def csv_button(prefix: str, lang: str, md: int = 4) -> dbc.Col:
    """The "Download CSV" button of a page, in a column aligned with the pickers beside it."""
    return dbc.Col(
        dbc.Button(
            t("common.download_csv", lang),
            id=f"{prefix}-csv",
            color="primary",
            outline=True,
            class_name="mt-4",
        ),
        md=md,
    )


def run_box(
    prefix: str,
    lang: str,
    run_label: str | None = None,
    big: bool = False,
    status: str | None = None,
):
    """Run and Cancel buttons, a progress bar and a live status line, in little space.

    The job id and the poll timer travel with it; see :mod:`dashboard.progress`. ``status``
    is the first status line (for a page that opens with its result already shown).
    """
    size = "lg" if big else "sm"
    extra = " btn-xl" if big else ""
    return html.Div(
        [
            dcc.Store(id=f"{prefix}-job"),
            # fires once per answer; dashboard.progress re-arms it (a self-paced poll)
            dcc.Interval(id=f"{prefix}-poll", interval=300, max_intervals=1, disabled=True),
            html.Div(
                [
                    dbc.Button(
                        run_label or t("common.run", lang),
                        id=f"{prefix}-run",
                        n_clicks=0,
                        color="primary",
                        size=size,
                        class_name="me-2" + extra,
                    ),
                    dbc.Button(
                        t("common.cancel", lang),
                        id=f"{prefix}-cancel",
                        n_clicks=0,
                        color="primary",
                        outline=True,
                        size=size,
                        disabled=True,
                        class_name=extra.strip(),
                    ),
                    html.Progress(
                        id=f"{prefix}-progress",
                        value="100" if status else "0",
                        max="100",
                        className="flex-grow-1 ms-3 run-progress",
                        **{"aria-label": t("common.progress", lang)},
                    ),
                ],
                className="d-flex align-items-center",
            ),
            html.Div(
                html.Span(status or t("common.idle", lang), id=f"{prefix}-status"),
                className="mt-1 " + ("fs-5" if big else "small"),
                role="status",
                **{"aria-live": "polite"},
            ),
        ],
        className="run-box",
    )


def figure(
    id_: str,
    title: str,
    fig,
    caption: str,
    table: pd.DataFrame | None = None,
    lang: str = "nl",
    big: bool = False,
) -> html.Figure:
    """A graph with a visible title, a caption (text alternative) and its numbers."""
    details = None
    if table is not None and not table.empty:
        details = html.Details(
            [
                html.Summary(t("common.text_alt", lang)),
                dbc.Table.from_dataframe(
                    table, striped=True, bordered=False, size="sm", class_name="mt-2 small"
                ),
            ],
            className="mt-1",
        )
    return html.Figure(
        [
            html.H3(title, className="h4" if big else "h6 fw-semibold", id=f"{id_}-title"),
            dcc.Graph(
                id=id_,
                figure=fig,
                config={"displaylogo": False, "responsive": True},
                className="graph",
            ),
            html.Figcaption(caption, id=f"{id_}-caption", className="small text-body-secondary"),
            details,
        ],
        className="figure-card",
    )


def panel_figure(
    id_prefix: str,
    table: pd.DataFrame,
    panel,
    lang: str,
    ref: pd.DataFrame | None = None,
    big: bool = False,
    numbers: pd.DataFrame | None = None,
    marks: dict[int, str] | None = None,
) -> html.Figure:
    """One panel of weekly outcomes as a captioned figure with id ``{id_prefix}-{panel.id}``.

    ``marks`` (week -> short label) are the run's policy events, marked on the chart.
    """
    fig, caption = figures.timeseries(table, panel, lang, ref, big=big, marks=marks)
    title = t(f"panel.{panel.id}", lang)
    return figure(f"{id_prefix}-{panel.id}", title, fig, caption, numbers, lang, big=big)


def coat_card(title: str, body: list, colour: str) -> dbc.Col:
    """A coat in a card with a coloured frame (the group's coat, the best one), half width."""
    return dbc.Col(
        dbc.Card(
            dbc.CardBody([html.H3(title, className="h3"), *body]),
            color=colour,
            outline=True,
            class_name="border-3 h-100",
        ),
        md=6,
        class_name="mb-3",
    )


def state_summary(state: ScenarioState, lang: str) -> str:
    """One line naming the mix, the coat and the seed (for status lines and CSV names)."""
    coat = ", ".join(
        f"{t('level.' + lv, lang)} {t('type.' + ty, lang).lower()}" for lv, ty in state.types
    )
    return f"{mix_label(state.mix, lang)} · {coat} · seed {state.seed}"


def mix_label(mix: str, lang: str) -> str:
    """Display name of a family mix: the case title from its file, else the catalog."""
    key = f"mix.{mix}"
    case = mix_defaults(mix)["case"] if mix else {}
    title = case.get(f"title_{lang}") or case.get("title_nl")
    if title:
        return title
    text = t(key, lang)
    return mix if text == key else text
