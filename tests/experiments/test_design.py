import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from experiments import sensitivity
from experiments.design import build_design, seeds, shard, tasks
from experiments.kwadrant import FACTORS, kwadrant_design
from sim.errors import ConfigError


def test_seeds_are_nested_and_distinct():
    assert seeds(7, 10)[:4] == seeds(7, 4)
    assert len(set(seeds(7, 10))) == 10
    assert seeds(7, 3) != seeds(8, 3)


def test_kwadrant_design_has_81_cells_with_common_seeds(kw_design):
    assert len(kw_design) == 81 * 2
    assert kw_design.run_id.is_unique
    assert len(kw_design.drop_duplicates(list(FACTORS))) == 81
    per_rep = kw_design.groupby("replication").seed.nunique()
    assert (per_rep == 1).all()  # common random numbers: replication r shares its seed


def test_run_ids_are_stable_and_extend_with_reps(small_scenario, kw_design):
    more = kwadrant_design([small_scenario], reps=3, weeks=8, root_seed=11)
    assert set(kw_design.run_id) < set(more.run_id)
    assert len(more) == 81 * 3


def test_sobol_design_for_n_is_a_prefix_of_2n(small_scenario):
    prob = sensitivity.problem(["caseload_norm", "recovery_rate", "problem_drift"])
    small = build_design(
        "sobol", sensitivity.sobol_points(prob, 8, 3, False), 2, 3, 8, [small_scenario]
    )
    big = build_design(
        "sobol", sensitivity.sobol_points(prob, 16, 3, False), 2, 3, 8, [small_scenario]
    )
    assert list(big.run_id[: len(small)]) == list(small.run_id)
    assert big.caseload_norm.map(type).eq(int).all()
    assert big.caseload_norm.between(3, 30).all()


def test_tasks_are_plain_python(kw_design):
    task = tasks(kw_design.head(1))[0]
    assert set(task) >= {"run_id", "seed", "weeks", "overrides", "varied"}
    assert task["overrides"]["families_per_region"] == 200
    assert type(task["seed"]) is int
    assert set(task["varied"]) == set(FACTORS)


def test_identical_points_share_a_run_id(small_scenario):
    design = build_design("sobol", [{"caseload_norm": 9}] * 2, 2, 1, 8, [small_scenario])
    assert design.run_id.nunique() == 2
    assert list(design.sample_row) == [0, 0, 1, 1]


@given(n=st.integers(1, 12), rows=st.integers(0, 60))
def test_shards_partition_the_design(n, rows):
    design = pd.DataFrame({"run_id": [f"r{i}" for i in range(rows)]})
    parts = [shard(design, f"{i}/{n}") for i in range(1, n + 1)]
    together = pd.concat(parts).run_id
    assert sorted(together) == sorted(design.run_id)
    assert together.is_unique


@pytest.mark.parametrize("spec", ["0/4", "5/4", "2", "a/b", "1/0"])
def test_bad_shard_spec(spec):
    with pytest.raises(ConfigError, match="--shard"):
        shard(pd.DataFrame({"run_id": ["a"]}), spec)
