"""``mpgsim export``: a store's runs or weekly rows as one CSV or Parquet file (R, SPSS, Excel)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from experiments.store import RUNS_SQL, WEEKLY_SQL, Store

FORMATS = {"csv": "(FORMAT csv, HEADER true, DELIMITER ',')", "parquet": "(FORMAT parquet)"}


def export_table(store: Store, table: str, target: str | Path, fmt: str) -> int:
    """Write the ``runs`` (summaries with their design) or ``weekly`` rows of ``store``.

    The file is written under a temporary name and renamed, so a reader never sees half of it.

    Returns:
        The number of rows written.
    """
    target = Path(target)
    sql = RUNS_SQL if table == "runs" else WEEKLY_SQL
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    with store.connect() as con:
        con.execute(f"COPY ({sql}) TO '{tmp}' {FORMATS[fmt]}")
        rows = con.sql(f"SELECT count(*) FROM ({sql})").fetchall()[0][0]
    os.replace(tmp, target)
    return int(rows)
