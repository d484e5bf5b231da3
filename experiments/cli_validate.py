"""``mpgsim validate`` and ``mpgsim calibrate``: the model against the report's patterns."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from experiments.config import config_dir, load_scenario
from experiments.executors import check_engine

if TYPE_CHECKING:
    import pandas as pd

# The validation and calibration modules bring SciPy, pandas and the model: they are imported
# inside the commands, so that `mpgsim --help` and the other commands do not wait for them.

console = Console(stderr=True)
out = Console(width=None if Console().is_terminal else 140)

ENGINE = typer.Option(help="processes, dask or serial.")
# options validate and screen share
Reps = Annotated[int, typer.Option(min=2, max=200, help="Replications per variant.")]
Weeks = Annotated[
    int, typer.Option(min=26, max=520, help="Reported weeks per run (after the burn-in).")
]
Seed = Annotated[int, typer.Option(help="Root seed of the replications.")]
Workers = Annotated[int | None, typer.Option(help="Worker processes.")]
PatternsFile = Annotated[Path | None, typer.Option("--patterns")]


def validate(
    reps: Reps = 10,
    scenario: Annotated[str, typer.Option(help="Scenario to validate.")] = "baseline",
    weeks: Weeks = 104,
    seed: Seed = 20190201,
    out_dir: Annotated[Path, typer.Option("--out", help="Results store and report.")] = Path(
        "out/validation"
    ),
    engine: Annotated[str, ENGINE] = "processes",
    workers: Workers = None,
    patterns_file: PatternsFile = None,
    knockouts: Annotated[
        bool,
        typer.Option(
            "--knockouts",
            help="Also run every corroboration pattern with its mechanism switched off.",
        ),
    ] = False,
) -> None:
    """Test every pattern of configs/patterns.toml on the scenario, with replications.

    Verification patterns (inputs and encoded rules) are shown apart and not counted.
    Corroboration patterns count as evidence only when they pass, do not drift and - with
    --knockouts - fail without the mechanism they name: the mechanism carries most of the
    effect (the 95% interval of the share left lies below one half). Prints each headline
    outcome's drift a year over the reported weeks. Exits with status 1 when a pattern fails or
    drifts, or a knocked-out corroboration pattern does not fail. Writes validation.md, .html
    and .parquet (and drift.parquet) to --out.
    """
    from experiments import validation
    from experiments.cli_experiments import run_pending
    from experiments.pipeline import prepare
    from experiments.store import Store
    from sim.measures import HEADLINE

    check_engine(engine, None)  # before anything is written to --out
    patterns = validation.load_patterns(patterns_file)
    sc = load_scenario(scenario)
    store = Store(out_dir)
    design = validation.plan(sc, patterns, reps, weeks, seed, knockouts)
    identity = validation_identity(sc.name, weeks, seed)
    prepare(store, design, identity, {"patterns": [p.id for p in patterns]})
    run_pending(store, design, engine, workers, None, None, None, False)
    runs = store.runs()
    drift = validation.run_drift(
        store, sorted({o for p in patterns for o in p.outcomes} | set(HEADLINE))
    )
    # scored on this command's own design: the store may also hold the design of another
    # patterns file, in which a shared run has another variant index
    table = validation.evaluate(patterns, runs, design, drift, knockouts)
    drifts = validation.drift_table(runs, drift, design)
    _print(table, drifts, sc.name, reps, weeks, sc.params.burn_in_weeks)
    _save(table, drifts, out_dir, sc.name, reps, weeks, seed)
    problems = _problems(table)
    if problems:
        console.print("[red]" + "; ".join(problems) + "[/red]")
        raise typer.Exit(1)


def validation_identity(scenario: str, weeks: int, seed: int) -> dict:
    """What makes a results directory one validation: validate and screen may share it."""
    return {"kind": "validation", "scenario": scenario, "weeks": weeks, "seed": seed}


def _problems(table: pd.DataFrame) -> list[str]:
    """What makes the validation fail, in words (empty when everything holds)."""
    out = []
    for role in ("calibration", "corroboration", "verification"):
        bad = table[(table.role == role) & ~table.passed]
        if len(bad):
            out.append(f"{role} patterns failing or drifting: {', '.join(bad.id)}")
    if "knockout_fails" in table:
        survive = table[(table.role == "corroboration") & (table.knockout_fails == False)]  # noqa: E712
        if len(survive):
            out.append(f"not carried by their mechanism: {', '.join(survive.id)}")
    return out


def _print(table, drifts, name: str, reps: int, weeks: int, burn_in: int) -> None:
    from rich.table import Table

    from experiments import validation

    num = validation.fmt
    title = f"{name}: patterns, {reps} replications, {weeks} reported weeks after {burn_in}"
    for role in ("corroboration", "calibration", "verification"):
        part = table[table.role == role]
        if part.empty:
            continue
        grid = Table(title=f"{title} - {role}", title_justify="left")
        for col in ("pattern", "target", "model (95% CI)", "drift/yr", "result"):
            grid.add_column(col, overflow="fold")
        knock = role == "corroboration" and "knockout_fails" in part
        if knock:
            grid.add_column("without its mechanism", overflow="fold")
        for r in part.itertuples():
            ci = f"{num(r.value)} ({num(r.ci_low)} to {num(r.ci_high)})"
            result = "[green]pass[/green]" if r.passed else "[red]FAIL[/red]"
            if r.met and r.drifting:
                result = "[red]DRIFTING[/red]" + validation.drift_detail(r)
            if role == "verification":
                result = "holds" if r.passed else "[red]does not hold[/red]"
            cells = [r.id, r.target, ci, validation.drift_cell(r), result]
            if knock:
                colour = "green" if r.knockout_fails else "red"
                ko = f"{r.mechanism} off: {num(r.knockout_value)}, "
                ko += f"[{colour}]{validation.knockout_words(r)}[/{colour}]"
                cells.append(ko)
            grid.add_row(*cells)
        out.print(grid)
    grid = Table(
        title="drift a year over the reported weeks (headline outcomes)", title_justify="left"
    )
    for col in ("outcome", "mean", "drift/yr (95% CI)", "share of mean (95% CI)", ""):
        grid.add_column(col)
    for r in drifts.itertuples():
        ci = f"{num(r.drift_per_year)} ({num(r.ci_low)} to {num(r.ci_high)})"
        share = f"{r.drift_share:+.1%} ({r.share_low:+.1%} to {r.share_high:+.1%})"
        flag = validation.drift_verdict(r.drift_share, r.share_low, r.share_high)
        flag = f"[red]{flag}[/red]" if r.drifting else flag
        grid.add_row(r.outcome, num(r.mean), ci, share, flag)
    out.print(grid)
    counts = validation.describe(table)
    out.print(", ".join(f"{role}: {c['passed']}/{c['total']} pass" for role, c in counts.items()))
    if "evidence" in counts.get("corroboration", {}):
        c = counts["corroboration"]
        out.print(
            f"evidence: {c['evidence']} of {c['total']} corroboration patterns pass and fail "
            "without their mechanism"
        )


def _save(table, drifts, out_dir: Path, name: str, reps: int, weeks: int, seed: int) -> None:
    from experiments import validation
    from experiments.io import write_parquet

    meta = {"scenario": name, "reps": reps, "weeks": weeks, "seed": seed}
    write_parquet(table, out_dir / "validation.parquet", meta)
    write_parquet(drifts, out_dir / "drift.parquet", meta)
    md = validation.to_markdown(table)
    (out_dir / "validation.md").write_text(md)
    (out_dir / "evidence.md").write_text(validation.evidence_table(table))
    html = table.to_html(index=False, float_format=lambda x: f"{x:.4g}", border=0)
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Validation</title>"
        "<style>body{font-family:sans-serif;margin:2em}td,th{padding:4px 8px;"
        "border-bottom:1px solid #ddd;text-align:left}</style></head><body>"
        f"<h1>Validation of {name}</h1><p>{json.dumps(meta)}</p>{html}"
        f"<h2>Drift a year</h2>{drifts.to_html(index=False, border=0)}</body></html>"
    )
    (out_dir / "validation.html").write_text(page)
    console.print(f"wrote {out_dir}/validation.md, evidence.md, .html and .parquet")


def screen(
    pattern: Annotated[
        list[str] | None,
        typer.Option(help="Corroboration pattern to screen (repeatable; default: all)."),
    ] = None,
    mechanism: Annotated[
        list[str] | None,
        typer.Option(help="Mechanism to knock out (repeatable; default: every switch)."),
    ] = None,
    reps: Reps = 5,
    scenario: Annotated[str, typer.Option(help="Scenario to screen on.")] = "baseline",
    weeks: Weeks = 104,
    seed: Seed = 20190201,
    out_dir: Annotated[Path, typer.Option("--out", help="Results store and report.")] = Path(
        "out/screen"
    ),
    engine: Annotated[str, ENGINE] = "processes",
    workers: Workers = None,
    patterns_file: PatternsFile = None,
) -> None:
    """Knock out every mechanism in turn: which mechanisms carry each corroboration pattern.

    For a pattern that still holds without the mechanism it names (see validate --knockouts),
    this shows the route the model does take. A diagnostic, not a test: it always exits 0
    when the runs complete. Writes screen.md and screen.parquet to --out.
    """
    from experiments import attribution, validation
    from experiments.cli_experiments import run_pending
    from experiments.io import write_parquet
    from experiments.pipeline import prepare
    from experiments.store import Store

    check_engine(engine, None)  # before anything is written to --out
    patterns = validation.load_patterns(patterns_file)
    chosen, mechanisms = attribution.select(patterns, pattern or (), mechanism or ())
    sc = load_scenario(scenario)
    store = Store(out_dir)
    design, screened = attribution.plan(sc, chosen, mechanisms, reps, weeks, seed)
    # the validation's identity: a screen in the validation's --out reuses its runs
    identity = validation_identity(sc.name, weeks, seed)
    prepare(store, design, identity, {"patterns": [p.id for p in chosen]})
    run_pending(store, design, engine, workers, None, None, None, False)
    declared = {p.id: p.mechanism for p in chosen}
    table = attribution.evaluate(screened, store.runs(), design, declared)
    meta = {"scenario": sc.name, "reps": reps, "weeks": weeks, "seed": seed}
    write_parquet(table, out_dir / "screen.parquet", meta)
    md = attribution.to_markdown(table)
    (out_dir / "screen.md").write_text(md)
    out.print(md)
    console.print(f"wrote {out_dir}/screen.md and screen.parquet")


def calibrate(
    sets: Annotated[int | None, typer.Option(min=4, help="Parameter sets (default: file).")] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Results store.")] = Path(
        "out/calibration"
    ),
    engine: Annotated[str, ENGINE] = "processes",
    workers: Workers = None,
    write: Annotated[
        bool, typer.Option(help="Write the result to configs/calibrated.toml.")
    ] = False,
) -> None:
    """Calibrate free parameters against the calibration patterns (configs/calibration.toml).

    Rejection filtering on Latin hypercubes in narrowing waves; reports sets tried and kept.
    """
    import pandas as pd
    from rich.table import Table

    from experiments import calibration, validation
    from experiments.io import write_parquet
    from sim.calibration import CALIBRATED_FILE

    check_engine(engine, None)  # before anything is written to --out
    procedure = calibration.load_procedure()
    patterns = validation.load_patterns()
    sc = load_scenario(procedure.scenario)
    box, waves = dict(procedure.priors), []
    for wave in range(procedure.waves):
        console.print(f"wave {wave + 1} of {procedure.waves}")
        waves.append(_wave(procedure, patterns, sc, sets, box, wave, out_dir, engine, workers))
        box = calibration.narrow(waves[-1], box, procedure.keep_share)
    scored = pd.concat(waves, ignore_index=True)
    write_parquet(scored, out_dir / "calibration.parquet", {"procedure": str(procedure)})
    tried, kept = len(scored), int(scored.kept.sum())
    out.print(f"{tried} parameter sets tried, {kept} kept (all calibration patterns met)")
    if procedure.confirm_reps and kept:
        scored = _confirm(procedure, patterns, sc, scored[scored.kept], out_dir, engine, workers)
        kept = int(scored.kept.sum())
        out.print(f"{kept} of them confirmed with {procedure.confirm_reps} fresh replications each")
    chosen = calibration.choose(scored, procedure.priors)
    grid = Table(title="chosen values and plausible ranges (kept sets)", title_justify="left")
    for col in ("parameter", "prior", "chosen", "kept range"):
        grid.add_column(col)
    for name, c in chosen.items():
        grid.add_row(
            name,
            f"{c['prior'][0]:g}-{c['prior'][1]:g}",
            f"{c['value']:g}",
            f"{c['low']:g}-{c['high']:g}",
        )
    out.print(grid)
    if write:
        target = config_dir() / CALIBRATED_FILE
        target.write_text(calibration.render_data(chosen, tried, kept, procedure))
        out.print(f"wrote {target}; run `mpgsim validate` to check the new defaults")


def _confirm(procedure, patterns, sc, kept, out_dir, engine, workers) -> pd.DataFrame:
    """Run the kept sets again with more, fresh replications and score them on those."""
    from experiments import calibration

    design = calibration.confirm_plan(procedure, sc, kept)
    identity = {"kind": "calibration-confirm", "scenario": sc.name, "seed": procedure.seed + 1}
    identity |= {"weeks": procedure.weeks}
    return _run_and_score(patterns, design, identity, out_dir / "confirm", engine, workers)


def _wave(procedure, patterns, sc, sets, box, wave, out_dir, engine, workers) -> pd.DataFrame:
    """Run one wave in its own store (resumable) and score its parameter sets."""
    from experiments import calibration

    design = calibration.plan(procedure, sc, sets, box, wave)
    identity = {"kind": "calibration", "scenario": sc.name, "seed": procedure.seed}
    identity |= {"weeks": procedure.weeks, "wave": wave, "box": box}
    store_dir = out_dir / f"wave-{wave + 1}"
    scored = _run_and_score(patterns, design, identity, store_dir, engine, workers)
    console.print(f"  {int(scored.kept.sum())} of {len(scored)} sets kept in this wave")
    return scored.assign(wave=wave + 1)


def _run_and_score(patterns, design, identity, store_dir, engine, workers) -> pd.DataFrame:
    """Run a calibration design in its own store (resumable); score its parameter sets."""
    from experiments import calibration
    from experiments.cli_experiments import run_pending
    from experiments.pipeline import prepare
    from experiments.store import Store

    store = Store(store_dir)
    full = prepare(store, design, identity, {})
    run_pending(store, design, engine, workers, None, None, None, False)
    return calibration.score(patterns, store.runs(), full[full.run_id.isin(design.run_id)])
