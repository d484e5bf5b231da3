"""`mpgsim run` as a user runs it: a summary, a table with its config beside it, clean errors."""

import json
import subprocess
import sys

import pandas as pd
import pytest

CLI = [sys.executable, "-c", "from dashboard.cli import main; main()"]


def mpgsim(*args):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=120)


def test_run_writes_table_and_config(tmp_path):
    out = tmp_path / "run.parquet"
    done = mpgsim("run", "cases/anna", "--seed", "3", "--weeks", "12", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "stagnation_rate" in done.stdout and "coat:" in done.stdout
    table = pd.read_parquet(out)
    assert list(table.columns[:3]) == ["run_id", "seed", "week"]
    assert len(table) == 12 and (table.seed == 3).all()
    meta = json.loads((tmp_path / "run.config.json").read_text())
    assert meta["scenario"] == "cases/anna" and meta["seed"] == 3 and "version" in meta
    assert meta["params"]["severity_domestic_violence"] == 0.6


def test_same_command_twice_gives_the_same_table(tmp_path):
    for name in ("a", "b"):
        mpgsim(
            "run",
            "--weeks",
            "8",
            "--set",
            "families_per_region=200",
            "--out",
            str(tmp_path / f"{name}.parquet"),
        )
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "a.parquet"), pd.read_parquet(tmp_path / "b.parquet")
    )


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["run", "nowhere"], "known scenarios"),
        (["run", "--set", "caseload_norm=100"], "caseload_norm: 100"),
        (["run", "--set", "caseload_norm=lots"], "caseload_norm: 'lots'"),
        (["run", "--set", "nonsense=1"], "unknown parameter"),
        (["run", "--set", "caseload_norm"], "NAME=VALUE"),
        (["run", "--out", "x.csv"], "must end in .parquet"),
        (["run", "--weeks", "abc"], "weeks"),
    ],
)
def test_user_errors_give_one_clear_line_and_exit_nonzero(args, needle):
    done = mpgsim(*args)
    assert done.returncode == 2
    assert needle in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
