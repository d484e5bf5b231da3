"""``mpgsim validate`` and ``mpgsim calibrate``: the model against the report's patterns."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from experiments import calibration, validation
from experiments.cli_experiments import run_pending
from experiments.config import config_dir, load_scenario
from experiments.io import write_parquet
from experiments.pipeline import prepare
from experiments.store import Store
from sim.calibration import CALIBRATED_FILE

console = Console(stderr=True)
out = Console(width=None if Console().is_terminal else 140)

ENGINE = typer.Option(help="processes, dask or serial.")


def validate(
    reps: Annotated[int, typer.Option(min=2, max=200, help="Replications per variant.")] = 10,
    scenario: Annotated[str, typer.Option(help="Scenario to validate.")] = "baseline",
    weeks: Annotated[int, typer.Option(min=53, max=520, help="Weeks per run.")] = 104,
    seed: Annotated[int, typer.Option(help="Root seed of the replications.")] = 20190201,
    out_dir: Annotated[Path, typer.Option("--out", help="Results store and report.")] = Path(
        "out/validation"
    ),
    engine: Annotated[str, ENGINE] = "processes",
    workers: Annotated[int | None, typer.Option(help="Worker processes.")] = None,
    patterns_file: Annotated[Path | None, typer.Option("--patterns")] = None,
) -> None:
    """Test every pattern of configs/patterns.toml on the scenario, with replications.

    Exits with status 1 if a calibration pattern fails. Writes validation.md, validation.html
    and validation.parquet to --out.
    """
    patterns = validation.load_patterns(patterns_file)
    sc = load_scenario(scenario)
    store = Store(out_dir)
    design = validation.plan(sc, patterns, reps, weeks, seed)
    identity = {"kind": "validation", "scenario": sc.name, "weeks": weeks, "seed": seed}
    full = prepare(store, design, identity, {"patterns": [p.id for p in patterns]})
    run_pending(store, design, engine, workers, None, None, None, False)
    table = validation.evaluate(patterns, store.runs(), full[full.run_id.isin(design.run_id)])
    _print(table, sc.name, reps)
    _save(table, out_dir, sc.name, reps, weeks, seed)
    failed = table[(table.role == "calibration") & ~table.passed]
    if len(failed):
        console.print(f"[red]calibration patterns failing: {', '.join(failed.id)}[/red]")
        raise typer.Exit(1)


def _print(table, name: str, reps: int) -> None:
    grid = Table(title=f"{name}: patterns, {reps} replications", title_justify="left")
    for col in ("pattern", "role", "target", "model (95% CI)", "result"):
        grid.add_column(col, overflow="fold")
    for r in table.itertuples():
        num = validation.fmt
        ci = f"{num(r.value)} ({num(r.ci_low)} to {num(r.ci_high)})"
        result = "[green]pass[/green]" if r.passed else "[red]FAIL[/red]"
        grid.add_row(r.id, r.role, r.target, ci, result)
    out.print(grid)
    counts = validation.describe(table)
    out.print(", ".join(f"{role}: {c['passed']}/{c['total']} pass" for role, c in counts.items()))


def _save(table, out_dir: Path, name: str, reps: int, weeks: int, seed: int) -> None:
    meta = {"scenario": name, "reps": reps, "weeks": weeks, "seed": seed}
    write_parquet(table, out_dir / "validation.parquet", meta)
    md = validation.to_markdown(table)
    (out_dir / "validation.md").write_text(md)
    html = table.to_html(index=False, float_format=lambda x: f"{x:.4g}", border=0)
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Validation</title>"
        "<style>body{font-family:sans-serif;margin:2em}td,th{padding:4px 8px;"
        "border-bottom:1px solid #ddd;text-align:left}</style></head><body>"
        f"<h1>Validation of {name}</h1><p>{json.dumps(meta)}</p>{html}</body></html>"
    )
    (out_dir / "validation.html").write_text(page)
    console.print(f"wrote {out_dir}/validation.md, .html and .parquet")


def calibrate(
    sets: Annotated[int | None, typer.Option(min=4, help="Parameter sets (default: file).")] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Results store.")] = Path(
        "out/calibration"
    ),
    engine: Annotated[str, ENGINE] = "processes",
    workers: Annotated[int | None, typer.Option(help="Worker processes.")] = None,
    write: Annotated[
        bool, typer.Option(help="Write the result to configs/calibrated.toml.")
    ] = False,
) -> None:
    """Calibrate free parameters against the calibration patterns (configs/calibration.toml).

    Rejection filtering on Latin hypercubes in narrowing waves; reports sets tried and kept.
    """
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


def _wave(procedure, patterns, sc, sets, box, wave, out_dir, engine, workers) -> pd.DataFrame:
    """Run one wave in its own store (resumable) and score its parameter sets."""
    store = Store(out_dir / f"wave-{wave + 1}")
    design = calibration.plan(procedure, sc, sets, box, wave)
    identity = {
        "kind": "calibration",
        "scenario": sc.name,
        "seed": procedure.seed,
        "weeks": procedure.weeks,
        "wave": wave,
        "box": box,
    }
    full = prepare(store, design, identity, {})
    run_pending(store, design, engine, workers, None, None, None, False)
    scored = calibration.score(patterns, store.runs(), full[full.run_id.isin(design.run_id)])
    console.print(f"  {int(scored.kept.sum())} of {len(scored)} sets kept in this wave")
    return scored.assign(wave=wave + 1)
