"""``mpgsim run``, ``mpgsim params`` and ``mpgsim scenarios``."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from experiments.config import list_scenarios, load_scenario
from experiments.io import write_parquet
from experiments.single import run_scenario, tidy
from experiments.summary import TAIL_WEEKS, tail_means
from sim.errors import ConfigError
from sim.measures import HEADLINE, OUTCOMES
from sim.params import PARAMETERS, check_name

console = Console(stderr=True)
out = Console(width=None if Console().is_terminal else 110)

SUMMARY = HEADLINE


def parse_sets(sets: list[str] | None) -> dict[str, Any]:
    """Turn ``["caseload_norm=12", "region_type=innoverend"]`` into typed overrides."""
    overrides: dict[str, Any] = {}
    for item in sets or []:
        name, sep, raw = item.partition("=")
        if not sep:
            raise ConfigError("--set", item, "write it as NAME=VALUE")
        param = check_name(name.strip())
        overrides[param.name] = _coerce(param.kind, raw.strip())
    return overrides


def _coerce(kind: str, raw: str) -> Any:
    if kind == "bool":
        return {"true": True, "false": False}.get(raw.lower(), raw)
    if kind in ("int", "float"):
        try:
            number = float(raw)
        except ValueError:
            return raw
        return int(number) if kind == "int" and number.is_integer() else number
    return raw


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
    if out_file is not None and out_file.suffix != ".parquet":
        raise ConfigError("--out", str(out_file), "the file name must end in .parquet")
    sc = load_scenario(scenario, parse_sets(sets))
    seed = sc.seed if seed is None else seed
    weeks = weeks or sc.weeks
    started = time.perf_counter()
    with _progress(weeks) as advance:
        weekly = run_scenario(sc, seed=seed, weeks=weeks, on_week=advance)
    elapsed = time.perf_counter() - started
    table = tidy(weekly, sc.params, seed, weeks, typology=sc.typology)
    if out_file is not None:
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
    means = tail_means(table, SUMMARY)
    grid = Table(
        title=f"{sc.name}: seed {seed}, {weeks} weeks, {elapsed:.2f} s", title_justify="left"
    )
    grid.add_column("outcome", no_wrap=True)
    grid.add_column(f"mean, last {TAIL_WEEKS} weeks", justify="right")
    grid.add_column("final week", justify="right")
    grid.add_column("unit")
    for name in SUMMARY:
        grid.add_row(name, _fmt(means[name]), _fmt(table[name].iloc[-1]), OUTCOMES[name].unit)
    out.print(grid)
    types = ", ".join(f"{k}={v}" for k, v in sc.types.items())
    out.print(f"coat: {types}")
    if out_file is not None:
        out.print(f"wrote {out_file} ({len(table)} rows) and its .config.json")


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3f}"


def params(group: Annotated[str | None, typer.Option(help="Only this group.")] = None) -> None:
    """List every parameter: default, unit, bounds and source."""
    grid = Table(show_lines=False)
    for col in ("name", "default", "unit", "allowed", "source"):
        grid.add_column(col)
    for p in PARAMETERS.values():
        if group and p.group != group:
            continue
        allowed = p.allowed().removeprefix("allowed: ")
        grid.add_row(p.name, str(p.default), p.unit, allowed, p.source)
    out.print(grid)


def scenarios() -> None:
    """List the scenarios in configs/ with their descriptions."""
    for name in list_scenarios():
        sc = load_scenario(name)
        out.print(f"[bold]{name}[/bold]: {sc.description}")
