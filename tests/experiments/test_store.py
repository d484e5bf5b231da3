"""The results store: views that de-duplicate, the documented queries, damage, the read API."""

import re
from pathlib import Path

import pandas as pd
import pytest
from fakes import fake_model, raising_model

from experiments.executors import open_engine
from experiments.runner import run_design
from experiments.store import Store, all_runs, find_stores, list_sweeps
from sim.errors import ConfigError

DOCS = Path(__file__).resolve().parents[2] / "docs" / "experiments.md"


def sweep(root, design, run_fn=fake_model) -> Store:
    store = Store(root)
    store.save_design(design, {"design_kind": "kwadrant", "identity": {"scenarios": ["small"]}})
    with open_engine("serial") as eng:
        run_design(design, eng, store, run_fn)
    return store


def test_views_count_each_run_and_week_once_even_when_files_repeat_them(tmp_path, kw_design):
    store = sweep(tmp_path, kw_design.iloc[:6])
    rid = kw_design.run_id.iloc[0]
    # An older store, or a compaction racing a rerun, can hold a run twice under two names.
    for table in ("parts", "runs"):
        copy = pd.read_parquet(store.part_path(table, rid))
        store.write_part(table, "part-older-batch", copy)
    weekly = store.query("SELECT run_id, week, count(*) AS n FROM weekly GROUP BY ALL")
    assert (weekly.n == 1).all() and len(weekly) == 6 * 8
    assert len(store.runs()) == 6 and store.runs().run_id.is_unique
    assert len(store.weekly([rid])) == 8


def test_empty_store_views_have_their_columns(tmp_path, kw_design):
    store = Store(tmp_path)
    store.save_design(kw_design, {"design_kind": "kwadrant"})
    failures = store.query(
        "SELECT error_type, message, count(*) AS runs FROM failures GROUP BY ALL"
    )
    assert failures.empty and list(failures.columns) == ["error_type", "message", "runs"]
    assert store.query("SELECT run_id, week FROM weekly").empty
    assert store.runs().empty


def documented_sql() -> list[str]:
    text = DOCS.read_text()
    return re.findall(r"```sql\n(.*?)```", text, re.S)


def test_every_documented_query_runs_on_a_store_with_and_without_failures(tmp_path, kw_design):
    blocks = documented_sql()
    assert blocks, "docs/experiments.md shows DuckDB queries"
    clean = sweep(tmp_path / "clean", kw_design.iloc[:8])
    failing = sweep(tmp_path / "failing", kw_design.iloc[:8], raising_model)
    import duckdb

    for store in (clean, failing):
        for block in blocks:
            for statement in filter(str.strip, block.split(";")):
                sql = statement.replace("DIR", str(store.root))
                with duckdb.connect() as con:
                    con.sql(sql).fetchall()
    # the documented tail query returns the last 52 reported weeks, also for short runs
    tail = next(s for b in blocks for s in b.split(";") if "QUALIFY" in s)
    result = duckdb.sql(tail.replace("DIR", str(clean.root))).df()
    assert len(result) > 0


def test_read_api_finds_sweeps_below_a_folder(tmp_path, kw_design):
    sweep(tmp_path / "a", kw_design.iloc[:4])
    sweep(tmp_path / "b", kw_design.iloc[2:6])  # two runs in both
    (tmp_path / "not-a-store").mkdir()
    assert [p.name for p in find_stores(tmp_path)] == ["a", "b"]
    assert [s.kind for s in list_sweeps(tmp_path)] == ["kwadrant", "kwadrant"]
    assert list_sweeps(tmp_path)[0].scenarios == ["small"]
    runs = all_runs(tmp_path, "kwadrant")
    assert sorted(runs.run_id) == sorted(kw_design.run_id.iloc[:6])
    assert Store(tmp_path / "a").signature() != Store(tmp_path / "b").signature()


@pytest.mark.parametrize("table", ["parts", "runs"])
def test_a_damaged_file_is_named_quarantined_and_its_run_redone(tmp_path, kw_design, table):
    store = sweep(tmp_path, kw_design.iloc[:5])
    victim = store.part_path(table, kw_design.run_id.iloc[2])
    victim.write_bytes(victim.read_bytes()[:60])
    damaged = store.damaged()
    assert [d.path for d in damaged] == [victim]
    assert store.status()["done"] == 4 and store.status()["damaged_files"] == 1
    with pytest.raises(ConfigError, match="verify DIR --repair"):
        store.runs()
    with open_engine("serial") as eng:
        again = run_design(kw_design.iloc[:5], eng, store, fake_model)
    assert again.done == 1 and not store.damaged()
    assert len(store.runs()) == 5 and len(list((tmp_path / "quarantine").rglob("*.parquet"))) == 1


def test_a_file_holding_another_run_than_its_name_is_damage(tmp_path, kw_design):
    store = sweep(tmp_path, kw_design.iloc[:2])
    first, second = kw_design.run_id.iloc[:2]
    store.part_path("parts", first).write_bytes(store.part_path("parts", second).read_bytes())
    assert [d.problem for d in store.damaged()] == ["holds rows of another run than its name says"]
