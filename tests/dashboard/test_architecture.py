"""The dashboard's import rules, checked by import-linter (contracts in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = (
    "Dashboard pages are independent of each other",
    "Dashboard pages do not import the app shell",
)


def test_pages_import_neither_each_other_nor_the_app_shell():
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(lint), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for name in CONTRACTS:  # the contracts are there and were checked, not skipped
        assert f"{name} KEPT" in done.stdout
