import os
import signal
import threading

import pandas as pd
import pytest
from fakes import dying_model, fake_model, raising_model, slow_model

from experiments.executors import open_engine
from experiments.runner import run_design
from experiments.store import Store


def weekly(store: Store) -> pd.DataFrame:
    return store.query("SELECT * FROM weekly ORDER BY run_id, week")


def sweep(tmp_path, design, engine="serial", workers=1, run_fn=fake_model, **kw):
    store = Store(tmp_path)
    store.save_design(design, {"design_kind": "kwadrant"})
    with open_engine(engine, workers) as eng:
        report = run_design(design, eng, store, run_fn, **kw)
    return store, report


def test_every_run_stored_once_with_summary(tmp_path, kw_design):
    store, report = sweep(tmp_path, kw_design)
    assert (report.done, report.failed) == (len(kw_design), 0)
    rows = weekly(store)
    assert len(rows) == len(kw_design) * 8
    assert list(rows.columns[:3]) == ["run_id", "seed", "week"]
    runs = store.runs()
    assert sorted(runs.run_id) == sorted(kw_design.run_id)
    one = rows[rows.run_id == runs.run_id[0]]
    assert runs.stagnation_rate[0] == pytest.approx(one.stagnation_rate.mean())
    assert store.status() | {"part_files": 0, "damaged_files": 0} == {
        "planned": 162,
        "done": 162,
        "failed": 0,
        "remaining": 0,
        "part_files": 0,
        "damaged_files": 0,
    }


def test_raising_run_is_recorded_and_the_rest_complete(tmp_path, kw_design):
    store, report = sweep(tmp_path, kw_design, "processes", 2, raising_model)
    assert report.failed == 2  # sample row 3, both replications
    assert report.done == len(kw_design) - 2
    fails = store.query("SELECT * FROM failures")
    assert set(fails.error_type) == {"RuntimeError"}
    assert fails.message.str.contains("boom in row 3").all()
    assert fails.traceback.str.contains("raising_model").all()
    assert store.status()["failed"] == 2
    # Failed runs are not retried by default; --retry-failed does retry them.
    with open_engine("serial") as eng:
        assert run_design(kw_design, eng, store, raising_model).skipped == len(kw_design)
        again = run_design(kw_design, eng, store, fake_model, retry_failed=True)
    assert again.done == 2
    assert store.status()["failed"] == 0


def test_resume_runs_only_what_is_missing(tmp_path, kw_design):
    store, first = sweep(tmp_path, kw_design.iloc[:50])
    with open_engine("serial") as eng:
        second = run_design(kw_design, eng, store, fake_model)
    assert (second.skipped, second.done) == (50, len(kw_design) - 50)
    assert weekly(store).groupby("run_id").size().eq(8).all()


def test_dead_worker_breaks_no_sweep(tmp_path, kw_design):
    # os._exit in a worker breaks a ProcessPoolExecutor; the runner restarts the pool, finds
    # the runs that kill their worker and records exactly those instead of hanging.
    store, report = sweep(tmp_path, kw_design, "processes", 2, dying_model, batch_size=3)
    assert (report.done, report.failed) == (len(kw_design) - 2, 2)
    fails = store.query("SELECT * FROM failures")
    assert set(fails.error_type) == {"BrokenProcessPool"}
    assert set(fails.sample_row) == {5}
    assert weekly(store).groupby("run_id").size().eq(8).all()


def test_serial_processes_and_dask_give_identical_results(tmp_path, kw_design):
    tables = []
    for engine in ("serial", "processes", "dask"):
        store, report = sweep(tmp_path / engine, kw_design, engine, 2)
        assert report.done == len(kw_design)
        tables.append(weekly(store))
    pd.testing.assert_frame_equal(tables[0], tables[1])
    pd.testing.assert_frame_equal(tables[0], tables[2])


def test_killing_a_dask_worker_mid_sweep_still_completes(tmp_path, kw_design):
    store = Store(tmp_path)
    store.save_design(kw_design, {"design_kind": "kwadrant"})
    with open_engine("dask", 2) as eng:
        cluster = eng.closers[0]
        killed = threading.Event()

        def kill_one(done, failed):
            if done >= 20 and not killed.is_set():
                killed.set()
                nanny = next(iter(cluster.workers.values()))
                os.kill(nanny.process.process.pid, signal.SIGKILL)

        report = run_design(kw_design, eng, store, slow_model, batch_size=4, on_progress=kill_one)
    assert killed.is_set()
    assert report.done == len(kw_design)
    counts = weekly(store).groupby("run_id").size()
    assert len(counts) == len(kw_design) and counts.eq(8).all()


def test_compact_keeps_every_row_once(tmp_path, kw_design):
    store, _ = sweep(tmp_path, kw_design, batch_size=10)
    before = weekly(store)
    merged = store.compact()
    assert merged["parts"] == len(kw_design)  # one file per run before compaction
    assert len(store.files("parts")) == 1
    pd.testing.assert_frame_equal(weekly(store), before)
    assert len(store.runs()) == len(kw_design)


def test_compact_merges_in_batches_so_reading_stays_small(tmp_path, kw_design, monkeypatch):
    # DuckDB holds every listed file's schema while it reads by name: a store is merged a
    # batch of files at a time, never all at once, and nothing is lost or doubled.
    import experiments.store as store_module

    monkeypatch.setattr(store_module, "COMPACT_BATCH", 50)
    store, _ = sweep(tmp_path, kw_design, batch_size=10)
    before = weekly(store)
    assert store.compact()["parts"] == len(kw_design) == 162
    assert len(store.files("parts")) == len(store.files("runs")) == 4  # 50 + 50 + 50 + 12
    pd.testing.assert_frame_equal(weekly(store), before)
    assert sorted(store.runs().run_id) == sorted(kw_design.run_id)


def test_tidy_compacts_only_a_store_with_many_files(tmp_path, kw_design, monkeypatch):
    import experiments.store as store_module

    store, _ = sweep(tmp_path, kw_design, batch_size=10)
    assert store.tidy() is False  # 162 files: below the default batch, left as they are
    assert len(store.files("parts")) == len(kw_design)
    monkeypatch.setattr(store_module, "COMPACT_BATCH", 100)
    assert store.tidy() is True
    assert len(store.files("parts")) == 2
    assert store.tidy() is False


def test_tidy_leaves_a_store_it_cannot_write_readable(tmp_path, kw_design, monkeypatch):
    import experiments.store as store_module

    store, _ = sweep(tmp_path, kw_design, batch_size=10)
    monkeypatch.setattr(store_module, "COMPACT_BATCH", 100)

    def read_only(*_args, **_kw):
        raise PermissionError("read-only file system")

    monkeypatch.setattr(Store, "write_part", read_only)
    assert store.tidy() is False
    assert sorted(store.runs().run_id) == sorted(kw_design.run_id)


def test_a_worker_with_another_model_stores_nothing_and_stops_the_sweep(
    tmp_path, kw_design, monkeypatch
):
    # The run ids carry the planning process's model version; a worker importing another
    # copy of the package (a stale install first on its path) must not store its results
    # under them. The serial engine runs the batch here, so patching the worker's view of
    # the model version stands for a worker with another install.
    import experiments.runner as runner

    monkeypatch.setattr(runner, "model_version", lambda: "0.0.0+sim.another")
    store, report = sweep(tmp_path, kw_design, batch_size=4)
    assert report.cancelled and report.done == 0
    assert 0 < report.failed < len(kw_design)  # it stopped after the first batches
    fails = store.query("SELECT * FROM failures")
    assert set(fails.error_type) == {"ModelMismatch"}
    assert fails.message.str.contains("imports another copy of mpg-vo-sim").all()
    assert store.status()["done"] == 0
    # with the worker fixed, a rerun completes every run exactly once
    monkeypatch.undo()
    with open_engine("serial") as eng:
        again = run_design(kw_design, eng, store, fake_model, retry_failed=True)
    assert again.done == len(kw_design)
    assert weekly(store).groupby("run_id").size().eq(8).all()
