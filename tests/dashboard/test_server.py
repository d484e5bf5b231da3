"""The server without a browser: crafted callback requests, headers, binding, health."""

from __future__ import annotations

import pytest

from dashboard.pages.scenario import CONTROLS

GOOD = [
    "baseline",
    "balancerend",
    "balancerend",
    "balancerend",
    "balancerend",
    9,
    0.05,
    6.0,
    0.2,
    0.5,
    0.55,
    5.0,
    0.15,
    8,
    0.5,
    1,
    104,
]


@pytest.fixture(scope="module")
def client(tmp_path_factory, store_dir):
    from dashboard.app import create_app

    app = create_app(cache_dir=tmp_path_factory.mktemp("cache"), sweep_dir=store_dir, slots=1)
    return app.server.test_client()


def _sync(client, values):
    """POST the Scenario page's validation callback with any values, as a crafted client can."""
    outputs = [
        ("sc-query", "data"),
        ("sc-link", "value"),
        ("sc-to-compare", "href"),
        ("sc-message", "children"),
        ("sc-message", "is_open"),
    ]
    body = {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + "..",
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [
            {"id": c, "property": "value", "value": v}
            for c, v in zip(CONTROLS, values, strict=True)
        ],
        "changedPropIds": [f"{CONTROLS[1]}.value"],
        "state": [{"id": "sc-lang", "property": "data", "value": "nl"}],
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
        (5, 999, "caseload_norm"),  # out of range
        (5, "9", "caseload_norm"),  # wrong type
        (5, True, "caseload_norm"),  # a bool is not a number
        (5, 10**400, "caseload_norm"),  # huge: would overflow a float
        (5, [1, 2], "caseload_norm"),
        (1, "<script>alert(1)</script>", "professional_type"),
        (0, "national", "mix"),  # exists, but too big for a click
        (0, "../../etc/passwd", "mix"),
        (15, -1, "seed"),
        (16, 10**9, "weeks"),
        (16, 26.5, "weeks"),
    ],
)
def test_crafted_values_get_a_message_not_a_crash(client, index, value, field):
    values = list(GOOD)
    values[index] = value
    r = _sync(client, values)
    assert r.status_code == 200
    message = _message(r)
    assert field in message and "not allowed" in message
    assert len(message) < 400  # a hostile value is not echoed back whole
    assert client.get("/health").status_code == 200


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
