"""Damage checks for results stores and output paths, so trouble is one line, never a traceback.

A store's files are written atomically, but a disk that fills, a copy that stops half-way or a
hand edit can still leave a truncated or foreign file. :func:`verify` reads every file whole
(remembering files it already found sound, by size and time) and names what it cannot use;
:func:`quarantine` moves such files to ``DIR/quarantine/`` where no reader looks, so their runs
count as not done and the next run of the command redoes them.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sim.errors import ConfigError

QUARANTINE = "quarantine"
#: Temporary files older than this belong to a writer that is gone.
STALE_TEMPORARY_S = 3600
#: Columns each kind of file must have.
REQUIRED = {
    "design": ("run_id", "scenario", "sample_row", "replication", "seed", "weeks"),
    "parts": ("run_id", "week"),
    "runs": ("run_id",),
    "failures": ("run_id",),
    "results": (),
}
_SOUND: dict[tuple[str, int, int], None] = {}


@dataclass(frozen=True)
class Damage:
    """A file that cannot be used, and why."""

    path: Path
    problem: str


def kind_of(root: Path, path: Path) -> str:
    """Which kind of file ``path`` is in the store at ``root`` (a key of :data:`REQUIRED`)."""
    if path.name == "design.parquet":
        return "design"
    if path.name == "failures.parquet":
        return "failures"
    return path.relative_to(root).parts[0]


def problem(path: Path, kind: str) -> str | None:
    """Why ``path`` cannot be used as a file of ``kind``, or None when it is sound."""
    try:
        st = path.stat()
    except OSError as exc:
        return f"unreadable ({exc.strerror})"
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key in _SOUND:
        return None
    # imported here: the CLI checks its output paths with this module before any run, and
    # should not wait for Arrow to do that
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        return f"not a readable Parquet file ({str(exc).splitlines()[0][:80]})"
    missing = [c for c in REQUIRED[kind] if c not in table.column_names]
    if missing:
        return f"lacks column(s) {', '.join(missing)}"
    stem_is_run = kind in ("parts", "runs", "failures") and len(path.stem) == 32
    if stem_is_run and set(table.column("run_id").to_pylist()) - {path.stem}:
        return "holds rows of another run than its name says"
    _SOUND[key] = None
    return None


def verify(root: Path, files: Iterable[Path]) -> list[Damage]:
    """Check every file of a store; return the damaged ones."""
    found = []
    for path in files:
        trouble = problem(path, kind_of(root, path))
        if trouble:
            found.append(Damage(path, trouble))
    return found


def quarantine(root: Path, paths: Iterable[Path]) -> list[Path]:
    """Move ``paths`` to ``root/quarantine/<folder>/`` (a unique name each); return new paths."""
    moved = []
    for path in paths:
        where = root / QUARANTINE / path.parent.relative_to(root)
        where.mkdir(parents=True, exist_ok=True)
        target = where / f"{path.stem}.{uuid.uuid4().hex[:8]}{path.suffix}"
        os.replace(path, target)
        moved.append(target)
    return moved


def remove_stale_temporaries(root: Path, older_than_s: float = STALE_TEMPORARY_S) -> int:
    """Delete temporary files of writers that are long gone; return how many."""
    removed = 0
    now = time.time()
    for path in root.rglob(".*.tmp"):
        if QUARANTINE not in path.parts and now - path.stat().st_mtime > older_than_s:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def check_writable_dir(path: Path, field: str) -> None:
    """Make sure ``path`` is (or can become) a directory this process can write into.

    Raises:
        ConfigError: ``path`` is a file, or it or its parents cannot be created or written.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise ConfigError(field, str(path), "that is a file, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".write-check.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise ConfigError(field, str(path), f"cannot write there ({exc.strerror})") from None


def check_writable_file(path: Path, field: str, suffix: str | None = None) -> None:
    """Make sure a file can be written at ``path`` (its folder writable, not a directory).

    Raises:
        ConfigError: a wrong suffix, ``path`` is a directory, or its folder is not writable.
    """
    path = Path(path)
    if suffix and path.suffix != suffix:
        raise ConfigError(field, str(path), f"the file name must end in {suffix}")
    if path.is_dir():
        raise ConfigError(field, str(path), "it is a directory; give a file name")
    if path.exists() and not os.access(path, os.W_OK):
        raise ConfigError(field, str(path), "cannot write that file (no permission)")
    try:
        check_writable_dir(path.parent, field)
    except ConfigError as exc:
        raise ConfigError(field, str(path), f"its folder {exc.value}: {exc.allowed}") from None
