"""The app factory: pages, job pool, rooms, result cache, security headers, 404s.

``create_app()`` builds a complete, independent app. Everything a test may want to swap is a
parameter: the simulate function, the cache folder, the sweep folder and the number of
simultaneous runs. Callbacks are registered on the app (never globally), so several apps can
live in one process.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
import time
from pathlib import Path

import dash
import diskcache
import flask
from dash import Dash, Input, Output, State, dcc, html
from flask_talisman import Talisman

from dashboard import components as ui
from dashboard.context import EXTENSION, Context
from dashboard.i18n import clean_lang, t
from dashboard.jobs import JobPool
from dashboard.rooms import Rooms
from dashboard.runs import Runner, Simulate, default_simulate
from experiments.version import model_version

MAX_REQUEST_BYTES = 256 * 1024
#: Dash's own routes (scripts, callbacks, assets): never a page
_INTERNAL = re.compile(r"^/(_dash-|_reload-hash|_favicon|assets/|health$)")


def default_cache_dir() -> Path:
    """``$MPGSIM_CACHE_DIR``, else a folder under the system temp dir (never the repo)."""
    env = os.environ.get("MPGSIM_CACHE_DIR")
    return Path(env) if env else Path(tempfile.gettempdir()) / "mpgsim-dashboard-cache"


class _App(Dash):
    """Dash with ``<html lang>`` set per request from the ``lang`` query parameter."""

    def interpolate_index(self, **kwargs):  # noqa: D102 - Dash hook
        page = super().interpolate_index(**kwargs)
        lang = clean_lang(flask.request.args.get("lang")) if flask.has_request_context() else "nl"
        return page.replace("<html>", f'<html lang="{lang}">', 1)


def create_app(
    simulate: Simulate | None = None,
    cache_dir: str | Path | None = None,
    sweep_dir: str | Path | None = None,
    slots: int | None = None,
    warm: bool = True,
) -> Dash:
    """Build the dashboard.

    Args:
        simulate: ``simulate(scenario, seed, weeks=, on_week=)``; the real model when None.
        cache_dir: result and job cache folder (see :func:`default_cache_dir`).
        sweep_dir: results store with a kwadrant sweep / sensitivity tables
            (``$MPGSIM_SWEEP_DIR`` when None).
        slots: simultaneous model runs (``$MPGSIM_RUN_SLOTS``, else the number of cores).
        warm: run the default scenario now, so the first page shows results at once.
    """
    cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
    cache_dir.mkdir(parents=True, exist_ok=True)
    cache = diskcache.Cache(str(cache_dir), eviction_policy="least-recently-used", size_limit=2**30)
    slots = slots or int(os.environ.get("MPGSIM_RUN_SLOTS", 0)) or (os.cpu_count() or 2)
    sweep = sweep_dir or os.environ.get("MPGSIM_SWEEP_DIR")
    runner = Runner(cache, simulate or default_simulate)
    ctx = Context(runner, JobPool(runner, slots), Rooms(cache), Path(sweep) if sweep else None)

    app = _App(
        __name__,
        use_pages=True,
        pages_folder="",
        suppress_callback_exceptions=True,
        title="MPG V&O",
        update_title=None,
        assets_folder=str(Path(__file__).with_name("assets")),
        serve_locally=True,
        compress=False,
    )
    server = app.server
    server.extensions[EXTENSION] = ctx
    # Dash signs background-job handles with this key; it must be equal in every worker
    server.secret_key = os.environ.get("MPGSIM_SECRET_KEY") or secrets.token_hex(32)
    server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES

    from dashboard.pages import (
        about,
        compare,
        kwadrant,
        room,
        scenario,
        sensitivity,
        workshop,
    )

    modules = (scenario, compare, kwadrant, sensitivity, workshop, room, about)
    for order, module in enumerate(modules):
        dash.register_page(
            module.__name__,
            path=module.PATH,
            path_template=getattr(module, "PATH_TEMPLATE", None),
            name=module.NAME,
            title=module.TITLE,
            layout=module.layout,
            order=order,
        )
        module.register_callbacks(app, ctx)
    for module in getattr(room, "EXTRA_PAGES", ()):
        dash.register_page(
            module["name"],
            path=module["path"],
            path_template=module.get("path_template"),
            name=module["name"],
            title=module["title"],
            layout=module["layout"],
            order=50,
        )
    dash.register_page("not_found_404", layout=not_found, path="/404")
    dash.register_page(
        "dashboard.pages.home",
        path="/",
        name="home",
        title="MPG V&O",
        layout=scenario.layout,
        order=99,
    )
    app.layout = html.Div([dash.page_container, dcc.Store(id="noop")])
    app.clientside_callback(  # the navbar toggler on narrow screens
        "function(n, open) { return n ? !open : open; }",
        Output("nav-collapse", "is_open"),
        Input("nav-toggle", "n_clicks"),
        State("nav-collapse", "is_open"),
        prevent_initial_call=True,
    )

    def bad_callback_request(exc: Exception):
        # A crafted request naming unknown outputs or malformed inputs makes Dash's request
        # parsing raise; answer 400 with one line instead of a 500 page (and log it).
        if flask.request.path.endswith("/_dash-update-component"):
            server.logger.warning("refused callback request: %s", type(exc).__name__)
            return {"error": "bad callback request"}, 400
        return {"error": "internal error"}, 500

    for error in (KeyError, TypeError, ValueError, IndexError, AttributeError):
        server.register_error_handler(error, bad_callback_request)

    pages = [re.compile(_pattern(page)) for page in dash.page_registry.values()]

    @server.before_request
    def unknown_path():
        # Dash answers every path with its single-page app; an address that is no page gets
        # a real 404, in the reader's language, so links and crawlers see it too.
        path = flask.request.path
        if flask.request.method != "GET" or _INTERNAL.match(path):
            return None
        if any(p.match(path) for p in pages if p.pattern != "^/404$"):
            return None
        lang = clean_lang(flask.request.args.get("lang"))
        return flask.Response(_not_found_html(lang), status=404, mimetype="text/html")

    @server.get("/health")
    def health():
        return {"status": "ok", "version": model_version()}

    talisman = Talisman(
        server,
        force_https=False,  # TLS belongs to the reverse proxy
        content_security_policy={
            "default-src": "'self'",
            "script-src": "'self'",  # hashes are added below, once Dash is set up
            "style-src": ["'self'", "'unsafe-inline'"],  # Dash and plotly set inline styles
            "img-src": ["'self'", "data:", "blob:"],
            "font-src": ["'self'", "data:"],
            "connect-src": "'self'",
            "frame-ancestors": "'self'",
        },
        session_cookie_secure=False,
    )
    # Dash adds the page router and its inline clientside script on the first request. Make
    # that request now, then hash every inline script: the served CSP covers them all (and no
    # worker races on Dash's lazy setup, plotly/dash#3971).
    server.test_client().get("/")
    talisman.content_security_policy["script-src"] = ["'self'", *app.csp_hashes()]

    if warm:
        started = time.perf_counter()
        for module in (scenario, compare, kwadrant, workshop):
            module.warm_up(ctx)
        ctx.warmup_seconds = time.perf_counter() - started
    return app


def _pattern(page: dict) -> str:
    """A regular expression for a registered page's path (templates such as ``/r/<code>``)."""
    template = page.get("path_template") or page["path"]
    parts = re.split(r"<[^>]+>", template)
    return "^" + "[^/]+".join(re.escape(p) for p in parts) + "/?$"


def not_found(lang: str = "nl", **_query) -> html.Div:
    """The page for an address that is not a page (in-app navigation)."""
    lang = clean_lang(lang)
    return ui.shell(
        "none",
        lang,
        [
            html.H1(t("notfound.title", lang), className="h2"),
            html.P(t("notfound.text", lang)),
            html.A(
                t("notfound.home", lang), href="/scenario" + ("?lang=en" if lang == "en" else "")
            ),
        ],
    )


def _not_found_html(lang: str) -> str:
    """A plain 404 page (served before Dash, so it needs no scripts)."""
    home = "/scenario" + ("?lang=en" if lang == "en" else "")
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{t('notfound.title', lang)} · MPG V&amp;O</title>"
        '<link rel="stylesheet" href="/assets/bootstrap.min.css"></head>'
        f'<body><main class="container py-5"><h1>{t("notfound.title", lang)}</h1>'
        f'<p>{t("notfound.text", lang)}</p><p><a href="{home}">{t("notfound.home", lang)}</a>'
        "</p></main></body></html>"
    )
