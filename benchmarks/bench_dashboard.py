"""Dashboard latency, measured in real headless Chromium against a live server.

Prints: start-up time (the baseline is precomputed then), the time until the first page shows
baseline results (for a returning visitor and on a first visit with a cold browser, with the
share of the browser compiling plotly.js),
and the time a new single-region scenario takes through the dashboard's own run path.
Targets (issue 4): first page within 2 s; a new scenario in a few seconds.
Run: ``.venv/bin/python benchmarks/bench_dashboard.py`` (needs Debian's chromium).
"""

from __future__ import annotations

import logging
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


def first_page(browser, url: str, returning: bool) -> float:
    """Seconds from opening the first page until its stagnation chart is drawn."""
    context = browser.new_context()
    page = context.new_page()
    if returning:  # an earlier visit: Dash and plotly.js are cached and already compiled
        for _ in range(2):
            page.goto(url + "/")
            page.wait_for_selector(CHART, timeout=60_000)
    started = time.perf_counter()
    page.goto(url + "/")
    page.wait_for_selector(CHART, timeout=60_000)
    seconds = time.perf_counter() - started
    context.close()
    return seconds


def plotly_compile_ms(browser, url: str) -> float:
    """Milliseconds a fresh browser needs to fetch and evaluate the plotly.js bundle alone."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(url + "/uitleg")
    ms = page.evaluate(
        """async (src) => { const t0 = performance.now();
        await new Promise((done) => { const s = document.createElement('script');
          s.src = src; s.onload = done; document.head.appendChild(s); });
        return performance.now() - t0; }""",
        url + "/assets/plotly-cartesian.min.js",
    )
    context.close()
    return ms


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
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request drowns the figures
    server, url, startup = serve()
    print(f"start-up with the baseline precomputed: {startup:.2f} s")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        returning = [first_page(browser, url, returning=True) for _ in range(5)]
        cold = [first_page(browser, url, returning=False) for _ in range(5)]
        plotly_ms = statistics.median(plotly_compile_ms(browser, url) for _ in range(3))
        browser.close()
    server.shutdown()
    for label, times in (("returning visitor", returning), ("first visit, cold browser", cold)):
        median = statistics.median(times)
        verdict = "ok" if median <= 2 else "MISSED"
        print(
            f"first page shows baseline results, {label}: median {median:.2f} s"
            f" (max {max(times):.2f})   target <= 2 s -> {verdict}"
        )
    print(f"  of which the browser fetching and compiling plotly.js alone: {plotly_ms:.0f} ms")
    times = [new_scenario() for _ in range(3)]
    print(
        f"new single-region scenario (1,100 families, 104 weeks): median "
        f"{statistics.median(times):.2f} s   target: a few seconds"
    )


if __name__ == "__main__":
    main()
