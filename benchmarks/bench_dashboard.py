"""Dashboard speed on this machine: the workshop reveal, Vergelijken and twenty users at once.

Prints, each with its target from the speed issue (targets live here, never in the tests):

* the live workshop reveal: 81 coats x 3 replications x 52 weeks in the job pool (parallel,
  capped by the cores); the same reveal clicked one and two minutes after the case was chosen,
  when the page started its runs ahead; and the reveal from a stored sweep when ``make cases``
  made one;
* Vergelijken A/B with 3 replications: the six runs in the pool plus building the charts;
* twenty people opening the Scenario page at once, each with their own seed: a real server
  (``mpgsim dashboard`` in its own process) and twenty clients speaking Dash's callback
  protocol as the page does (start, poll every 300 ms, render). The figure is the time until
  the last of them has their charts.

Run: ``.venv/bin/python benchmarks/bench_dashboard.py`` (or ``make bench``).
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASE = "cases/jesse"
USERS = 20
POLL = 0.3  # the page's poll interval


# --- reveal and Vergelijken, through the dashboard's own job pool -------------------------------


def _context(sweep_dir: Path | None = None):
    """A fresh dashboard's Context: an empty cache (every run is computed), its pool running.

    A serving dashboard started its pool at start-up; here one short run does that, so the
    figures below time the work, not the pool's start.
    """
    from dashboard.app import create_app
    from dashboard.jobs import Task

    app = create_app(
        cache_dir=tempfile.mkdtemp(prefix="mpgsim-bench-"), sweep_dir=sweep_dir, warm=False
    )
    ctx = app.server.extensions["mpgsim"]
    warm = [Task("baseline", (), 10_000 + i, 13) for i in range(ctx.jobs.workers)]
    ctx.jobs.wait(ctx.jobs.submit(warm, watch=None))
    return ctx


def live_reveal() -> tuple[float, int]:
    """Seconds for a live reveal of the Jesse case, and the number of runs it took."""
    from dashboard import fit

    ctx = _context()
    tasks = fit.live_tasks(CASE)
    started = time.perf_counter()
    status = ctx.jobs.wait(ctx.jobs.submit(tasks, watch=None), timeout=3600)
    scores = fit.live_fit(ctx, CASE, status.keys)
    seconds = time.perf_counter() - started
    ctx.jobs.close()
    assert status.state == "done" and scores is not None and len(scores) == 81, status
    return seconds, len(tasks)


def reveal_after(lead: float) -> tuple[float, int, int]:
    """A live reveal clicked ``lead`` seconds after the case was chosen (runs started ahead).

    The workshop starts a reveal's runs in the background when the case is chosen
    (``fit.prefetch``); the reveal then takes over what is done. Run in a fresh process
    (:func:`_ahead_in_fresh_process`) with an empty folder of settled states, so nothing
    of an earlier figure is reused.

    Returns:
        Seconds from the click to the scores, runs done ahead at the click, runs in all.
    """
    from dashboard import fit

    ctx = _context()
    fit.prefetch(ctx, CASE)
    time.sleep(lead)
    tasks = fit.live_tasks(CASE)
    started = time.perf_counter()
    job = ctx.jobs.submit(tasks, watch=None)
    ahead = ctx.jobs.status(job).done
    status = ctx.jobs.wait(job, timeout=3600)
    scores = fit.live_fit(ctx, CASE, status.keys)
    seconds = time.perf_counter() - started
    ctx.jobs.close()
    assert status.state == "done" and scores is not None and len(scores) == 81, status
    return seconds, ahead, len(tasks)


def _ahead_in_fresh_process(lead: float) -> tuple[float, int, int]:
    env = {**os.environ, "MPGSIM_WARM_DIR": tempfile.mkdtemp(prefix="mpgsim-bench-settled-")}
    out = subprocess.run(
        [sys.executable, __file__, "--reveal-after", str(lead)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, ahead, runs = out.stdout.split()[-3:]
    return float(seconds), int(ahead), int(runs)


def stored_reveal(results: Path) -> tuple[float, float] | None:
    """Seconds to read the stored sweeps as the dashboard's start-up does, then for a reveal.

    None without stored sweeps. The served dashboard reads the training cases' sweeps while it
    starts (``workshop.warm_up``), so a reveal in the room costs only the second figure.
    """
    from dashboard import fit
    from dashboard.pages import workshop

    ctx = _context(results)
    started = time.perf_counter()
    workshop.warm_up(ctx)
    read = time.perf_counter() - started
    started = time.perf_counter()
    scores = fit.stored_fit(ctx, CASE)
    seconds = time.perf_counter() - started
    ctx.jobs.close()
    return (read, seconds) if scores is not None else None


def compare_ab() -> float:
    """Seconds for Vergelijken's default A/B comparison with 3 replications, charts included."""
    from dashboard.analysis import replication_tasks
    from dashboard.pages import compare

    ctx = _context()
    states = [compare.slot_state(compare.DEFAULT_B, slot) for slot in ("A", "B")]
    started = time.perf_counter()
    status = ctx.jobs.wait(ctx.jobs.submit(replication_tasks(states, 3), watch=None))
    keys = [status.keys[:3], status.keys[3:]]
    result = {"keys": keys, "names": ["A", "B"], "outcomes": list(compare.DEFAULT_OUTCOMES)}
    charts = compare.render(ctx, result, "nl")
    seconds = time.perf_counter() - started
    ctx.jobs.close()
    assert status.state == "done" and charts is not None, status
    return seconds


# --- twenty people on the Scenario page, over HTTP ------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(port: int, cache: str) -> subprocess.Popen:
    """``mpgsim dashboard`` in its own process, answering once its start-up runs are done."""
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("mpgsim")),
            "dashboard",
            "--port",
            str(port),
            "--cache-dir",
            cache,
        ],
        cwd=tempfile.mkdtemp(),  # no ./results: nothing stored is read
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)
            return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise RuntimeError("the dashboard did not start within 10 minutes")


def _post(url: str, body: dict) -> dict:
    request = urllib.request.Request(
        url + "/_dash-update-component",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=600) as response:
        return json.loads(response.read() or b"{}")


def _outputs(key: str):
    """Dash's description of a callback's outputs, from its output key."""
    parts = key.strip(".").split("...") if key.startswith("..") else [key]
    outputs = [dict(zip(("id", "property"), p.split(".", 1), strict=True)) for p in parts]
    return outputs if key.startswith("..") else outputs[0]


def _body(dep: dict, values: dict, changed: str) -> dict:
    """A callback request as the page sends it: ``values`` maps "id.property" to a value."""

    def items(deps):
        return [{**d, "value": values.get(f"{d['id']}.{d['property']}")} for d in deps]

    return {
        "output": dep["output"],
        "outputs": _outputs(dep["output"]),
        "inputs": items(dep["inputs"]),
        "state": items(dep["state"]),
        "changedPropIds": [changed],
    }


def _find(deps: list[dict], first_input: str) -> dict:
    return next(
        d
        for d in deps
        if d["inputs"]
        and f"{d['inputs'][0]['id']}.{d['inputs'][0]['property']}" == first_input
        and not d.get("clientside_function")
    )


def _values(seed: int) -> dict:
    """What the Scenario page holds for the baseline with ``seed`` (its controls and stores)."""
    from dashboard.pages.scenario import CONTROLS, state_id
    from dashboard.state import LEVERS, default_state, read_query

    state, _ = read_query({"seed": str(seed)})
    base = default_state(state.mix)
    raw = [
        state.mix,
        *[ty for _lv, ty in state.types],
        *[dict(state.levers)[n] for n in LEVERS],
        state.seed,
        state.weeks,
    ]
    assert base.mix == state.mix
    values = {f"{c}.value": v for c, v in zip(CONTROLS, raw, strict=True)}
    return values | {
        "sc-state.data": state_id(state),
        "sc-lang.data": "nl",
        "sc-autorun.n_intervals": 1,
        "sc-run.n_clicks": 0,
    }


def one_user(url: str, deps: list[dict], seed: int, values: dict, out: dict) -> None:
    """Open the page, let it start its run, poll until the result is there, render it."""
    started = time.perf_counter()
    urllib.request.urlopen(f"{url}/scenario?seed={seed}", timeout=600).read()
    reply = _post(url, _body(_find(deps, "sc-run.n_clicks"), values, "sc-autorun.n_intervals"))
    result = reply["response"].get("sc-result", {}).get("data")
    values["sc-job.data"] = reply["response"].get("sc-job", {}).get("data")
    poll = _find(deps, "sc-poll.n_intervals")
    while result is None:
        time.sleep(POLL)
        reply = _post(url, _body(poll, values, "sc-poll.n_intervals"))
        result = reply.get("response", {}).get("sc-result", {}).get("data")
    assert f"seed {seed}" in result["summary"]["nl"], result
    _post(
        url,
        _body(
            _find(deps, "sc-result.data"), {**values, "sc-result.data": result}, "sc-result.data"
        ),
    )
    out[seed] = time.perf_counter() - started


def twenty_users() -> list[float]:
    """Seconds until each of twenty simultaneous users has their own result, sorted."""
    port = _free_port()
    server = _serve(port, tempfile.mkdtemp(prefix="mpgsim-bench-"))
    url = f"http://127.0.0.1:{port}"
    try:
        with urllib.request.urlopen(url + "/_dash-dependencies", timeout=60) as response:
            deps = json.loads(response.read())
        out: dict[int, float] = {}
        # the page values are made here, not in the threads: Dash's context variables are set
        # when dash is first imported, in the importing thread only
        seeds = [500 + i for i in range(USERS)]
        values = {seed: _values(seed) for seed in seeds}
        threads = [
            threading.Thread(target=one_user, args=(url, deps, seed, values[seed], out))
            for seed in seeds
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert len(out) == USERS, f"only {len(out)} of {USERS} users got a result"
    return sorted(out.values())


def _verdict(seconds: float, target: float) -> str:
    return "ok" if seconds <= target else "MISSED"


def main() -> None:
    cores = os.cpu_count() or 1
    print(f"dashboard benchmark on {cores} cores ({time.strftime('%Y-%m-%d')})")
    # Runs keep their settled state after the burn-in (experiments.warm) and reuse it; an
    # empty folder of their own makes every figure below pay for its burn-ins, as a first run
    # on a fresh machine does. The server and the pools inherit it.
    os.environ["MPGSIM_WARM_DIR"] = tempfile.mkdtemp(prefix="mpgsim-bench-settled-")
    times = twenty_users()
    last = times[-1]
    print(
        f"twenty simultaneous Scenario users, each their own seed (104 weeks): median "
        f"{statistics.median(times):.1f} s, last {last:.1f} s   target last <= 60 s -> "
        f"{_verdict(last, 60)}"
    )
    seconds = compare_ab()
    print(
        f"Vergelijken A/B, 3 replications (6 runs + charts): {seconds:.1f} s   target <= 3 s -> "
        f"{_verdict(seconds, 3)}"
    )
    seconds, runs = live_reveal()
    print(
        f"live workshop reveal, {CASE} ({runs} runs of 364 burn-in + 52 weeks, {cores} "
        f"workers): {seconds:.1f} s   target <= 30 s -> {_verdict(seconds, 30)}"
    )
    seconds, runs = live_reveal()
    print(
        f"the same reveal again (its {runs} settled states reused, as for a case revealed "
        f"before on this machine): {seconds:.1f} s   target <= 30 s -> {_verdict(seconds, 30)}"
    )
    for lead in (60, 120):
        seconds, ahead, runs = _ahead_in_fresh_process(lead)
        print(
            f"live reveal clicked {lead} s after the case was chosen ({ahead} of {runs} runs "
            f"done ahead, nothing settled before): {seconds:.1f} s after the click   target "
            f"<= 30 s -> {_verdict(seconds, 30)}"
        )
    stored = stored_reveal(ROOT / "results")
    if stored is None:
        print("reveal from a stored sweep: none stored (run `make cases` first)")
    else:
        read, seconds = stored
        print(
            f"reveal from the stored sweeps (make cases): {seconds:.2f} s, after the dashboard "
            f"read them at start-up in {read:.1f} s   target <= 30 s -> {_verdict(seconds, 30)}"
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--reveal-after"]:
        print(*reveal_after(float(sys.argv[2])))
    else:
        main()
