"""Compare page: two to four scenarios on the same axes, with replication bands and B − A.

Every scenario runs with the same seeds (common random numbers), so the differences are paired
per seed and show the effect of the scenario rather than the luck of the draw.
"""

from __future__ import annotations

import dataclasses
import uuid

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, dcc, html, no_update

from dashboard import components as ui
from dashboard import figures
from dashboard.analysis import paired_diff, replicate_stats, run_replications
from dashboard.i18n import clean_lang, t
from dashboard.outcomes import HEADLINE, label
from dashboard.runs import is_key
from dashboard.state import (
    SEED_RANGE,
    ScenarioState,
    check_choice,
    check_int,
    from_query,
    mixes,
    validate_state,
)
from sim.errors import ConfigError
from sim.params import TYPES
from sim.typology import LEVELS

PATH = "/compare"
NAME = "compare"
TITLE = "Vergelijken · MPG V&O"
P = "cp"
SLOTS = ("A", "B", "C", "D")
REPS = (3, 5, 10)
DEFAULT_REPS = 3
DEFAULT_OUTCOMES = (
    "stagnation_rate",
    "incidents_per_family_year",
    "trust_mean",
    "cost_per_household_year",
)
DEFAULT_B = {"b.prof": "innoverend"}


def warm_up(ctx) -> None:
    """Run the default comparison now, so the page opens with its charts."""
    states = [slot_state(DEFAULT_B, s) for s in ("A", "B")]
    run_replications(ctx.runner, states, DEFAULT_REPS)


def slot_state(query: dict, slot: str) -> ScenarioState:
    """Restore slot ``slot`` from ``a.``/``b.``... prefixed query items."""
    prefix = slot.lower() + "."
    items = {k[len(prefix) :]: v for k, v in query.items() if k.startswith(prefix)}
    return from_query(items)


def layout(lang: str = "nl", reps: str = str(DEFAULT_REPS), seed: str = "1", **query):
    """The Compare page; without a query it compares the baseline with one changed quadrant."""
    from dashboard.app import context

    lang = clean_lang(lang)
    ctx = context()
    if not any(k[:2] in ("a.", "b.") for k in query):
        query = {**query, **DEFAULT_B}
    used = [
        s for s in SLOTS if s in ("A", "B") or any(k.startswith(s.lower() + ".") for k in query)
    ]
    states = {s: slot_state(query, s) for s in SLOTS}
    reps_v = int(reps) if reps in {str(r) for r in REPS} else DEFAULT_REPS
    seed_v = int(seed) if seed.isdigit() and int(seed) <= SEED_RANGE[1] else 1
    result = cached_result(
        ctx,
        [dataclasses.replace(states[s], seed=seed_v) for s in used],
        used,
        reps_v,
        list(DEFAULT_OUTCOMES),
    )
    return ui.shell(
        "compare",
        lang,
        [
            ui.heading(t("compare.title", lang), t("compare.intro", lang)),
            dcc.Store(id=f"{P}-lang", data=lang),
            dcc.Store(id=f"{P}-session", data=uuid.uuid4().hex),
            dcc.Store(id=f"{P}-result", data=result),
            dcc.Interval(
                id=f"{P}-autorun", interval=150, max_intervals=1, disabled=result is not None
            ),
            dcc.Download(id=f"{P}-download"),
            dbc.Row(
                [
                    dbc.Col(
                        _slot_card(s, states[s], s in used, lang), md=6, xl=3, class_name="mb-3"
                    )
                    for s in SLOTS
                ]
            ),
            dbc.Card(
                dbc.CardBody(
                    dbc.Row(
                        [
                            dbc.Col(
                                ui.select(
                                    f"{P}-reps",
                                    t("compare.reps", lang),
                                    [(str(r), str(r)) for r in REPS],
                                    str(reps_v),
                                    t("compare.reps_help", lang),
                                ),
                                md=3,
                            ),
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
                                            value=seed_v,
                                        ),
                                        ui.help_text(f"{P}-seed-help", t("common.seed_help", lang)),
                                    ]
                                ),
                                md=2,
                            ),
                            dbc.Col(
                                html.Fieldset(
                                    [
                                        html.Legend(
                                            t("compare.outcomes", lang),
                                            className="fs-6 fw-semibold",
                                        ),
                                        dbc.Checklist(
                                            id=f"{P}-outcomes",
                                            inline=True,
                                            value=list(DEFAULT_OUTCOMES),
                                            options=[
                                                {"label": label(o, lang), "value": o}
                                                for o in HEADLINE
                                            ],
                                        ),
                                    ]
                                ),
                                md=7,
                            ),
                            dbc.Col(
                                [
                                    ui.progress(P, lang),
                                    dbc.Button(
                                        t("common.download_csv", lang), id=f"{P}-csv", color="link"
                                    ),
                                ],
                                md=12,
                                class_name="mt-2",
                            ),
                        ]
                    )
                ),
                class_name="mb-3",
            ),
            dbc.Alert(id=f"{P}-message", color="danger", is_open=False),
            html.Div(render(ctx, result, lang) if result else None, id=f"{P}-body"),
        ],
        wide=True,
    )


def _slot_card(slot: str, state: ScenarioState, used: bool, lang: str) -> dbc.Card:
    p = f"{P}-{slot.lower()}"
    carried = ", ".join(
        f"{t(f'param.{k}.label', lang)} = {v:g}" for k, v in state.changed_levers().items()
    )
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2(t("compare.slot", lang, name=slot), className="h5"),
                dbc.Checkbox(
                    id=f"{p}-use",
                    value=used,
                    label=t("compare.use", lang),
                    disabled=slot in ("A", "B"),
                    class_name="mb-2",
                ),
                ui.select(
                    f"{p}-mix",
                    t("scenario.mix", lang),
                    [(m, ui.mix_label(m, lang)) for m in mixes()],
                    state.mix,
                    size="sm",
                ),
                *[
                    ui.select(
                        f"{p}-type-{lv}",
                        t(f"level.{lv}", lang),
                        [(x, t(f"type.{x}", lang)) for x in TYPES],
                        state.type_of(lv),
                        size="sm",
                    )
                    for lv in LEVELS
                ],
                dcc.Store(id=f"{p}-levers", data=dict(state.levers)),
                html.Small(
                    t("compare.carried", lang, items=carried), className="text-body-secondary"
                )
                if carried
                else None,
            ]
        ),
        class_name="h-100" + ("" if used else " opacity-75"),
    )


def _slot_inputs() -> list[State]:
    states = []
    for slot in SLOTS:
        p = f"{P}-{slot.lower()}"
        states += [
            State(f"{p}-use", "value"),
            State(f"{p}-mix", "value"),
            *[State(f"{p}-type-{lv}", "value") for lv in LEVELS],
            State(f"{p}-levers", "data"),
        ]
    return states


def parse_slots(values: list, seed) -> tuple[list[str], list[ScenarioState]]:
    """Validate the slot values (use, mix, 4 types, levers per slot) into states."""
    per = 3 + len(LEVELS)
    if len(values) != per * len(SLOTS):
        raise ConfigError("compare", len(values), "wrong number of values")
    seed = check_int("seed", seed, *SEED_RANGE)
    names, states = [], []
    for i, slot in enumerate(SLOTS):
        use, mix, *types, levers = values[i * per : (i + 1) * per]
        if slot not in ("A", "B") and use is not True:
            continue
        if not isinstance(levers, dict):
            raise ConfigError(f"{slot}.levers", "?", "must be a table")
        states.append(
            validate_state(mix, dict(zip(LEVELS, types, strict=True)), levers, seed, _weeks_of(mix))
        )
        names.append(slot)
    return names, states


def _weeks_of(mix) -> int:
    from dashboard.state import mix_defaults

    return mix_defaults(mix)["weeks"] if mix in mixes() else 104


def cached_result(ctx, states, names, reps, outcomes) -> dict | None:
    """The result record when every run is already cached (else None)."""
    keys = [
        [ctx.runner.key(s.scenario(), s.seed + r, s.weeks) for r in range(reps)] for s in states
    ]
    if any(ctx.runner.get(k) is None for row in keys for k in row):
        return None
    return {"keys": keys, "names": names, "outcomes": outcomes}


def render(ctx, result: dict, lang: str):
    """Band and difference charts per outcome from a (possibly crafted) result record."""
    keys, names = result.get("keys"), result.get("names")
    outcomes = [o for o in result.get("outcomes") or [] if o in HEADLINE]
    if not (isinstance(keys, list) and isinstance(names, list) and len(keys) == len(names)):
        return None
    tables = [[ctx.runner.get(k) for k in row] if isinstance(row, list) else [None] for row in keys]
    if any(tb is None for row in tables for tb in row) or not outcomes:
        return dbc.Alert(t("common.error", lang, message=t("error.bad_key", lang)), color="warning")
    names = [str(n)[:1] for n in names]
    cards = []
    for outcome in outcomes:
        if any(outcome not in tb.columns for row in tables for tb in row):
            continue
        stats = {n: replicate_stats(row, outcome) for n, row in zip(names, tables, strict=True)}
        diffs = {
            f"{n} − {names[0]}": paired_diff(row, tables[0], outcome)
            for n, row in zip(names[1:], tables[1:], strict=True)
        }
        fig, caption = figures.bands(stats, outcome, lang)
        dfig, dcaption = figures.bands(diffs, outcome, lang, diff=True)
        cards.append(
            dbc.Row(
                [
                    dbc.Col(
                        ui.figure(
                            f"{P}-graph-{outcome}", label(outcome, lang), fig, caption, lang=lang
                        ),
                        lg=6,
                    ),
                    dbc.Col(
                        ui.figure(
                            f"{P}-diff-{outcome}",
                            f"{label(outcome, lang)}: {t('compare.diff', lang)}",
                            dfig,
                            dcaption,
                            lang=lang,
                        ),
                        lg=6,
                    ),
                ],
                class_name="mb-2",
            )
        )
    return html.Div(cards)


def csv_table(ctx, result: dict) -> pd.DataFrame:
    """Mean and 10-90% band per scenario, outcome and week (what the charts show)."""
    frames = []
    for name, row in zip(result["names"], result["keys"], strict=True):
        tables = [ctx.runner.get(k) for k in row]
        for outcome in result["outcomes"]:
            s = replicate_stats(tables, outcome)
            frames.append(s.assign(scenario=name, outcome=outcome, replications=len(tables)))
    return pd.concat(frames, ignore_index=True)[
        ["scenario", "outcome", "week", "mean", "lo", "hi", "replications"]
    ]


def register_callbacks(app, ctx) -> None:
    """Run the comparison in the background, render it, download it."""

    @app.callback(
        Output(f"{P}-result", "data"),
        Output(f"{P}-message", "children"),
        Output(f"{P}-message", "is_open"),
        Output(f"{P}-status", "children"),
        Input(f"{P}-run", "n_clicks"),
        Input(f"{P}-autorun", "n_intervals"),
        *_slot_inputs(),
        State(f"{P}-reps", "value"),
        State(f"{P}-seed", "value"),
        State(f"{P}-outcomes", "value"),
        State(f"{P}-lang", "data"),
        State(f"{P}-session", "data"),
        **ui.background_options(P, ctx.manager, interval=300),
    )
    def run(set_progress, _n, _auto, *values):
        *slots, reps, seed, outcomes, lang, _session = values
        lang = clean_lang(lang)
        try:
            names, states = parse_slots(slots, seed)
            reps = int(check_choice("reps", reps, [str(r) for r in REPS]))
            if not isinstance(outcomes, list) or not outcomes:
                raise ConfigError("outcomes", outcomes, "choose at least one outcome")
            outcomes = [check_choice("outcome", o, HEADLINE) for o in outcomes[: len(HEADLINE)]]
        except ConfigError as exc:
            message = t("common.error", lang, message=str(exc))
            return no_update, message, True, message

        def tick(done, total):
            set_progress(
                (
                    str(int(100 * done / total)),
                    t("common.progress_runs", lang, done=done, total=total),
                )
            )

        keys = run_replications(ctx.runner, states, reps, tick=tick)
        done = t("common.done", lang, what=", ".join(names))
        return {"keys": keys, "names": names, "outcomes": outcomes}, "", False, done

    @app.callback(
        Output(f"{P}-body", "children"),
        Input(f"{P}-result", "data"),
        State(f"{P}-lang", "data"),
        prevent_initial_call=True,
    )
    def show(result, lang):
        if not isinstance(result, dict):
            return None
        return render(ctx, result, clean_lang(lang))

    @app.callback(
        Output(f"{P}-download", "data"),
        Input(f"{P}-csv", "n_clicks"),
        State(f"{P}-result", "data"),
        prevent_initial_call=True,
    )
    def download(_n, result):
        ok = (
            isinstance(result, dict)
            and isinstance(result.get("keys"), list)
            and all(
                isinstance(r, list) and all(is_key(k) and ctx.runner.get(k) is not None for k in r)
                for r in result["keys"]
            )
            and all(o in HEADLINE for o in result.get("outcomes") or ["?"])
            and isinstance(result.get("names"), list)
            and len(result["names"]) == len(result["keys"])
        )
        if not ok:
            return no_update
        return dcc.send_data_frame(csv_table(ctx, result).to_csv, "mpgsim-compare.csv", index=False)
