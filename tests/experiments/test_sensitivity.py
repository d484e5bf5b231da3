import math

import numpy as np
import pandas as pd
import pytest

from experiments import pipeline, sensitivity
from experiments.executors import open_engine
from experiments.models import ISHIGAMI_S1, ISHIGAMI_ST, ishigami
from experiments.store import Store
from sim.errors import ConfigError
from sim.params import SENSITIVITY_DEFAULT

ISHIGAMI = {
    "num_vars": 3,
    "names": ["x1", "x2", "x3"],
    "bounds": [[-math.pi, math.pi]] * 3,
    "ints": [],
}


def run_pipeline(tmp_path, method, n, reps=1, seed=42):
    store = Store(tmp_path)
    design = pipeline.plan_sensitivity(store, method, ISHIGAMI, n, reps, 1, seed, None)
    with open_engine("serial") as eng:
        report = pipeline.execute(store, design, eng, ishigami, batch_size=1024)
    return store, report, pipeline.analyse_sensitivity(store, ["y"], n)


def test_ishigami_sobol_known_answer(tmp_path):
    _, report, tables = run_pipeline(tmp_path, "sobol", 1024)
    assert report.done == 1024 * 5
    found = tables["sobol"].set_index("parameter")
    for name in ISHIGAMI["names"]:
        assert abs(found.S1[name] - ISHIGAMI_S1[name]) <= found.S1_conf[name], name
        assert abs(found.ST[name] - ISHIGAMI_ST[name]) <= found.ST_conf[name], name
    conv = tables["sobol_convergence"].groupby("n").ST_conf.max()
    assert list(conv.index) == [16, 32, 64, 128, 256, 512, 1024]
    assert conv[1024] < conv[64]  # CIs shrink as N grows


def test_doubling_n_reuses_the_finished_runs(tmp_path):
    run_pipeline(tmp_path, "sobol", 64)
    store, report, tables = run_pipeline(tmp_path, "sobol", 128)
    assert report.skipped == 64 * 5 and report.done == 64 * 5
    assert store.status()["planned"] == 128 * 5
    assert tables["sobol"].n.unique().tolist() == [128]


def test_ishigami_morris_ranks_x1_x2_x3(tmp_path):
    store, report, tables = run_pipeline(tmp_path, "morris", 10)
    assert len(store.design()) == 10 * 4
    # Trajectories on a 4-level grid revisit points; a revisited point runs once.
    assert report.done == store.design().run_id.nunique() < 40
    mu_star = tables["morris"].set_index("parameter").mu_star
    assert mu_star["x1"] > mu_star["x2"] > mu_star["x3"] > 0


def test_replications_are_averaged_per_row_in_sample_order():
    runs = pd.DataFrame({"sample_row": [2, 0, 1, 0, 2, 1], "y": [5.0, 1.0, 3.0, 2.0, 6.0, 4.0]})
    means, noise = sensitivity.row_means(runs, "y", 3)
    np.testing.assert_allclose(means, [1.5, 3.5, 5.5])
    # within-row variance 0.5, /2 reps = 0.25, over the variance of the means (4.0)
    assert noise == pytest.approx(0.25 / 4.0)
    with pytest.raises(ConfigError, match="1 of 4 sample rows"):
        sensitivity.row_means(runs, "y", 4)


def test_problem_from_the_declaration():
    prob = sensitivity.problem()
    assert prob["names"] == list(SENSITIVITY_DEFAULT) and len(prob["names"]) == 15
    assert "caseload_norm" in prob["ints"]
    low, high = prob["bounds"][prob["names"].index("caseload_norm")]
    pts = sensitivity.points(
        prob, np.array([[b[0] for b in prob["bounds"]], [b[1] for b in prob["bounds"]]])
    )
    assert (pts[0]["caseload_norm"], pts[1]["caseload_norm"]) == (3, 30)
    assert (low, high) == (2.5, 30.5)


@pytest.mark.parametrize(
    ("names", "match"),
    [
        (["caseload_nrom"], "did you mean caseload_norm"),
        (["region_type"], "not numeric"),
        (["caseload_norm", "caseload_norm"], "at most once"),
    ],
)
def test_bad_parameters(names, match):
    with pytest.raises(ConfigError, match=match):
        sensitivity.problem(names)


@pytest.mark.parametrize("n", [0, 1, 100, 1000])
def test_n_must_be_a_power_of_two(n):
    with pytest.raises(ConfigError, match="power of two"):
        sensitivity.check_power_of_two(n)


@pytest.mark.parametrize("method", ["sobol", "morris"])
def test_report_draws_the_indices_of_a_sensitivity_store(tmp_path, method):
    from experiments.report import write_report

    store, _, _ = run_pipeline(tmp_path, method, 16)
    page = write_report(store).read_text(encoding="utf-8")
    assert page.count("plotly-graph-div") >= 2  # index bars plus convergence or mu*-sigma
    assert "noise share: not measured (one replication)" in page
    assert "<td>x1</td>" in page
