"""What a client and the journal see of a call: the warnings header and arrival-time records."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from tracking_mock import Settings, create_app, mock_state_of
from tracking_mock.models import ContractWarning
from tracking_mock.server import ServerThread
from tracking_mock.settings import DEFAULT_API_KEY
from tracking_mock.wire import (
    TRUNCATED_CODE,
    WARNINGS_HEADER,
    WARNINGS_HEADER_BYTES,
    encode_warnings,
)

from .helpers import AUTH, EMPTY_SEED, wait_for


def _codes(response: Any) -> list[str]:
    return [item["code"] for item in json.loads(response.headers[WARNINGS_HEADER])]


@pytest.mark.parametrize(
    ("method", "url", "body", "codes"),
    [
        (
            "POST",
            "/tracking/events",
            {"eventName": "Purchase", "value": 1, "metadata": {"amount": 12}},
            ["metadata-number"],
        ),
        ("GET", "/tracking/events?eventname=Purchase", None, ["unknown-query-parameter"]),
        ("GET", "/events", None, ["legacy-path"]),
        (
            "POST",
            "/tracking/events",
            {"eventName": "Clicks", "value": 1, "colour": "red", "size": 2},
            ["unknown-field", "unknown-field"],
        ),
    ],
    ids=["metadata-number", "query-typo", "legacy-path", "two-unknown-fields"],
)
def test_an_answer_carries_its_contract_warnings_in_a_header(
    client: TestClient, method: str, url: str, body: Any, codes: list[str]
) -> None:
    response = client.request(method, url, json=body, headers=AUTH)
    assert response.status_code == 200
    assert _codes(response) == codes
    journaled = mock_state_of(client.app).journal.records()[-1]  # type: ignore[arg-type]
    assert [w.code for w in journaled.warnings] == codes


def test_a_clean_answer_has_no_warnings_header(client: TestClient) -> None:
    response = client.post("/tracking/events", json={"eventName": "a", "value": 1}, headers=AUTH)
    assert response.status_code == 200
    assert WARNINGS_HEADER not in response.headers


def test_strict_mode_refusals_carry_the_header_too(make_client: Callable[..., TestClient]) -> None:
    client = make_client(strict=True)
    response = client.get("/tracking/events?eventname=x", headers=AUTH)
    assert response.status_code == 400
    assert _codes(response) == ["unknown-query-parameter"]


def test_hostile_text_in_a_warning_stays_ascii_and_parseable(client: TestClient) -> None:
    hostile = '\u00e9\u202e\x7f"\\<b>'  # short: the message quotes 20 characters
    response = client.post(
        "/tracking/events", json={"eventName": "a", "value": 1, hostile: "x"}, headers=AUTH
    )
    raw = response.headers.raw
    value = next(v for k, v in raw if k.lower() == WARNINGS_HEADER.lower().encode())
    assert all(0x20 <= byte < 0x7F for byte in value)
    (warning,) = json.loads(value)
    assert warning["code"] == "unknown-field"
    assert hostile in warning["message"]


def test_the_header_is_cut_to_its_limit_with_a_count_of_the_rest() -> None:
    long = "x" * 200
    warnings = [ContractWarning("unknown-field", f"unknown field {long}{n}") for n in range(60)]
    encoded = encode_warnings(warnings)
    items = json.loads(encoded)
    assert len(encoded) <= WARNINGS_HEADER_BYTES
    assert items[-1]["code"] == TRUNCATED_CODE
    assert items[-1]["message"].startswith(f"{60 - (len(items) - 1)} more warnings")


def test_journal_json_gives_iso_utc_times(client: TestClient) -> None:
    before = datetime.now(UTC)
    client.get("/tracking/events", headers=AUTH)
    (call,) = client.get("/_mock/calls").json()["data"]["nodes"]
    received = datetime.fromisoformat(call["receivedAt"].replace("Z", "+00:00"))
    assert call["receivedAt"].endswith("Z")
    assert abs((received - before).total_seconds()) < 5
    assert received.timestamp() == pytest.approx(call["time"], abs=0.001)
    assert call["pending"] is False


@pytest.fixture
def served() -> Iterator[str]:
    app = create_app(Settings(), seed=EMPTY_SEED)
    with ServerThread(app, start_timeout=10, stop_timeout=5) as server:
        yield server.url


def test_a_delayed_call_is_journaled_as_pending_then_completed_in_place(served: str) -> None:
    admin = httpx.Client(base_url=served, timeout=5)
    admin.post("/_mock/accounts/default/faults", json={"action": "delay", "seconds": 1})
    answer: list[httpx.Response] = []
    caller = threading.Thread(
        target=lambda: answer.append(
            httpx.post(
                f"{served}/tracking/events",
                json={"eventName": "Slow", "value": 1},
                headers={"Authorization": f"Bearer {DEFAULT_API_KEY}"},
                timeout=10,
            )
        )
    )
    caller.start()

    def calls() -> list[dict[str, Any]]:
        nodes: list[dict[str, Any]] = admin.get("/_mock/calls").json()["data"]["nodes"]
        return nodes

    (pending,) = wait_for(lambda: [c for c in calls() if c["pending"]], "a pending call")
    assert pending["status"] == 0
    assert pending["account"] == "default"
    assert pending["fault"] == "delay"
    caller.join(10)
    assert answer[0].status_code == 200
    (done,) = calls()
    assert done["seq"] == pending["seq"]
    assert done["pending"] is False
    assert done["status"] == 200
    assert done["body"] == {"eventName": "Slow", "value": 1}
    admin.close()
