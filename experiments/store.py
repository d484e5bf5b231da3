"""The results store: one directory per experiment, Parquet files and a DuckDB query layer.

Layout of ``DIR`` (documented for researchers in docs/experiments.md)::

    design.parquet            every planned run, with its run_id (+ design.config.json)
    parts/part-<id>.parquet   tidy weekly rows: run_id, seed, week, <varied>, <outcomes>
    runs/part-<id>.parquet    one row per run: outcome means over the last 52 weeks
    failures/part-<id>.parquet  runs that raised: error type, message, traceback
    failures.parquet          failure parts merged by ``compact()``
    results/*.parquet         analysis tables (kwadrant cells, Sobol/Morris indices)

A run is *done* when its weekly rows are in ``parts/``. Workers write a batch's ``runs`` part
before its ``parts`` part, both atomically, so a crash can leave a summary without weekly rows
(the run is then redone and the duplicate summary is dropped by the views and by compaction),
never weekly rows without a summary.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from experiments.io import read_meta, write_parquet
from sim.errors import ConfigError

TABLES = ("parts", "runs", "failures")
#: A design row is one run of one sample row of one scenario.
DESIGN_KEY = ["run_id", "scenario", "sample_row", "replication"]


class Store:
    """A results directory. Reading is safe while a sweep is writing to it."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    @property
    def design_path(self) -> Path:
        """Path of the design manifest."""
        return self.root / "design.parquet"

    def part_path(self, table: str, batch_id: str) -> Path:
        """Path of one batch's part file of ``table`` ("parts", "runs" or "failures")."""
        return self.root / table / f"part-{batch_id}.parquet"

    def write_part(self, table: str, batch_id: str, df: pd.DataFrame) -> Path:
        """Publish one part file atomically (temp file in the same folder, then rename)."""
        path = self.part_path(table, batch_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
        pq.write_table(pa.Table.from_pandas(df, preserve_index=False), tmp)
        os.replace(tmp, path)
        return path

    def files(self, table: str) -> list[Path]:
        """Part files of ``table`` (plus the compacted ``failures.parquet``)."""
        found = sorted((self.root / table).glob("part-*.parquet"))
        if table == "failures" and (self.root / "failures.parquet").exists():
            found.append(self.root / "failures.parquet")
        return found

    # --- design --------------------------------------------------------------------------

    def save_design(self, design: pd.DataFrame, meta: dict[str, Any]) -> pd.DataFrame:
        """Merge ``design`` into the stored one (new runs appended) and return the union.

        Raises:
            ConfigError: the directory holds an experiment of another kind.
        """
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

    def design(self) -> pd.DataFrame:
        """The stored design.

        Raises:
            ConfigError: DIR has no design.parquet.
        """
        if not self.design_path.exists():
            raise ConfigError("DIR", str(self.root), "no design.parquet here; not a results store")
        return pd.read_parquet(self.design_path)

    def meta(self) -> dict[str, Any]:
        """Metadata saved with the design (kind, command arguments, version)."""
        return read_meta(self.design_path) if self.design_path.exists() else {}

    # --- progress ------------------------------------------------------------------------

    def done_ids(self) -> set[str]:
        """Run ids with weekly results."""
        return self._ids("parts")

    def failed_ids(self) -> set[str]:
        """Run ids recorded as failed and not done since."""
        return self._ids("failures") - self.done_ids()

    def _ids(self, table: str) -> set[str]:
        ids: set[str] = set()
        for path in self.files(table):
            # Reading one column of each part keeps this cheap for large stores.
            ids.update(pq.read_table(path, columns=["run_id"]).column(0).to_pylist())
        return ids

    def pending(self, design: pd.DataFrame, retry_failed: bool = False) -> pd.DataFrame:
        """The runs of ``design`` that have no result yet (failures skipped unless retried)."""
        skip = self.done_ids() if retry_failed else self.done_ids() | self._ids("failures")
        return design[~design.run_id.isin(skip)]

    def status(self) -> dict[str, int]:
        """Counts of planned, done, failed and remaining runs."""
        planned = set(self.design().run_id)
        done = self.done_ids() & planned
        failed = self.failed_ids() & planned
        return {
            "planned": len(planned),
            "done": len(done),
            "failed": len(failed),
            "remaining": len(planned - done - failed),
            "part_files": sum(len(self.files(t)) for t in TABLES),
        }

    # --- queries -------------------------------------------------------------------------

    def connect(self) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB connection with views ``design``, ``weekly``, ``runs``, ``failures``.

        ``runs`` and ``failures`` are de-duplicated per run id; ``failures`` keeps only runs
        that have not been done since.
        """
        con = duckdb.connect()
        con.execute(f"CREATE VIEW design AS SELECT * FROM read_parquet('{self.design_path}')")
        for table, view in (("parts", "weekly"), ("runs", "runs_raw"), ("failures", "fail_raw")):
            con.execute(f"CREATE VIEW {view} AS {self._select(table)}")
        con.execute(
            "CREATE VIEW runs AS SELECT * FROM runs_raw WHERE run_id IN "
            "(SELECT DISTINCT run_id FROM weekly) QUALIFY row_number() OVER "
            "(PARTITION BY run_id ORDER BY run_id) = 1"
        )
        con.execute(
            "CREATE VIEW failures AS SELECT * FROM fail_raw WHERE run_id NOT IN "
            "(SELECT DISTINCT run_id FROM weekly) QUALIFY row_number() OVER "
            "(PARTITION BY run_id ORDER BY run_id) = 1"
        )
        return con

    def _select(self, table: str) -> str:
        files = self.files(table)
        if not files:
            return "SELECT NULL::VARCHAR AS run_id WHERE false"
        listed = ", ".join(f"'{p}'" for p in files)
        return f"SELECT * FROM read_parquet([{listed}], union_by_name=true)"

    def query(self, sql: str) -> pd.DataFrame:
        """Run ``sql`` against the views of :meth:`connect` and return a DataFrame."""
        with self.connect() as con:
            return con.sql(sql).to_arrow_table().to_pandas()

    def runs(self) -> pd.DataFrame:
        """Per-run summaries of done runs, joined with their design rows."""
        return self.query(
            "SELECT d.design_kind, d.scenario, d.sample_row, d.replication, r.* "
            "FROM runs r JOIN (SELECT DISTINCT design_kind, run_id, scenario, sample_row, "
            "replication FROM design) d USING (run_id) "
            "ORDER BY d.scenario, d.sample_row, d.replication"
        )

    # --- maintenance ---------------------------------------------------------------------

    def compact(self) -> dict[str, int]:
        """Merge the part files of each table into one part (failures into failures.parquet).

        Only the files present at the start are merged and removed, so compacting while a
        sweep still writes loses nothing. Duplicate rows left by a crash are dropped.

        Returns:
            Number of files merged per table.
        """
        merged = {}
        for table in TABLES:
            files = self.files(table)
            merged[table] = len(files)
            if len(files) < 2 and not (table == "failures" and files):
                continue
            df = self._merge(table, files)
            if table == "failures":
                target = write_parquet(df, self.root / "failures.parquet", {"table": table})
            else:
                target = self.write_part(table, f"compacted-{uuid.uuid4().hex}", df)
            for path in files:
                if path != target:
                    path.unlink()
        return merged

    def _merge(self, table: str, files: list[Path]) -> pd.DataFrame:
        keys = "run_id, week" if table == "parts" else "run_id"
        listed = ", ".join(f"'{p}'" for p in files)
        sql = (
            f"SELECT * FROM read_parquet([{listed}], union_by_name=true) "
            f"QUALIFY row_number() OVER (PARTITION BY {keys} ORDER BY {keys}) = 1 ORDER BY {keys}"
        )
        with duckdb.connect() as con:
            return con.sql(sql).to_arrow_table().to_pandas()
