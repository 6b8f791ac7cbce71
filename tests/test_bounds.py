"""Bounds with clear errors: events per account, fixture file size, seeded id lengths."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tracking_mock.errors import SeedError
from tracking_mock.seed import load_seed, parse_fixture

from .helpers import AUTH, MakeClient, state_of

EVENT = {"eventName": "a", "value": 1}


def test_an_account_at_max_events_answers_507_and_stores_nothing(make_client: MakeClient) -> None:
    client = make_client(max_events=2)
    for _ in range(2):
        assert client.post("/tracking/events", json=EVENT, headers=AUTH).status_code == 200
    refused = client.post("/tracking/events", json=EVENT, headers=AUTH)
    assert refused.status_code == 507
    assert refused.json() == {
        "success": False,
        "error": "account 'default' may hold at most 2 events (--max-events)",
    }
    assert state_of(client).store.counts()["default"] == 2
    listed = client.get("/tracking/events", headers=AUTH).json()["data"]
    assert listed["totalCount"] == 2


def test_seeding_past_max_events_is_refused_whole(make_client: MakeClient) -> None:
    client = make_client(max_events=2)
    seed = {"events": [EVENT, EVENT, EVENT]}
    response = client.post("/_mock/accounts/default/seed", json=seed)
    assert response.status_code == 507
    assert state_of(client).store.counts()["default"] == 0
    assert client.post("/_mock/accounts/default/seed", json={"events": [EVENT]}).status_code == 200


def test_fixture_files_past_the_size_cap_are_refused_before_reading(tmp_path: Path) -> None:
    fixture = tmp_path / "big.yaml"
    fixture.write_text("version: 1\naccounts: {}\n" + "# padding\n" * 100)
    with pytest.raises(SeedError, match=r"big.yaml: 1\d\d\d bytes is more than the 1000"):
        load_seed([fixture], max_bytes=1000)
    assert load_seed([fixture], max_bytes=10_000).accounts == ()


@pytest.mark.parametrize(
    ("account", "message"),
    [
        pytest.param(
            "{metrics: {Purchase: " + "m" * 300 + "}}",
            "event names and metric ids must be 1-256 characters",
            id="metric-id",
        ),
        pytest.param(
            "{metrics: {" + "E" * 300 + ": met_1}}",
            "event names and metric ids must be 1-256 characters",
            id="metric-event-name",
        ),
        pytest.param(
            "{campaigns: {cmp_1: {coupons: [" + "C" * 300 + "]}}}",
            "coupon codes of 'cmp_1' must be 1-256 characters",
            id="coupon",
        ),
        pytest.param(
            "{campaigns: {" + "c" * 300 + ": {coupons: []}}}",
            "must be 1-256 visible ASCII characters",
            id="campaign-id",
        ),
    ],
)
def test_seeded_ids_obey_the_api_string_limit(account: str, message: str) -> None:
    with pytest.raises(SeedError, match=message):
        parse_fixture(f"version: 1\naccounts:\n  a: {account}\n".encode(), "f.yaml")


def test_admin_seeded_metric_ids_are_bounded_too(client: TestClient) -> None:
    response = client.post("/_mock/accounts/default/seed", json={"metrics": {"a": "m" * 1_000_000}})
    assert response.status_code == 400
    assert "metric ids must be 1-256 characters" in response.json()["error"]
