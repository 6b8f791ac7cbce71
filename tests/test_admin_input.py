"""Every admin input is validated like the API's: a 400 in plain words, nothing applied."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from .helpers import AUTH, state_of

FAULTS = "/_mock/accounts/default/faults"
CLOCK = "/_mock/accounts/default/clock"
PYTHON_INTERNALS = ("not supported between", "NoneType", "argument", "unexpected keyword", "str'")


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        (FAULTS, {"action": "fail", "status": 503, "times": 1.5}, "times must be a whole number"),
        (FAULTS, {"action": "fail", "status": 503, "times": 0}, "times must be a whole number"),
        (FAULTS, {"action": "fail", "status": 503, "times": True}, "times must be a whole number"),
        (FAULTS, {"action": "fail", "status": 503, "retryAfter": "soon"}, "retryAfter must be"),
        (FAULTS, {"action": "fail", "status": 503, "retryAfter": -5}, "retryAfter must be"),
        (FAULTS, {"action": "fail", "status": 503, "retryAfter": 1.5}, "retryAfter must be"),
        (FAULTS, {"action": "fail", "status": 503.5}, "status must be a whole number"),
        (FAULTS, {"action": "fail", "status": "503"}, "status must be a whole number"),
        (FAULTS, {"action": "fail", "status": 600}, "status must be a whole number"),
        (FAULTS, {"action": "fail"}, "status is required"),
        (FAULTS, {"action": "fail", "status": 503, "method": 123}, "method must be one of GET"),
        (FAULTS, {"action": "fail", "status": 503, "method": "DELETE"}, "method must be one of"),
        (FAULTS, {"action": "fail", "status": 503, "path": 5}, "path must be a path"),
        (FAULTS, {"action": "fail", "status": 503, "colour": 1}, "unknown field 'colour'"),
        (FAULTS, {"action": "delay", "seconds": 1e9}, "seconds must be a number from 0 to 600"),
        (FAULTS, {"action": "delay", "seconds": True}, "seconds must be a number"),
        (FAULTS, {"action": "delay", "seconds": "2"}, "seconds must be a number"),
        (FAULTS, {"action": "delay"}, "seconds is required"),
        (FAULTS, {"action": "drop", "times": -1}, "times must be a whole number"),
        (FAULTS, {"action": "rate_limit", "requests": 1.5, "perSeconds": 1}, "requests must be"),
        (FAULTS, {"action": "rate_limit", "requests": 1, "perSeconds": 0}, "perSeconds must be"),
        (FAULTS, {"action": "rate_limit", "requests": 1}, "perSeconds is required"),
        (FAULTS, {"action": 5}, "action must be one of"),
        (CLOCK, {"freeze": 123}, "freeze takes true or an ISO-8601 date-time"),
        (CLOCK, {"freeze": "2030-01-01T00:00:00"}, "freeze needs a time zone"),
        (CLOCK, {"freeze": "soon"}, "is not an ISO-8601 date-time"),
        (CLOCK, {"advance": 1e300}, "the clock must stay between 1970 and the year 9999"),
        (CLOCK, {"unfreeze": "yes"}, "unfreeze takes true"),
        (CLOCK, {"rewind": 5}, "unknown field 'rewind'"),
    ],
)
def test_bad_admin_bodies_are_400_in_plain_words(
    client: TestClient, path: str, body: dict[str, Any], message: str
) -> None:
    response = client.post(path, json=body)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert response.json() == {"success": False, "error": error}
    assert message in error
    assert not any(internal in error for internal in PYTHON_INTERNALS), error
    account = state_of(client).store.account("default")
    assert not account.faults.active
    assert not account.clock.frozen
    ok = client.post("/tracking/events", json={"eventName": "a", "value": 1}, headers=AUTH)
    assert ok.status_code == 200


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("/_mock/events?account=default&limit=%C2%B2", "limit must be a whole number"),
        ("/_mock/events?account=default&limit=%D9%A3", "limit must be a whole number"),
        ("/_mock/events?account=default&limit=+5", "limit must be a whole number"),
        ("/_mock/events?account=default&limit=0", "limit must be a whole number"),
        ("/_mock/calls?status=%C2%B2", "status must be a whole number"),
        ("/_mock/calls?status=-1", "status must be a whole number"),
    ],
)
def test_admin_query_integers_are_plain_ascii_digits(
    client: TestClient, query: str, message: str
) -> None:
    response = client.get(query)
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_good_fault_bodies_still_work(client: TestClient) -> None:
    body = {"action": "fail", "status": 503, "times": 1, "retryAfter": 0, "method": "post"}
    assert client.post(FAULTS, json=body).status_code == 200
    failed = client.post("/tracking/events", json={"eventName": "a", "value": 1}, headers=AUTH)
    assert (failed.status_code, failed.headers["Retry-After"]) == (503, "0")
