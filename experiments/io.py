"""Writing result tables: Parquet, written atomically, with the config and version beside it."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from experiments.version import model_version

META_KEY = b"mpgsim"


def write_parquet(
    df: pd.DataFrame, path: str | Path, meta: Mapping[str, Any] | None = None
) -> Path:
    """Write ``df`` to ``path`` atomically (temp file + rename); embed ``meta`` as JSON.

    The same metadata, plus the package version, is written beside the table as
    ``<name>.config.json`` so a reader without Parquet tools can see how it was made.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {"version": model_version(), **(meta or {})}
    blob = json.dumps(meta, sort_keys=True, default=str)
    table = pa.Table.from_pandas(df, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), META_KEY: blob})
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)
    sidecar = path.with_name(path.name.removesuffix(".parquet") + ".config.json")
    sidecar.write_text(json.dumps(meta, indent=2, sort_keys=True, default=str) + "\n")
    return path


def read_meta(path: str | Path) -> dict[str, Any]:
    """Return the metadata embedded in a Parquet file written by :func:`write_parquet`."""
    schema = pq.read_schema(path)
    return json.loads((schema.metadata or {}).get(META_KEY, b"{}"))
