"""Reading what the experiments store on disk: kwadrant sweeps and sensitivity indices.

The store's layout is documented in ``experiments/store.py``; this module reads the Parquet
files directly and defensively, so a half-written sweep, an older layout or a missing column
gives an empty result (and the page an explanatory empty state), never an exception.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd

from experiments.tables import numeric_outcomes
from sim.typology import LEVELS

TYPE_COLUMNS = [f"{level}_type" for level in LEVELS]
SUMMARY_WEEKS = 52


def _read_many(paths: list[Path]) -> pd.DataFrame:
    frames = []
    for path in paths:
        try:
            frames.append(pd.read_parquet(path))
        except (OSError, ValueError):
            continue  # a part being written or a foreign file: skip it, keep the rest
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _is_store(path: Path) -> bool:
    return (path / "design.parquet").exists() or (path / "parts").is_dir()


def find_stores(root: str | Path | None) -> list[Path]:
    """The experiment stores in ``root``: ``root`` itself, or the stores one level below it.

    ``mpgsim dashboard`` points at ``./results`` by default, where each sweep has its own
    directory (``results/kwadrant``, ``results/kw``, ...); all of them are read together.
    """
    if not root or not Path(root).is_dir():
        return []
    root = Path(root)
    if _is_store(root):
        return [root]
    return sorted(p for p in root.iterdir() if p.is_dir() and _is_store(p))


def sweep_runs(root: str | Path | None) -> pd.DataFrame:
    """One row per stored run with the four type columns, ``scenario`` and outcome means.

    Reads every kwadrant store found by :func:`find_stores`; a run stored twice (the same
    run id in two sweeps) counts once. Returns an empty frame when nothing is usable.
    """
    frames = [_store_runs(store, _signature(store)) for store in find_stores(root)]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True).drop_duplicates("run_id", ignore_index=True)


def _signature(store: Path) -> tuple:
    """What identifies a store's content: its files' names, sizes and times."""
    files = [store / "design.parquet", *(store / "runs").glob("*"), *(store / "parts").glob("*")]
    return tuple((f.name, st.st_size, st.st_mtime_ns) for f in files if (st := _stat(f)))


def _stat(path: Path):
    try:
        return path.stat()
    except OSError:
        return None


@functools.lru_cache(maxsize=16)
def _store_runs(root: Path, signature: tuple) -> pd.DataFrame:
    """The runs of one store; cached on its signature, so a page load reads no unchanged file.

    Uses the per-run summaries (``runs/``) when present, else the weekly rows (``parts/``)
    averaged over each run's last 52 weeks.
    """
    runs = _read_many(sorted((root / "runs").glob("*.parquet")))
    if runs.empty:
        weekly = _read_many(sorted((root / "parts").glob("*.parquet")))
        if weekly.empty or not {"run_id", "week"} <= set(weekly.columns):
            return pd.DataFrame()
        weekly = weekly.sort_values(["run_id", "week"])
        tail = weekly.groupby("run_id", sort=False).tail(SUMMARY_WEEKS)
        keep = [c for c in tail.columns if c in TYPE_COLUMNS or c == "scenario"]
        numeric = tail.select_dtypes("number").columns.difference(["week", "seed"])
        runs = tail.groupby("run_id")[list(numeric)].mean().reset_index()
        if keep:
            runs = runs.merge(tail.groupby("run_id")[keep].first().reset_index(), on="run_id")
    design = _read_many([root / "design.parquet"]) if (root / "design.parquet").exists() else None
    if design is not None and "run_id" in design.columns:
        extra = [c for c in [*TYPE_COLUMNS, "scenario"] if c in design.columns and c not in runs]
        if extra:
            runs = runs.merge(
                design[["run_id", *extra]].drop_duplicates("run_id"), on="run_id", how="left"
            )
    if not set(TYPE_COLUMNS) <= set(runs.columns):
        return pd.DataFrame()
    return runs


def kwadrant_grid(runs: pd.DataFrame, outcome: str, mix: str | None = None) -> pd.DataFrame:
    """Mean of ``outcome`` per coat (81 rows when complete), with the replication count ``n``.

    Filters on the ``scenario`` column when the store has one; a store without it is assumed
    to hold the baseline only.
    """
    if outcome not in runs.columns:
        return pd.DataFrame()
    runs = _for_mix(runs, mix)
    if runs.empty:
        return pd.DataFrame()
    grid = runs.groupby(TYPE_COLUMNS)[outcome].agg(["mean", "count"]).reset_index()
    return grid.rename(columns={"mean": "value", "count": "n"})


def stored_coats(root: str | Path | None, mix: str, min_reps: int) -> pd.DataFrame:
    """Every outcome's mean per coat for ``mix`` from the stored sweeps, with ``n``.

    Empty unless all 81 coats are stored with at least ``min_reps`` replications each, so a
    caller can fall back to computing the coats itself.
    """
    runs = _for_mix(sweep_runs(root), mix)
    if runs.empty:
        return pd.DataFrame()
    grouped = runs.groupby(TYPE_COLUMNS)
    coats = grouped[numeric_outcomes(runs)].mean().join(grouped.size().rename("n")).reset_index()
    if len(coats) < 81 or coats["n"].min() < min_reps:
        return pd.DataFrame()
    return coats


def _for_mix(runs: pd.DataFrame, mix: str | None) -> pd.DataFrame:
    """The runs of family mix ``mix`` (all runs when None)."""
    if runs.empty or mix is None:
        return runs
    if "scenario" not in runs.columns:
        return runs if mix == "baseline" else pd.DataFrame()
    names = runs["scenario"].astype(str)
    return runs[(names == mix) | (names == mix.split("/")[-1])]


def sensitivity_tables(root: str | Path | None) -> dict[str, pd.DataFrame]:
    """Sobol and Morris tables found in or below ``root`` (method -> table).

    A table needs a ``parameter`` column and the method's index columns; an ``outcome`` column
    is kept when present so the page can offer a choice.
    """
    if not root:
        return {}
    root = Path(root)
    if not root.is_dir():
        return {}
    need = {"sobol": {"parameter", "S1"}, "morris": {"parameter", "mu_star"}}
    found: dict[str, pd.DataFrame] = {}
    for method, columns in need.items():
        # the CLI writes DIR/<method>/results/<method>*.parquet; accept any depth up to that
        paths = sorted(
            {
                *root.glob(f"{method}*.parquet"),
                *root.glob(f"*/{method}*.parquet"),
                *root.glob(f"*/*/{method}*.parquet"),
            }
        )
        frames = []
        # a convergence table repeats every index at smaller N: the page shows the final one
        for path in (p for p in paths if "convergence" not in p.stem):
            table = _read_many([path])
            if columns <= set(table.columns):
                if "outcome" not in table.columns:
                    table = table.assign(
                        outcome=path.stem.removeprefix(method).strip("_-") or "outcome"
                    )
                frames.append(table)
        if frames:
            found[method] = _largest_n(pd.concat(frames, ignore_index=True))
    return found


def _largest_n(table: pd.DataFrame) -> pd.DataFrame:
    """One row per outcome and parameter: the one from the largest sample (N or r)."""
    if "n" in table.columns:
        table = table.sort_values("n", kind="stable")
    return table.drop_duplicates(["outcome", "parameter"], keep="last").reset_index(drop=True)
