"""The inspector's server side without a browser: the indexes, the page, its paged reads."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from tracking_mock import Settings, create_app
from tracking_mock.inspector.call_pages import PAGE_DEFAULT
from tracking_mock.journal import CallRecord
from tracking_mock.models import ContractWarning
from tracking_mock.server import ServerThread

from .helpers import AUTH, EMPTY_SEED, state_of


def _data(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response.json()["data"]


@pytest.mark.parametrize("path", ["/", "/_mock", "/_mock/"])
def test_the_roots_answer_with_an_index(client: TestClient, path: str) -> None:
    data = _data(client.get(path))
    assert data["inspector"] == "/_mock/ui"
    assert data["openapi"] == {"api": "/openapi.json", "admin": "/_mock/openapi.json"}
    expected = "GET /_mock/health" if path != "/" else "POST /tracking/events"
    assert any(op.startswith(expected) for op in data["operations"])
    browser = client.get(path, headers={"Accept": "text/html"}, follow_redirects=False)
    assert (browser.status_code, browser.headers["location"]) == (307, "/_mock/ui")


def test_the_roots_are_not_journaled(client: TestClient) -> None:
    client.get("/")
    assert state_of(client).journal.records() == []


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("/_mock/ui", "text/html"),
        ("/_mock/ui/", "text/html"),
        ("/_mock/ui/inspector.js", "text/javascript"),
        ("/_mock/ui/inspector.css", "text/css"),
    ],
)
def test_the_page_is_served_with_a_strict_content_policy(
    client: TestClient, path: str, media_type: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_page_fetches_nothing_from_elsewhere(client: TestClient) -> None:
    for name in ("", "/inspector.js", "/inspector.css"):
        text = client.get(f"/_mock/ui{name}").text
        assert "http://" not in text.replace("http://127", "")
        assert "https://" not in text
        assert ".innerHTML" not in text


def test_an_unknown_asset_is_a_404_in_the_envelope(client: TestClient) -> None:
    response = client.get("/_mock/ui/secrets.txt")
    assert response.status_code == 404
    assert response.json()["success"] is False


def _record(seq: int, **changes: Any) -> CallRecord:
    record = CallRecord(
        seq=seq,
        time=1_767_261_600.0 + seq,
        method="GET",
        path="/tracking/events",
        query="",
        raw_headers=((b"cookie", b"session=abc"), (b"authorization", b"Bearer sk_test_x")),
        raw_body=None,
        body_truncated=False,
        status=200,
        raw_response=b'{"success":true}',
        response_truncated=False,
        account="default",
        warnings=(),
        fault=None,
        duration_ms=1.0,
    )
    return record._replace(**changes)


@pytest.fixture
def big(make_client: Callable[..., TestClient]) -> TestClient:
    """10,000 calls in the journal: every 10th a POST with a warning, every 7th a 401."""
    client = make_client(journal_size=10_000)
    journal = state_of(client).journal
    for seq in range(1, 10_001):
        changes: dict[str, Any] = {}
        if seq % 10 == 0:
            changes.update(
                method="POST",
                raw_body=b'{"eventName": "Needle%d"}' % seq,
                warnings=(ContractWarning("plan-unknown-event", "not in the plan"),),
            )
        if seq % 7 == 0:
            changes.update(status=401, account=None)
        journal.add(_record(seq, **changes))
    return client


def test_calls_are_paged_newest_first(big: TestClient) -> None:
    first = _data(big.get("/_mock/ui/api/calls"))
    assert first["totalCount"] == 10_000
    assert [n["seq"] for n in first["nodes"]] == list(range(10_000, 10_000 - PAGE_DEFAULT, -1))
    assert set(first["nodes"][0]) >= {"receivedAt", "pending", "warnings", "status"}
    assert "headers" not in first["nodes"][0]  # rows only: the detail has the rest
    second = _data(big.get(f"/_mock/ui/api/calls?before={first['nextBefore']}&limit=200"))
    assert second["nodes"][0]["seq"] == 10_000 - PAGE_DEFAULT
    assert len(second["nodes"]) == 200
    assert second["offset"] == PAGE_DEFAULT


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("method=post", 1000),
        ("status=4xx", 1428),
        ("status=401&method=POST", 142),
        ("warning=plan-unknown-event", 1000),
        ("warning=plan-", 1000),
        ("warning=metadata-number", 0),
        ("q=needle777", 1),
        ("account=default&path=/tracking", 10_000 - 1428),
    ],
)
def test_calls_filter(big: TestClient, query: str, count: int) -> None:
    assert _data(big.get(f"/_mock/ui/api/calls?{query}"))["totalCount"] == count


@pytest.mark.parametrize("query", ["status=teapot", "limit=0", "limit=201", "before=-1"])
def test_bad_call_filters_are_refused(client: TestClient, query: str) -> None:
    response = client.get(f"/_mock/ui/api/calls?{query}")
    assert response.status_code == 400
    assert response.json()["success"] is False


def test_one_call_in_full_with_credentials_redacted(client: TestClient) -> None:
    client.post("/tracking/events", json={"eventName": "a", "value": 1}, headers=AUTH)
    state_of(client).journal.add(_record(99))
    call = _data(client.get("/_mock/ui/api/calls/99"))
    assert call["headers"] == {"cookie": "[redacted]", "authorization": "Bearer [redacted]"}
    first = _data(client.get("/_mock/ui/api/calls/1"))
    assert first["body"] == {"eventName": "a", "value": 1}
    assert client.get("/_mock/ui/api/calls/12345").status_code == 404


def test_accounts_show_counts_faults_and_clocks(client: TestClient) -> None:
    client.post("/tracking/events", json={"eventName": "a", "value": 1}, headers=AUTH)
    account = state_of(client).store.account("default")
    account.faults.fail_next(503, times=2, path="/tracking/events")
    account.faults.rate_limit(10, 60)
    account.clock.freeze(1_767_261_600)
    (node,) = _data(client.get("/_mock/ui/api/accounts"))["nodes"]
    assert node == {
        "name": "default",
        "disabled": False,
        "events": 1,
        "calls": 1,
        "faults": ["fail with 503, next 2 (/tracking/events)", "rate limit 10 per 60 s"],
        "clock": {"now": "2026-01-01T10:00:00.000Z", "frozen": True},
    }


def test_events_use_the_apis_filters_and_cursor(client: TestClient) -> None:
    for name in ("a", "b", "a"):
        client.post("/tracking/events", json={"eventName": name, "value": 1}, headers=AUTH)
    page = _data(client.get("/_mock/ui/api/events?account=default&eventName=a&limit=1"))
    assert page["totalCount"] == 2
    (newest,) = page["nodes"]
    rest = _data(
        client.get(f"/_mock/ui/api/events?account=default&eventName=a&startingAfter={newest['id']}")
    )
    assert [n["eventName"] for n in rest["nodes"]] == ["a"]
    assert rest["warnings"] == []
    assert client.get("/_mock/ui/api/events?account=nobody").status_code == 404
    assert client.get("/_mock/ui/api/events?account=default&limit=0").status_code == 400
    assert client.get("/_mock/ui/api/calls").json()["data"]["totalCount"] == 3  # reads: no calls


@pytest.fixture
def served() -> Iterator[str]:
    app = create_app(Settings(), seed=EMPTY_SEED)
    with ServerThread(app, start_timeout=10, stop_timeout=5) as server:
        yield server.url


def test_the_stream_sends_an_event_at_once_and_on_each_change(served: str) -> None:
    def events(lines: Iterator[str]) -> Iterator[dict[str, Any]]:
        for line in lines:
            if line.startswith("data: "):
                yield json.loads(line[len("data: ") :])

    with httpx.stream("GET", f"{served}/_mock/ui/api/stream", timeout=10) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        received = events(stream.iter_lines())
        first = next(received)
        assert first["calls"] == 0
        httpx.get(f"{served}/tracking/events", headers=AUTH, timeout=5)
        change = next(received)
        while change["calls"] == 0:  # the pending record may be seen first
            change = next(received)
        assert change["version"] > first["version"]
        assert change["latestSeq"] == 1
