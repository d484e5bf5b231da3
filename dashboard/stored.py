"""Reading what the experiments store holds: kwadrant sweeps and sensitivity indices.

Sweeps are read through the store's own API (:class:`experiments.store.Store`), never its
folder layout, and defensively: a half-written sweep, a damaged file or a missing column gives
an empty result (and the page an explanatory empty state), never an exception.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

import duckdb
import pandas as pd

from experiments.store import Store, all_results
from experiments.tables import numeric_outcomes
from sim.errors import ConfigError
from sim.typology import LEVELS

LOG = logging.getLogger(__name__)
TYPE_COLUMNS = [f"{level}_type" for level in LEVELS]


def _read_many(paths: list[Path]) -> pd.DataFrame:
    frames = []
    for path in paths:
        try:
            frames.append(pd.read_parquet(path))
        except (OSError, ValueError):
            continue  # a table being written or a foreign file: skip it, keep the rest
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _is_store(path: Path) -> bool:
    return Store(path).design_path.exists()


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
    frames = [
        _store_runs(store, _signature(store))
        for store in find_stores(root)
        if not _is_robust(store)  # a robust store's runs are 81 coats in other worlds
    ]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True).drop_duplicates("run_id", ignore_index=True)


def _is_robust(path: Path) -> bool:
    return Store(path).meta().get("design_kind") == "robust"


def robust_summary(root: str | Path | None, mix: str) -> pd.DataFrame:
    """Stored ``mpgsim robust`` results of profile ``mix``: one row per coat, P(best) first.

    Read from the saved ``robust`` tables (a few kilobytes), so a page stays instant. When
    several stores hold the profile, the one with the most worlds wins (the combined score
    before a single outcome on a tie). Empty when there is none.
    """
    try:
        table = all_results(root, "robust")
    except (OSError, ValueError) as exc:
        LOG.warning("cannot read robust results under %s: %s", root, exc)
        return pd.DataFrame()
    need = {"scenario", "coat", "p_best", "worlds", "store", *TYPE_COLUMNS}
    if table.empty or not need <= set(table.columns):
        return pd.DataFrame()
    mine = _for_mix(table, mix)
    if mine.empty:
        return mine
    rank = mine.groupby("store").agg(
        worlds=("worlds", "max"), score=("outcome", lambda o: (o == "score").any())
    )
    store = rank.sort_values(["worlds", "score"], ascending=False).index[0]
    chosen = mine[mine["store"] == store]
    return chosen.sort_values(
        ["p_best", "regret_median"], ascending=[False, True], ignore_index=True
    )


def _signature(store: Path) -> tuple:
    """What identifies a store's content: its files' names, sizes and times."""
    st = Store(store)
    files = [st.design_path, *st.files("runs"), *st.files("parts")]
    return tuple((f.name, st.st_size, st.st_mtime_ns) for f in files if (st := _stat(f)))


def _stat(path: Path):
    try:
        return path.stat()
    except OSError:
        return None


@functools.lru_cache(maxsize=16)
def _store_runs(root: Path, signature: tuple) -> pd.DataFrame:
    """The done runs of one store with their coat; cached on the store's signature.

    Returns an empty frame for a store that cannot be read (damaged or being rewritten).
    """
    store = Store(root)
    try:
        runs = store.runs()
        design = store.design()
    except (ConfigError, duckdb.Error, OSError, ValueError) as exc:
        LOG.warning("cannot read the results store %s: %s", root, exc)
        return pd.DataFrame()
    extra = [c for c in TYPE_COLUMNS if c in design.columns and c not in runs.columns]
    if extra and "run_id" in design.columns:
        runs = runs.merge(
            design[["run_id", *extra]].drop_duplicates("run_id"), on="run_id", how="left"
        )
    if runs.empty or not set(TYPE_COLUMNS) <= set(runs.columns):
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


def stored_coat_runs(root: str | Path | None, mix: str, min_reps: int) -> pd.DataFrame:
    """The stored runs of all 81 coats for ``mix``: coat, ``replication`` and outcomes.

    Empty unless all 81 coats are stored with at least ``min_reps`` replications each, so a
    caller can fall back to computing the coats itself.
    """
    runs = _for_mix(sweep_runs(root), mix)
    if runs.empty:
        return pd.DataFrame()
    counts = runs.groupby(TYPE_COLUMNS).size()
    if len(counts) < 81 or counts.min() < min_reps:
        return pd.DataFrame()
    keep = [*TYPE_COLUMNS, *(["replication"] if "replication" in runs else [])]
    return runs[keep + [c for c in numeric_outcomes(runs) if c not in keep]]


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
