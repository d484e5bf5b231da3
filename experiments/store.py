"""The results store: one directory per experiment, Parquet files and a DuckDB query layer.

Layout of ``DIR`` (documented for researchers in docs/experiments.md)::

    design.parquet              every planned run, with its run_id (+ design.config.json)
    parts/<run_id>.parquet      one run's tidy weekly rows: run_id, seed, week, <varied>, <outcomes>
    runs/<run_id>.parquet       one run's summary: the tail mean of every outcome
    failures/<run_id>.parquet   a run that raised: error type, message, traceback
    parts|runs/compacted-*.parquet  many runs' rows merged by ``compact()``
    failures.parquet            failure files merged by ``compact()``
    results/*.parquet           analysis tables (kwadrant cells and best coats, points, indices)
    quarantine/                 damaged files moved aside by ``repair()`` (never read)

Callers outside this module use the read API (:meth:`Store.design`, :meth:`Store.runs`,
:meth:`Store.weekly`, :meth:`Store.results`, :func:`find_stores`, :func:`list_sweeps`) and
never the layout. A run is *done* when its weekly rows are in ``parts/`` and its summary in
``runs/``. A worker writes a run's ``runs`` file before its ``parts`` file, both atomically
(temporary name, then rename), so a crash can leave a summary without weekly rows; that run,
like one whose summary was quarantined, is redone and overwrites its files. Files are named by
run id, so a redone run replaces its own files whatever the batch size: a run is never stored
twice, and the views below de-duplicate anyway (``compact`` and older stores rely on that).
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from experiments import integrity
from experiments.ids import is_run_id
from experiments.io import read_meta, write_parquet
from sim.errors import ConfigError

if TYPE_CHECKING:
    import duckdb

TABLES = ("parts", "runs", "failures")
#: A design row is one run of one sample row of one scenario.
DESIGN_KEY = ["run_id", "scenario", "sample_row", "replication"]
#: Columns of a failure record; an empty ``failures`` view still has them.
FAILURE_COLUMNS = {
    "run_id": "VARCHAR",
    "scenario": "VARCHAR",
    "seed": "BIGINT",
    "sample_row": "BIGINT",
    "replication": "BIGINT",
    "error_type": "VARCHAR",
    "message": "VARCHAR",
    "traceback": "VARCHAR",
    "worker": "VARCHAR",
    "failed_at": "TIMESTAMP WITH TIME ZONE",
}
_EMPTY = {
    "parts": {"run_id": "VARCHAR", "seed": "BIGINT", "week": "BIGINT"},
    "runs": {"run_id": "VARCHAR", "seed": "BIGINT"},
    "failures": FAILURE_COLUMNS,
}
_KEYS = {"parts": "run_id, week", "runs": "run_id", "failures": "run_id"}
#: Part files :meth:`Store.compact` merges into one at a time, and the most files a table may
#: have before a finished experiment compacts it (:meth:`Store.tidy`). DuckDB keeps every file's
#: schema while it reads a list of files by name (about 0.25 GB per 1,000 small part files):
#: reading a 31,000-run robustness store whole took 12.5 GB, the same runs in 500-file parts
#: a few hundred MB.
COMPACT_BATCH = 500
#: The run summaries joined with their design rows (see :meth:`Store.runs`).
RUNS_SQL = (
    "SELECT d.design_kind, d.scenario, d.sample_row, d.replication, r.* "
    "FROM runs r JOIN (SELECT DISTINCT design_kind, run_id, scenario, sample_row, "
    "replication FROM design) d USING (run_id) "
    "ORDER BY d.scenario, d.sample_row, d.replication, r.run_id"
)
#: Every weekly row once, in order (see :meth:`Store.weekly`).
WEEKLY_SQL = "SELECT * FROM weekly ORDER BY run_id, week"


class Store:
    """A results directory. Reading is safe while a sweep is writing to it."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    @property
    def design_path(self) -> Path:
        """Path of the design manifest."""
        return self.root / "design.parquet"

    def part_path(self, table: str, key: str) -> Path:
        """Path of one part file of ``table`` ("parts", "runs" or "failures"): a run id."""
        return self.root / table / f"{key}.parquet"

    def write_part(self, table: str, key: str, df: pd.DataFrame) -> Path:
        """Publish one part file atomically (temp file in the same folder, then rename)."""
        path = self.part_path(table, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
        pq.write_table(pa.Table.from_pandas(df, preserve_index=False), tmp)
        os.replace(tmp, path)
        return path

    def files(self, table: str) -> list[Path]:
        """Part files of ``table`` (plus the compacted ``failures.parquet``)."""
        found = sorted((self.root / table).glob("*.parquet"))
        if table == "failures" and (self.root / "failures.parquet").exists():
            found.append(self.root / "failures.parquet")
        return found

    def all_files(self) -> list[Path]:
        """Every data file of the store: design, parts, summaries, failures and results."""
        found = [self.design_path] if self.design_path.exists() else []
        for table in TABLES:
            found += self.files(table)
        return found + sorted((self.root / "results").glob("*.parquet"))

    # --- design --------------------------------------------------------------------------

    def save_design(self, design: pd.DataFrame, meta: dict[str, Any]) -> pd.DataFrame:
        """Merge ``design`` into the stored one (new runs appended) and return the union.

        A damaged stored design is quarantined and replaced by ``design``.

        Raises:
            ConfigError: the directory holds an experiment of another kind.
        """
        self._writable()
        if self.design_path.exists() and integrity.problem(self.design_path, "design"):
            integrity.quarantine(self.root, [self.design_path])
        if self.design_path.exists():
            old = pd.read_parquet(self.design_path)
            kind = read_meta(self.design_path).get("design_kind")
            if kind and kind != meta.get("design_kind"):
                raise ConfigError(
                    "--out", str(self.root), f"it holds a {kind} experiment; use another directory"
                )
            merged = pd.concat([old, design], ignore_index=True).drop_duplicates(DESIGN_KEY)
            if len(merged) == len(old):
                return old
            design = merged
        write_parquet(design, self.design_path, meta)
        return design

    def _writable(self) -> None:
        integrity.check_writable_dir(self.root, "--out")

    def design(self) -> pd.DataFrame:
        """The stored design.

        Raises:
            ConfigError: DIR has no readable design.parquet.
        """
        if not self.design_path.exists():
            raise ConfigError("DIR", str(self.root), "no design.parquet here; not a results store")
        trouble = integrity.problem(self.design_path, "design")
        if trouble:
            raise ConfigError("design.parquet", str(self.design_path), _repair_hint(trouble))
        return pd.read_parquet(self.design_path)

    def meta(self) -> dict[str, Any]:
        """Metadata saved with the design (kind, command arguments, version); {} if unreadable."""
        try:
            return read_meta(self.design_path) if self.design_path.exists() else {}
        except (OSError, ValueError, pa.ArrowException):
            return {}

    # --- progress ------------------------------------------------------------------------

    def done_ids(self) -> set[str]:
        """Run ids with weekly rows and a summary (a run missing either is redone)."""
        return self._ids("parts") & self._ids("runs")

    def failed_ids(self) -> set[str]:
        """Run ids recorded as failed and not done since."""
        return self._ids("failures") - self.done_ids()

    def _ids(self, table: str) -> set[str]:
        ids: set[str] = set()
        for path in self.files(table):
            if is_run_id(path.stem):
                ids.add(path.stem)  # a run's own file: its name says which run
            elif not integrity.problem(path, table):
                ids.update(pq.read_table(path, columns=["run_id"]).column(0).to_pylist())
        return ids

    def pending(self, design: pd.DataFrame, retry_failed: bool = False) -> pd.DataFrame:
        """The runs of ``design`` that have no result yet (failures skipped unless retried)."""
        skip = self.done_ids() if retry_failed else self.done_ids() | self._ids("failures")
        return design[~design.run_id.isin(skip)]

    def status(self) -> dict[str, int]:
        """Counts of planned, done, failed and remaining runs, part files and damaged files.

        Raises:
            ConfigError: no design, or a damaged one (naming it).
        """
        planned = set(self.design().run_id)
        damaged = self.damaged()
        if damaged:  # a damaged part proves nothing: count its runs as not done
            done = self._ids_without("parts", damaged) & self._ids_without("runs", damaged)
            done &= planned
        else:
            done = self.done_ids() & planned
        failed = (self._ids("failures") - done) & planned
        return {
            "planned": len(planned),
            "done": len(done),
            "failed": len(failed),
            "remaining": len(planned - done - failed),
            "part_files": sum(len(self.files(t)) for t in TABLES),
            "damaged_files": len(damaged),
        }

    def _ids_without(self, table: str, damaged: list[integrity.Damage]) -> set[str]:
        bad = {d.path for d in damaged}
        ids: set[str] = set()
        for path in self.files(table):
            if path in bad:
                continue
            ids |= {path.stem} if is_run_id(path.stem) else set(_read_ids(path))
        return ids

    # --- integrity -----------------------------------------------------------------------

    def damaged(self) -> list[integrity.Damage]:
        """Every data file that cannot be read whole or lacks its key columns."""
        return integrity.verify(self.root, self.all_files())

    def repair(self) -> list[integrity.Damage]:
        """Move damaged files to ``quarantine/`` (their runs count as not done) and return them.

        Also removes temporary files left by writers killed more than an hour ago.
        """
        damaged = self.damaged()
        integrity.quarantine(self.root, [d.path for d in damaged])
        integrity.remove_stale_temporaries(self.root)
        return damaged

    def check_intact(self) -> None:
        """Raise ConfigError naming the damaged files, if any (before reading results)."""
        damaged = self.damaged()
        if damaged:
            names = ", ".join(str(d.path.relative_to(self.root)) for d in damaged[:5])
            more = f" and {len(damaged) - 5} more" if len(damaged) > 5 else ""
            raise ConfigError("DIR", str(self.root), _repair_hint(f"damaged files: {names}{more}"))

    # --- queries -------------------------------------------------------------------------

    def connect(self) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB connection with views ``design``, ``weekly``, ``runs``, ``failures``.

        ``weekly`` holds each (run_id, week) once; ``runs`` one summary per run with weekly
        rows; ``failures`` one record per run that failed and has not been done since. Views of
        a table without files are empty but have the table's key columns (all of them for
        ``failures``), so queries on a fresh store return no rows rather than failing.
        """
        import duckdb  # here, not at the top: `mpgsim --help` must not load it

        self.check_intact()
        con = duckdb.connect()
        con.execute(f"CREATE VIEW design AS SELECT * FROM read_parquet('{self.design_path}')")
        for table in TABLES:
            con.execute(f"CREATE VIEW {table}_raw AS {self._select(table)}")
        con.execute(f"CREATE VIEW weekly AS {_once('parts_raw', 'parts')}")
        done = "(SELECT DISTINCT run_id FROM parts_raw)"
        con.execute(f"CREATE VIEW runs AS {_once('runs_raw', 'runs', f'run_id IN {done}')}")
        con.execute(
            f"CREATE VIEW failures AS {_once('failures_raw', 'failures', f'run_id NOT IN {done}')}"
        )
        return con

    def _select(self, table: str) -> str:
        files = self.files(table)
        if not files:
            columns = ", ".join(f"NULL::{t} AS {c}" for c, t in _EMPTY[table].items())
            return f"SELECT {columns} WHERE false"
        listed = ", ".join(f"'{p}'" for p in files)
        return f"SELECT * FROM read_parquet([{listed}], union_by_name=true)"

    def query(self, sql: str) -> pd.DataFrame:
        """Run ``sql`` against the views of :meth:`connect` and return a DataFrame."""
        with self.connect() as con:
            return con.sql(sql).to_arrow_table().to_pandas()

    # --- the read API --------------------------------------------------------------------

    def runs(self) -> pd.DataFrame:
        """Per-run summaries of done runs, joined with their design rows.

        Columns: design_kind, scenario, sample_row, replication, then the summary (run_id,
        seed, the varied parameters, the tail mean of every outcome, weeks_averaged,
        elapsed_s). A run shared by two sample rows appears once per row.
        """
        return self.query(RUNS_SQL)

    def weekly(
        self, run_ids: list[str] | None = None, columns: list[str] | None = None
    ) -> pd.DataFrame:
        """Weekly rows (each run and week once), of ``run_ids`` only when given.

        Args:
            run_ids: the runs wanted; None for all.
            columns: the columns wanted besides run_id and week; None for all.
        """
        wanted = "*" if columns is None else ", ".join(["run_id", "week", *columns])
        with self.connect() as con:
            if run_ids is None:
                return con.sql(f"SELECT {wanted} FROM weekly ORDER BY run_id, week").df()
            con.register("wanted_ids", pd.DataFrame({"run_id": list(run_ids)}))
            sql = (
                f"SELECT {wanted} FROM weekly WHERE run_id IN (SELECT run_id FROM wanted_ids) "
                "ORDER BY run_id, week"
            )
            return con.sql(sql).df()

    def results(self) -> dict[str, pd.DataFrame]:
        """The saved analysis tables (``kwadrant_cells``, ``kwadrant_best``, ``sobol``, ...)."""
        out = {}
        for path in sorted((self.root / "results").glob("*.parquet")):
            if not integrity.problem(path, "results"):
                out[path.stem] = pd.read_parquet(path)
        return out

    def save_result(self, name: str, table: pd.DataFrame) -> Path:
        """Save one analysis table under ``results/``."""
        return write_parquet(table, self.root / "results" / f"{name}.parquet", {"table": name})

    def signature(self) -> tuple:
        """Names, sizes and times of every data file: changes whenever the content may have."""
        return tuple(
            (str(p.relative_to(self.root)), st.st_size, st.st_mtime_ns)
            for p in self.all_files()
            if (st := _stat(p))
        )

    # --- maintenance ---------------------------------------------------------------------

    def compact(self) -> dict[str, int]:
        """Merge the part files of each table, at most ``COMPACT_BATCH`` into one part.

        Failures go into ``failures.parquet``. Only the files present at the start are merged
        and removed, so compacting while a sweep still writes loses nothing. Duplicate rows
        within a merged batch are dropped (the views drop the others).

        Returns:
            Number of files merged per table.

        Raises:
            ConfigError: damaged files (repair first).
        """
        self.check_intact()
        merged = {}
        for table in TABLES:
            files = self.files(table)
            merged[table] = len(files)
            if table == "failures":
                if files:
                    df = self._merge(table, files)
                    target = write_parquet(df, self.root / "failures.parquet", {"table": table})
                    self._replace(files, target)
                continue
            if len(files) < 2:
                continue
            for start in range(0, len(files), COMPACT_BATCH):
                batch = files[start : start + COMPACT_BATCH]
                df = self._merge(table, batch)
                self._replace(batch, self.write_part(table, f"compacted-{uuid.uuid4().hex}", df))
        return merged

    def tidy(self) -> bool:
        """Compact the store when a table has more than ``COMPACT_BATCH`` part files.

        Called when an experiment's runs are done and before a command reads a whole store, so
        that reading stays small however many runs there are; never by the readers themselves
        (the dashboard's users may read one store at once). Returns whether it compacted.
        """
        if all(len(self.files(t)) <= COMPACT_BATCH for t in TABLES):
            return False
        try:
            self.compact()
        except OSError:  # a store we may only read is read as it is, only slower
            return False
        return True

    @staticmethod
    def _replace(files: list[Path], target: Path) -> None:
        """Remove the merged ``files`` now that ``target`` holds their rows."""
        for path in files:
            if path != target:
                path.unlink()

    def _merge(self, table: str, files: list[Path]) -> pd.DataFrame:
        import duckdb

        keys = _KEYS[table]
        listed = ", ".join(f"'{p}'" for p in files)
        sql = (
            f"SELECT * FROM read_parquet([{listed}], union_by_name=true) "
            f"QUALIFY row_number() OVER (PARTITION BY {keys} ORDER BY {keys}) = 1 ORDER BY {keys}"
        )
        with duckdb.connect() as con:
            return con.sql(sql).to_arrow_table().to_pandas()


def _once(view: str, table: str, where: str = "true") -> str:
    """Rows of ``view`` satisfying ``where``, each key (run, or run and week) once."""
    keys = _KEYS[table]
    return (
        f"SELECT * FROM {view} WHERE {where} "
        f"QUALIFY row_number() OVER (PARTITION BY {keys} ORDER BY {keys}) = 1"
    )


def _repair_hint(what: str) -> str:
    return f"{what}; `mpgsim verify DIR --repair` quarantines damaged files, a rerun redoes them"


def _read_ids(path: Path) -> list[str]:
    return pq.read_table(path, columns=["run_id"]).column(0).to_pylist()


def _stat(path: Path):
    try:
        return path.stat()
    except OSError:
        return None


# --- finding stores ----------------------------------------------------------------------


@dataclass(frozen=True)
class SweepInfo:
    """What a results folder holds, for listings (``mpgsim status``, the dashboard)."""

    path: Path
    kind: str
    scenarios: list[str] = field(default_factory=list)
    identity: dict[str, Any] = field(default_factory=dict)


def is_store(path: str | Path) -> bool:
    """Tell whether ``path`` is a results store (it has a design or weekly parts)."""
    path = Path(path)
    return (path / "design.parquet").exists() or (path / "parts").is_dir()


def find_stores(root: str | Path | None) -> list[Path]:
    """The stores in ``root``: ``root`` itself, or every store one level below it.

    ``mpgsim dashboard`` reads ``./results``, where each sweep has its own folder
    (``results/kwadrant``, ``results/sobol``, ...).
    """
    if not root or not Path(root).is_dir():
        return []
    root = Path(root)
    if is_store(root):
        return [root]
    return sorted(p for p in root.iterdir() if p.is_dir() and is_store(p))


def list_sweeps(root: str | Path | None) -> list[SweepInfo]:
    """Every store under ``root`` (see :func:`find_stores`) with its kind and scenarios."""
    out = []
    for path in find_stores(root):
        meta = Store(path).meta()
        identity = meta.get("identity", {})
        scenarios = identity.get("scenarios") or [identity.get("scenario")]
        out.append(
            SweepInfo(
                path, meta.get("design_kind", "unknown"), [s for s in scenarios if s], identity
            )
        )
    return out


def all_runs(root: str | Path | None, kind: str | None = None) -> pd.DataFrame:
    """The run summaries of every intact store under ``root`` (of ``kind`` only when given).

    A run stored in two stores (the same run id) counts once. Damaged stores are skipped, so a
    half-broken results folder still shows what is sound; ``mpgsim status`` names the damage.
    """
    import duckdb

    frames = []
    for info in list_sweeps(root):
        if kind and info.kind != kind:
            continue
        try:
            frames.append(Store(info.path).runs())
        except (ConfigError, duckdb.Error):
            continue
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True).drop_duplicates("run_id", ignore_index=True)


def all_results(root: str | Path | None, name: str) -> pd.DataFrame:
    """The saved analysis table ``name`` of every store under ``root``, with a ``store`` column."""
    frames = []
    for path in find_stores(root):
        table = Store(path).results().get(name)
        if table is not None:
            frames.append(table.assign(store=path.name))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
