"""Dashboard latency, measured in real headless Chromium against a live server.

Prints: start-up time (the baseline is precomputed then), the time until the first page shows
baseline results (a browser that has the app's scripts from an earlier visit, and a cold one),
and the time a new single-region scenario takes through the dashboard's own run path.
Targets (issue 4): first page within 2 s; a new scenario in a few seconds.
Run: ``.venv/bin/python benchmarks/bench_dashboard.py`` (needs Debian's chromium).
"""

from __future__ import annotations

import socket
import statistics
import tempfile
import threading
import time

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CHART = "#sc-graph-stagnation .main-svg"


def serve():
    from dashboard.app import create_app

    started = time.perf_counter()
    app = create_app(cache_dir=tempfile.mkdtemp(prefix="mpgsim-bench-"))
    app.server.test_client().get("/")
    startup = time.perf_counter() - started
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = make_server("127.0.0.1", port, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{port}", startup


def first_page(browser, url: str, warm: bool) -> float:
    context = browser.new_context()
    page = context.new_page()
    if warm:  # an earlier visit: Dash and plotly.js are in the browser's cache
        page.goto(url + "/uitleg")
        page.wait_for_selector("h1")
    started = time.perf_counter()
    page.goto(url + "/")
    page.wait_for_selector(CHART, timeout=60_000)
    seconds = time.perf_counter() - started
    context.close()
    return seconds


def new_scenario() -> float:
    """A scenario nobody asked for yet, through the dashboard's run path (cache miss)."""
    import diskcache

    from dashboard.runs import Runner, default_simulate
    from experiments.config import load_scenario
    from experiments.version import model_version

    runner = Runner(diskcache.Cache(tempfile.mkdtemp()), default_simulate, model_version(), 1)
    sc = load_scenario("baseline", {"professional_type": "innoverend", "pooled_funding": 0.7})
    started = time.perf_counter()
    runner.run(sc, seed=4242, weeks=104)
    return time.perf_counter() - started


def main() -> None:
    server, url, startup = serve()
    print(f"start-up with the baseline precomputed: {startup:.2f} s")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        warm = [first_page(browser, url, warm=True) for _ in range(5)]
        cold = [first_page(browser, url, warm=False) for _ in range(3)]
        browser.close()
    server.shutdown()
    median = statistics.median(warm)
    verdict = "ok" if median <= 2 else "MISSED"
    print(
        f"first page shows baseline results, warm browser: median {median:.2f} s"
        f" (max {max(warm):.2f})   target <= 2 s -> {verdict}"
    )
    print(
        f"first page, cold browser (downloads ~4 MB of Dash and plotly.js): "
        f"median {statistics.median(cold):.2f} s"
    )
    times = [new_scenario() for _ in range(3)]
    print(
        f"new single-region scenario (1,100 families, 104 weeks): median "
        f"{statistics.median(times):.2f} s   target: a few seconds"
    )


if __name__ == "__main__":
    main()
