"""The official examples of the developer docs, sent exactly as the docs write them.

developer.oppizi.com/tracking (Create event: the request body and the fetch example; Get
events: the fetch example) and developer.oppizi.com/recommended (signup). Each runs in the
default mode and in strict mode: a strict mode that refused the docs' own examples would be
switched off by its users.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from tracking_mock import Settings, create_app, mock_state_of

# The fetch examples' headers: new Headers({'Content-Type': 'application/json',
# Authorization: 'Bearer YOUR_SECRET_KEY'}), with the development key for YOUR_SECRET_KEY.
HEADERS = {"Content-Type": "application/json", "Authorization": "Bearer sk_test_default"}
REQUEST_BODY = b"""{
  "eventName": "Purchase",
  "value": 250,
  "metadata": {
    "orderId": 182394
  }
}"""
FETCH_BODY = {"eventName": "Purchase", "value": 250, "metadata": {"amount": 250}}
GET_URL = "/tracking/events?eventName=Purchase&metadata.amount=100"
SIGNUP_BODY = {
    "eventName": "Signups",
    "userId": "e5554129-8abe-4ff8-8654-99722fa72313",
    "coupon": "SALE234",
    "metadata": {"orderId": 182394},
}
MODES = [pytest.param(False, id="default"), pytest.param(True, id="strict")]


def _client(strict: bool) -> TestClient:
    return TestClient(create_app(Settings(strict=strict)))


@pytest.mark.parametrize("strict", MODES)
@pytest.mark.parametrize(
    ("body", "metadata"),
    [
        pytest.param(REQUEST_BODY, {"orderId": 182394}, id="request-body"),
        pytest.param(json.dumps(FETCH_BODY).encode(), {"amount": 250}, id="fetch"),
    ],
)
def test_the_create_examples_are_accepted_and_stored_as_sent(
    strict: bool, body: bytes, metadata: dict[str, Any]
) -> None:
    client = _client(strict)
    answer = client.post("/tracking/events", content=body, headers=HEADERS)
    assert answer.status_code == 200, answer.text
    event = answer.json()["data"]
    assert (event["eventName"], event["value"], event["metadata"]) == ("Purchase", 250, metadata)
    (call,) = mock_state_of(client.app).journal.records()  # type: ignore[arg-type]
    assert [(w.code, w.note) for w in call.warnings] == [("metadata-number", True)]


@pytest.mark.parametrize("strict", MODES)
def test_the_get_example_with_its_content_type_and_no_body_lists_matching_events(
    strict: bool,
) -> None:
    client = _client(strict)
    stored = [("Purchase", 100), ("Purchase", 100.0), ("Purchase", 250), ("Purchase", "100")]
    for name, amount in [*stored, ("Other", "100")]:
        body = {"eventName": name, "value": 1, "metadata": {"amount": amount}}
        assert client.post("/tracking/events", json=body, headers=HEADERS).status_code == 200
    answer = client.get(GET_URL, headers=HEADERS)
    assert answer.status_code == 200, answer.text
    data = answer.json()["data"]
    assert [node["metadata"]["amount"] for node in data["nodes"]] == ["100", 100, 100]
    assert data["totalCount"] == 3


@pytest.mark.parametrize("strict", MODES)
def test_the_signup_example_is_refused_for_its_missing_value_and_says_why(strict: bool) -> None:
    answer = _client(strict).post("/tracking/events", json=SIGNUP_BODY, headers=HEADERS)
    assert answer.status_code == 400
    assert answer.json()["error"].startswith(
        "value is required: the signup recipe's example leaves it out"
    )


@pytest.mark.parametrize("strict", MODES)
def test_the_signup_example_with_a_value_is_accepted(strict: bool) -> None:
    body = {**SIGNUP_BODY, "value": 0}
    answer = _client(strict).post("/tracking/events", json=body, headers=HEADERS)
    assert answer.status_code == 200, answer.text
    assert answer.json()["data"]["metadata"] == {"orderId": 182394}
