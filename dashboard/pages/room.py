"""The workshop room: the trainer's projector view and the participants' phone view.

The trainer opens a room for a training case (``/kamer``); the projector shows a short code
and a QR code. Participants open ``/r/CODE`` on their phones, without an account, pick a
coat and vote. The projector shows, live, how many chose each type per level and the most
popular coat. The trainer then reveals the popular coat next to the best-fitting one, and
every phone shows how far its own coat was.
"""

from __future__ import annotations

import base64

import dash_bootstrap_components as dbc
import flask
import qrcode
import qrcode.image.svg
from dash import Input, Output, State, dcc, html, no_update

from dashboard import components as ui
from dashboard import fit, progress
from dashboard.analysis import coat_distance
from dashboard.context import context
from dashboard.i18n import clean_lang, t
from dashboard.outcomes import FIT_CRITERIA, fmt, label
from dashboard.rooms import RoomError, is_code
from dashboard.state import cases, check_choice, mix_defaults, mixes
from sim.errors import ConfigError
from sim.params import TYPES
from sim.typology import LEVELS

PATH = "/kamer"
NAME = "room"
TITLE = "Workshopkamer · MPG V&O"
P = "rm"
V = "rv"  # the participant's (voter's) page
TYPE_COLUMNS = [f"{lv}_type" for lv in LEVELS]


def _cases() -> list[str]:
    return cases() or mixes()


def qr_image(url: str, lang: str) -> html.Img:
    """A QR code of ``url`` as an inline SVG image (made here, no outside service)."""
    svg = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=2).to_string()
    data = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
    return html.Img(src=data, alt=t("room.qr_alt", lang, url=url), className="room-qr")


def join_url(code: str) -> str:
    """The address participants open (the server's own host, as the trainer reached it)."""
    return flask.request.host_url.rstrip("/") + f"/r/{code}"


def layout(lang: str = "nl", code: str | None = None, **_q):
    """The trainer's page: open a room, then the projector view."""
    lang = clean_lang(lang)
    ctx = context()
    room = ctx.rooms.get(code)
    options = [(m, ui.mix_label(m, lang)) for m in _cases()]
    opener = dbc.Card(
        dbc.CardBody(
            [
                html.H2(t("room.open_title", lang), className="h3"),
                ui.select(f"{P}-case", t("room.case", lang), options, options[0][0]),
                dbc.Button(t("room.open", lang), id=f"{P}-open", color="primary", size="lg"),
                html.P(id=f"{P}-open-message", className="text-danger mt-2", role="alert"),
            ]
        ),
        class_name="mb-3",
        style={"display": "none"} if room else {},
    )
    return ui.shell(
        "workshop",
        lang,
        [
            html.H1(t("room.title", lang), className="display-6 fw-bold"),
            html.P(t("room.intro", lang), className="fs-5"),
            dcc.Store(id=f"{P}-lang", data=lang),
            dcc.Store(id=f"{P}-code", data=code if room else None),
            dcc.Store(id=f"{P}-token", storage_type="session"),
            dcc.Store(id=f"{P}-url"),
            dcc.Interval(id=f"{P}-tick", interval=1500, disabled=room is None),
            opener,
            html.Div(projector(ctx, code, lang) if room else None, id=f"{P}-projector"),
        ],
        query=f"?code={code}" if room else "",
        wide=True,
    )


def projector(ctx, code: str, lang: str):
    """Code, QR code, live votes, and the reveal."""
    room = ctx.rooms.get(code)
    url = join_url(code)
    return html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(
                        [
                            html.P(t("room.join_at", lang), className="fs-4 mb-1"),
                            html.P(
                                url, className="fs-4 fw-semibold text-break", id=f"{P}-url-text"
                            ),
                            html.P(t("room.code", lang), className="fs-4 mb-0"),
                            html.P(code, className="room-code", id=f"{P}-code-text"),
                            html.P(
                                [
                                    t("room.case", lang) + ": ",
                                    html.Strong(ui.mix_label(room["case"], lang)),
                                ],
                                className="fs-5",
                            ),
                        ],
                        md=7,
                    ),
                    dbc.Col(qr_image(url, lang), md=5, class_name="text-center"),
                ],
                class_name="mb-3",
            ),
            html.Div(votes_view(ctx, code, lang), id=f"{P}-votes"),
            html.Section(
                [
                    html.H2(t("room.reveal_title", lang), className="h2 mt-4"),
                    ui.run_box(P, lang, run_label=t("room.reveal", lang), big=True),
                    html.Div(reveal_view(room, lang), id=f"{P}-reveal-body"),
                ]
            ),
        ]
    )


def votes_view(ctx, code: str, lang: str):
    """How many voted, per level how many chose each type, and the most popular coat."""
    tally = ctx.rooms.tally(code)
    if tally is None:
        return dbc.Alert(t("room.error.unknown", lang), color="warning")
    cols = []
    for level in LEVELS:
        rows = [
            html.Tr(
                [
                    html.Th(t(f"type.{ty}", lang), scope="row", className="fw-normal"),
                    html.Td(
                        html.Div(
                            className="vote-bar",
                            style={"width": f"{100 * n / max(tally.voters, 1):.0f}%"},
                        ),
                        className="w-50",
                    ),
                    html.Td(str(n), className="text-end fw-semibold"),
                ]
            )
            for ty, n in tally.per_level[level].items()
        ]
        cols.append(
            dbc.Col(
                [
                    html.H3(t(f"level.{level}", lang), className="h5"),
                    html.Table(
                        html.Tbody(rows),
                        className="table table-sm fs-5 mb-0",
                        id=f"{P}-level-{level}",
                    ),
                ],
                md=6,
                xl=3,
            )
        )
    popular = (
        html.P(
            [
                t("room.popular", lang, n=tally.popular_votes) + " ",
                html.Strong(_coat_text(tally.popular, lang)),
            ],
            className="fs-4",
            id=f"{P}-popular",
        )
        if tally.popular
        else html.P(t("room.no_votes", lang), className="fs-4", id=f"{P}-popular")
    )
    return html.Div(
        [
            html.P(
                t("room.voters", lang, n=tally.voters), className="fs-3 fw-bold", id=f"{P}-count"
            ),
            dbc.Row(cols),
            popular,
        ]
    )


def _coat_text(coat, lang: str) -> str:
    return " / ".join(t(f"type.{ty}", lang) for ty in coat)


def reveal_result(scores, popular: tuple | None) -> dict:
    """What a room keeps of a reveal: every coat's rank, score and tie, the best and popular."""
    ranks = {
        "|".join(row[c] for c in TYPE_COLUMNS): [
            int(row["rank"]),
            round(float(row["score"]), 1),
            bool(row.get("tied", row["rank"] == 1)),
        ]
        for _, row in scores.iterrows()
    }
    best = scores.iloc[0]
    criteria = [c for c in FIT_CRITERIA if c in scores.columns]
    values = {
        "|".join(row[c] for c in TYPE_COLUMNS): {c: float(row[c]) for c in criteria}
        for _, row in scores.iterrows()
    }
    keep = {tuple(best[c] for c in TYPE_COLUMNS), popular}
    return {
        "best": [best[c] for c in TYPE_COLUMNS],
        "popular": list(popular) if popular else None,
        "ranks": ranks,
        "values": {k: v for k, v in values.items() if tuple(k.split("|")) in keep},
        "tied": int(scores.get("tied", scores["rank"] == 1).sum()),
        "source": str(best.get("source", "live")),
        "reps": int(scores["n"].min()) if "n" in scores else fit.REPS,
    }


def reveal_view(room: dict | None, lang: str):
    """The popular coat next to the best one, with their outcomes and how sure the model is."""
    if not room or not room.get("revealed"):
        return None
    result = room["revealed"]
    best = tuple(result["best"])
    popular = tuple(result["popular"]) if result.get("popular") else None
    cards = []
    for title, coat, colour in (
        (t("room.popular_coat", lang), popular, "warning"),
        (t("workshop.best_coat", lang), best, "success"),
    ):
        if coat is None:
            continue
        key = "|".join(coat)
        rank, score, _tied = result["ranks"][key]
        values = result["values"].get(key, {})
        outcomes = html.Dl(
            [
                item
                for name, v in values.items()
                for item in (
                    html.Dt(label(name, lang), className="col-7 fw-normal"),
                    html.Dd(fmt(name, v, lang), className="col-5 text-end"),
                )
            ],
            className="row fs-5 mb-0",
        )
        body = [
            html.P(_coat_text(coat, lang), className="fs-4 fw-semibold"),
            html.P(t("room.rank", lang, rank=rank, score=fmt_score(score, lang)), className="fs-5"),
            outcomes,
        ]
        cards.append(ui.coat_card(title, body, colour))
    return html.Div(
        [
            dbc.Row(cards, id=f"{P}-revealed"),
            html.P(sure_text(result, lang), className="fs-5", id=f"{P}-sure"),
        ]
    )


def fmt_score(score: float, lang: str) -> str:
    """A fit score 0-100 as text."""
    from dashboard.numbers import number

    return number(score, lang, 0)


def sure_text(result: dict, lang: str) -> str:
    """How sure the best coat is: alone, or tied with others within the noise."""
    source = t(f"workshop.source_{result['source']}", lang, reps=result["reps"])
    return fit.sure_text(result["tied"], lang) + " " + source


def register_callbacks(app, ctx) -> None:
    """Open a room, follow its votes, reveal; the participant's vote and view."""

    @app.callback(
        Output(f"{P}-code", "data"),
        Output(f"{P}-token", "data"),
        Output(f"{P}-projector", "children"),
        Output(f"{P}-open-message", "children"),
        Output(f"{P}-tick", "disabled"),
        Input(f"{P}-open", "n_clicks"),
        State(f"{P}-case", "value"),
        State(f"{P}-lang", "data"),
        prevent_initial_call=True,
    )
    def open_room(_n, case, lang):
        lang = clean_lang(lang)
        try:
            case = check_choice("case", case, _cases())
            code, token = ctx.rooms.open(case)
        except ConfigError:
            return no_update, no_update, no_update, t("room.error.case", lang), no_update
        except RoomError as exc:
            return no_update, no_update, no_update, t(exc.key, lang), no_update
        fit.prefetch(ctx, case)  # the reveal's runs go on while the room votes
        return code, token, projector(ctx, code, lang), "", False

    app.clientside_callback(
        """function(code, lang) {
            if (code) {
                const q = '?code=' + code + (lang === 'en' ? '&lang=en' : '');
                window.history.replaceState(null, '', '/kamer' + q);
                const opener = document.getElementById('rm-open');
                if (opener) { opener.closest('.card').style.display = 'none'; }
            }
            return code;
        }""",
        Output(f"{P}-url", "data"),
        Input(f"{P}-code", "data"),
        State(f"{P}-lang", "data"),
    )

    @app.callback(
        Output(f"{P}-votes", "children"),
        Input(f"{P}-tick", "n_intervals"),
        State(f"{P}-code", "data"),
        State(f"{P}-lang", "data"),
        prevent_initial_call=True,
    )
    def follow(_n, code, lang):
        if not is_code(code):
            return no_update
        return votes_view(ctx, code, clean_lang(lang))

    def reveal_now(code, token, scores, lang):
        tally = ctx.rooms.tally(code)
        result = reveal_result(scores, tally.popular if tally else None)
        try:
            ctx.rooms.reveal(code, token, result)
        except RoomError as exc:
            return dbc.Alert(t(exc.key, lang), color="danger")
        return reveal_view(ctx.rooms.get(code), lang)

    @app.callback(
        Output(f"{P}-reveal-body", "children", allow_duplicate=True),
        *progress.ui_outputs(P),
        Input(f"{P}-run", "n_clicks"),
        State(f"{P}-code", "data"),
        State(f"{P}-token", "data"),
        State(f"{P}-lang", "data"),
        prevent_initial_call=True,
    )
    def reveal(_n, code, token, lang):
        lang = clean_lang(lang)
        room = ctx.rooms.get(code)
        if room is None:
            return dbc.Alert(t("room.error.unknown", lang), color="danger"), *progress.stopped("")
        if not (isinstance(token, str) and token == room["token"]):
            message = t("room.error.not_trainer", lang)
            return dbc.Alert(message, color="danger"), *progress.stopped(message)
        scores = fit.cached_fit(ctx, room["case"])
        if scores is not None:
            return reveal_now(code, token, scores, lang), *progress.instant(
                t("room.revealed", lang)
            )
        job = ctx.jobs.submit(
            fit.live_tasks(room["case"]), watch=None, meta={"code": code, "token": token}
        )
        return no_update, *progress.started(job, lang)

    def finish(status, lang):
        code, token = status.meta.get("code"), status.meta.get("token")
        room = ctx.rooms.get(code)
        scores = fit.live_fit(ctx, room["case"], status.keys) if room else None
        if scores is None:
            return no_update, t("common.expired", lang)
        return reveal_now(code, token, scores, lang), t("room.revealed", lang)

    progress.register(app, ctx, P, Output(f"{P}-reveal-body", "children"), finish)
    register_voter_callbacks(app, ctx)


# --- the participant's page ------------------------------------------------------------------


def voter_layout(lang: str = "nl", code: str | None = None, **_q):
    """The phone view: the case, four type choices and a Vote button; later the verdict."""
    lang = clean_lang(lang)
    code = (code or "").upper()
    room = context().rooms.get(code)
    if room is None:
        body = [
            html.H1(t("room.join_title", lang), className="h3"),
            dbc.Alert(t("room.error.unknown", lang), color="warning", id=f"{V}-unknown"),
        ]
        return ui.shell("workshop", lang, body, query=f"?code={code}")
    case = room["case"]
    story = mix_defaults(case)["case"]
    start = mix_defaults(case)["types"]
    body = [
        html.H1(ui.mix_label(case, lang), className="h3"),
        html.P(story.get(f"story_{lang}") or story.get("story_nl", ""), className="mb-3"),
        dcc.Store(id=f"{V}-lang", data=lang),
        dcc.Store(id=f"{V}-code", data=code),
        dcc.Store(id=f"{V}-me", storage_type="session"),
        dcc.Store(id=f"{V}-voted", storage_type="session"),
        dcc.Interval(id=f"{V}-tick", interval=2000),
        # the verdict comes first once it is there: a phone shows it without scrolling
        html.Div(id=f"{V}-verdict", className="mb-3"),
        html.H2(t("room.your_choice", lang), className="h5"),
        *[ui.type_picker(f"{V}-type-{lv}", lv, start[lv], lang, with_help=False) for lv in LEVELS],
        dbc.Button(
            t("room.vote", lang), id=f"{V}-vote", color="primary", size="lg", class_name="w-100"
        ),
        html.P(id=f"{V}-status", className="fs-5 mt-3", role="status", **{"aria-live": "polite"}),
    ]
    return ui.shell("workshop", lang, body, query="")


def verdict(room: dict, coat: tuple, lang: str):
    """How far the participant's coat was from the best one."""
    result = room["revealed"]
    best = tuple(result["best"])
    rank, score, tied = result["ranks"]["|".join(coat)]
    distance = coat_distance(
        dict(zip(TYPE_COLUMNS, coat, strict=True)), dict(zip(TYPE_COLUMNS, best, strict=True))
    )
    lines = [
        html.H2(t("room.verdict_title", lang), className="h4"),
        html.P(
            t("room.your_rank", lang, rank=rank, score=fmt_score(score, lang)),
            id=f"{V}-rank",
            className="fs-5",
        ),
        html.P(
            t("workshop.distance0", lang)
            if distance == 0
            else t("workshop.distance", lang, n=distance),
            className="fs-5",
            id=f"{V}-distance",
        ),
        html.P(
            [t("workshop.best_coat", lang) + ": ", html.Strong(_coat_text(best, lang))],
            className="fs-5",
        ),
    ]
    if tied and distance:
        lines.append(html.P(t("room.you_tied", lang), className="fs-5 fw-semibold"))
    return dbc.Card(dbc.CardBody(lines), color="success", outline=True, class_name="border-3")


def register_voter_callbacks(app, ctx) -> None:
    """The participant's vote, and the verdict once the trainer revealed."""

    @app.callback(
        Output(f"{V}-me", "data"),
        Output(f"{V}-voted", "data"),
        Output(f"{V}-status", "children"),
        Input(f"{V}-vote", "n_clicks"),
        State(f"{V}-code", "data"),
        State(f"{V}-me", "data"),
        *[State(f"{V}-type-{lv}", "value") for lv in LEVELS],
        State(f"{V}-lang", "data"),
        prevent_initial_call=True,
    )
    def vote(_n, code, me, *rest):
        *coat, lang = rest
        lang = clean_lang(lang)
        import uuid

        me = me if isinstance(me, str) and me.isalnum() and len(me) == 32 else uuid.uuid4().hex
        try:
            ctx.rooms.vote(code, me, coat)
        except RoomError as exc:
            return me, no_update, t(exc.key, lang)
        return me, list(coat), t("room.voted", lang, coat=_coat_text(coat, lang))

    @app.callback(
        Output(f"{V}-verdict", "children"),
        Output(f"{V}-tick", "disabled"),
        Output(f"{V}-vote", "disabled"),
        Output(f"{V}-status", "children", allow_duplicate=True),
        Input(f"{V}-tick", "n_intervals"),
        State(f"{V}-code", "data"),
        State(f"{V}-voted", "data"),
        State(f"{V}-lang", "data"),
        prevent_initial_call=True,
    )
    def watch(_n, code, voted, lang):
        room = ctx.rooms.get(code)
        if room is None or not room.get("revealed"):
            return no_update, False, no_update, no_update
        lang = clean_lang(lang)
        closed = t("room.error.closed", lang)  # voting ends with the reveal
        try:
            coat = tuple(voted) if voted and all(v in TYPES for v in voted) else None
        except TypeError:
            coat = None
        if coat is None or len(coat) != len(LEVELS):
            return html.P(t("room.no_vote_revealed", lang), className="fs-5"), True, True, closed
        return verdict(room, coat, lang), True, True, closed


EXTRA_PAGES = (
    {
        "name": "dashboard.pages.room_voter",
        "path": "/r",
        "path_template": "/r/<code>",
        "title": "Stemmen · MPG V&O",
        "layout": voter_layout,
    },
)
