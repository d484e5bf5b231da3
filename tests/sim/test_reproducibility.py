import pandas as pd

from experiments.config import load_scenario
from experiments.single import run_scenario, tidy

SMALL = {"families_per_region": 300, "municipalities_per_region": 4, "burn_in_weeks": 26}


def test_same_seed_gives_identical_table():
    sc = load_scenario("baseline", SMALL)
    a = tidy(run_scenario(sc, seed=7, weeks=40), sc.params, 7, 40)
    b = tidy(run_scenario(sc, seed=7, weeks=40), sc.params, 7, 40)
    pd.testing.assert_frame_equal(a, b)


def test_different_seeds_give_different_tables():
    sc = load_scenario("baseline", SMALL)
    a = run_scenario(sc, seed=7, weeks=40)
    b = run_scenario(sc, seed=8, weeks=40)
    assert not a.equals(b)
    assert (a["trust_mean"] != b["trust_mean"]).any()


def test_run_id_depends_on_params_and_seed_only():
    sc = load_scenario("baseline", SMALL)
    first = tidy(run_scenario(sc, seed=3, weeks=5), sc.params, 3, 5)["run_id"].iloc[0]
    again = tidy(run_scenario(sc, seed=3, weeks=5), sc.params, 3, 5)["run_id"].iloc[0]
    other = tidy(run_scenario(sc, seed=4, weeks=5), sc.params, 4, 5)["run_id"].iloc[0]
    assert first == again != other


def test_table_is_tidy_snake_case_with_leading_keys():
    sc = load_scenario("baseline", SMALL)
    table = tidy(run_scenario(sc, seed=1, weeks=3), sc.params, 1, 3, varied={"region_type": "x"})
    assert list(table.columns[:4]) == ["run_id", "seed", "week", "region_type"]
    assert all(c == c.lower() and " " not in c for c in table.columns)
    assert table["week"].tolist() == [1, 2, 3]
