"""Fixtures of the dashboard tests: a slowed real model, stored results, a live server, Chromium.

Browser tests need Debian's chromium. They are skipped when it is missing, unless
``MPGSIM_REQUIRE_BROWSER`` is set (as in CI): then a missing browser fails them.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboard.analysis import all_coats

CHROMIUM = os.environ.get("MPGSIM_CHROMIUM", "/usr/bin/chromium")
CHROME_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AXE = Path(__file__).with_name("vendor") / "axe.min.js"


class SlowModel:
    """The real model with a pause after every week, so progress and Cancel can be watched.

    Only seeds from ``from_seed`` up, and any run of a scenario in ``slow_names``, are
    slowed: the default scenarios (seed 1) that start-up and page loads compute run at full
    speed, and the tests that watch a run pick seed >= 10 (or a slowed training case). It runs
    in the dashboard's pool processes, so it is a picklable object, and it records every run it
    makes in a log file that the tests read (``calls``).
    """

    def __init__(
        self, delay: float, log: Path, from_seed: int = 10, slow_names: tuple[str, ...] = ()
    ):
        self.delay = delay
        self.log = Path(log)
        self.from_seed = from_seed
        self.slow_names = slow_names

    def __call__(self, scenario, seed, weeks=None, on_week=None):
        from experiments.single import run_scenario

        with self.log.open("a") as out:
            out.write(f"{scenario.name},{seed}\n")
        slow = seed >= self.from_seed or scenario.name in self.slow_names

        def tick(week, total):
            if slow:
                time.sleep(self.delay)
            if on_week:
                on_week(week, total)

        return run_scenario(scenario, seed=seed, weeks=weeks, on_week=tick)

    @property
    def calls(self) -> list[str]:
        """Every model run the app asked for, in order."""
        return self.log.read_text().splitlines() if self.log.exists() else []


def _coat_runs(rng, scenario: str, prefix: str, reps: int, fits: str, level: float):
    """Design rows and run summaries of 81 coats; the more levels of type ``fits``, the better."""
    design, runs = [], []
    for i, coat in enumerate(all_coats()):
        for rep in range(reps):
            run_id = f"{prefix}{i:02d}{rep}"
            design.append(
                {
                    "run_id": run_id,
                    "design_kind": "kwadrant",
                    "scenario": scenario,
                    "sample_row": i,
                    "replication": rep,
                    "seed": rep + 1,
                    "weeks": 52,
                    **coat,
                }
            )
            k = sum(v == fits for v in coat.values())
            runs.append(
                {
                    "run_id": run_id,
                    "seed": rep + 1,
                    "stagnation_rate": level - 0.03 * k + rng.normal(0, 0.01),
                    "trust_mean": level - 0.1 + 0.02 * k,
                    "incidents_per_family_year": level + 0.2,
                }
            )
    return design, runs


def write_store(root: Path) -> Path:
    """A small stored sweep and a Sobol table, as the CLI writes them.

    The sweep holds the baseline (81 coats x 2 seeds, innovating fits best) and the Anna case
    (81 coats x 3 seeds, steadfast fits best: enough for the workshop to use it).
    """
    rng = np.random.default_rng(3)
    kw = root / "kwadrant"
    (kw / "runs").mkdir(parents=True)
    design, runs = _coat_runs(rng, "baseline", "r", reps=2, fits="innoverend", level=0.5)
    more_design, more_runs = _coat_runs(rng, "cases/anna", "a", 3, fits="vasthoudend", level=0.6)
    design, runs = design + more_design, runs + more_runs
    pd.DataFrame(design).to_parquet(kw / "design.parquet")
    pd.DataFrame(runs).to_parquet(kw / "runs" / "part-a.parquet")
    (kw / "parts").mkdir()  # the weekly rows: a run counts as done when it has them
    weekly = pd.DataFrame(runs).assign(week=1)
    weekly.to_parquet(kw / "parts" / "part-a.parquet")
    names = ["caseload_norm", "procesregie_capacity_share", "pooled_funding", "information_sharing"]
    sobol = root / "sobol" / "results"
    sobol.mkdir(parents=True)
    firm = pd.DataFrame(
        {
            "parameter": names,
            "S1": [0.4, 0.2, 0.1, 0.05],
            "S1_conf": [0.05, 0.04, 0.03, 0.02],
            "ST": [0.5, 0.3, 0.15, 0.08],
            "ST_conf": [0.06, 0.05, 0.03, 0.02],
            "outcome": "stagnation_rate",
            "n": 512,
        }
    )
    # a run far too small to rank anything: N = 8, an S1 above 1, CIs wider than the indices
    shaky = firm.assign(
        S1=[1.8, 0.3, -0.2, 0.1],
        S1_conf=[2.1, 0.9, 0.8, 0.7],
        ST=[1.2, 0.5, 0.4, 0.2],
        ST_conf=[1.5, 0.8, 0.7, 0.6],
        outcome="trust_mean",
        n=8,
    )
    pd.concat([firm, shaky], ignore_index=True).to_parquet(sobol / "sobol.parquet")
    write_robust_store(root / "robust-anna", rng)
    return root


def write_robust_store(out: Path, rng, worlds: int = 4) -> Path:
    """A stored ``mpgsim robust`` of the Anna case, as the CLI writes it.

    In its worlds the innovating types fit best, the opposite of the kwadrant sweep: its runs
    must never mix into the kwadrant grid or the workshop's scores, only into "how sure".
    The steadfast coat is best in 3 of the 4 worlds, the innovating one in 1.
    """
    from experiments import robust
    from experiments.io import write_parquet
    from experiments.store import Store

    design, runs = [], []
    for world in range(worlds):
        fits = "vasthoudend" if world < worlds - 1 else "innoverend"
        d, r = _coat_runs(rng, "cases/anna", f"w{world}", 3, fits=fits, level=0.6)
        for row in d:
            row["design_kind"] = "robust"
            row["sample_row"] += world * 81
        design += d
        runs += r
    design, runs = pd.DataFrame(design), pd.DataFrame(runs)
    (out / "runs").mkdir(parents=True)
    (out / "parts").mkdir()
    write_parquet(design, out / "design.parquet", {"design_kind": "robust"})
    runs.to_parquet(out / "runs" / "part-a.parquet")
    runs.assign(week=1).to_parquet(out / "parts" / "part-a.parquet")
    joined = runs.merge(design.drop(columns="seed"), on="run_id")
    tables = robust.analyse(joined, "stagnation_rate")
    store = Store(out)
    for name, table in tables.items():
        store.save_result(name, table)
    return out


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory) -> Path:
    return write_store(tmp_path_factory.mktemp("store"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveUrl(str):
    """The live server's address, carrying the model function the app was given."""

    model = None
    ctx = None  # the app's Context: its run cache, to check what a page shows


@pytest.fixture(scope="session")
def live_url(tmp_path_factory, store_dir):
    """One dashboard for all browser tests, served on 127.0.0.1 at a free port."""
    from werkzeug.serving import make_server

    from dashboard.app import create_app

    # the Jesse case is slowed too: the workshop test switches case while Jesse still runs
    model = SlowModel(
        0.03, tmp_path_factory.mktemp("log") / "calls.txt", slow_names=("cases/jesse",)
    )
    app = create_app(
        simulate=model,
        cache_dir=tmp_path_factory.mktemp("cache"),
        sweep_dir=store_dir,
        slots=2,
    )
    app.server.test_client().get("/")
    server = make_server("127.0.0.1", _free_port(), app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = LiveUrl(f"http://127.0.0.1:{server.server_port}")
    url.model = model
    url.ctx = app.server.extensions["mpgsim"]
    yield url
    server.shutdown()
    app.server.extensions["mpgsim"].jobs.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect

    # what a person sees is asserted, not how fast: on a busy 2-core machine a page can take
    # more than Playwright's 5 s default to appear, which is no failure of the page
    expect.set_options(timeout=30_000)
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        if os.environ.get("MPGSIM_REQUIRE_BROWSER"):
            pytest.fail(f"MPGSIM_REQUIRE_BROWSER is set but {CHROMIUM} is missing")
        pytest.skip(f"no chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROME_FLAGS)
        yield b
        b.close()


#: the screens the tests look through: a laptop, a projector and a phone
DESKTOP = {"width": 1440, "height": 900}
PROJECTOR = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}


def _person(browser, viewport=DESKTOP, phone=False):
    """A fresh browser context (one person) and its page, recording console errors."""
    ctx = browser.new_context(
        locale="nl-NL",
        viewport=viewport,
        accept_downloads=True,
        is_mobile=phone,
        has_touch=phone,
    )
    page = ctx.new_page()
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    page.set_default_timeout(30_000)
    return ctx, page


@pytest.fixture
def people(browser):
    """Make people, each in their own browser context: ``people()``, ``people(PHONE, True)``."""
    contexts = []

    def make(viewport=DESKTOP, phone=False):
        ctx, page = _person(browser, viewport, phone)
        contexts.append(ctx)
        return page

    yield make
    for ctx in contexts:
        ctx.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    path = ARTIFACTS / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path
