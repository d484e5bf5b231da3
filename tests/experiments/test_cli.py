"""The real ``mpgsim`` CLI in a subprocess: kill and rerun, damage, bad input, own designs."""

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import psutil
import pytest
from test_kwadrant import assert_best_in_declared_direction

from experiments.store import Store

ROOT = Path(__file__).resolve().parents[2]
SMALL = ["--set", "families_per_region=120", "--set", "municipalities_per_region=2"]
KWADRANT = ["sweep", "kwadrant", "--reps", "2", "--weeks", "12", "--seed", "5", *SMALL]
TINY = ["--reps", "2", "--weeks", "4", "--seed", "3", *SMALL]


def mpgsim_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("mpgsim")
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-c", "from dashboard.cli import main; main()"]


def mpgsim(*args, cwd=ROOT, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*mpgsim_cmd(), *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300, **kw
    )


def cells(out: Path) -> pd.DataFrame:
    table = pd.read_parquet(out / "results" / "kwadrant_cells.parquet")
    return table.sort_values(list(table.columns[:6])).reset_index(drop=True)


def raw_rows(out: Path, table: str, keys: str) -> tuple[int, int]:
    """Rows in the files themselves (not the de-duplicated views) and distinct keys."""
    sql = f"SELECT count(*), count(DISTINCT ({keys})) FROM read_parquet('{out}/{table}/*.parquet')"
    return duckdb.sql(sql).fetchall()[0]


def one_line_error(result: subprocess.CompletedProcess, needle: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_killing_the_main_process_late_then_rerunning_stores_every_run_once(tmp_path, sig):
    killed = tmp_path / "killed"
    args = [*KWADRANT, "--workers", "2", "--batch", "3", "--out", killed]
    proc = subprocess.Popen(
        [*mpgsim_cmd(), *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    parts = killed / "parts"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and len(list(parts.glob("*.parquet"))) < 120:
        time.sleep(0.02)
    workers = psutil.Process(proc.pid).children(recursive=True)
    assert workers, "the sweep should run on worker processes"
    os.kill(proc.pid, sig)  # the main process only: its workers must not outlive it
    proc.wait()
    gone, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive, f"left behind: {alive}"
    store = Store(killed)
    assert 0 < store.status()["done"] < 162

    resumed = mpgsim(*args)  # immediately, with another batch size
    assert resumed.returncode == 0, resumed.stderr
    assert "already have a result" in " ".join(resumed.stderr.split())
    assert raw_rows(killed, "parts", "run_id, week") == (162 * 12, 162 * 12)
    assert raw_rows(killed, "runs", "run_id") == (162, 162)
    once = store.query("SELECT run_id, count(*) AS n FROM weekly GROUP BY run_id")
    assert sorted(once.run_id) == sorted(store.design().run_id)
    assert (once.n == 12).all()
    assert store.status()["failed"] == 0
    if sig != signal.SIGKILL:
        return

    clean = tmp_path / "clean"
    whole = mpgsim(*KWADRANT, "--engine", "serial", "--out", clean)
    assert whole.returncode == 0, whole.stderr
    pd.testing.assert_frame_equal(cells(killed), cells(clean))
    assert "best-fitting coat" in whole.stdout
    status = mpgsim("status", killed)
    assert "planned 162" in status.stdout and "done 162" in status.stdout
    assert mpgsim("compact", killed).returncode == 0
    assert len(Store(killed).files("parts")) == 1
    pd.testing.assert_frame_equal(cells(killed), cells(clean))
    report = mpgsim("report", killed)
    assert report.returncode == 0, report.stderr
    page = (killed / "report.html").read_text()
    assert '"type":"heatmap"' in page and "cdn.plot.ly/plotly" not in page
    assert "over time" in page  # the fan charts


@pytest.mark.slow
def test_one_replication_in_shards_then_the_analysis_with_best_coats_the_declared_way(tmp_path):
    out = tmp_path / "kw"
    args = ["sweep", "kwadrant", "--reps", "1", "--weeks", "6", *SMALL, "--out", out]
    for part in ("1/2", "2/2"):
        shard = mpgsim(*args, "--shard", part)
        assert shard.returncode == 0, shard.stderr
        assert "mpgsim report" in " ".join(shard.stderr.split())
        assert not (out / "results").exists()  # a shard leaves the analysis to the end
    whole = mpgsim(*args)
    assert whole.returncode == 0, whole.stderr
    assert "best-fitting coat" in whole.stdout and "n/a" in whole.stdout
    tables = Store(out).results()
    assert_best_in_declared_direction(tables["kwadrant_best"], tables["kwadrant_cells"])
    assert mpgsim("report", out).returncode == 0


def test_a_damaged_store_is_named_repaired_and_redone(tmp_path):
    out = tmp_path / "g"
    args = ["sweep", "grid", "--param", "caseload_norm=8,14", *TINY, "--out", out]
    assert mpgsim(*args).returncode == 0
    store = Store(out)
    victim = sorted((out / "parts").glob("*.parquet"))[1]
    victim.write_bytes(victim.read_bytes()[:100])  # a truncated part file

    status = mpgsim("status", out)
    assert status.returncode == 0 and "Traceback" not in status.stderr
    assert victim.name in status.stdout and "done 3" in status.stdout
    one_line_error(mpgsim("report", out), victim.name)
    checked = mpgsim("verify", out)
    assert checked.returncode == 1 and victim.name in checked.stdout

    rerun = mpgsim(*args)
    assert rerun.returncode == 0, rerun.stderr
    assert "quarantined" in rerun.stderr and "1 to run" in " ".join(rerun.stderr.split())
    assert store.status() | {"part_files": 0} == {
        "planned": 4,
        "done": 4,
        "failed": 0,
        "remaining": 0,
        "part_files": 0,
        "damaged_files": 0,
    }
    assert list((out / "quarantine" / "parts").glob("*.parquet"))

    store.design_path.write_bytes(b"PAR1 not really")  # a damaged design
    one_line_error(mpgsim("status", out), "design.parquet")
    assert mpgsim("verify", out, "--repair").returncode == 0
    assert mpgsim(*args).returncode == 0  # the rerun rewrites the design
    assert mpgsim("verify", out).returncode == 0
    assert Store(out).status()["done"] == 4


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["sensitivity", "sobol", "--params", "caseload_nrom"], "unknown parameter"),
        (["sensitivity", "sobol", "--n", "100"], "power of two"),
        (["sensitivity", "morris", "--outcome", "stagnaton_rate"], "unknown outcome"),
        (["sensitivity", "morris", "--set", "caseload_norm=9"], "varies that parameter"),
        ([*KWADRANT, "--scheduler", "tcp://127.0.0.1:9"], "no Dask scheduler answered"),
        ([*KWADRANT, "--shard", "3/2"], "--shard"),
        ([*KWADRANT, "--seed", "-1"], "--seed: -1"),
        (["run", "--seed", "-1"], "--seed: -1"),
        (["run", "--seed", str(2**64 + 1)], "--seed"),
        (["sweep", "kwadrant", "--set", "professional_type=innoverend"], "varies that parameter"),
        (["sweep", "grid", "--param", "caseload_norm=8,999"], "caseload_norm: 999"),
        (["sweep", "grid", "--param", "region_type=vast"], "region_type: 'vast'"),
        (["sweep", "grid", "--param", "caseload_norm"], "NAME=VALUES"),
        (["sweep", "lhs", "--param", "region_type=a:b"], "not numeric"),
        (["sweep", "lhs", "--param", "caseload_norm=20:6"], "LOW must be smaller"),
        (["sweep", "lhs", "--param", "caseload_norm=6:99"], "caseload_norm: 99"),
        (["sweep", "csv", "missing.csv"], "cannot read it"),
        (["sweep", "kwadrant", "--weeks", "abc"], "--weeks"),
        (["params", "--format", "xml"], "--format"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(tmp_path, args, needle):
    out = ["--out", tmp_path / "out"] if args[0] in ("sweep", "sensitivity") else []
    one_line_error(mpgsim(*args, *out, cwd=tmp_path), needle)
    assert not (tmp_path / "out" / "design.parquet").exists()


def test_bad_csv_design_names_line_and_column(tmp_path):
    bad = _write(tmp_path / "d.csv", "caseload_norm,region_type\n8,vasthoudend\n9,somewhere\n")
    one_line_error(mpgsim("sweep", "csv", bad, "--out", tmp_path / "o"), "line 3, region_type")
    unknown = _write(tmp_path / "u.csv", "caseload_nrom\n8\n")
    one_line_error(mpgsim("sweep", "csv", unknown, "--out", tmp_path / "o"), "caseload_norm?")


def test_unwritable_outputs_are_refused_before_simulating(tmp_path):
    a_file = _write(tmp_path / "file", "x")
    started = time.monotonic()
    one_line_error(mpgsim("sweep", "kwadrant", "--out", a_file), "a file, not a folder")
    one_line_error(
        mpgsim("sweep", "grid", "--param", "caseload_norm=8", "--out", a_file / "x"), "--out"
    )
    one_line_error(mpgsim("run", "--out", a_file / "run.parquet"), "its folder")
    one_line_error(mpgsim("run", "--out", tmp_path), "must end in .parquet")
    assert time.monotonic() - started < 60  # refused up front, not after 81 runs
    out = tmp_path / "g"
    assert (
        mpgsim("sweep", "grid", "--param", "caseload_norm=8", *TINY, "--out", out).returncode == 0
    )
    one_line_error(mpgsim("report", out, "--output", a_file / "r.html"), "--output")
    one_line_error(mpgsim("report", out, "--output", tmp_path), "--output")


def test_workers_beyond_the_cores_are_capped_and_said(tmp_path):
    out = tmp_path / "g"
    done = mpgsim(
        "sweep", "grid", "--param", "caseload_norm=8", *TINY, "--workers", "999", "--out", out
    )
    assert done.returncode == 0, done.stderr
    cores = len(os.sched_getaffinity(0))
    assert f"--workers 999: this machine has {cores} cores" in " ".join(done.stderr.split())


@pytest.mark.slow
def test_own_designs_run_resume_report_and_export(tmp_path):
    grid = tmp_path / "grid"
    args = [
        "sweep",
        "grid",
        "--param",
        "caseload_norm=8,14",
        "--param",
        "region_type=vasthoudend,innoverend",
        *TINY,
        "--out",
        grid,
    ]
    first = mpgsim(*args)
    assert first.returncode == 0, first.stderr
    design = Store(grid).design()
    assert len(design) == 4 * 2 and design.caseload_norm.map(type).eq(int).all()
    assert set(design.region_type) == {"vasthoudend", "innoverend"}
    again = mpgsim(*args)
    assert "8 already have a result, 0 to run" in " ".join(again.stderr.split())
    points = Store(grid).results()["points"]
    assert set(points.n) == {2} and len(points.drop_duplicates("sample_row")) == 4

    table = _write(tmp_path / "p.csv", "caseload_norm,pooled_funding\n8,0.1\n12,0.6\n")
    assert mpgsim("sweep", "csv", table, *TINY, "--out", tmp_path / "csv").returncode == 0
    assert list(Store(tmp_path / "csv").design().pooled_funding.unique()) == [0.1, 0.6]
    lhs = tmp_path / "lhs"
    done = mpgsim(
        "sweep",
        "lhs",
        "--param",
        "caseload_norm=6:20",
        "--param",
        "recovery_rate=0.04:0.06",
        "--n",
        "3",
        *TINY,
        "--out",
        lhs,
    )
    assert done.returncode == 0, done.stderr
    sampled = Store(lhs).design().drop_duplicates("sample_row")
    assert len(sampled) == 3 and sampled.caseload_norm.between(6, 20).all()

    assert mpgsim("report", grid).returncode == 0
    page = (grid / "report.html").read_text()
    assert "over time across replications" in page and "region_type=innoverend" in page

    exported = mpgsim("export", grid, "--format", "csv")
    assert exported.returncode == 0, exported.stderr
    path = grid / "export" / "runs.csv"
    read = pd.read_csv(path)
    runs = Store(grid).runs()
    assert len(read) == len(runs) and list(read.columns) == list(runs.columns)
    pd.testing.assert_series_equal(
        read.sort_values("run_id").stagnation_rate.reset_index(drop=True),
        runs.sort_values("run_id").stagnation_rate.reset_index(drop=True),
    )
    with path.open(newline="", encoding="utf-8") as fh:  # what a spreadsheet does
        rows = list(csv.reader(fh))
    assert {len(r) for r in rows} == {len(rows[0])} and len(rows) == len(runs) + 1
    weekly = mpgsim("export", grid, "--weekly", "--format", "parquet")
    assert weekly.returncode == 0
    assert len(pd.read_parquet(grid / "export" / "weekly.parquet")) == 8 * 4


def test_params_lists_full_names_as_table_json_and_csv():
    from sim.params import PARAMETERS

    table = mpgsim("params")
    assert table.returncode == 0
    assert all(name in table.stdout for name in PARAMETERS) and "…" not in table.stdout
    listed = json.loads(mpgsim("params", "--format", "json").stdout)
    assert [p["name"] for p in listed] == list(PARAMETERS)
    rows = list(csv.DictReader(mpgsim("params", "--format", "csv").stdout.splitlines()))
    assert [r["name"] for r in rows] == list(PARAMETERS)


#: What the commands that only print (help, the parameter list) must not wait for: the
#: dashboard's and the sweeps' libraries, and the model's own (NumPy, Mesa, SciPy, pandas).
HEAVY = ("dask", "distributed", "dash", "plotly", "duckdb", "pyarrow", "SALib")
HEAVY += ("numpy", "mesa", "scipy", "pandas", "networkx")


@pytest.mark.parametrize(
    "args",
    [["--help"], ["params"], ["params", "--format", "json"], ["sweep", "--help"], ["run", "--help"]]
    + [["validate", "--help"], ["sensitivity", "sobol", "--help"], ["status", "--help"]],
)
def test_help_and_params_load_no_heavy_libraries(args):
    code = (
        "import sys\n"
        "from dashboard.cli import main\n"
        f"sys.argv = ['mpgsim', *{args!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"heavy = {set(HEAVY)!r}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.slow
def test_an_installed_package_runs_a_packaged_scenario_from_another_folder(tmp_path):
    site = tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", site, ROOT]
    built = subprocess.run(list(map(str, pip)), capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    assert (site / "mpgsim_configs" / "cases" / "jesse.toml").is_file()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "MPGSIM_CONFIG_DIR"}
    env["PYTHONPATH"] = str(site)
    code = (
        "import sys\n"
        "import sim\n"
        f"assert sim.__file__.startswith({str(site)!r}), sim.__file__\n"
        "from dashboard.cli import main\n"
        "sys.argv = ['mpgsim', 'run', 'cases/jesse', '--weeks', '3',"
        " '--set', 'families_per_region=200']\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "cases/jesse" in done.stdout and "stagnation_rate" in done.stdout
