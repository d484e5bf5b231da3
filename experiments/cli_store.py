"""``mpgsim status``, ``verify``, ``compact``, ``report`` and ``export``: a results store.

``status`` and ``verify`` read every file of the store and name the damaged ones; ``verify
--repair`` moves them to ``DIR/quarantine/`` so a rerun of the experiment redoes their runs.
``report`` and ``export`` refuse a damaged store (one line naming the files) rather than
silently use part of it, and ``report`` always analyses the runs as they are now.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from experiments.integrity import check_writable_file
from sim.errors import ConfigError

out = Console()
console = Console(stderr=True)

DirArg = Annotated[Path, typer.Argument(help="A results directory.")]


def _open(directory: Path):
    from experiments.store import Store

    store = Store(directory)
    store.design()  # one line, no traceback, when DIR is not a store or its design is damaged
    return store


def status(directory: DirArg) -> None:
    """Print planned / done / failed / remaining runs; name damaged files and common errors."""
    from experiments.store import Store

    store = Store(directory)
    damaged = store.damaged()
    design_damaged = [d for d in damaged if d.path == store.design_path]
    if design_damaged or not store.design_path.exists():
        _print_damage(store, damaged)
        store.design()  # raises the one-line error
    counts = store.status()
    out.print(
        f"{directory}: {store.meta().get('design_kind', '?')}  "
        + "  ".join(f"{k.replace('_', ' ')} {v}" for k, v in counts.items())
    )
    _print_damage(store, damaged)
    if counts["failed"] and not damaged:
        failures = store.query(
            "SELECT error_type, message, count(*) AS runs FROM failures "
            "GROUP BY ALL ORDER BY runs DESC LIMIT 5"
        )
        for _, r in failures.iterrows():
            out.print(f"  {r.runs} x {r.error_type}: {r.message[:120]}")


def _print_damage(store, damaged) -> None:
    for d in damaged:
        out.print(f"  [red]damaged[/red] {d.path.relative_to(store.root)}: {d.problem}")
    if damaged:
        out.print(
            f"  `mpgsim verify {store.root} --repair` moves them to quarantine/; "
            "rerunning the experiment's command then redoes their runs"
        )


def verify(
    directory: DirArg,
    repair: Annotated[bool, typer.Option(help="Quarantine the damaged files.")] = False,
) -> None:
    """Read every file of a results directory whole and name the damaged ones.

    Exits with status 1 when damage is found and not repaired.
    """
    from experiments.store import Store, is_store

    store = Store(directory)
    if not is_store(directory):
        raise ConfigError("DIR", str(directory), "no design.parquet or parts/ here")
    files = store.all_files()
    damaged = store.repair() if repair else store.damaged()
    out.print(f"{directory}: {len(files)} files checked, {len(damaged)} damaged")
    for d in damaged:
        verb = "quarantined" if repair else "damaged"
        out.print(f"  {verb} {d.path.relative_to(store.root)}: {d.problem}")
    if damaged and repair:
        out.print("  rerun the experiment's command: it redoes the runs of quarantined files")
    if damaged and not repair:
        out.print(f"  `mpgsim verify {directory} --repair` quarantines them")
        raise typer.Exit(1)


def compact(directory: DirArg) -> None:
    """Merge the part files of a results directory (safe while a sweep runs)."""
    store = _open(directory)
    merged = store.compact()
    out.print("merged " + ", ".join(f"{n} {t} files" for t, n in merged.items()))


def report(
    directory: DirArg,
    output: Annotated[
        Path | None, typer.Option(help="HTML file (default: DIR/report.html).")
    ] = None,
) -> None:
    """Write a self-contained HTML report (heatmaps, best coats, fan charts, Sobol/Morris)."""
    target = output if output is not None else Path(directory) / "report.html"
    check_writable_file(target, "--output", suffix=".html")
    store = _open(directory)
    store.check_intact()
    store.tidy()  # a large store is read in few files, not one per run

    from experiments.report import write_report

    path = write_report(store, target)
    out.print(f"wrote {path}")


class ExportFormat(StrEnum):
    """File formats of ``mpgsim export``."""

    csv = "csv"
    parquet = "parquet"


def export(
    directory: DirArg,
    fmt: Annotated[ExportFormat, typer.Option("--format", help="csv or parquet.")] = (
        ExportFormat.csv
    ),
    weekly: Annotated[
        bool, typer.Option("--weekly/--runs", help="Weekly rows, or one row per run (default).")
    ] = False,
    output: Annotated[
        Path | None, typer.Option(help="File to write (default: DIR/export/<table>.<format>).")
    ] = None,
) -> None:
    """Write the runs (one row per run, with its design) or the weekly rows as one file.

    CSV is UTF-8 with a header row, comma-separated, with a decimal point: R, pandas, SPSS and
    spreadsheets read it as it is.
    """
    table = "weekly" if weekly else "runs"
    target = output or Path(directory) / "export" / f"{table}.{fmt.value}"
    check_writable_file(target, "--output", suffix=f".{fmt.value}")
    store = _open(directory)

    from experiments.export import export_table

    rows = export_table(store, table, target, fmt.value)
    out.print(f"wrote {target} ({rows} rows)")
    if fmt == ExportFormat.csv and rows > 1_048_575:
        console.print("[yellow]more rows than a spreadsheet sheet holds; use R or pandas[/yellow]")
