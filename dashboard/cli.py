"""Entry point of ``mpgsim``: the experiments CLI plus the ``dashboard`` command.

It lives here so that imports flow one way (dashboard -> experiments -> sim); the commands
are all registered by :func:`experiments.cli.build_app`, this one passed in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from experiments.cli import build_app
from experiments.cli import main as _main

DEFAULT_RESULTS = Path("results")


def dashboard(
    host: Annotated[str, typer.Option(help="Interface to bind; 0.0.0.0 exposes it.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port.")] = 8050,
    sweep: Annotated[
        Path | None,
        typer.Option(
            help="Results folder with a kwadrant sweep and Sobol/Morris tables "
            "(default: ./results when it exists)."
        ),
    ] = None,
    cache_dir: Annotated[Path | None, typer.Option(help="Result and job cache folder.")] = None,
    slots: Annotated[int | None, typer.Option(min=1, max=64, help="Simultaneous runs.")] = None,
) -> None:
    """Start the dashboard; the default scenarios are computed first, so pages open with results.

    This is a threaded server for one machine or a workshop room; behind a reverse proxy use
    ``gunicorn -w 2 --threads 4 -b 127.0.0.1:8050 dashboard.wsgi:server``.
    """
    from werkzeug.serving import make_server

    from dashboard.app import create_app

    if sweep is None and DEFAULT_RESULTS.is_dir():
        sweep = DEFAULT_RESULTS  # where the README's sweep and sensitivity examples write
    dash_app = create_app(cache_dir=cache_dir, sweep_dir=sweep, slots=slots)
    dash_app.server.test_client().get("/")  # finish Dash's lazy setup before real traffic
    server = make_server(host, port, dash_app.server, threaded=True)
    typer.echo(f"MPG V&O dashboard on http://{host}:{port}/  (Ctrl+C stops it)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.shutdown()


app = build_app({"dashboard": dashboard})


def main() -> None:
    """Run the ``mpgsim`` command line."""
    _main(app)
