"""``mpgsim sweep``, ``mpgsim sensitivity``, ``mpgsim status``, ``compact`` and ``report``.

Every experiment command is resumable: running the same command again runs only the runs
that have no result in ``--out`` yet.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from experiments import kwadrant, pipeline, sensitivity
from experiments.cli_run import parse_sets
from experiments.config import load_scenario
from experiments.design import shard
from experiments.executors import check_engine, open_engine
from experiments.models import run_model
from experiments.store import Store
from sim.errors import ConfigError

console = Console(stderr=True)
out = Console()

sweep_app = typer.Typer(help="Sweeps over the model's design space.", no_args_is_help=True)
sensitivity_app = typer.Typer(help="Global sensitivity analysis (SALib).", no_args_is_help=True)

Scenarios = Annotated[list[str], typer.Option("--scenario", help="Scenario(s); repeat or a,b.")]
Reps = Annotated[int, typer.Option(min=1, help="Replications per cell or sample row.")]
Weeks = Annotated[int | None, typer.Option(min=1, max=1040, help="Weeks (default: scenario's).")]
Workers = Annotated[int | None, typer.Option(min=1, help="Worker processes (default: cores).")]
EngineOpt = Annotated[str, typer.Option(help="processes, dask or serial.")]
Scheduler = Annotated[str | None, typer.Option(help="Dask scheduler, e.g. tcp://host:8786.")]
Shard = Annotated[str | None, typer.Option("--shard", help="Run only shard i/n (job arrays).")]
OutDir = Annotated[Path, typer.Option("--out", help="Results directory.")]
Resume = Annotated[bool, typer.Option(help="Continue the experiment in --out (it must exist).")]
Seed = Annotated[int | None, typer.Option(help="Root seed (default: the scenario's).")]
Sets = Annotated[list[str] | None, typer.Option("--set", help="Override NAME=VALUE.")]
Batch = Annotated[int | None, typer.Option(min=1, help="Runs per task (default: automatic).")]
Retry = Annotated[bool, typer.Option(help="Also rerun runs recorded as failed.")]
DirArg = Annotated[Path, typer.Argument(help="A results directory.")]


# --- sweep kwadrant ------------------------------------------------------------------------


@sweep_app.command("kwadrant")
def sweep_kwadrant(
    scenario: Scenarios = ["baseline"],  # noqa: B006 - typer reads the default, never mutates it
    reps: Reps = 3,
    weeks: Weeks = None,
    workers: Workers = None,
    engine: EngineOpt = "processes",
    scheduler: Scheduler = None,
    shard_spec: Shard = None,
    out_dir: OutDir = Path("results/kwadrant"),
    resume: Resume = False,
    seed: Seed = None,
    sets: Sets = None,
    batch: Batch = None,
    retry_failed: Retry = False,
) -> None:
    """The 3x3x3x3 full factorial over the four type levels, with per-cell means and CIs."""
    _preflight(engine, scheduler, shard_spec)
    store = _store(out_dir, resume)
    scenarios = _scenarios(scenario, sets)
    weeks = weeks or scenarios[0].weeks
    root = scenarios[0].seed if seed is None else seed
    design = pipeline.plan_kwadrant(store, scenarios, reps, weeks, root)
    _run(store, design, engine, workers, scheduler, shard_spec, batch, retry_failed)
    if _finished(store):
        _print_kwadrant(pipeline.analyse_kwadrant(store))


def _preflight(engine: str, scheduler: str | None, shard_spec: str | None) -> None:
    shard(pd.DataFrame({"run_id": []}), shard_spec)
    check_engine(engine, scheduler)


def _scenarios(names: list[str], sets: list[str] | None) -> list:
    overrides = parse_sets(sets)
    flat = [n.strip() for name in names for n in name.split(",") if n.strip()]
    return [load_scenario(name, overrides) for name in dict.fromkeys(flat)]


def _store(out_dir: Path, resume: bool) -> Store:
    store = Store(out_dir)
    if resume and not store.design_path.exists():
        raise ConfigError("--out", str(out_dir), "nothing to resume: no design.parquet there")
    return store


# --- sensitivity ---------------------------------------------------------------------------


@sensitivity_app.command("sobol")
def sobol(
    scenario: Annotated[str, typer.Option(help="Scenario name or TOML path.")] = "baseline",
    params: Annotated[str | None, typer.Option(help="Parameters a,b,c (default: ~15).")] = None,
    n: Annotated[int, typer.Option("--n", help="Base sample size N, a power of two.")] = 256,
    reps: Reps = 1,
    outcome: Annotated[str, typer.Option(help="Outcome(s) a,b.")] = "stagnation_rate",
    second_order: Annotated[bool, typer.Option(help="Also second-order indices.")] = False,
    weeks: Weeks = None,
    workers: Workers = None,
    engine: EngineOpt = "processes",
    scheduler: Scheduler = None,
    shard_spec: Shard = None,
    out_dir: OutDir = Path("results/sobol"),
    resume: Resume = False,
    seed: Seed = None,
    sets: Sets = None,
    batch: Batch = None,
    retry_failed: Retry = False,
) -> None:
    """Sobol indices (first order, total) with bootstrap CIs and a convergence table."""
    sensitivity.check_power_of_two(n)
    _sensitivity("sobol", locals())


@sensitivity_app.command("morris")
def morris(
    scenario: Annotated[str, typer.Option(help="Scenario name or TOML path.")] = "baseline",
    params: Annotated[str | None, typer.Option(help="Parameters a,b,c (default: ~15).")] = None,
    n: Annotated[int, typer.Option("--n", help="Optimal trajectories r (>= 2).")] = 10,
    reps: Reps = 1,
    outcome: Annotated[str, typer.Option(help="Outcome(s) a,b.")] = "stagnation_rate",
    weeks: Weeks = None,
    workers: Workers = None,
    engine: EngineOpt = "processes",
    scheduler: Scheduler = None,
    shard_spec: Shard = None,
    out_dir: OutDir = Path("results/morris"),
    resume: Resume = False,
    seed: Seed = None,
    sets: Sets = None,
    batch: Batch = None,
    retry_failed: Retry = False,
) -> None:
    """Morris elementary effects (mu*, sigma) with optimal trajectories: a cheap screening."""
    _sensitivity("morris", {**locals(), "second_order": False})


def _sensitivity(method: str, a: dict) -> None:
    from sim.measures import OUTCOMES

    outcomes = [o.strip() for o in a["outcome"].split(",") if o.strip()]
    pipeline.check_outcomes(outcomes, list(OUTCOMES))
    names = [p.strip() for p in a["params"].split(",")] if a["params"] else None
    prob = sensitivity.problem(names)
    _preflight(a["engine"], a["scheduler"], a["shard_spec"])
    store = _store(a["out_dir"], a["resume"])
    scen = load_scenario(a["scenario"], parse_sets(a["sets"]))
    seed = scen.seed if a["seed"] is None else a["seed"]
    design = pipeline.plan_sensitivity(
        store,
        method,
        prob,
        a["n"],
        a["reps"],
        a["weeks"] or scen.weeks,
        seed,
        scen,
        a["second_order"],
    )
    _run(
        store,
        design,
        a["engine"],
        a["workers"],
        a["scheduler"],
        a["shard_spec"],
        a["batch"],
        a["retry_failed"],
    )
    if _finished(store, design):
        _print_sensitivity(pipeline.analyse_sensitivity(store, outcomes, a["n"]))


# --- running with a progress bar -----------------------------------------------------------


def _run(store, design, engine, workers, scheduler, shard_spec, batch, retry_failed) -> None:
    part = shard(design, shard_spec).drop_duplicates("run_id")
    todo = len(store.pending(part, retry_failed))
    console.print(
        f"{len(part)} runs planned in {store.root}, {len(part) - todo} already have "
        f"a result, {todo} to run"
    )
    if not todo:
        return
    with console.status(f"starting {engine} engine"):
        eng = open_engine(engine, workers, scheduler)
    with eng, _progress(todo) as update:
        report = pipeline.execute(
            store,
            design,
            eng,
            run_model,
            shard_spec,
            batch_size=batch,
            on_progress=update,
            retry_failed=retry_failed,
        )
    console.print(
        f"{report.done} done, {report.failed} failed in {report.seconds:.1f} s "
        f"({report.runs_per_second:.1f} runs/s; engine {eng.name}, {eng.workers} worker(s))"
    )
    if report.failed:
        console.print(
            f"[yellow]{report.failed} runs failed; see {store.root}/failures/ "
            "(`mpgsim status` shows the errors)[/yellow]"
        )


class _progress:
    """A rich progress bar with runs done, failures and ETA; yields the runner's callback."""

    def __init__(self, total: int):
        self.bar = Progress(
            TextColumn("runs"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("[red]{task.fields[failed]} failed"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
        )
        self.task = self.bar.add_task("runs", total=total, failed=0)

    def __enter__(self) -> Callable[[int, int], None]:
        self.bar.start()
        return lambda done, failed: self.bar.update(
            self.task, completed=done + failed, failed=failed
        )

    def __exit__(self, *exc) -> None:
        self.bar.stop()


def _finished(store: Store, design: pd.DataFrame | None = None) -> bool:
    """True when every run (of ``design``, default: the stored one) is done or failed."""
    ids = set((design if design is not None else store.design()).run_id)
    left = ids - store.done_ids() - store.failed_ids()
    if left:
        console.print(
            f"{len(left)} runs of the design still have no result; run the command "
            "again (or the other shards) before the analysis"
        )
    return not left


# --- printing ------------------------------------------------------------------------------


def _print_kwadrant(tables: dict[str, pd.DataFrame]) -> None:
    cells = tables["kwadrant_cells"]
    shown = [o for o in kwadrant.KEY_OUTCOMES if o in set(cells.outcome)]
    for scen, group in cells.groupby("scenario"):
        # unstack, not pivot_table: pivot_table drops the all-NaN ci95 of one replication
        wide = group.set_index([*kwadrant.FACTORS, "outcome"])[["mean", "ci95", "n"]].unstack()
        grid = Table(
            title=f"kwadrant {scen}: mean ± 95% CI per cell",
            title_justify="left",
            caption=_LEGEND,
            caption_justify="left",
        )
        grid.add_column("coat")
        grid.add_column("n", justify="right")
        for name in shown:
            grid.add_column(kwadrant.SHORT.get(name, name), justify="right")
        for coat, row in wide.iterrows():
            values = [_pm(row[("mean", o)], row[("ci95", o)]) for o in shown]
            label = kwadrant.coat_label(dict(zip(kwadrant.FACTORS, coat, strict=True)), True)
            grid.add_row(label, str(int(row[("n", shown[0])])) if shown else "", *values)
        out.print(grid)
    best = tables["kwadrant_best"]
    _print_best(best[best.outcome.isin(kwadrant.SHORT)])


_LEGEND = (
    "coat = professional/organisation/region/climate; V vasthoudend, B balancerend, "
    "I innoverend; values: mean over the last 52 weeks of each run"
)


def _print_best(best: pd.DataFrame) -> None:
    grid = Table(title="best-fitting coat per outcome and family profile", title_justify="left")
    grid.caption = (
        "sure: the best coat's lead over the runner-up exceeds its paired 95% CI; "
        "tied: coats (the best included) within the paired 95% CI of the best"
    )
    columns = ("scenario", "outcome", "better", "best", "mean ± CI", "2nd", "lead ± CI", "sure")
    for col in (*columns, "tied"):
        grid.add_column(col)
    for _, r in best.iterrows():
        runner = "/".join(t[0].upper() for t in r.runner_up.split("/"))
        grid.add_row(
            r.scenario,
            kwadrant.SHORT.get(r.outcome, r.outcome),
            r.better,
            kwadrant.coat_label(r, True),
            _pm(r["mean"], r.ci95),
            runner,
            _pm(r.lead, r.lead_ci95),
            "yes" if r.sure else "no",
            "n/a" if pd.isna(r.get("tied")) else str(r.tied),
        )
    out.print(grid)


def _print_sensitivity(tables: dict[str, pd.DataFrame]) -> None:
    main = tables.get("sobol", tables.get("morris"))
    cols = ["S1", "ST"] if "sobol" in tables else ["mu_star", "sigma"]
    for outcome, group in main.groupby("outcome"):
        grid = Table(title=f"{outcome} (reps {int(group.reps.iloc[0])})", title_justify="left")
        grid.add_column("parameter")
        for col in cols:
            grid.add_column(col, justify="right")
        for _, r in group.sort_values(
            cols[-1 if "sobol" in tables else 0], ascending=False
        ).iterrows():
            values = [_pm(r[c], r.get(f"{c}_conf", float("nan"))) for c in cols]
            grid.add_row(r.parameter, *values)
        out.print(grid)
    if "sobol_convergence" in tables:
        conv = tables["sobol_convergence"].groupby(["outcome", "n"]).ST_conf.max().reset_index()
        out.print("convergence (max ST CI half-width by N):")
        for _, r in conv.iterrows():
            out.print(f"  {r.outcome}  N={int(r.n):>6}  {r.ST_conf:.3f}")


def _pm(value: float, ci: float) -> str:
    big = max(abs(value), abs(ci) if math.isfinite(ci) else 0.0) >= 1000
    fmt = (lambda v: f"{v:,.0f}") if big else (lambda v: f"{v:.3f}")
    return fmt(value) if not math.isfinite(ci) else f"{fmt(value)} ± {fmt(ci)}"


# --- status, compact, report ---------------------------------------------------------------


def status(directory: DirArg) -> None:
    """Print planned / done / failed / remaining runs of a results directory."""
    store = Store(directory)
    counts = store.status()
    out.print(
        f"{directory}: {store.meta().get('design_kind', '?')}  "
        + "  ".join(f"{k} {v}" for k, v in counts.items())
    )
    if counts["failed"]:
        failures = store.query(
            "SELECT error_type, message, count(*) AS runs FROM failures "
            "GROUP BY ALL ORDER BY runs DESC LIMIT 5"
        )
        for _, r in failures.iterrows():
            out.print(f"  {r.runs} x {r.error_type}: {r.message[:120]}")


def compact(directory: DirArg) -> None:
    """Merge the part files of a results directory (safe while a sweep runs)."""
    store = Store(directory)
    store.design()
    merged = store.compact()
    out.print("merged " + ", ".join(f"{n} {t} files" for t, n in merged.items()))


def report(
    directory: DirArg,
    output: Annotated[
        Path | None, typer.Option(help="HTML file (default: DIR/report.html).")
    ] = None,
) -> None:
    """Write a self-contained HTML report (heatmaps, best coats, Sobol/Morris, convergence)."""
    from experiments.report import write_report

    path = write_report(Store(directory), output)
    out.print(f"wrote {path}")
