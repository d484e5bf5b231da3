"""What the pages share, and how a page layout finds it for the current request.

Pages import this module, never the app shell: the shell builds a :class:`Context` and hangs it
on the Flask app, and a layout function reads it back with :func:`context`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import flask

if TYPE_CHECKING:
    from dashboard.jobs import JobPool
    from dashboard.rooms import Rooms
    from dashboard.runs import Runner

EXTENSION = "mpgsim"


@dataclass
class Context:
    """The runner and its cache, the job pool, the rooms and where stored results live."""

    runner: Runner
    jobs: JobPool
    rooms: Rooms
    sweep_dir: Path | None
    warmup_seconds: float = 0.0
    notes: dict = field(default_factory=dict)


def context() -> Context:
    """The Context of the app serving the current request (for page layout functions)."""
    return flask.current_app.extensions[EXTENSION]
