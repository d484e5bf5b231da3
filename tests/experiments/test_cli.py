"""The real ``mpgsim`` CLI in a subprocess: kill and resume, bad arguments, status, report."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from experiments.store import Store

ROOT = Path(__file__).resolve().parents[2]
SMALL = ["--set", "families_per_region=120", "--set", "municipalities_per_region=2"]
KWADRANT = ["sweep", "kwadrant", "--reps", "2", "--weeks", "12", "--seed", "5", *SMALL]


def mpgsim_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("mpgsim")
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-c", "from dashboard.cli import main; main()"]


def mpgsim(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*mpgsim_cmd(), *args], cwd=ROOT, capture_output=True, text=True, timeout=240, **kw
    )


def cells(out: Path) -> pd.DataFrame:
    table = pd.read_parquet(out / "results" / "kwadrant_cells.parquet")
    return table.sort_values(list(table.columns[:6])).reset_index(drop=True)


def test_sigkill_then_rerun_equals_an_uninterrupted_sweep(tmp_path):
    killed = tmp_path / "killed"
    args = [*KWADRANT, "--workers", "2", "--batch", "2", "--out", str(killed)]
    proc = subprocess.Popen(
        [*mpgsim_cmd(), *args],
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    parts = killed / "parts"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(parts.glob("part-*.parquet"))) < 10:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the CLI and its worker processes, mid-sweep
    proc.wait()
    store = Store(killed)
    assert 0 < store.status()["done"] < 162

    resumed = mpgsim(*args)
    assert resumed.returncode == 0, resumed.stderr
    assert "already have a result" in " ".join(resumed.stderr.split())
    once = store.query("SELECT run_id, count(*) AS n FROM weekly GROUP BY run_id")
    assert sorted(once.run_id) == sorted(store.design().run_id)
    assert (once.n == 12).all()  # every run present exactly once
    assert store.status()["failed"] == 0

    clean = tmp_path / "clean"
    whole = mpgsim(*KWADRANT, "--engine", "serial", "--out", str(clean))
    assert whole.returncode == 0, whole.stderr
    pd.testing.assert_frame_equal(cells(killed), cells(clean))
    assert "best-fitting coat" in whole.stdout

    status = mpgsim("status", str(killed))
    assert "planned 162" in status.stdout and "done 162" in status.stdout
    assert mpgsim("compact", str(killed)).returncode == 0
    assert len(Store(killed).files("parts")) == 1
    pd.testing.assert_frame_equal(cells(killed), cells(clean))
    report = mpgsim("report", str(killed))
    assert report.returncode == 0, report.stderr
    page = (killed / "report.html").read_text()
    assert '"type":"heatmap"' in page and "cdn.plot.ly/plotly" not in page


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["sensitivity", "sobol", "--params", "caseload_nrom"], "unknown parameter"),
        (["sensitivity", "sobol", "--n", "100"], "power of two"),
        (["sensitivity", "morris", "--outcome", "stagnaton_rate"], "unknown outcome"),
        ([*KWADRANT, "--scheduler", "tcp://127.0.0.1:9"], "no Dask scheduler answered"),
        ([*KWADRANT, "--shard", "3/2"], "--shard"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(tmp_path, args, needle):
    result = mpgsim(*args, "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], result.stderr
    assert "Traceback" not in result.stderr
