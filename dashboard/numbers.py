"""Numbers as a Dutch or English reader expects them: decimal comma and thousands dot in Dutch.

Charts get the same convention through plotly's ``separators`` (see :func:`separators`).
"""

from __future__ import annotations

import math

MINUS = "-"


def separators(lang: str) -> str:
    """Plotly's ``layout.separators``: decimal mark then thousands mark."""
    return ",." if lang == "nl" else ".,"


def number(value: float | None, lang: str, decimals: int = 0, signed: bool = False) -> str:
    """Format ``value`` with ``decimals`` places and thousands marks; "–" when missing."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    text = f"{abs(value):,.{decimals}f}"
    if lang == "nl":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    if round(value, decimals) == 0:
        return text if not signed else "±" + text
    if value < 0:
        return MINUS + text
    return ("+" + text) if signed else text


def decimals_for(value: float) -> int:
    """Enough decimals for a plain number of this size (12.345 / 12,3 / 1,23 / 0,123)."""
    size = abs(value)
    if size >= 100:
        return 0
    if size >= 10:
        return 1
    if size >= 1:
        return 2
    return 3
