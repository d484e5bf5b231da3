"""The ``mpgsim`` command line: runs, sweeps, sensitivity analyses and reports.

User errors (a bad scenario, value or argument) print one line and exit with status 2; they
never show a traceback.
"""

from __future__ import annotations

import sys

import typer

from experiments import cli_experiments, cli_run, cli_validate
from sim.errors import ConfigError

app = typer.Typer(
    name="mpgsim",
    help="Simulate the MPG V&O work field: runs, kwadrant sweeps, sensitivity, reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

app.command("run")(cli_run.run)
app.command("params")(cli_run.params)
app.command("scenarios")(cli_run.scenarios)
app.add_typer(cli_experiments.sweep_app, name="sweep")
app.add_typer(cli_experiments.sensitivity_app, name="sensitivity")
app.command("status")(cli_experiments.status)
app.command("compact")(cli_experiments.compact)
app.command("report")(cli_experiments.report)
app.command("validate")(cli_validate.validate)
app.command("calibrate")(cli_validate.calibrate)


def main(application: typer.Typer = app) -> None:
    """Run the CLI, turning user errors into one clear line and exit status 2."""
    try:
        application(standalone_mode=True)
    except ConfigError as exc:
        typer.secho(f"error: {exc}", err=True, fg="red")
        sys.exit(2)
