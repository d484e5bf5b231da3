"""``mpgsim run``, ``mpgsim params`` and ``mpgsim scenarios``."""

from __future__ import annotations

import csv
import json
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from experiments.config import check_seed, list_scenarios, load_scenario, parse_sets
from experiments.integrity import check_writable_file

console = Console(stderr=True)
out = Console(width=None if Console().is_terminal else 110)


def run(
    scenario: Annotated[
        str, typer.Argument(help="Scenario name from configs/ or a TOML path.")
    ] = "baseline",
    seed: Annotated[int | None, typer.Option(help="Seed (default: the scenario's).")] = None,
    weeks: Annotated[int | None, typer.Option(min=1, max=1040, help="Weeks to simulate.")] = None,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write the weekly table here (.parquet).")
    ] = None,
    sets: Annotated[
        list[str] | None, typer.Option("--set", help="Override a parameter: NAME=VALUE.")
    ] = None,
) -> None:
    """Run one scenario and print a summary; optionally write the weekly table."""
    if seed is not None:
        check_seed(seed)
    if out_file is not None:
        check_writable_file(out_file, "--out", suffix=".parquet")
    sc = load_scenario(scenario, parse_sets(sets))
    seed = sc.seed if seed is None else seed
    weeks = weeks or sc.weeks

    from experiments.single import run_scenario, tidy

    started = time.perf_counter()
    with _progress(weeks) as advance:
        weekly = run_scenario(sc, seed=seed, weeks=weeks, on_week=advance)
    elapsed = time.perf_counter() - started
    table = tidy(weekly, sc.params, seed, weeks, typology=sc.typology)
    if out_file is not None:
        from experiments.io import write_parquet

        meta = {
            "scenario": sc.name,
            "overrides": dict(sc.overrides),
            "params": sc.params.to_dict(),
            "typology": sc.typology.values,
            "seed": seed,
            "weeks": weeks,
        }
        write_parquet(table, out_file, meta)
    _summary(sc, table, seed, weeks, elapsed, out_file)


class _progress:
    """A progress bar for runs long enough to need one (shown on a terminal only)."""

    def __init__(self, weeks: int):
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        self.weeks = weeks
        self.bar = Progress(
            TextColumn("weeks"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )

    def __enter__(self):
        self.bar.start()
        self.task = self.bar.add_task("run", total=self.weeks)
        return lambda week, _total: self.bar.update(self.task, completed=week)

    def __exit__(self, *exc):
        self.bar.stop()


def _summary(sc, table, seed, weeks, elapsed, out_file) -> None:
    from rich.table import Table

    from experiments.summary import TAIL_WEEKS, tail_means
    from sim.measures import HEADLINE, OUTCOMES

    means = tail_means(table, HEADLINE)
    grid = Table(
        title=f"{sc.name}: seed {seed}, {weeks} weeks, {elapsed:.2f} s", title_justify="left"
    )
    grid.add_column("outcome", no_wrap=True)
    grid.add_column(f"mean, last {TAIL_WEEKS} weeks", justify="right")
    grid.add_column("final week", justify="right")
    grid.add_column("unit")
    for name in HEADLINE:
        grid.add_row(name, _fmt(means[name]), _fmt(table[name].iloc[-1]), OUTCOMES[name].unit)
    out.print(grid)
    types = ", ".join(f"{k}={v}" for k, v in sc.types.items())
    out.print(f"coat: {types}")
    if out_file is not None:
        out.print(f"wrote {out_file} ({len(table)} rows) and its .config.json")


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3f}"


class ListFormat(StrEnum):
    """Output formats of ``mpgsim params``."""

    table = "table"
    json = "json"
    csv = "csv"


PARAM_FIELDS = ("name", "group", "kind", "default", "unit", "low", "high", "choices", "source")


def params(
    group: Annotated[str | None, typer.Option(help="Only this group.")] = None,
    fmt: Annotated[
        ListFormat, typer.Option("--format", help="table (for reading), json or csv.")
    ] = ListFormat.table,
) -> None:
    """List every parameter: default, unit, bounds and source (full names, never cut)."""
    from sim.params import PARAMETERS

    chosen = [p for p in PARAMETERS.values() if not group or p.group == group]
    rows = [
        {
            "name": p.name,
            "group": p.group,
            "kind": p.kind,
            "default": p.default,
            "unit": p.unit,
            "low": p.low,
            "high": p.high,
            "choices": "|".join(p.choices or ()),
            "source": p.source,
        }
        for p in chosen
    ]
    if fmt == ListFormat.json:
        json.dump(rows, sys.stdout, indent=1)
        sys.stdout.write("\n")
    elif fmt == ListFormat.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=PARAM_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        _params_table(chosen)


def _params_table(chosen) -> None:
    from rich.table import Table

    grid = Table(show_lines=False)
    # The name column never shrinks: a cut name cannot be typed back into --set.
    width = max((len(p.name) for p in chosen), default=4)
    grid.add_column("name", no_wrap=True, min_width=width)
    grid.add_column("default", overflow="fold")
    grid.add_column("unit", overflow="fold")
    grid.add_column("allowed", overflow="fold")
    grid.add_column("source", overflow="fold")
    for p in chosen:
        allowed = p.allowed().removeprefix("allowed: ")
        grid.add_row(p.name, str(p.default), p.unit, allowed, p.source)
    out.print(grid)


def scenarios() -> None:
    """List the scenarios in configs/ with their descriptions."""
    for name in list_scenarios():
        sc = load_scenario(name)
        out.print(f"[bold]{name}[/bold]: {sc.description}")
