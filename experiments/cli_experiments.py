"""``mpgsim sweep`` (kwadrant, grid, csv, lhs) and ``mpgsim sensitivity`` (sobol, morris).

Every experiment command takes policy events: the scenario's ``[[events]]`` and ``--event``
options (see :mod:`experiments.timeline`); own designs can vary an event's timing and size
with ``event.N.FIELD`` columns. Every experiment command is resumable: running the same
command again runs only the runs that have no result in ``--out`` yet. Everything a command
is given is checked before anything runs. A shard (``--shard i/n``) only runs its part; the
analysis is done once, by the command without ``--shard`` or by ``mpgsim report``, when every
shard is done.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from experiments.config import check_seed, load_scenario, parse_sets
from experiments.integrity import check_writable_dir
from experiments.timeline import EVENT_HELP, with_timeline
from sim.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd

    from experiments.store import Store

console = Console(stderr=True)
out = Console()

Scenarios = Annotated[list[str], typer.Option("--scenario", help="Scenario(s); repeat or a,b.")]
Reps = Annotated[int, typer.Option(min=1, help="Replications per cell or sample row.")]
Weeks = Annotated[int | None, typer.Option(min=1, max=1040, help="Weeks (default: scenario's).")]
Workers = Annotated[
    int | None, typer.Option(min=1, help="Worker processes (default and most: the cores).")
]
EngineOpt = Annotated[str, typer.Option(help="processes, dask or serial.")]
Scheduler = Annotated[str | None, typer.Option(help="Dask scheduler, e.g. tcp://host:8786.")]
Shard = Annotated[str | None, typer.Option("--shard", help="Run only shard i/n (job arrays).")]
Resume = Annotated[bool, typer.Option(help="Continue the experiment in --out (it must exist).")]
Seed = Annotated[int | None, typer.Option(help="Root seed (default: the scenario's).")]
Sets = Annotated[list[str] | None, typer.Option("--set", help="Override NAME=VALUE.")]
Events = Annotated[list[str] | None, typer.Option("--event", help=EVENT_HELP)]
Batch = Annotated[int | None, typer.Option(min=1, help="Runs per task (default: automatic).")]
Retry = Annotated[bool, typer.Option(help="Also rerun runs recorded as failed.")]
GridParams = Annotated[
    list[str],
    typer.Option(
        "--param",
        help="NAME=v1,v2,... (repeat for each parameter). NAME may be an event field "
        "event.N.FIELD: event N's week, until, ramp_weeks, a lever it sets or LEVEL_type "
        "(e.g. event.0.week=26,52,78).",
    ),
]
RangeParams = Annotated[
    list[str],
    typer.Option(
        "--param",
        help="NAME=LOW:HIGH (repeat for each parameter); NAME may be a numeric event field "
        "such as event.0.week=26:78.",
    ),
]


OutDir = Annotated[Path, typer.Option("--out", help="Results directory.")]


# --- sweeps ----------------------------------------------------------------------------------


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
    events: Events = None,
    batch: Batch = None,
    retry_failed: Retry = False,
) -> None:
    """The 3x3x3x3 full factorial over the four type levels, with per-cell means and CIs."""
    from experiments import kwadrant

    _sweep("kwadrant", kwadrant.cells(), locals())


def sweep_grid(
    param: GridParams,
    scenario: Scenarios = ["baseline"],  # noqa: B006
    reps: Reps = 3,
    weeks: Weeks = None,
    workers: Workers = None,
    engine: EngineOpt = "processes",
    scheduler: Scheduler = None,
    shard_spec: Shard = None,
    out_dir: OutDir = Path("results/grid"),
    resume: Resume = False,
    seed: Seed = None,
    sets: Sets = None,
    events: Events = None,
    batch: Batch = None,
    retry_failed: Retry = False,
) -> None:
    """Full factorial over declared parameters: --param NAME=v1,v2 for each (any type)."""
    from experiments import points

    _sweep("grid", points.grid_points(points.parse_grid(param)), locals())


def sweep_csv(
    file: Annotated[
        Path, typer.Argument(help="CSV: a header of parameter names, one row a point.")
    ],
    scenario: Scenarios = ["baseline"],  # noqa: B006
    reps: Reps = 3,
    weeks: Weeks = None,
    workers: Workers = None,
    engine: EngineOpt = "processes",
    scheduler: Scheduler = None,
    shard_spec: Shard = None,
    out_dir: OutDir = Path("results/csv"),
    resume: Resume = False,
    seed: Seed = None,
    sets: Sets = None,
    events: Events = None,
    batch: Batch = None,
    retry_failed: Retry = False,
) -> None:
    """The design points of a CSV file (one row per point, one column per parameter)."""
    from experiments import points

    _sweep("csv", points.csv_points(file), locals())


def sweep_lhs(
    param: RangeParams,
    n: Annotated[int, typer.Option("--n", min=2, help="Number of points.")] = 20,
    scenario: Scenarios = ["baseline"],  # noqa: B006
    reps: Reps = 3,
    weeks: Weeks = None,
    workers: Workers = None,
    engine: EngineOpt = "processes",
    scheduler: Scheduler = None,
    shard_spec: Shard = None,
    out_dir: OutDir = Path("results/lhs"),
    resume: Resume = False,
    seed: Seed = None,
    sets: Sets = None,
    events: Events = None,
    batch: Batch = None,
    retry_failed: Retry = False,
) -> None:
    """A Latin hypercube of --n points over --param NAME=LOW:HIGH ranges (numbers only)."""
    from experiments import points

    if seed is not None:
        check_seed(seed)
    box = points.parse_ranges(param)
    # The sample's own seed: the root seed, or the first scenario's when none is given.
    first = load_scenario(_names(scenario)[0])
    _sweep("lhs", points.lhs_points(box, n, first.seed if seed is None else seed), locals())


def _sweep(kind: str, points: Sequence[dict[str, Any]], a: dict[str, Any]) -> None:
    """Check, plan, run and (unless sharded or unfinished) analyse and print a sweep."""
    from experiments import pipeline

    _preflight(a)
    varied = sorted({name for p in points for name in p})
    scenarios = _scenarios(a["scenario"], a["sets"], varied)
    weeks = a["weeks"] or scenarios[0].weeks
    scenarios = [with_timeline(s, a["events"], weeks) for s in scenarios]
    store = _store(a["out_dir"], a["resume"])
    root = scenarios[0].seed if a["seed"] is None else a["seed"]
    if kind == "kwadrant":
        design = pipeline.plan_kwadrant(store, scenarios, a["reps"], weeks, root)
    else:
        design = pipeline.plan_points(store, kind, points, scenarios, a["reps"], weeks, root)
    _run_pending_from(store, design, a)
    if _analyse_here(store, a["shard_spec"]):
        if kind == "kwadrant":
            _print_kwadrant(pipeline.analyse_kwadrant(store))
        else:
            _print_points(pipeline.analyse_points(store)["points"])


def _preflight(a: dict[str, Any]) -> None:
    """Everything that can be checked before planning: shard, engine, seed, --out."""
    import pandas as pd

    from experiments.design import shard
    from experiments.executors import check_engine

    shard(pd.DataFrame({"run_id": []}), a["shard_spec"])
    if a["seed"] is not None:
        check_seed(a["seed"])
    check_writable_dir(a["out_dir"], "--out")
    check_engine(a["engine"], a["scheduler"])


def _names(names: list[str]) -> list[str]:
    flat = [n.strip() for name in names for n in name.split(",") if n.strip()]
    return list(dict.fromkeys(flat))


def _scenarios(names: list[str], sets: list[str] | None, varied: Sequence[str]) -> list:
    """The scenarios with the --set overrides, refusing to fix what the design varies."""
    overrides = parse_sets(sets)
    fixed = sorted(set(overrides) & set(varied))
    if fixed:
        raise ConfigError(
            "--set",
            f"{fixed[0]}={overrides[fixed[0]]}",
            "this design varies that parameter itself; drop the --set (or vary it yourself "
            "with `mpgsim sweep grid`)",
        )
    return [load_scenario(name, overrides) for name in _names(names)]


def _store(out_dir: Path, resume: bool) -> Store:
    from experiments.store import Store

    store = Store(out_dir)
    if resume and not store.design_path.exists():
        raise ConfigError("--out", str(out_dir), "nothing to resume: no design.parquet there")
    return store


def _analyse_here(store: Store, shard_spec: str | None) -> bool:
    """Analyse when the whole design is finished and this is not one shard of it."""
    if shard_spec:
        left = _left(store)
        what = "every shard is done" if not left else f"{left} runs of other shards are done"
        console.print(
            f"shard {shard_spec} finished; the analysis waits until {what}: then run "
            f"`mpgsim report {store.root}` (or this command without --shard)"
        )
        return False
    return _finished(store)


# --- robust coats -----------------------------------------------------------------------------

Fix = Annotated[
    list[str] | None,
    typer.Option("--fix", help="Hold an input at NAME=VALUE (or NAME: its current value)."),
]


def robust(
    scenario: Scenarios = ["cases/jesse"],  # noqa: B006
    worlds: Annotated[int, typer.Option(help="Plausible worlds (Latin hypercube).")] = 64,
    reps: Reps = 3,
    weeks: Weeks = 26,
    outcome: Annotated[
        str, typer.Option(help="'score' (the workshop's combined score) or an outcome.")
    ] = "score",
    tolerance: Annotated[
        float, typer.Option(help="Satisficing: within this share of the best (score: x100).")
    ] = 0.05,
    vary: Annotated[
        str, typer.Option(help="Kinds of input to vary: trait,mechanism,parameter.")
    ] = "trait,mechanism,parameter",
    fix: Fix = None,
    fix_file: Annotated[
        Path | None, typer.Option(help="TOML file of inputs to hold: name = value.")
    ] = None,
    trait_order: Annotated[
        str, typer.Option(help="kept: types keep the reading's order per trait; free: not.")
    ] = "kept",
    workers: Workers = None,
    engine: EngineOpt = "processes",
    scheduler: Scheduler = None,
    shard_spec: Shard = None,
    out_dir: OutDir = Path("results/robust"),
    resume: Resume = False,
    seed: Seed = None,
    sets: Sets = None,
    batch: Batch = None,
    retry_failed: Retry = False,
) -> None:
    """Robust best coats: all 81 coats in K plausible worlds per profile; P(best) and regret."""
    from experiments import pipeline
    from experiments import robust as rob
    from experiments import uncertainty as unc

    a = locals()
    rob.check_outcome(outcome)
    rob.check_tolerance(tolerance)
    _preflight(a)
    factors = unc.space(vary.split(","))
    scenarios = _scenarios(scenario, sets, [f.name for f in factors])
    typology = scenarios[0].typology
    fixed = unc.parse_fix(fix, fix_file, factors, typology)
    root = scenarios[0].seed if seed is None else seed
    table = unc.worlds(factors, worlds, root, typology, fixed, unc.check_order(trait_order))
    store = _store(out_dir, resume)
    space = {"worlds": worlds, "vary": [*unc.check_kinds(vary.split(","))], "fixed": fixed}
    space["trait_order"] = trait_order
    console.print(_space_line(factors, fixed, scenarios))
    design = pipeline.plan_robust(
        store,
        scenarios,
        table,
        factors,
        reps,
        weeks or scenarios[0].weeks,
        root,
        space,
        {"outcome": outcome, "tolerance": tolerance},
    )
    _run_pending_from(store, design, a)
    if _analyse_here(store, shard_spec):
        _print_robust(pipeline.analyse_robust(store, outcome, tolerance))


def _space_line(factors, fixed, scenarios) -> str:
    from experiments import uncertainty as unc

    n = unc.counts(factors)
    parts = [f"{n[k]} {k}s" for k in unc.KINDS if n[k]]
    held = f", {len(fixed)} fixed" if fixed else ""
    own = [
        f"{s.name} sets {len(factors) - len(unc.for_scenario(factors, s.overrides))} itself"
        for s in scenarios
    ]
    return f"uncertain inputs: {len(factors)} ({', '.join(parts)}{held}); " + "; ".join(own)


def _print_robust(tables: dict[str, pd.DataFrame], top: int = 10) -> None:
    from rich.table import Table

    summary, choice = tables["robust"], tables["robust_choice"]
    for _, pick in choice.iterrows():
        group = summary[summary.scenario == pick.scenario].head(top)
        grid = Table(
            title=f"robust coats {pick.scenario}: {pick.outcome}, {pick.worlds} worlds",
            title_justify="left",
            caption=_ROBUST_LEGEND,
            caption_justify="left",
        )
        for col in ("coat", "P(best)", "P(in CI)", "P(satisf.)", "regret med", "p90", "max"):
            grid.add_column(col, justify="left" if col == "coat" else "right")
        for _, r in group.iterrows():
            grid.add_row(
                r.coat,
                f"{r.p_best:.0%}",
                "n/a" if math.isnan(r.p_within_ci) else f"{r.p_within_ci:.0%}",
                f"{r.p_satisficing:.0%}",
                f"{r.regret_median:.3g}",
                f"{r.regret_p90:.3g}",
                f"{r.regret_max:.3g}",
            )
        out.print(grid)
        ties = int(group.ties.iloc[0]) if len(group) else 0
        out.print(
            f"most often best: {pick.most_often_best} ({pick.most_often_best_p:.0%} of worlds; "
            f"{ties} worlds with a shared best); minimax regret: {pick.minimax}; "
            f"satisficing: {pick.satisficing}"
        )
        out.print(pick.why_en)
        out.print(pick.why_nl)


_ROBUST_LEGEND = (
    "coat = professional/organisation/region/climate (V/B/I); P(best): share of worlds where "
    "it is best (a shared best split); P(in CI): within the paired 95% CI of the best; "
    "P(satisf.): regret within the tolerance; regret: shortfall from the world's best"
)


# --- sensitivity -----------------------------------------------------------------------------


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
    events: Events = None,
    batch: Batch = None,
    retry_failed: Retry = False,
) -> None:
    """Sobol indices (first order, total) with bootstrap CIs and a convergence table."""
    from experiments import sensitivity

    sensitivity.check_power_of_two(n)
    _sensitivity("sobol", locals())


def morris(
    scenario: Annotated[str, typer.Option(help="Scenario name or TOML path.")] = "baseline",
    params: Annotated[
        str | None, typer.Option(help="Parameters a,b,c (default: ~15); 'all': every input.")
    ] = None,
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
    events: Events = None,
    batch: Batch = None,
    retry_failed: Retry = False,
) -> None:
    """Morris elementary effects (mu*, sigma) with optimal trajectories: a cheap screening."""
    _sensitivity("morris", {**locals(), "second_order": False})


def _sensitivity(method: str, a: dict) -> None:
    from experiments import pipeline, sensitivity
    from sim.measures import OUTCOMES

    outcomes = [o.strip() for o in a["outcome"].split(",") if o.strip()]
    pipeline.check_outcomes(outcomes, list(OUTCOMES))
    names = [p.strip() for p in a["params"].split(",")] if a["params"] else None
    if names == ["all"]:
        own = {**load_scenario(a["scenario"]).overrides, **parse_sets(a["sets"])}
        names = sensitivity.all_inputs(own)
        console.print(_count_line(names))
    prob = sensitivity.problem(names)
    _preflight(a)
    (scen,) = _scenarios([a["scenario"]], a["sets"], prob["names"])
    weeks = a["weeks"] or scen.weeks
    scen = with_timeline(scen, a["events"], weeks)
    store = _store(a["out_dir"], a["resume"])
    seed = scen.seed if a["seed"] is None else a["seed"]
    design = pipeline.plan_sensitivity(
        store,
        method,
        prob,
        a["n"],
        a["reps"],
        weeks,
        seed,
        scen,
        a["second_order"],
    )
    _run_pending_from(store, design, a)
    if _analyse_here(store, a["shard_spec"]) and _finished(store, design, quiet=True):
        tables = pipeline.analyse_sensitivity(store, outcomes, a["n"])
        _print_sensitivity(tables)
        if method == "morris":
            _print_screen(tables["morris"], a)


def _count_line(names: list[str]) -> str:
    from experiments import uncertainty as unc

    kinds = unc.counts([f for f in unc.space() if f.name in set(names)])
    parts = ", ".join(f"{kinds[k]} {k}s" for k in unc.KINDS)
    return f"--params all: {len(names)} uncertain inputs ({parts})"


# --- running with a progress bar -----------------------------------------------------------


def _run_pending_from(store: Store, design: pd.DataFrame, a: dict[str, Any]) -> None:
    run_pending(
        store,
        design,
        a["engine"],
        a["workers"],
        a["scheduler"],
        a["shard_spec"],
        a["batch"],
        a["retry_failed"],
    )


def run_pending(
    store: Store,
    design: pd.DataFrame,
    engine: str,
    workers: int | None,
    scheduler: str | None,
    shard_spec: str | None,
    batch: int | None,
    retry_failed: bool,
) -> None:
    """Run what (one shard of) ``design`` still lacks in ``store``, with a progress bar.

    Damaged files are quarantined first (and named), so their runs are redone. A store whose
    runs are all done is compacted (:meth:`Store.tidy`).
    """
    from experiments.design import shard
    from experiments.executors import open_engine
    from experiments.models import run_model
    from experiments.runner import run_design

    for damage in store.repair():
        console.print(f"[yellow]quarantined damaged {damage.path.name}: {damage.problem}[/yellow]")
    part = shard(design, shard_spec).drop_duplicates("run_id")
    todo = len(store.pending(part, retry_failed))
    console.print(
        f"{len(part)} runs planned in {store.root}, {len(part) - todo} already have "
        f"a result, {todo} to run"
    )
    if not todo:
        _tidy(store, shard_spec)
        return
    with console.status(f"starting {engine} engine"):
        eng = open_engine(engine, workers, scheduler)
    if eng.requested:
        console.print(
            f"[yellow]--workers {eng.requested}: this machine has {eng.workers} cores "
            f"for this process; using {eng.workers} workers[/yellow]"
        )
    with eng, _progress(todo) as update:
        report = run_design(
            shard(design, shard_spec),
            eng,
            store,
            run_model,
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
            f"[yellow]{report.failed} runs failed; `mpgsim status {store.root}` shows the "
            "errors, --retry-failed reruns them[/yellow]"
        )
    _tidy(store, shard_spec)


def _tidy(store: Store, shard_spec: str | None) -> None:
    """Compact a store whose runs are done, so it is read in few files, not one per run.

    Not after one shard: shards run at once on one store, and two compactions would race.
    """
    if shard_spec is None:
        store.tidy()


class _progress:
    """A rich progress bar with runs done, failures and ETA; yields the runner's callback."""

    def __init__(self, total: int):
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

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


def _left(store: Store, design: pd.DataFrame | None = None) -> int:
    ids = set((design if design is not None else store.design()).run_id)
    return len(ids - store.done_ids() - store.failed_ids())


def _finished(store: Store, design: pd.DataFrame | None = None, quiet: bool = False) -> bool:
    """True when every run (of ``design``, default: the stored one) is done or failed."""
    left = _left(store, design)
    if left and not quiet:
        console.print(
            f"{left} runs of the design still have no result; run the command "
            "again (or the other shards) before the analysis"
        )
    return not left


# --- printing ------------------------------------------------------------------------------


def _print_kwadrant(tables: dict[str, pd.DataFrame]) -> None:
    from rich.table import Table

    from experiments import kwadrant

    cells = tables["kwadrant_cells"]
    shown = [o for o in kwadrant.KEY_OUTCOMES if o in set(cells.outcome)]
    for scen, group in cells.groupby("scenario"):
        # unstack, not pivot_table: pivot_table drops the all-NaN ci95 of one replication
        wide = group.set_index([*kwadrant.FACTORS, "outcome"])[["mean", "ci95", "n"]].unstack()
        grid = Table(
            title=f"kwadrant {scen}: mean ± 95% CI per cell",
            title_justify="left",
            caption=_LEGEND + _tail_note(),
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
    "coat = professional/organisation/region/climate; V vasthoudend, B balancerend, I innoverend; "
)


def _print_best(best: pd.DataFrame) -> None:
    import pandas as pd
    from rich.table import Table

    from experiments import kwadrant

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


def _print_points(points: pd.DataFrame) -> None:
    """Mean ± 95% CI of the key outcomes per scenario and design point."""
    from rich.table import Table

    from experiments import kwadrant

    shown = [o for o in kwadrant.KEY_OUTCOMES if o in set(points.outcome)]
    keys = [c for c in points.columns if c not in ("outcome", "n", "mean", "sd", "ci95")]
    wide = points.set_index([*keys, "outcome"])[["mean", "ci95", "n"]].unstack()
    grid = Table(title="mean ± 95% CI per design point", title_justify="left", caption=_tail_note())
    for col in (*keys[1:], "n"):
        grid.add_column(col.removesuffix("_type"))
    for name in shown:
        grid.add_column(kwadrant.SHORT.get(name, name), justify="right")
    for key, row in wide.iterrows():
        n = str(int(row[("n", shown[0])])) if shown else ""
        values = [_pm(row[("mean", o)], row[("ci95", o)]) for o in shown]
        grid.add_row(*(_short(v) for v in key[1:]), n, *values)
    out.print(grid)


def _short(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _tail_note() -> str:
    from experiments.summary import TAIL_WEEKS

    return f"values: mean over the last {TAIL_WEEKS} reported weeks of each run"


def _print_sensitivity(tables: dict[str, pd.DataFrame]) -> None:
    from rich.table import Table

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


def _print_screen(morris: pd.DataFrame, a: dict) -> None:
    """The inputs that matter, and the Sobol command for them (see sensitivity.screen)."""
    from experiments import sensitivity

    few = sensitivity.screen(morris)
    if not few:
        out.print("screening: no input stands out from the noise; Sobol would rank nothing")
        return
    out.print(
        f"screening: {len(few)} of {morris.parameter.nunique()} inputs matter (mu* at least "
        f"{sensitivity.SCREEN_SHARE:.0%} of the largest, CI above 0); Sobol on them:\n"
        f"  mpgsim sensitivity sobol --scenario {a['scenario']} --params {','.join(few)} "
        f"--n 256 --reps 3 --outcome {a['outcome']} --out results/sobol-few"
    )


def _pm(value: float, ci: float) -> str:
    big = max(abs(value), abs(ci) if math.isfinite(ci) else 0.0) >= 1000
    fmt = (lambda v: f"{v:,.0f}") if big else (lambda v: f"{v:.3f}")
    return fmt(value) if not math.isfinite(ci) else f"{fmt(value)} ± {fmt(ci)}"
