"""``mpgsim run``, ``mpgsim params`` and ``mpgsim scenarios``."""

from __future__ import annotations

import csv
import json
import math
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from experiments.config import check_seed, list_scenarios, load_scenario, parse_sets
from experiments.integrity import check_writable_file
from experiments.timeline import EVENT_HELP

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
    events: Annotated[list[str] | None, typer.Option("--event", help=EVENT_HELP)] = None,
    cold: Annotated[
        bool,
        typer.Option(
            "--cold",
            help="Run the burn-in here: neither reuse nor keep the settled state "
            "(the table is the same either way).",
        ),
    ] = False,
) -> None:
    """Run one scenario and print a summary; optionally write the weekly table.

    The state after the burn-in is kept (see ``$MPGSIM_WARM_DIR``), so running the same
    scenario and seed again, for another length or with other events, skips the burn-in.

    With policy events (the scenario's events tables and --event options), the summary also
    gives, per event, the headline outcomes' means before and after it and, after a pulse,
    the weeks until each is back within its pre-event band.
    """
    from experiments.timeline import with_timeline

    if seed is not None:
        check_seed(seed)
    if out_file is not None:
        check_writable_file(out_file, "--out", suffix=".parquet")
    sc = load_scenario(scenario, parse_sets(sets))
    seed = sc.seed if seed is None else seed
    weeks = weeks or sc.weeks
    sc = with_timeline(sc, events, weeks)

    from experiments.single import run_scenario, tidy
    from experiments.warm import SettledStore

    store = None if cold else SettledStore()
    started = time.perf_counter()
    with _progress(weeks) as advance:
        weekly = run_scenario(sc, seed=seed, weeks=weeks, on_week=advance, store=store)
    elapsed = time.perf_counter() - started
    table = tidy(weekly, sc.params, seed, weeks, typology=sc.typology, events=sc.events)
    if out_file is not None:
        from experiments.io import write_parquet

        meta = {
            "scenario": sc.name,
            "overrides": dict(sc.overrides),
            "params": sc.params.to_dict(),
            "typology": sc.typology.values,
            "events": sc.event_dicts(),
            "seed": seed,
            "weeks": weeks,
        }
        write_parquet(table, out_file, meta)
    reused = store is not None and store.reused > 0
    _summary(sc, table, seed, weeks, elapsed, out_file, reused)


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


def _summary(sc, table, seed, weeks, elapsed, out_file, reused=False) -> None:
    from rich.table import Table

    from experiments.summary import TAIL_WEEKS, tail_means
    from sim.measures import HEADLINE, OUTCOMES

    means = tail_means(table, HEADLINE)
    burn_in = "burn-in reused" if reused else f"after {sc.params.burn_in_weeks} burn-in weeks"
    grid = Table(
        title=f"{sc.name}: seed {seed}, {weeks} weeks {burn_in}, {elapsed:.2f} s",
        title_justify="left",
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
    if sc.events:
        _event_summary(sc.events, table)
    if out_file is not None:
        out.print(f"wrote {out_file} ({len(table)} rows) and its .config.json")


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3f}"


def _event_summary(events, table) -> None:
    """Per event: before and after means of the headline outcomes, recovery after a pulse."""
    from rich.table import Table

    from experiments.timeline import BAND_SDS, BAND_WEEKS, HOLD_WEEKS, event_effects
    from sim.measures import HEADLINE

    effects = event_effects(table, events, HEADLINE)
    for (week, label), rows in effects.groupby(["week", "event"], sort=False):
        pulse = rows.kind.iloc[0] == "pulse"
        grid = Table(title=f"event week {week}: {label}", title_justify="left")
        grid.add_column("outcome", no_wrap=True)
        grid.add_column(f"before ({BAND_WEEKS} wk)", justify="right")
        grid.add_column("during" if pulse else "after", justify="right")
        if pulse:
            grid.add_column("weeks to recover", justify="right")
        for r in rows.itertuples():
            cells = [r.outcome, _fmt(r.before), _fmt(r.after)]
            if pulse:
                cells.append(_weeks(r.recovery_weeks) if r.left_band else "stayed in band")
            grid.add_row(*cells)
        if pulse:
            grid.caption = (
                f"recovered: back within the mean ± {BAND_SDS:g} sd of the {BAND_WEEKS} weeks "
                f"before the pulse for {HOLD_WEEKS} weeks running, counted from its end"
            )
            grid.caption_justify = "left"
        out.print(grid)


def _weeks(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    return "not within the run" if math.isinf(value) else f"{value:.0f}"


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
