"""Scenario page: choose the coat, the family mix and the levers; run; see every level.

The layout renders cached results directly (the default scenario is computed at start-up), so
the first page shows results without waiting for a callback. A scenario that is not cached is
run by a background callback with a progress bar and a Cancel button.
"""

from __future__ import annotations

import time
import uuid

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, dcc, html, no_update

from dashboard import components as ui
from dashboard import figures
from dashboard.analysis import run_state
from dashboard.i18n import LANGS, clean_lang, t
from dashboard.outcomes import PANELS, fmt, label, present, tail_mean
from dashboard.runs import is_key
from dashboard.state import (
    LEVERS,
    WEEKS_RANGE,
    ScenarioState,
    default_state,
    from_query,
    mix_defaults,
    mixes,
    query_string,
    to_query,
    validate_state,
)
from sim.errors import ConfigError
from sim.typology import LEVELS

PATH = "/scenario"
NAME = "scenario"
TITLE = "Scenario · MPG V&O"
P = "sc"

TYPE_IDS = [f"{P}-type-{level}" for level in LEVELS]
LEVER_IDS = [f"{P}-lever-{name}" for name in LEVERS]
CONTROLS = [f"{P}-mix", *TYPE_IDS, *LEVER_IDS, f"{P}-seed", f"{P}-weeks"]


def warm_up(ctx) -> None:
    """Run every mix's default scenario now, so opening a page never waits for the model."""
    for mix in mixes():
        run_state(ctx.runner, default_state(mix))
    for lang in LANGS:  # build the first page's figures once, in both languages
        state = default_state()
        render_results(ctx, _cached_result(ctx, state), lang)


def state_from_values(values: list) -> ScenarioState:
    """Validate the raw values of :data:`CONTROLS` (in that order) into a ScenarioState."""
    if len(values) != len(CONTROLS):
        raise ConfigError("scenario", len(values), f"expected {len(CONTROLS)} values")
    mix, rest = values[0], values[1:]
    types = dict(zip(LEVELS, rest[: len(LEVELS)], strict=True))
    levers = dict(zip(LEVERS, rest[len(LEVELS) : len(LEVELS) + len(LEVERS)], strict=True))
    seed, weeks = rest[-2:]
    return validate_state(mix, types, levers, seed, weeks)


def layout(lang: str = "nl", **query) -> html.Div:
    """The Scenario page, restored from the query string."""
    from dashboard.app import context

    lang = clean_lang(lang)
    state = from_query(query)
    ctx = context()
    result = _cached_result(ctx, state)
    link = query_string(to_query(state, lang))
    results = render_results(ctx, result, lang) if result else _empty_results(lang)
    return ui.shell(
        "scenario",
        lang,
        [
            ui.heading(t("scenario.title", lang), t("scenario.intro", lang)),
            dcc.Store(id=f"{P}-session", data=uuid.uuid4().hex),
            dcc.Store(id=f"{P}-lang", data=lang),
            dcc.Store(id=f"{P}-result", data=result),
            dcc.Store(id=f"{P}-query", data=link),
            dcc.Store(id=f"{P}-url-done"),
            dcc.Interval(
                id=f"{P}-autorun", interval=150, max_intervals=1, disabled=result is not None
            ),
            dcc.Download(id=f"{P}-download"),
            dbc.Row(
                [
                    dbc.Col(_controls(state, lang, link), lg=4, xl=3, class_name="controls-col"),
                    dbc.Col(
                        [
                            dbc.Alert(
                                id=f"{P}-message", color="danger", is_open=False, class_name="mb-3"
                            ),
                            html.Div(results, id=f"{P}-results"),
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


def _controls(state: ScenarioState, lang: str, link: str) -> html.Div:
    types = dict(state.types)
    levers = dict(state.levers)
    mix_options = [(m, ui.mix_label(m, lang)) for m in mixes()]
    return html.Div(
        [
            dbc.Card(
                dbc.CardBody(
                    [
                        ui.progress(P, lang),
                        html.Hr(),
                        dbc.Row(
                            [
                                dbc.Col(
                                    html.Div(
                                        [
                                            dbc.Label(
                                                t("common.seed", lang),
                                                html_for=f"{P}-seed",
                                                class_name="fw-semibold",
                                            ),
                                            dbc.Input(
                                                id=f"{P}-seed",
                                                type="number",
                                                min=0,
                                                step=1,
                                                value=state.seed,
                                                debounce=True,
                                            ),
                                            ui.help_text(
                                                f"{P}-seed-help", t("common.seed_help", lang)
                                            ),
                                        ]
                                    ),
                                    width=6,
                                ),
                                dbc.Col(
                                    html.Div(
                                        [
                                            dbc.Label(
                                                t("common.weeks", lang),
                                                html_for=f"{P}-weeks",
                                                class_name="fw-semibold",
                                            ),
                                            dbc.Input(
                                                id=f"{P}-weeks",
                                                type="number",
                                                min=WEEKS_RANGE[0],
                                                max=WEEKS_RANGE[1],
                                                step=1,
                                                value=state.weeks,
                                                debounce=True,
                                            ),
                                            ui.help_text(
                                                f"{P}-weeks-help", t("common.weeks_help", lang)
                                            ),
                                        ]
                                    ),
                                    width=6,
                                ),
                            ]
                        ),
                        html.Div(
                            [
                                dbc.Label(
                                    t("common.copy_link", lang),
                                    html_for=f"{P}-link",
                                    class_name="fw-semibold mt-2",
                                ),
                                dbc.Input(id=f"{P}-link", value=link, readonly=True, size="sm"),
                                ui.help_text(f"{P}-link-help", t("common.copy_link_help", lang)),
                            ]
                        ),
                        html.Div(
                            [
                                dbc.Button(
                                    t("common.download_csv", lang),
                                    id=f"{P}-csv",
                                    color="link",
                                    class_name="ps-0",
                                ),
                                dbc.Button(
                                    t("common.reset", lang),
                                    id=f"{P}-reset",
                                    color="link",
                                    n_clicks=0,
                                ),
                                html.A(
                                    t("scenario.compare_baseline", lang),
                                    id=f"{P}-to-compare",
                                    href=_compare_href(link),
                                    className="btn btn-link",
                                ),
                            ],
                            className="d-flex flex-wrap",
                        ),
                    ]
                ),
                class_name="mb-3 sticky-lg-top run-card",
            ),
            dbc.Card(
                dbc.CardBody(
                    [
                        html.H2(t("scenario.mix", lang), className="h5"),
                        ui.select(
                            f"{P}-mix",
                            t("scenario.mix", lang),
                            mix_options,
                            state.mix,
                            t("scenario.mix_help", lang),
                        ),
                        html.H2(t("scenario.coat", lang), className="h5 mt-2"),
                        *[
                            ui.type_picker(tid, level, types[level], lang)
                            for tid, level in zip(TYPE_IDS, LEVELS, strict=True)
                        ],
                    ]
                ),
                class_name="mb-3",
            ),
            dbc.Card(
                dbc.CardBody(
                    [
                        html.H2(t("scenario.levers", lang), className="h5"),
                        *[
                            ui.lever_input(lid, name, levers[name], lang)
                            for lid, name in zip(LEVER_IDS, LEVERS, strict=True)
                        ],
                    ]
                ),
                class_name="mb-3",
            ),
        ]
    )


def _compare_href(link: str) -> str:
    items = [kv for kv in link.lstrip("?").split("&") if kv and not kv.startswith("lang=")]
    lang = [kv for kv in link.lstrip("?").split("&") if kv.startswith("lang=")]
    return "/compare?" + "&".join(["a.mix=" + _mix_of(items), *("b." + kv for kv in items), *lang])


def _mix_of(items: list[str]) -> str:
    for kv in items:
        if kv.startswith("mix="):
            return kv[4:]
    return "baseline"


def _cached_result(ctx, state: ScenarioState) -> dict | None:
    """The result record of ``state`` when both it and its reference are cached."""
    from experiments.config import load_scenario

    runner = ctx.runner
    key = runner.key(state.scenario(), state.seed, state.weeks)
    ref = runner.key(load_scenario(state.mix), state.seed, state.weeks)
    if runner.get(key) is None or runner.get(ref) is None:
        return None
    return {
        "key": key,
        "ref": None if ref == key else ref,
        "mix": state.mix,
        "types": dict(state.types),
        "cached": True,
        "seconds": 0.0,
    }


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
    cards = []
    for panel in PANELS:
        fig, caption = figures.timeseries(table, panel, lang, ref)
        cards.append(
            dbc.Col(
                ui.figure(
                    f"{P}-graph-{panel.id}",
                    t(f"panel.{panel.id}", lang),
                    fig,
                    caption,
                    _numbers(table, panel, lang),
                    lang,
                ),
                lg=12,
                xxl=6,
            )
        )
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
                            _headline(table, ref, lang),
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


def _headline(table: pd.DataFrame, ref: pd.DataFrame | None, lang: str) -> html.Dl:
    names = present(
        (
            "stagnation_rate",
            "incidents_per_family_year",
            "share_dwang",
            "hv_prevalence",
            "trust_mean",
            "recovered_share",
            "cost_per_household_year",
        ),
        table,
    )
    items = []
    for name in names:
        value = tail_mean(table, name)
        text = fmt(name, value, lang)
        if ref is not None and name in ref.columns:
            delta = value - tail_mean(ref, name)
            sign = "+" if delta > 0 else ""
            text += f"  ({sign}{fmt(name, delta, lang)} {t('common.reference', lang)})"
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


def run_job(ctx, state: ScenarioState, tick=None, on_wait=None) -> dict:
    """Run ``state`` (and its reference) and return the result record for the page."""
    result, ref = run_state(ctx.runner, state, tick=tick, on_wait=on_wait)
    return {
        "key": result.key,
        "ref": ref,
        "mix": state.mix,
        "types": dict(state.types),
        "cached": result.cached,
        "seconds": round(result.seconds, 2),
    }


def register_callbacks(app, ctx) -> None:
    """Wire the Scenario page's callbacks onto ``app``."""
    controls = [Input(c, "value") for c in CONTROLS]

    @app.callback(
        [Output(c, "value", allow_duplicate=True) for c in CONTROLS[1:]],
        Input(f"{P}-mix", "value"),
        Input(f"{P}-reset", "n_clicks"),
        prevent_initial_call=True,
    )
    def reset_to_mix(mix, _n):
        if mix not in mixes():
            return [no_update] * (len(CONTROLS) - 1)
        base = mix_defaults(mix)
        return (
            [base["types"][lv] for lv in LEVELS]
            + [base["levers"][n] for n in LEVERS]
            + [base["seed"], base["weeks"]]
        )

    @app.callback(
        Output(f"{P}-query", "data"),
        Output(f"{P}-link", "value"),
        Output(f"{P}-to-compare", "href"),
        Output(f"{P}-message", "children"),
        Output(f"{P}-message", "is_open"),
        controls,
        State(f"{P}-lang", "data"),
        prevent_initial_call=True,
    )
    def sync(*values):
        lang = clean_lang(values[-1])
        try:
            state = state_from_values(list(values[:-1]))
        except ConfigError as exc:
            return no_update, no_update, no_update, t("common.error", lang, message=str(exc)), True
        link = query_string(to_query(state, lang))
        return link, link, _compare_href(link), "", False

    # replaceState, not a Location update: a Location change would re-render the whole page
    app.clientside_callback(
        """function(q) { if (q) { window.history.replaceState(null, '', q); } return q; }""",
        Output(f"{P}-url-done", "data"),
        Input(f"{P}-query", "data"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(f"{P}-result", "data"),
        Output(f"{P}-message", "children", allow_duplicate=True),
        Output(f"{P}-message", "is_open", allow_duplicate=True),
        Output(f"{P}-status", "children", allow_duplicate=True),
        Input(f"{P}-run", "n_clicks"),
        Input(f"{P}-autorun", "n_intervals"),
        [State(c, "value") for c in CONTROLS],
        State(f"{P}-lang", "data"),
        State(f"{P}-session", "data"),  # per page load: two people never share a job
        **ui.background_options(P, ctx.manager),
    )
    def run(set_progress, _clicks, _auto, *values):
        lang = clean_lang(values[-2])
        try:
            state = state_from_values(list(values[:-2]))
        except ConfigError as exc:
            message = t("common.error", lang, message=str(exc))
            return no_update, message, True, message
        last = [-1]

        def tick(week: int, total: int) -> None:
            pct = int(100 * week / max(total, 1))
            if pct != last[0]:  # each call is a disk write: only when the bar moves
                last[0] = pct
                set_progress((str(pct), t("common.progress_text", lang, done=week, total=total)))

        started = time.perf_counter()
        record = run_job(
            ctx,
            state,
            tick=tick,
            on_wait=lambda: set_progress(("0", t("common.waiting_slot", lang))),
        )
        how = (
            t("common.from_cache", lang)
            if record["cached"]
            else t("common.computed", lang, seconds=f"{time.perf_counter() - started:.1f}")
        )
        done = t("common.done", lang, what=f"{ui.state_summary(state, lang)}, {how}")
        return record, "", False, done

    @app.callback(
        Output(f"{P}-status", "children", allow_duplicate=True),
        Input(f"{P}-cancel", "n_clicks"),
        State(f"{P}-lang", "data"),
        prevent_initial_call=True,
    )
    def cancelled(_n, lang):
        return t("common.cancelled", clean_lang(lang))

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
        State(f"{P}-result", "data"),
        prevent_initial_call=True,
    )
    def download(_n, result):
        table = ctx.runner.get(result.get("key")) if isinstance(result, dict) else None
        if table is None:
            return no_update
        return dcc.send_data_frame(
            table.to_csv, f"mpgsim-scenario-{result['key'][:8]}.csv", index=False
        )


def _clean_record(result: dict) -> dict:
    """Keep only safe fields of a client-sent result record (it may be crafted)."""
    types = result.get("types")
    from sim.params import TYPES

    if not (isinstance(types, dict) and all(types.get(lv) in TYPES for lv in LEVELS)):
        types = None
    ref = result.get("ref") if is_key(result.get("ref")) else None
    mix = result.get("mix") if result.get("mix") in mixes() else ""
    return {"key": result["key"], "ref": ref, "types": types, "mix": mix}
