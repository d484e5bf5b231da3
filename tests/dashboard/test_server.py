"""The server without a browser: crafted callback requests, headers, binding, health."""

from __future__ import annotations

import pytest

from dashboard.pages.scenario import CONTROLS, EVENT_IDS


def _good() -> list:
    from dashboard.state import LEVERS, default_state

    state = default_state("baseline")
    return [
        "baseline",
        *[ty for _lv, ty in state.types],
        *[dict(state.levers)[n] for n in LEVERS],
        1,
        104,
    ]


GOOD = _good()
LEVER0 = (
    1 + 4 + list(__import__("dashboard.state", fromlist=["LEVERS"]).LEVERS).index("caseload_norm")
)


@pytest.fixture(scope="module")
def client(tmp_path_factory, store_dir):
    from dashboard.app import create_app

    app = create_app(cache_dir=tmp_path_factory.mktemp("cache"), sweep_dir=store_dir, slots=1)
    return app.server.test_client()


def _sync(client, values, events=None, lang="nl"):
    """POST the Scenario page's validation callback with any values, as a crafted client can.

    ``events`` are the timeline editor's values (all rows empty when None).
    """
    events = [None] * len(EVENT_IDS) if events is None else events
    outputs = [
        ("sc-query", "data"),
        ("sc-state", "data"),
        ("sc-link", "value"),
        ("sc-to-compare", "href"),
        ("sc-message", "children"),
        ("sc-message", "is_open"),
        *[(f"{c}-value", "children") for c in CONTROLS if c.startswith("sc-lever-")],
    ]
    body = {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + "..",
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [
            {"id": c, "property": "value", "value": v}
            for c, v in zip(CONTROLS + EVENT_IDS, values + events, strict=True)
        ],
        "changedPropIds": [f"{CONTROLS[1]}.value"],
        "state": [{"id": "sc-lang", "property": "data", "value": lang}],
    }
    return client.post("/_dash-update-component", json=body)


def _message(response):
    return response.get_json()["response"]["sc-message"]["children"]


def test_valid_values_give_a_link(client):
    r = _sync(client, GOOD)
    assert r.status_code == 200
    assert r.get_json()["response"]["sc-link"]["value"].startswith("?mix=baseline")


@pytest.mark.parametrize(
    ("index", "value", "field"),
    [
        (LEVER0, 999, "Caseloadnorm"),  # out of range
        (LEVER0, "negen", "Caseloadnorm"),  # not a number
        (LEVER0, True, "Caseloadnorm"),  # a bool is not a number
        (LEVER0, 10**400, "Caseloadnorm"),  # huge: would overflow a float
        (LEVER0, [1, 2], "Caseloadnorm"),
        (1, "<script>alert(1)</script>", "Professional"),
        (0, "national", "Gezinnen"),  # exists, but too big for a click
        (0, "../../etc/passwd", "Gezinnen"),
        (-2, -1, "Seed"),
        (-1, 10**9, "Weken"),
        (-1, 26.5, "Weken"),
    ],
)
def test_crafted_values_get_a_message_not_a_crash(client, index, value, field):
    values = list(GOOD)
    values[index] = value
    r = _sync(client, values)
    assert r.status_code == 200
    message = _message(r)
    assert field in message and "kan niet" in message and "toegestaan" in message
    assert len(message) < 400  # a hostile value is not echoed back whole
    assert client.get("/health").status_code == 200


def _row(target, value, week, until=None, ramp=None, type_="innoverend"):
    return [target, value, type_, week, until, ramp]


@pytest.mark.parametrize(
    ("rows", "nl", "en"),
    [
        (  # beyond the run
            _row("pooled_funding", 0.8, 130),
            "Gebeurtenis 1, vanaf week: 130 kan niet; toegestaan is een hele week van 1 tot en "
            "met 104 (binnen de looptijd).",
            "Event 1, from week: 130 is not allowed; allowed is a whole week from 1 to 104",
        ),
        (  # the end before the start, in the second row (the first is empty)
            _row("none", None, None) + _row("turnover_per_year", 0.6, 60, 50),
            "Gebeurtenis 2, tot week (puls): 50 kan niet; toegestaan is een hele week na de "
            "startweek: 61 of later.",
            "Event 2, until week (pulse): 50 is not allowed",
        ),
        (  # two events on one lever in overlapping weeks
            _row("pooled_funding", 0.8, 52) + _row("pooled_funding", 0.3, 60),
            "Twee gebeurtenissen op Ontschot budget: weken 52 en 60 kan niet; toegestaan is niet "
            "in overlappende weken",
            "Two events on Pooled funding: weeks 52 and 60 is not allowed",
        ),
        (  # a value out of the lever's bounds
            _row("pooled_funding", 1.8, 52),
            "Gebeurtenis 1, Ontschot budget: 1.8 kan niet; toegestaan is een getal van 0 tot en "
            "met 1 (0%–100%).",
            "Event 1, Pooled funding: 1.8 is not allowed; allowed is a number from 0 to 1",
        ),
        (  # a lever that cannot change during a run (only a crafted request sends it)
            _row("n_regions", 3, 52),
            "Gebeurtenis 1, Wat verandert: 'n_regions' kan niet; toegestaan is een knop of type "
            "uit de lijst.",
            "Event 1, What changes: 'n_regions' is not allowed",
        ),
    ],
)
def test_a_bad_event_gets_one_message_naming_field_value_and_what_is_allowed(client, rows, nl, en):
    events = rows + [None] * (len(EVENT_IDS) - len(rows))
    r = _sync(client, list(GOOD), events)
    assert r.status_code == 200
    assert nl in _message(r)
    response = r.get_json()["response"]
    assert "sc-link" not in response  # nothing new to share or run: the state stays as it was
    assert en in _message(_sync(client, list(GOOD), events, lang="en"))


def test_a_good_event_is_part_of_the_link(client):
    events = _row("turnover_per_year", 0.6, 60, 72) + [None] * (len(EVENT_IDS) - 6)
    r = _sync(client, list(GOOD), events)
    link = r.get_json()["response"]["sc-link"]["value"]
    assert "event1=60-72%3Aturnover_per_year%3D0.6" in link


def test_huge_request_is_refused_and_server_keeps_serving(client):
    values = list(GOOD)
    values[1] = "x" * 1_000_000
    assert _sync(client, values).status_code == 413
    assert _sync(client, GOOD).status_code == 200


def test_unknown_output_is_a_client_error(client):
    r = client.post(
        "/_dash-update-component",
        json={
            "output": "nope.children",
            "outputs": {"id": "nope", "property": "children"},
            "inputs": [],
            "changedPropIds": [],
            "state": [],
        },
    )
    assert 400 <= r.status_code < 500
    assert client.get("/health").status_code == 200


def test_security_headers_and_csp_hashes(client):
    r = client.get("/scenario")
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self' 'sha256-" in csp and "unsafe-eval" not in csp
    assert r.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert b'<html lang="nl">' in r.data
    assert b'<html lang="en">' in client.get("/scenario?lang=en").data
    assert b'<html lang="nl">' in client.get("/scenario?lang=<x>").data
    assert b"cdn.jsdelivr" not in r.data


def test_cli_binds_localhost_by_default():
    import inspect

    from dashboard.cli import dashboard

    assert inspect.signature(dashboard).parameters["host"].default == "127.0.0.1"


def test_unknown_path_is_a_real_404_in_the_readers_language(client):
    r = client.get("/bestaat-niet?lang=en")
    assert r.status_code == 404 and b"Page not found" in r.data
    assert client.get("/bestaat-niet").status_code == 404
    assert client.get("/r/ABCDE").status_code == 200  # a room address is a page
