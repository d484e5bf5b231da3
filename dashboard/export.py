"""CSV files that open cleanly in Excel: what was run in a header block, then the numbers.

Two variants: the international one (``,`` between fields, decimal point) and a Dutch one
for Dutch Excel (``;`` between fields, decimal comma). The header block lists the settings
as ``# name;value`` lines, so the file says what produced it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

import pandas as pd


def csv_text(table: pd.DataFrame, header: Iterable[tuple[str, object]], dutch: bool) -> str:
    """The CSV text of ``table`` with ``header`` settings on top."""
    sep, dec = (";", ",") if dutch else (",", ".")
    out = io.StringIO()
    for name, value in header:
        text = f"{value:g}" if isinstance(value, float) else str(value)
        if dutch and isinstance(value, float):
            text = text.replace(".", ",")
        out.write(f"# {name}{sep}{text}\n")
    out.write("\n")
    table.to_csv(out, sep=sep, decimal=dec, index=False, float_format="%.6g")
    return out.getvalue()


def file_name(*parts: object, dutch: bool = False) -> str:
    """A meaningful, safe file name: ``mpgsim-scenario-baseline-seed-1-nl.csv``."""
    words = [re.sub(r"[^a-z0-9]+", "-", str(p).lower()).strip("-") for p in parts if p != ""]
    stem = "-".join(["mpgsim", *[w for w in words if w]])
    return f"{stem}{'-nl' if dutch else ''}.csv"


def send(text: str, name: str) -> dict:
    """A ``dcc.Download`` payload for a CSV text (with a BOM so Excel reads UTF-8)."""
    return {"content": "\ufeff" + text, "filename": name, "type": "text/csv", "base64": False}
