"""Scenario page: the coat, the family mix and the levers beside the charts they move.

The layout renders cached results directly (the default scenarios are computed at start-up),
so the first page shows results without waiting for a callback. When a control changes, the
charts are marked out of date at once and the scenario runs again after a short pause:
cached runs come back instantly, new ones in the job pool with progress and Cancel.

A timeline editor (:mod:`dashboard.events`) adds up to three policy events; the charts mark
their weeks and the summary says what they did, against the mix's own run without them.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from typing import Any
from urllib.parse import parse_qsl

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, dcc, html, no_update

from dashboard import components as ui
from dashboard import events as timeline
from dashboard import figures, progress
from dashboard.analysis import (
    SPREAD_SEEDS,
    cached_keys,
    run_record,
    seed_spread,
    spread_tasks,
    state_tasks,
)
from dashboard.context import context
from dashboard.export import csv_text, file_name, send
from dashboard.i18n import LANGS, clean_lang, t
from dashboard.messages import explain, ignored_notice
from dashboard.numbers import number
from dashboard.outcomes import PANELS, fmt, label, present
from dashboard.runs import is_key
from dashboard.state import (
    KEY_LEVERS,
    LEVER_LEVELS,
    LEVERS,
    MAX_EVENTS,
    WEEKS_RANGE,
    ScenarioState,
    check_timeline,
    coat_label,
    default_state,
    levers_of,
    mix_defaults,
    mixes,
    query_string,
    read_query,
    to_query,
    validate_state,
)
from experiments.summary import tail_mean
from experiments.validation import DRIFT_LIMIT
from sim.errors import ConfigError
from sim.params import PARAMETERS
from sim.typology import LEVELS

PATH = "/scenario"
NAME = "scenario"
TITLE = "Scenario · MPG V&O"
P = "sc"

TYPE_IDS = [f"{P}-type-{level}" for level in LEVELS]
LEVER_IDS = [f"{P}-lever-{name}" for name in LEVERS]
CONTROLS = [f"{P}-mix", *TYPE_IDS, *LEVER_IDS, f"{P}-seed", f"{P}-weeks"]
#: the timeline editor's fields, row by row (see dashboard.events.ROW_FIELDS)
EVENT_IDS = timeline.row_ids(P)
#: the level a coat's quadrant acts on, as the levers are grouped
TYPE_LEVEL = {
    "government": "political_climate",
    "region": "region",
    "organisation": "organisation",
    "professional": "professional",
}


def warm_up(ctx) -> None:
    """Run every mix's default scenario now, so opening a page never waits for the model."""
    tasks = [task for mix in mixes() for task in state_tasks(default_state(mix))]
    ctx.jobs.wait(ctx.jobs.submit(tasks, watch=None))
    record = cached_result(ctx, default_state())
    for lang in LANGS if record else ():  # build the first page's figures once, in both
        render_results(ctx, record, lang)


def state_from_values(values: list, event_values: list | None = None) -> ScenarioState:
    """Validate the raw values of :data:`CONTROLS` and :data:`EVENT_IDS` into a ScenarioState.

    Raises:
        ConfigError: a refused value; an event's field is named by its editor row.
    """
    if len(values) != len(CONTROLS):
        raise ConfigError("scenario", len(values), f"expected {len(CONTROLS)} values")
    mix, rest = values[0], values[1:]
    types = dict(zip(LEVELS, rest[: len(LEVELS)], strict=True))
    levers = dict(zip(LEVERS, rest[len(LEVELS) : len(LEVELS) + len(LEVERS)], strict=True))
    levers = {k: ui.slider_number(v) for k, v in levers.items()}
    seed, weeks = rest[-2:]
    state = validate_state(mix, types, levers, seed, weeks)
    rows = timeline.split_rows(event_values or [None] * len(EVENT_IDS))
    return dataclasses.replace(state, events=timeline.check_rows(rows, state.weeks))


def state_id(state: ScenarioState) -> str:
    """What identifies a state regardless of language (to tell whether charts are current)."""
    return query_string(to_query(state, "nl"))


def layout(lang: str = "nl", **query) -> html.Div:
    """The Scenario page, restored from the query string."""
    lang = clean_lang(lang)
    state, ignored = read_query(query)
    ctx = context()
    result = cached_result(ctx, state)
    link = query_string(to_query(state, lang))
    results = render_results(ctx, result, lang) if result else _empty_results(lang)
    return ui.shell(
        "scenario",
        lang,
        [
            html.H1(t("scenario.title", lang), className="h3 mb-1"),
            html.P(t("scenario.intro", lang), className="text-body-secondary mb-3"),
            dbc.Alert(
                ignored_notice(ignored, lang),
                color="warning",
                id=f"{P}-notice",
                class_name="py-2",
            )
            if ignored
            else None,
            dcc.Store(id=f"{P}-session", data=uuid.uuid4().hex),
            dcc.Store(id=f"{P}-lang", data=lang),
            dcc.Store(id=f"{P}-result", data=result),
            dcc.Store(id=f"{P}-query", data=link),
            dcc.Store(id=f"{P}-state", data=state_id(state)),
            dcc.Store(id=f"{P}-url-done"),
            dcc.Interval(
                id=f"{P}-autorun", interval=150, max_intervals=1, disabled=result is not None
            ),
            dcc.Download(id=f"{P}-download"),
            dbc.Row(
                [
                    dbc.Col(
                        _controls(state, lang, link, _status(result, lang)),
                        lg=4,
                        xl=3,
                        class_name="controls-col",
                    ),
                    dbc.Col(
                        [
                            dbc.Alert(
                                id=f"{P}-message", color="danger", is_open=False, class_name="mb-3"
                            ),
                            dbc.Alert(
                                t("scenario.stale", lang),
                                id=f"{P}-stale",
                                color="warning",
                                class_name="py-2 stale-note",
                                is_open=False,
                            ),
                            html.Div(results, id=f"{P}-results", className="results"),
                        ],
                        lg=8,
                        xl=9,
                    ),
                ]
            ),
        ],
        query=link,
        wide=True,
    )


def _status(result: dict | None, lang: str) -> str | None:
    """The first status line: what the shown charts are, when the page opens with them."""
    if result is None:
        return None
    how = t("common.from_cache", lang)
    return t("common.done", lang, what=f"{result['summary'][lang]}, {how}")


def _controls(state: ScenarioState, lang: str, link: str, status: str | None) -> html.Div:
    types = dict(state.types)
    levers = dict(state.levers)
    reference = mix_defaults(state.mix)["levers"]
    sections = []
    for level in LEVER_LEVELS:
        names = levers_of(level)
        key = [n for n in names if n in KEY_LEVERS]
        more = [n for n in names if n not in KEY_LEVERS]
        sliders = {
            n: ui.lever_slider(f"{P}-lever-{n}", n, levers[n], reference[n], lang) for n in names
        }
        body = []
        if level in TYPE_LEVEL:
            quadrant = TYPE_LEVEL[level]
            body.append(ui.type_picker(f"{P}-type-{quadrant}", quadrant, types[quadrant], lang))
        body += [sliders[n] for n in key]
        if more:
            body.append(
                html.Details(
                    [
                        html.Summary(t("scenario.more_levers", lang, n=len(more))),
                        html.Div([sliders[n] for n in more], className="pt-2"),
                    ],
                    open=not key,
                )
            )
        sections.append(
            dbc.AccordionItem(body, title=t(f"lever_level.{level}", lang), item_id=level)
        )
    return html.Div(
        [
            dbc.Card(
                dbc.CardBody(
                    [ui.run_box(P, lang, status=status), _run_settings(state, lang, link)]
                ),
                class_name="mb-2 run-card",
            ),
            ui.select(
                f"{P}-mix",
                t("scenario.mix", lang),
                [(m, ui.mix_label(m, lang)) for m in mixes()],
                state.mix,
                t("scenario.mix_help", lang),
                size="sm",
            ),
            timeline.editor(P, state.events, lang),
            html.H2(t("scenario.levers", lang), className="h6 fw-semibold"),
            dbc.Accordion(
                sections,
                always_open=True,
                active_item=[lv for lv in LEVER_LEVELS if lv != "family"],
                class_name="levers",
            ),
        ],
        className="controls-panel",
    )


def _run_settings(state: ScenarioState, lang: str, link: str) -> html.Details:
    """Seed, weeks, the link and the downloads: folded away, one click from the Run button."""

    def number_box(id_, label, value, help_key, **limits):
        return dbc.Col(
            [
                dbc.Label(label, html_for=id_, class_name="small mb-0"),
                dbc.Input(
                    id=id_, type="number", step=1, value=value, debounce=True, size="sm", **limits
                ),
                ui.help_text(f"{id_}-help", t(help_key, lang)),
            ],
            width=6,
        )

    return html.Details(
        [
            html.Summary(t("scenario.run_settings", lang), className="small"),
            dbc.Row(
                [
                    number_box(
                        f"{P}-seed", t("common.seed", lang), state.seed, "common.seed_help", min=0
                    ),
                    number_box(
                        f"{P}-weeks",
                        t("common.weeks", lang),
                        state.weeks,
                        "common.weeks_help",
                        min=WEEKS_RANGE[0],
                        max=WEEKS_RANGE[1],
                    ),
                ],
                class_name="mt-1",
            ),
            dbc.Label(
                t("common.copy_link", lang), html_for=f"{P}-link", class_name="small mt-2 mb-0"
            ),
            dbc.Input(id=f"{P}-link", value=link, readonly=True, size="sm"),
            html.Div(
                [
                    dbc.Button(
                        t("common.download_csv_nl", lang),
                        id=f"{P}-csv-nl",
                        color="link",
                        size="sm",
                        class_name="ps-0",
                    ),
                    dbc.Button(
                        t("common.download_csv", lang), id=f"{P}-csv", color="link", size="sm"
                    ),
                    dbc.Button(
                        t("common.reset", lang),
                        id=f"{P}-reset",
                        color="link",
                        size="sm",
                        n_clicks=0,
                    ),
                    html.A(
                        t("scenario.compare_baseline", lang),
                        id=f"{P}-to-compare",
                        href=compare_href(state, lang),
                        className="btn btn-link btn-sm",
                    ),
                ],
                className="d-flex flex-wrap",
            ),
        ],
        className="mt-2",
    )


def compare_href(state: ScenarioState, lang: str) -> str:
    """The Compare page with the mix untouched as A and this scenario as B."""
    items = {"a.mix": state.mix, **to_query(state, "nl", prefix="b.")}
    if lang != "nl":
        items["lang"] = lang
    return "/compare" + query_string(items)


def cached_result(ctx, state: ScenarioState) -> dict | None:
    """The result record of ``state`` when it and its reference are both cached."""
    keys = cached_keys(ctx.runner, state)
    return result_record(state, keys) if keys else None


def result_record(state: ScenarioState, keys: list[str]) -> dict:
    """A run record plus which state it was (to tell stale charts) and its status line."""
    return {
        **run_record(state, keys),
        "state": state_id(state),
        # the status line stays short: the coat is on the controls and in the rings beside it
        "summary": {lang: f"{ui.mix_label(state.mix, lang)} · seed {state.seed}" for lang in LANGS},
    }


def _events(result: dict) -> tuple:
    """The checked events of a result record (none when absent or not allowed)."""
    try:
        return check_timeline(result.get("events") or [], WEEKS_RANGE[1])
    except (ConfigError, TypeError, ValueError, AttributeError):  # a crafted record
        return ()


def _empty_results(lang: str) -> html.Div:
    return html.Div(
        dbc.Alert(t("common.no_result", lang), color="light", class_name="border"), className="py-5"
    )


_RENDERED: dict[tuple, object] = {}
_RENDERED_MAX = 64


def render_results(ctx, result: dict, lang: str):
    """Build the rings and the six time-series panels for a result record.

    Building the figures takes a few tenths of a second; the same result in the same language
    always gives the same components, so they are kept in a small per-process memo.
    """
    types = result.get("types") or {}
    memo = (
        result.get("key"),
        result.get("ref"),
        result.get("mix"),
        lang,
        tuple(sorted(types.items())),
        json.dumps(result.get("events") or [], sort_keys=True, default=str),
        ctx.runner.version,
    )
    if memo in _RENDERED:
        return _RENDERED[memo]
    built = _render(ctx, result, lang)
    if len(_RENDERED) >= _RENDERED_MAX:
        _RENDERED.pop(next(iter(_RENDERED)))
    _RENDERED[memo] = built
    return built


def _render(ctx, result: dict, lang: str):
    runner = ctx.runner
    table = runner.get(result.get("key"))
    if table is None:
        return dbc.Alert(t("common.error", lang, message=t("error.bad_key", lang)), color="warning")
    ref = runner.get(result.get("ref")) if result.get("ref") else None
    ring_fig, ring_caption = figures.rings(table, lang, ref, levels=result.get("types"))
    events = _events(result)
    marks = timeline.marks(events, lang)
    cards = [
        dbc.Col(
            ui.panel_figure(
                f"{P}-graph",
                table,
                panel,
                lang,
                ref,
                numbers=_numbers(table, panel, lang),
                marks=marks,
            ),
            lg=12,
            xxl=6,
        )
        for panel in PANELS
    ]
    ref_note = (
        t("common.reference_long", lang, mix=ui.mix_label(result.get("mix", ""), lang))
        if ref is not None
        else ""
    )
    return html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(
                        ui.figure(
                            f"{P}-graph-rings",
                            t("scenario.rings", lang),
                            ring_fig,
                            ring_caption,
                            lang=lang,
                        ),
                        lg=7,
                    ),
                    dbc.Col(
                        [
                            html.H3(t("scenario.summary", lang), className="h6 fw-semibold"),
                            html.P(t("scenario.rings_help", lang), className="small"),
                            _events_summary(events, table, lang),
                            _headline(table, ref, lang),
                            _spread_box(lang),
                        ],
                        lg=5,
                    ),
                ],
                class_name="mb-3",
            ),
            html.H2(t("scenario.results", lang), className="h4"),
            html.P(ref_note, className="small text-body-secondary"),
            dbc.Row(cards),
        ]
    )


def _events_summary(events: tuple, table: pd.DataFrame, lang: str) -> html.Div | None:
    """What the run's events are, in words, and what they did to the headline outcomes."""
    if not events:
        return None
    text = t("events.summary", lang, items=timeline.timeline_text(events, lang))
    found = timeline.effects(table, events, lang)
    return html.Div(
        [
            html.P(text, id=f"{P}-events-summary", className="small fw-semibold mb-1"),
            dbc.Table.from_dataframe(
                found, size="sm", class_name="small mb-1", id=f"{P}-events-effects"
            )
            if not found.empty
            else None,
            html.P(t("events.effects_note", lang), className="small text-body-secondary"),
        ]
    )


#: The outcomes of the summary beside the rings (and of the spread over seeds).
SUMMARY = (
    "stagnation_rate",
    "incidents_per_family_year",
    "share_dwang",
    "hv_prevalence",
    "trust_mean",
    "recovered_share",
    "cost_per_household_year",
)


def _headline(table: pd.DataFrame, ref: pd.DataFrame | None, lang: str) -> html.Dl:
    names = present(SUMMARY, table)
    items = []
    for name in names:
        value = tail_mean(table, name)
        text = fmt(name, value, lang)
        if ref is not None and name in ref.columns:
            delta = value - tail_mean(ref, name)
            text += f"  ({fmt(name, delta, lang, diff=True)} {t('common.vs_reference', lang)})"
        items += [
            html.Dt(label(name, lang), className="col-7 fw-normal"),
            html.Dd(text, className="col-5 mb-1 text-end fw-semibold"),
        ]
    return html.Div(
        [
            html.Small(t("common.mean_last_year", lang), className="text-body-secondary"),
            html.Dl(items, className="row small headline mt-1"),
        ]
    )


def shown_state(result: Any) -> ScenarioState | None:
    """The state a (client-sent) result record was computed for, read from its state id."""
    sid = result.get("state") if isinstance(result, dict) else None
    if not isinstance(sid, str) or not sid.startswith("?"):
        return None
    state, ignored = read_query(dict(parse_qsl(sid[1:])))
    return None if ignored else state


def _spread_box(lang: str) -> html.Div:
    """How much chance alone moves the summary: the same scenario with other seeds, on demand."""
    return html.Div(
        [
            html.H3(t("scenario.spread", lang), className="h6 fw-semibold mt-3"),
            html.P(t("scenario.spread_help", lang, n=SPREAD_SEEDS), className="small"),
            ui.run_box(f"{P}-sp", lang, run_label=t("scenario.spread_run", lang, n=SPREAD_SEEDS)),
            html.Div(id=f"{P}-spread", className="mt-2"),
        ]
    )


def spread_view(ctx, state: ScenarioState, keys: list[str], lang: str) -> html.Div:
    """The summary's outcomes over :data:`SPREAD_SEEDS` seeds, and whether they have settled.

    Per outcome: this run, the lowest and highest, and the change a year over the weeks shown.
    """
    tables = [ctx.runner.get(k) for k in keys]
    if any(table is None for table in tables):
        return dbc.Alert(t("common.expired", lang), color="warning")
    spread = seed_spread(tables, present(SUMMARY, tables[0]))
    last = state.seed + SPREAD_SEEDS - 1
    head = [
        t("scenario.spread_outcome", lang),
        t("scenario.spread_this", lang, seed=state.seed),
        t("scenario.spread_range", lang, first=state.seed, last=last),
        t("scenario.spread_drift", lang),
    ]
    rows = [
        html.Tr(
            [
                html.Td(label(r.outcome, lang)),
                html.Td(fmt(r.outcome, r.run, lang)),
                html.Td(f"{fmt(r.outcome, r.low, lang)} – {fmt(r.outcome, r.high, lang)}"),
                html.Td(_drift_cell(r, lang)),
            ]
        )
        for r in spread.itertuples()
    ]
    moving = [label(r.outcome, lang) for r in spread.itertuples() if r.moving]
    return html.Div(
        [
            dbc.Table(
                [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)],
                size="sm",
                class_name="small mb-1",
                id=f"{P}-spread-table",
            ),
            dbc.Alert(
                t("scenario.spread_moving", lang, items=", ".join(moving)),
                color="warning",
                class_name="small py-2",
                id=f"{P}-spread-moving",
            )
            if moving
            else None,
            html.P(t("scenario.spread_note", lang), className="small text-body-secondary"),
            html.P(
                t("scenario.spread_drift_note", lang, limit=round(DRIFT_LIMIT * 100)),
                className="small text-body-secondary",
            ),
        ]
    )


def _drift_cell(r, lang: str) -> list:
    """``+6,9%`` a year over ``+0,4 – +13,4%``; a warning sign where the runs still move."""

    def pct(x: float) -> str:
        return number(x * 100, lang, 1, signed=True)

    shown = f"{pct(r.drift)}%"
    return [
        html.Span(
            "⚠ " + shown if r.moving else shown,
            className="fw-semibold text-nowrap" if r.moving else "text-nowrap",
        ),
        html.Br(),
        html.Span(f"{pct(r.drift_low)} – {pct(r.drift_high)}%", className="text-body-secondary"),
    ]


def _numbers(table: pd.DataFrame, panel, lang: str) -> pd.DataFrame:
    names = present(panel.series + panel.secondary, table)
    weeks = sorted(
        {
            int(table.week.iloc[0]),
            *range(26, int(table.week.iloc[-1]) + 1, 26),
            int(table.week.iloc[-1]),
        }
    )
    rows = table[table.week.isin(weeks)]
    out = pd.DataFrame({t("common.week", lang): rows.week.astype(int)})
    for name in names:
        out[label(name, lang)] = [fmt(name, v, lang) for v in rows[name]]
    return out


def register_callbacks(app, ctx) -> None:
    """Wire the Scenario page's callbacks onto ``app``."""
    controls = [Input(c, "value") for c in CONTROLS + EVENT_IDS]
    timeline.register_editor(app, P, f"{P}-lang")

    @app.callback(
        [Output(c, "value", allow_duplicate=True) for c in CONTROLS[1:] + EVENT_IDS],
        Input(f"{P}-mix", "value"),
        Input(f"{P}-reset", "n_clicks"),
        prevent_initial_call=True,
    )
    def reset_to_mix(mix, _n):
        if mix not in mixes():
            return [no_update] * (len(CONTROLS) - 1 + len(EVENT_IDS))
        base = mix_defaults(mix)
        events = base["events"]
        rows = [
            timeline.row_values(events[i] if i < len(events) else None) for i in range(MAX_EVENTS)
        ]
        return (
            [base["types"][lv] for lv in LEVELS]
            + [base["levers"][n] for n in LEVERS]
            + [base["seed"], base["weeks"]]
            + [v for row in rows for v in row]
        )

    @app.callback(
        Output(f"{P}-query", "data"),
        Output(f"{P}-state", "data"),
        Output(f"{P}-link", "value"),
        Output(f"{P}-to-compare", "href"),
        Output(f"{P}-message", "children"),
        Output(f"{P}-message", "is_open"),
        [Output(f"{i}-value", "children") for i in LEVER_IDS],
        controls,
        State(f"{P}-lang", "data"),
        prevent_initial_call=True,
    )
    def sync(*values):
        lang = clean_lang(values[-1])
        raw = dict(
            zip(LEVERS, values[1 + len(LEVELS) : 1 + len(LEVELS) + len(LEVERS)], strict=True)
        )
        shown = [ui.readout(n, v, lang) for n, v in raw.items()]
        try:
            state = state_from_values(
                list(values[: len(CONTROLS)]), list(values[len(CONTROLS) : -1])
            )
        except ConfigError as exc:
            nothing = [no_update] * 4
            return *nothing, t("common.error", lang, message=explain(exc, lang)), True, *shown
        link = query_string(to_query(state, lang))
        return link, state_id(state), link, compare_href(state, lang), "", False, *shown

    # replaceState, not a Location update: a Location change would re-render the whole page
    app.clientside_callback(
        """function(q) { if (q) { window.history.replaceState(null, '', q); } return q; }""",
        Output(f"{P}-url-done", "data"),
        Input(f"{P}-query", "data"),
        prevent_initial_call=True,
    )
    # the charts say at once when they no longer match the controls
    app.clientside_callback(
        """function(state, result) {
            const stale = !!(result && state && result.state !== state);
            return [stale, stale ? 'results stale' : 'results'];
        }""",
        Output(f"{P}-stale", "is_open"),
        Output(f"{P}-results", "className"),
        Input(f"{P}-state", "data"),
        Input(f"{P}-result", "data"),
    )

    @app.callback(
        Output(f"{P}-result", "data", allow_duplicate=True),
        Output(f"{P}-message", "children", allow_duplicate=True),
        Output(f"{P}-message", "is_open", allow_duplicate=True),
        *progress.ui_outputs(P),
        Input(f"{P}-run", "n_clicks"),
        Input(f"{P}-autorun", "n_intervals"),
        Input(f"{P}-state", "data"),
        [State(c, "value") for c in CONTROLS + EVENT_IDS],
        State(f"{P}-lang", "data"),
        State(f"{P}-job", "data"),
        State(f"{P}-result", "data"),
        prevent_initial_call=True,
    )
    def start(_clicks, _auto, _state, *values):
        *values, lang, job, current = values
        lang = clean_lang(lang)
        try:
            state = state_from_values(values[: len(CONTROLS)], values[len(CONTROLS) :])
        except ConfigError as exc:
            message = t("common.error", lang, message=explain(exc, lang))
            return no_update, message, True, *progress.stopped(message)
        ctx.jobs.cancel(job)  # a newer request supersedes a running one
        record = cached_result(ctx, state)
        if record is not None:
            done = _status(record, lang)
            if isinstance(current, dict) and current.get("state") == record["state"]:
                return no_update, "", False, *progress.instant(done)
            return record, "", False, *progress.instant(done)
        tasks = state_tasks(state)
        new = ctx.jobs.submit(tasks, watch=0, meta={"state": _state_items(state)})
        return no_update, "", False, *progress.started(new, lang)

    def finish(status, lang):
        state = _restore(status.meta.get("state"))
        if state is None:
            return no_update, t("common.expired", lang)
        record = result_record(state, status.keys)
        how = t("common.computed", lang, seconds=number(status.seconds, lang, 1))
        return record, t("common.done", lang, what=f"{record['summary'][lang]}, {how}")

    progress.register(app, ctx, P, Output(f"{P}-result", "data"), finish)

    @app.callback(
        Output(f"{P}-spread", "children", allow_duplicate=True),
        *progress.ui_outputs(f"{P}-sp"),
        Input(f"{P}-sp-run", "n_clicks"),
        State(f"{P}-result", "data"),
        State(f"{P}-lang", "data"),
        prevent_initial_call=True,
    )
    def spread(clicks, result, lang):
        # the box comes anew with every result shown: only a click starts the spread's runs
        lang = clean_lang(lang)
        state = shown_state(result)
        if not clicks or state is None:
            return no_update, *progress.stopped(no_update)
        tasks = spread_tasks(state)
        keys = [ctx.runner.key(task.scenario(), task.seed, task.weeks) for task in tasks]
        what = t("scenario.spread_done", lang, n=SPREAD_SEEDS)
        if all(ctx.runner.has(k) for k in keys):
            return spread_view(ctx, state, keys, lang), *progress.instant(
                t("common.done", lang, what=what)
            )
        job = ctx.jobs.submit(tasks, watch=None, meta={"state": _state_items(state)})
        return None, *progress.started(job, lang)

    def finish_spread(status, lang):
        state = _restore(status.meta.get("state"))
        if state is None:
            return no_update, t("common.expired", lang)
        what = t("scenario.spread_done", lang, n=SPREAD_SEEDS)
        return spread_view(ctx, state, status.keys, lang), t("common.done", lang, what=what)

    progress.register(
        app, ctx, f"{P}-sp", Output(f"{P}-spread", "children"), finish_spread, lang_id=f"{P}-lang"
    )

    @app.callback(
        Output(f"{P}-results", "children"),
        Input(f"{P}-result", "data"),
        State(f"{P}-lang", "data"),
        prevent_initial_call=True,
    )
    def show(result, lang):
        lang = clean_lang(lang)
        if not isinstance(result, dict) or not is_key(result.get("key")):
            return _empty_results(lang)
        return render_results(ctx, _clean_record(result), lang)

    @app.callback(
        Output(f"{P}-download", "data"),
        Input(f"{P}-csv", "n_clicks"),
        Input(f"{P}-csv-nl", "n_clicks"),
        State(f"{P}-result", "data"),
        State(f"{P}-lang", "data"),
        prevent_initial_call=True,
    )
    def download(_n, _n_nl, result, lang):
        from dash import ctx as dash_ctx

        dutch = dash_ctx.triggered_id == f"{P}-csv-nl"
        if not isinstance(result, dict) or not is_key(result.get("key")):
            return no_update
        record = _clean_record(result)
        table = ctx.runner.get(record["key"])
        if table is None:
            return no_update
        return send(*scenario_csv(ctx, record, table, dutch))


def _state_items(state: ScenarioState) -> dict:
    return {
        "mix": state.mix,
        "types": dict(state.types),
        "levers": dict(state.levers),
        "seed": state.seed,
        "weeks": state.weeks,
        "events": [e.to_dict() for e in state.events],
    }


def _restore(items) -> ScenarioState | None:
    try:
        return validate_state(
            items["mix"],
            items["types"],
            items["levers"],
            items["seed"],
            items["weeks"],
            items.get("events", ()),
        )
    except (ConfigError, KeyError, TypeError, AttributeError):
        return None


def scenario_csv(ctx, record: dict, table: pd.DataFrame, dutch: bool) -> tuple[str, str]:
    """The weekly table with the scenario's settings on top; its meaningful file name."""
    from experiments.config import load_scenario
    from experiments.timeline import event_spec

    types = record["types"] or {}
    overrides = {f"{lv}_type": ty for lv, ty in types.items()}
    params = load_scenario(record["mix"], overrides).params if record["mix"] else {}
    header = [
        ("mix", record["mix"]),
        ("seed", record.get("seed", "")),
        ("model", ctx.runner.version),
    ]
    header += [(name, params[name]) for name in PARAMETERS if name in params]
    header += [(f"event {i}", event_spec(e)) for i, e in enumerate(_events(record), start=1)]
    coat = coat_label(types, short=True) if len(types) == len(LEVELS) else ""
    name = file_name("scenario", record["mix"], coat, f"seed {record.get('seed', '')}", dutch=dutch)
    return csv_text(table, header, dutch), name


def _clean_record(result: dict) -> dict:
    """Keep only safe fields of a client-sent result record (it may be crafted)."""
    from sim.params import TYPES

    types = result.get("types")
    if not (isinstance(types, dict) and all(types.get(lv) in TYPES for lv in LEVELS)):
        types = None
    ref = result.get("ref") if is_key(result.get("ref")) else None
    mix = result.get("mix") if result.get("mix") in mixes() else ""
    seed = result.get("seed") if isinstance(result.get("seed"), int) else ""
    events = [e.to_dict() for e in _events(result)]
    return {
        "key": result["key"],
        "ref": ref,
        "types": types,
        "mix": mix,
        "seed": seed,
        "events": events,
    }
