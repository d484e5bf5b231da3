"""Compare page: two to four scenarios on the same axes, with replication bands and B − A.

Every scenario runs with the same seeds (common random numbers), so the differences are paired
per seed and show the effect of the scenario rather than the luck of the draw. Each scenario
has its own timeline of events, so two transition paths can be set side by side.
"""

from __future__ import annotations

import dataclasses

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, dcc, html, no_update

from dashboard import components as ui
from dashboard import events as timeline
from dashboard import figures, progress
from dashboard.analysis import paired_diff, replicate_stats, replication_tasks
from dashboard.context import context
from dashboard.export import csv_text, file_name, send
from dashboard.i18n import clean_lang, t
from dashboard.messages import explain, ignored_notice
from dashboard.outcomes import HEADLINE, label
from dashboard.runs import is_key
from dashboard.state import (
    KEY_LEVERS,
    SEED_RANGE,
    WEEKS_RANGE,
    ScenarioState,
    check_choice,
    check_int,
    check_timeline,
    mix_defaults,
    mixes,
    query_string,
    read_query,
    to_query,
    validate_state,
)
from experiments.timeline import event_spec
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
    ctx.jobs.wait(ctx.jobs.submit(replication_tasks(states, DEFAULT_REPS), watch=None))


def slot_state(query: dict, slot: str) -> ScenarioState:
    """Restore slot ``slot`` from ``a.``/``b.``... prefixed query items."""
    return read_slot(query, slot)[0]


def read_slot(query: dict, slot: str) -> tuple[ScenarioState, list[str]]:
    """Slot ``slot`` from its prefixed query items, and the fields whose values were ignored."""
    prefix = slot.lower() + "."
    items = {k[len(prefix) :]: v for k, v in query.items() if k.startswith(prefix)}
    return read_query(items)


def _notice(ignored: dict[str, list[str]], lang: str) -> str:
    """One notice for every slot's ignored link values, each named with its slot."""
    parts = [
        f"{t('compare.slot', lang, name=slot)}: {ignored_notice(fields, lang)}"
        for slot, fields in ignored.items()
        if fields
    ]
    return " ".join(parts)


def layout(lang: str = "nl", reps: str = str(DEFAULT_REPS), seed: str = "1", **query):
    """The Compare page; without a query it compares the baseline with one changed quadrant."""
    lang = clean_lang(lang)
    ctx = context()
    if not any(k[:2] in ("a.", "b.") for k in query):
        query = {**query, **DEFAULT_B}
    used = [
        s for s in SLOTS if s in ("A", "B") or any(k.startswith(s.lower() + ".") for k in query)
    ]
    read = {s: read_slot(query, s) for s in SLOTS}
    states = {s: state for s, (state, _ignored) in read.items()}
    notice = _notice({s: read[s][1] for s in used}, lang)
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
            dbc.Alert(notice, color="warning", id=f"{P}-notice", class_name="py-2")
            if notice
            else None,
            dcc.Store(id=f"{P}-lang", data=lang),
            dcc.Store(id=f"{P}-result", data=result),
            dcc.Store(id=f"{P}-query", data=page_query(states, used, reps_v, seed_v, lang)),
            dcc.Store(id=f"{P}-url"),
            dcc.Interval(
                id=f"{P}-autorun", interval=150, max_intervals=1, disabled=result is not None
            ),
            dcc.Download(id=f"{P}-download"),
            dbc.Row(
                [
                    dbc.Col(
                        # two by two: four across cut the family mix names off
                        _slot_card(s, states[s], s in used, lang),
                        md=6,
                        class_name="mb-3",
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
                                    ui.run_box(P, lang, status=_status(result, used, lang)),
                                    dbc.Button(
                                        t("common.download_csv_nl", lang),
                                        id=f"{P}-csv-nl",
                                        color="link",
                                        class_name="ps-0",
                                    ),
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
        query=page_query(states, used, reps_v, seed_v, "nl"),
        wide=True,
    )


def _status(result: dict | None, used: list[str], lang: str) -> str | None:
    """The first status line when the page opens with its comparison already computed."""
    if result is None:
        return None
    return t("common.done", lang, what=f"{', '.join(used)}, {t('common.from_cache', lang)}")


def _slot_card(slot: str, state: ScenarioState, used: bool, lang: str) -> dbc.Card:
    p = f"{P}-{slot.lower()}"
    carried = ", ".join(
        f"{ui.param_label(k, lang)} {ui.lever_value(k, v, lang)}"
        for k, v in state.changed_levers().items()
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
                html.Details(
                    [
                        html.Summary(t("compare.levers", lang)),
                        *[
                            ui.lever_slider(
                                f"{p}-lever-{name}",
                                name,
                                dict(state.levers)[name],
                                mix_defaults(state.mix)["levers"][name],
                                lang,
                            )
                            for name in KEY_LEVERS
                        ],
                    ],
                    open=bool(carried),
                    className="mt-2",
                ),
                html.Small(
                    t("compare.carried", lang, items=carried), className="text-body-secondary"
                )
                if carried
                else None,
                html.Div(timeline.editor(p, state.events, lang), className="mt-2"),
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
            *[State(f"{p}-lever-{name}", "value") for name in KEY_LEVERS],
            *[State(i, "value") for i in timeline.row_ids(p)],
        ]
    return states


class SlotError(ConfigError):
    """A refused value of one slot: the message names the slot too."""

    def __init__(self, slot: str, exc: ConfigError):
        super().__init__(exc.field, exc.value, exc.allowed)
        self.slot = slot


def slot_message(exc: ConfigError, lang: str) -> str:
    """One line for a refused value, naming the slot it is in when known."""
    text = explain(exc, lang)
    if isinstance(exc, SlotError):
        text = f"{t('compare.slot', lang, name=exc.slot)}: {text}"
    return t("common.error", lang, message=text)


def parse_slots(values: list, seed) -> tuple[list[str], list[ScenarioState]]:
    """Validate the slot values (use, mix, 4 types, levers, timeline per slot) into states.

    Raises:
        ConfigError: a refused value (a :class:`SlotError` naming the slot when it is one
            slot's).
    """
    events = len(timeline.row_ids(P))
    per = 3 + len(LEVELS) + len(KEY_LEVERS) + events
    if len(values) != per * len(SLOTS):
        raise ConfigError("compare", len(values), "wrong number of values")
    seed = check_int("seed", seed, *SEED_RANGE)
    names, states = [], []
    for i, slot in enumerate(SLOTS):
        use, *rest = values[i * per : (i + 1) * per]
        if slot not in ("A", "B") and use is not True:
            continue
        try:
            states.append(_slot(slot, rest[:-events], rest[-events:], seed))
        except ConfigError as exc:
            raise SlotError(slot, exc) from None
        names.append(slot)
    return names, states


def _slot(slot: str, values: list, rows: list, seed: int) -> ScenarioState:
    """One slot's state: mix, types, stored levers, key levers' sliders, then its timeline."""
    mix, *rest = values
    types, levers, sliders = rest[: len(LEVELS)], rest[len(LEVELS)], rest[len(LEVELS) + 1 :]
    if not isinstance(levers, dict):
        raise ConfigError(f"{slot}.levers", "?", "must be a table")
    levers = {**levers, **dict(zip(KEY_LEVERS, map(ui.slider_number, sliders), strict=True))}
    types = dict(zip(LEVELS, types, strict=True))
    state = validate_state(mix, types, levers, seed, _weeks_of(mix))
    events = timeline.check_rows(timeline.split_rows(rows), state.weeks)
    return dataclasses.replace(state, events=events)


def page_query(states: dict, used: list[str], reps: int, seed: int, lang: str) -> str:
    """The address that restores the whole comparison (slots, levers, reps, seed, language)."""
    items: dict[str, str] = {}
    for slot in used:
        items.update(to_query(states[slot], "nl", prefix=slot.lower() + "."))
        items.pop(f"{slot.lower()}.seed", None)
    items.update({"reps": str(reps), "seed": str(seed)})
    if lang != "nl":
        items["lang"] = lang
    return query_string(items)


def _weeks_of(mix) -> int:
    return mix_defaults(mix)["weeks"] if mix in mixes() else 104


def cached_result(ctx, states, names, reps, outcomes) -> dict | None:
    """The result record when every run is already cached (else None)."""
    keys = [
        [ctx.runner.key(s.scenario(), s.seed + r, s.weeks) for r in range(reps)] for s in states
    ]
    if any(ctx.runner.get(k) is None for row in keys for k in row):
        return None
    return {"keys": keys, "names": names, "outcomes": outcomes, "events": slot_events(states)}


def slot_events(states) -> list[list[dict]]:
    """Each slot's timeline as plain tables (what a result record keeps)."""
    return [[e.to_dict() for e in s.events] for s in states]


def _timelines(result: dict, names: list[str]) -> list[tuple]:
    """Each slot's checked events from a (possibly crafted) result record; none when bad."""
    raw = result.get("events")
    if not isinstance(raw, list) or len(raw) != len(names):
        return [()] * len(names)
    out = []
    for tables in raw:
        try:
            out.append(check_timeline(tables or [], WEEKS_RANGE[1]))
        except (ConfigError, TypeError, ValueError, AttributeError):
            out.append(())
    return out


def _marks(result: dict, names: list[str], lang: str) -> dict[int, str]:
    """Every slot's event weeks, each label led by its slot (two timelines side by side)."""
    timelines = _timelines(result, names)
    return timeline.merge_marks(
        *(timeline.marks(evs, lang, tag=n) for n, evs in zip(names, timelines, strict=True))
    )


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
    marks = _marks(result, names, lang)
    cards = []
    for outcome in outcomes:
        if any(outcome not in tb.columns for row in tables for tb in row):
            continue
        stats = {n: replicate_stats(row, outcome) for n, row in zip(names, tables, strict=True)}
        diffs = {
            f"{n} − {names[0]}": paired_diff(row, tables[0], outcome)
            for n, row in zip(names[1:], tables[1:], strict=True)
        }
        fig, caption = figures.bands(stats, outcome, lang, marks=marks)
        dfig, dcaption = figures.bands(diffs, outcome, lang, diff=True, marks=marks)
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
    return html.Div([_timelines_summary(result, names, lang), *cards])


def _timelines_summary(result: dict, names: list[str], lang: str) -> html.Ul | None:
    """What each slot's events are, in words (the charts mark their weeks)."""
    items = [
        html.Li(f"{t('compare.slot', lang, name=n)}: {timeline.timeline_text(evs, lang)}")
        for n, evs in zip(names, _timelines(result, names), strict=True)
        if evs
    ]
    if not items:
        return None
    return html.Ul(items, id=f"{P}-events-summary", className="small fw-semibold")


def csv_table(ctx, result: dict) -> pd.DataFrame:
    """Per outcome and week: each scenario's mean and 10-90% band, and B − A per other slot."""
    names = [str(n)[:1] for n in result["names"]]
    tables = {
        n: [ctx.runner.get(k) for k in row] for n, row in zip(names, result["keys"], strict=True)
    }
    frames = []
    for outcome in result["outcomes"]:
        wide = None
        for name in names:
            stats = replicate_stats(tables[name], outcome).set_index("week")
            stats.columns = [f"{name}_{c}" for c in stats.columns]
            wide = stats if wide is None else wide.join(stats)
        for name in names[1:]:
            diff = paired_diff(tables[name], tables[names[0]], outcome).set_index("week")
            diff.columns = [f"{name}-{names[0]}_{c}" for c in diff.columns]
            wide = wide.join(diff)
        frames.append(wide.reset_index().assign(outcome=outcome))
    out = pd.concat(frames, ignore_index=True)
    return out[["outcome", "week", *[c for c in out.columns if c not in ("outcome", "week")]]]


def csv_header(result: dict, query, version: str) -> list[tuple[str, str]]:
    """The settings on top of the comparison's CSV: its address, the model, each timeline."""
    header = [("comparison", query if isinstance(query, str) else ""), ("model", version)]
    slots = [str(n)[:1] for n in result["names"]]
    for name, events in zip(slots, _timelines(result, slots), strict=True):
        header += [(f"{name} event {i}", event_spec(e)) for i, e in enumerate(events, 1)]
    return header


def register_callbacks(app, ctx) -> None:
    """Run the comparison in the job pool, keep it in the address, render it, download it."""

    @app.callback(
        Output(f"{P}-result", "data", allow_duplicate=True),
        Output(f"{P}-message", "children"),
        Output(f"{P}-message", "is_open"),
        Output(f"{P}-query", "data"),
        *progress.ui_outputs(P),
        Input(f"{P}-run", "n_clicks"),
        Input(f"{P}-autorun", "n_intervals"),
        *_slot_inputs(),
        State(f"{P}-reps", "value"),
        State(f"{P}-seed", "value"),
        State(f"{P}-outcomes", "value"),
        State(f"{P}-lang", "data"),
        State(f"{P}-job", "data"),
        prevent_initial_call=True,
    )
    def start(_n, _auto, *values):
        *slots, reps, seed, outcomes, lang, job = values
        lang = clean_lang(lang)
        try:
            names, states = parse_slots(slots, seed)
            reps = int(check_choice("reps", reps, [str(r) for r in REPS]))
            if not isinstance(outcomes, list) or not outcomes:
                raise ConfigError("outcomes", outcomes, "choose at least one outcome")
            outcomes = [check_choice("outcome", o, HEADLINE) for o in outcomes[: len(HEADLINE)]]
        except ConfigError as exc:
            message = slot_message(exc, lang)
            return no_update, message, True, no_update, *progress.stopped(message)
        query = page_query(dict(zip(names, states, strict=True)), names, reps, states[0].seed, lang)
        ctx.jobs.cancel(job)
        cached = cached_result(ctx, states, names, reps, outcomes)
        if cached is not None:
            done = t("common.done", lang, what=", ".join(names))
            return cached, "", False, query, *progress.instant(done)
        tasks = replication_tasks(states, reps)
        meta = {"names": names, "reps": reps, "outcomes": outcomes}
        meta["events"] = slot_events(states)
        new = ctx.jobs.submit(tasks, watch=None, meta=meta)
        return no_update, "", False, query, *progress.started(new, lang)

    def finish(status, lang):
        names, reps = status.meta["names"], status.meta["reps"]
        keys = [status.keys[i * reps : (i + 1) * reps] for i in range(len(names))]
        result = {"keys": keys, "names": names, "outcomes": status.meta["outcomes"]}
        result["events"] = status.meta.get("events", [])
        return result, t("common.done", lang, what=", ".join(names))

    progress.register(app, ctx, P, Output(f"{P}-result", "data"), finish)

    for slot in SLOTS:  # the value beside each slider follows it
        p = f"{P}-{slot.lower()}"
        timeline.register_editor(app, p, f"{P}-lang")

        @app.callback(
            [Output(f"{p}-lever-{name}-value", "children") for name in KEY_LEVERS],
            [Input(f"{p}-lever-{name}", "value") for name in KEY_LEVERS],
            State(f"{P}-lang", "data"),
            prevent_initial_call=True,
        )
        def readouts(*values):
            *raw, lang = values
            return [
                ui.readout(n, v, clean_lang(lang)) for n, v in zip(KEY_LEVERS, raw, strict=True)
            ]

    app.clientside_callback(
        """function(q) { if (q) { window.history.replaceState(null, '', '/compare' + q); }
            return q; }""",
        Output(f"{P}-url", "data"),
        Input(f"{P}-query", "data"),
        prevent_initial_call=True,
    )

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
        Input(f"{P}-csv-nl", "n_clicks"),
        State(f"{P}-result", "data"),
        State(f"{P}-query", "data"),
        prevent_initial_call=True,
    )
    def download(_n, _n_nl, result, query):
        from dash import ctx as dash_ctx

        ok = (
            isinstance(result, dict)
            and isinstance(result.get("keys"), list)
            and all(
                isinstance(r, list) and all(is_key(k) and ctx.runner.has(k) for k in r)
                for r in result["keys"]
            )
            and all(o in HEADLINE for o in result.get("outcomes") or ["?"])
            and isinstance(result.get("names"), list)
            and len(result["names"]) == len(result["keys"])
        )
        if not ok:
            return no_update
        dutch = dash_ctx.triggered_id == f"{P}-csv-nl"
        header = csv_header(result, query, ctx.runner.version)
        names = "-".join(str(n)[:1] for n in result["names"])
        text = csv_text(csv_table(ctx, result), header, dutch)
        return send(
            text, file_name("compare", names, f"{len(result['keys'][0])} reps", dutch=dutch)
        )
