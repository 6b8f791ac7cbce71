"""``--upstream``: a mock in front of a second mock on a real socket, one rule changed (strict)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from tracking_mock import Settings, create_app, mock_state_of
from tracking_mock.seed import load_seed
from tracking_mock.server import ServerThread

from .helpers import AUTH

SIGNUP = {"eventName": "Signups", "value": 0, "userId": "u1"}


class Served:
    """A mock on a free port and the state behind it."""

    def __init__(self, **settings: Any) -> None:
        app = create_app(Settings(**settings))
        self.state = mock_state_of(app)
        self.server = ServerThread(app)

    def __enter__(self) -> Served:
        self.url = self.server.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.stop()


@pytest.fixture
def upstream() -> Iterator[Served]:
    """The 'real API': a strict mock (a contract warning is a 400 there)."""
    with Served(strict=True) as served:
        yield served


def _proxy(upstream_url: str, **settings: Any) -> Served:
    return Served(upstream=upstream_url, **settings)


def _calls(url: str) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = httpx.get(f"{url}/_mock/calls", timeout=10).json()["data"][
        "nodes"
    ]
    return nodes


def test_an_answer_both_agree_on_is_passed_through_without_drift(
    upstream: Served, tmp_path: Path
) -> None:
    with _proxy(upstream.url) as proxy, httpx.Client(base_url=proxy.url, timeout=10) as client:
        created = client.post("/tracking/events", json=SIGNUP, headers=AUTH)
        event = created.json()["data"]
        updated = client.put(
            "/tracking/events", json={**SIGNUP, "id": event["id"], "value": 2}, headers=AUTH
        )
        listed = client.get(f"/tracking/events?startingAfter={event['id']}", headers=AUTH)

        assert created.status_code == updated.status_code == listed.status_code == 200
        upstream_events = upstream.state.store.events("default")
        assert event["id"] == upstream_events[0].id
        mirrored = proxy.state.store.events("default")[0]
        assert (mirrored.id, mirrored.created_at, mirrored.value) == (
            event["id"],
            event["createdAt"],
            2,
        )
        calls = _calls(proxy.url)
        assert [c["upstream"]["drift"] for c in calls] == [[], [], []]
        assert all(c["warnings"] == [] for c in calls)


def test_a_rule_the_upstream_enforces_shows_as_drift(upstream: Served) -> None:
    with _proxy(upstream.url) as proxy:
        answer = httpx.post(
            f"{proxy.url}/tracking/events",
            json={"eventName": "Signups", "value": 0},
            headers=AUTH,
            timeout=10,
        )
        (call,) = _calls(proxy.url)

    assert answer.status_code == 400  # the caller gets the upstream's answer
    assert answer.json()["error"].startswith("contract warning (strict mode)")
    assert call["status"] == 400
    forwarded = call["upstream"]
    assert isinstance(forwarded, dict)
    assert forwarded["mockStatus"] == 200
    assert forwarded["drift"][0] == "status: upstream 400, mock 200"
    assert forwarded["drift"][1].startswith('error: upstream "contract warning (strict mode)')
    codes = [w["code"] for w in call["warnings"]]
    assert codes[-1] == "upstream-drift"  # after the mock's own contract warning


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_upstream_that_refuses_connections_is_a_502_in_the_envelope() -> None:
    with _proxy(f"http://127.0.0.1:{_free_port()}") as proxy:
        answer = httpx.get(f"{proxy.url}/tracking/events", headers=AUTH, timeout=10)
        (call,) = _calls(proxy.url)
    assert answer.status_code == 502
    assert answer.json()["success"] is False
    assert answer.json()["error"].startswith("upstream unreachable (ConnectError)")
    assert call["upstream"]["mockStatus"] == 200


def test_an_upstream_slower_than_the_timeout_is_a_504(upstream: Served) -> None:
    upstream.state.store.account("default").faults.delay_next(5)
    with _proxy(upstream.url, upstream_timeout=0.3) as proxy:
        answer = httpx.get(f"{proxy.url}/tracking/events", headers=AUTH, timeout=10)
    assert answer.status_code == 504
    assert answer.json() == {"success": False, "error": "upstream did not answer within 0.3 s"}


async def _trickling_upstream(scope: Scope, receive: Receive, send: Send) -> None:
    """Answers 200, then a byte every 0.1 s for 1.2 s: every read is quick, the whole is not."""
    await send({"type": "http.response.start", "status": 200, "headers": []})
    for _ in range(12):
        await send({"type": "http.response.body", "body": b" ", "more_body": True})
        await asyncio.sleep(0.1)
    await send({"type": "http.response.body", "body": b"{}"})


def test_an_upstream_that_trickles_its_answer_past_the_timeout_is_a_504() -> None:
    with (
        ServerThread(_trickling_upstream) as upstream,
        _proxy(upstream.url, upstream_timeout=0.5) as proxy,
    ):
        answer = httpx.get(f"{proxy.url}/tracking/events", headers=AUTH, timeout=10)
    assert answer.status_code == 504
    assert answer.json() == {"success": False, "error": "upstream did not answer within 0.5 s"}


def test_record_writes_what_the_upstream_accepted_as_a_fixture_without_keys(
    upstream: Served, tmp_path: Path
) -> None:
    record = tmp_path / "recorded.yaml"
    with (
        _proxy(upstream.url, record=record) as proxy,
        httpx.Client(base_url=proxy.url, timeout=10) as client,
    ):
        first = client.post("/tracking/events", json=SIGNUP, headers=AUTH).json()["data"]
        client.post("/tracking/events", json={"eventName": "Signups", "value": 0}, headers=AUTH)
        client.put("/tracking/events", json={**SIGNUP, "id": first["id"], "value": 5}, headers=AUTH)
        upstream_listing = httpx.get(f"{upstream.url}/tracking/events", headers=AUTH, timeout=10)

    text = record.read_text(encoding="utf-8")
    assert "sk_test_default" not in text
    (account,) = load_seed([record]).accounts
    assert [(e.id, e.fields.value) for e in account.events] == [(first["id"], 5)]
    recorded = account.events[0]
    assert recorded.created_at is not None
    nodes = upstream_listing.json()["data"]["nodes"]
    accepted = [n["id"] for n in nodes if n["userId"] == "u1" and n["eventName"] == "Signups"]
    assert accepted == [first["id"]]  # the refused call stored nothing upstream


def test_the_record_file_stops_at_its_size_limit(upstream: Served, tmp_path: Path) -> None:
    record = tmp_path / "recorded.yaml"
    with (
        _proxy(upstream.url, record=record, max_record_bytes=400) as proxy,
        httpx.Client(base_url=proxy.url, timeout=10) as client,
    ):
        for value in range(5):
            client.post("/tracking/events", json={**SIGNUP, "value": value}, headers=AUTH)
    assert 0 < record.stat().st_size <= 400
    assert len(load_seed([record]).accounts[0].events) < 5
