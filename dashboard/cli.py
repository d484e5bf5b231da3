"""Entry point of ``mpgsim``: the experiments CLI plus the ``dashboard`` command.

It lives here so that imports flow one way (dashboard -> experiments -> sim).
"""

from __future__ import annotations

from experiments.cli import app
from experiments.cli import main as _main


def main() -> None:
    """Run the ``mpgsim`` command line."""
    _main(app)
