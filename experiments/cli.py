"""The ``mpgsim`` command line: every command is registered here, in one table.

User errors - a bad scenario, value, path or argument, including what the argument parser
rejects - print one line and exit with status 2; they never show a traceback. The command
modules import their heavy dependencies (DuckDB, Dask, plotly, the model) inside the commands,
so ``mpgsim --help`` and ``mpgsim params`` start quickly.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping

import typer

from experiments import cli_discover, cli_experiments, cli_run, cli_store, cli_validate
from sim.errors import ConfigError

HELP = "Simulate the MPG V&O work field: runs, sweeps, sensitivity, validation, reports."

#: group -> (help, {command: function}); "" holds the top-level commands.
COMMANDS: dict[str, tuple[str, dict[str, Callable]]] = {
    "": (
        HELP,
        {
            "run": cli_run.run,
            "params": cli_run.params,
            "scenarios": cli_run.scenarios,
            "status": cli_store.status,
            "verify": cli_store.verify,
            "compact": cli_store.compact,
            "report": cli_store.report,
            "export": cli_store.export,
            "validate": cli_validate.validate,
            "calibrate": cli_validate.calibrate,
            "screen": cli_validate.screen,
            "robust": cli_experiments.robust,
            "discover": cli_discover.discover,
        },
    ),
    "sweep": (
        "Sweeps: the kwadrant, or your own grid, CSV or Latin-hypercube design.",
        {
            "kwadrant": cli_experiments.sweep_kwadrant,
            "grid": cli_experiments.sweep_grid,
            "csv": cli_experiments.sweep_csv,
            "lhs": cli_experiments.sweep_lhs,
        },
    ),
    "sensitivity": (
        "Global sensitivity analysis (SALib).",
        {"sobol": cli_experiments.sobol, "morris": cli_experiments.morris},
    ),
}


def build_app(extra: Mapping[str, Callable] | None = None) -> typer.Typer:
    """The ``mpgsim`` application: :data:`COMMANDS` plus ``extra`` top-level commands."""
    app = typer.Typer(
        name="mpgsim",
        help=HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    for group, (help_text, commands) in COMMANDS.items():
        target = app
        if group:
            target = typer.Typer(help=help_text, no_args_is_help=True)
            app.add_typer(target, name=group)
        for name, function in commands.items():
            target.command(name)(function)
    for name, function in (extra or {}).items():
        app.command(name)(function)
    return app


def main(application: typer.Typer) -> None:
    """Run the CLI, turning user errors into one clear line and exit status 2."""
    try:
        code = application(standalone_mode=False)
    except ConfigError as exc:
        fail(str(exc))
    except typer.Abort:
        sys.exit(130)
    except typer.TyperException as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # a group called without a command
            typer.echo(exc.ctx.get_help())
            sys.exit(0)
        fail(exc.format_message() if hasattr(exc, "format_message") else str(exc))
    sys.exit(code if isinstance(code, int) else 0)


def fail(message: str) -> None:
    """Print ``error: message`` on one line to stderr and exit with status 2."""
    typer.secho("error: " + " ".join(message.split()), err=True, fg="red")
    sys.exit(2)
