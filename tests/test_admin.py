"""The /_mock admin surface: health, reset, the bounded journal, accounts, faults and clocks."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tracking_mock import __version__
from tracking_mock.seed import load_seed

from .helpers import AUTH, MakeClient, state_of


def create(client: TestClient, headers: dict[str, str] = AUTH, **body: Any) -> Any:
    return client.post(
        "/tracking/events", json={"eventName": "a", "value": 1, **body}, headers=headers
    )


def calls(client: TestClient, query: str = "") -> list[dict[str, Any]]:
    response = client.get(f"/_mock/calls{query}")
    assert response.status_code == 200
    nodes: list[dict[str, Any]] = response.json()["data"]["nodes"]
    return nodes


@pytest.fixture
def seeded(make_client: MakeClient) -> TestClient:
    return make_client(load_seed())


def test_health_reports_version_accounts_counts_and_files(seeded: TestClient) -> None:
    create(seeded)
    data = seeded.get("/_mock/health").json()["data"]
    assert data["status"] == "ok"
    assert data["version"] == __version__
    assert data["accounts"] == [{"name": "default", "events": 3}]
    assert data["events"] == 3
    assert data["fixtures"][0].endswith("default.yaml")


def test_reset_goes_back_to_the_fixtures_and_empties_the_journal(seeded: TestClient) -> None:
    create(seeded)
    assert seeded.post("/_mock/reset", json={}).status_code == 200
    assert seeded.get("/tracking/events", headers=AUTH).json()["data"]["totalCount"] == 2
    assert [c["method"] for c in calls(seeded)] == ["GET"]


def test_journal_records_every_call_with_the_key_redacted(client: TestClient) -> None:
    create(client, metadata={"n": 1})
    client.get("/tracking/events?limit=0", headers=AUTH)
    client.get("/tracking/events", headers={"Authorization": "Bearer sk_live_secret"})
    client.get("/elsewhere")
    created, bad_query, unauthorized, missing = calls(client)
    assert created["method"] == "POST"
    assert created["body"] == {"eventName": "a", "value": 1, "metadata": {"n": 1}}
    assert created["status"] == 200
    assert created["response"]["data"]["eventName"] == "a"
    assert created["account"] == "default"
    assert created["warnings"][0]["code"] == "metadata-number"
    assert created["warnings"][0]["note"] is True
    assert created["reason"] is None
    assert created["headers"]["authorization"] == "Bearer [redacted]"
    assert (bad_query["status"], bad_query["query"]) == (400, "limit=0")
    assert (unauthorized["status"], unauthorized["account"]) == (401, None)
    assert unauthorized["response"] == {"success": False, "error": "Unauthorized"}
    assert unauthorized["reason"].startswith("unknown client key")
    assert "sk_live_secret" not in client.get("/_mock/calls").text
    assert missing["status"] == 404


def test_admin_calls_are_not_journaled(client: TestClient) -> None:
    client.get("/_mock/health")
    client.get("/_mock/calls")
    assert calls(client) == []


def test_journal_filters(client: TestClient) -> None:
    create(client)
    client.get("/tracking/events", headers=AUTH)
    client.get("/tracking/events?limit=0", headers=AUTH)
    assert len(calls(client, "?method=get")) == 2
    assert len(calls(client, "?status=400")) == 1
    assert len(calls(client, "?path=/tracking/events&account=default")) == 3
    assert calls(client, "?account=nobody") == []
    assert client.get("/_mock/calls?status=x").status_code == 400


def test_delete_calls_empties_the_journal(client: TestClient) -> None:
    create(client)
    assert client.delete("/_mock/calls").status_code == 200
    assert calls(client) == []


def test_the_journal_is_a_bounded_ring(make_client: MakeClient) -> None:
    client = make_client(journal_size=3)
    for i in range(5):
        create(client, eventName=f"e{i}")
    assert [c["body"]["eventName"] for c in calls(client)] == ["e2", "e3", "e4"]


def test_large_bodies_are_truncated_in_the_journal(make_client: MakeClient) -> None:
    client = make_client(journal_body_bytes=64)
    create(client, metadata={f"k{i}": "v" * 200 for i in range(5)})
    (record,) = calls(client)
    assert record["bodyTruncated"] is True
    assert isinstance(record["body"], str)
    assert len(record["body"]) == 64
    assert record["responseTruncated"] is True
    assert len(state_of(client).journal.records()[0].raw_response) == 64


def test_events_lists_an_account_newest_first(seeded: TestClient) -> None:
    data = seeded.get("/_mock/events?account=default").json()["data"]
    assert [n["eventName"] for n in data["nodes"]] == ["Purchases", "Signups"]
    assert seeded.get("/_mock/events?account=default&limit=1").json()["data"]["totalCount"] == 2
    assert seeded.get("/_mock/events").status_code == 400
    missing = seeded.get("/_mock/events?account=nobody")
    assert (missing.status_code, missing.json()["error"]) == (404, "no account named 'nobody'")


def test_accounts_can_be_created_seeded_and_deleted(client: TestClient) -> None:
    created = client.post("/_mock/accounts", json={"name": "team"})
    assert created.status_code == 201
    key = created.json()["data"]["key"]
    headers = {"Authorization": f"Bearer {key}"}
    seeded = client.post(
        "/_mock/accounts/team/seed",
        json={
            "campaigns": {"c1": {"coupons": ["X"]}},
            "events": [{"eventName": "a", "value": 1, "coupon": "X"}],
        },
    )
    assert seeded.json()["data"] == {"account": "team", "added": 1}
    (event,) = client.get("/tracking/events", headers=headers).json()["data"]["nodes"]
    assert event["campaignId"] == "c1"
    assert client.delete("/_mock/accounts/team").status_code == 200
    assert client.get("/tracking/events", headers=headers).status_code == 401


def test_a_chosen_key_is_never_echoed(client: TestClient) -> None:
    created = client.post("/_mock/accounts", json={"name": "mine", "key": "sk_chosen"})
    assert created.json()["data"] == {"name": "mine"}
    assert (
        client.get("/tracking/events", headers={"Authorization": "Bearer sk_chosen"}).status_code
        == 200
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "bad name"}, "account name 'bad name'"),
        ({"name": 5}, "name and key must be strings"),
        ({"name": {}}, "name and key must be strings"),
        ({"name": False}, "name and key must be strings"),
        ({"key": ["k"]}, "name and key must be strings"),
        ({"key": "has space"}, "visible ASCII"),
        ({"strict": "yes"}, "strict must be true, false or null"),
        ({"hashIds": 1}, "hashIds must be true, false or null"),
    ],
)
def test_bad_account_requests_are_400(
    client: TestClient, body: dict[str, Any], message: str
) -> None:
    response = client.post("/_mock/accounts", json=body)
    assert response.status_code == 400
    assert message in response.json()["error"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "default"}, "an account named 'default' exists already"),
        ({"key": "sk_test_default"}, "that key is already in use; choose another"),
    ],
)
def test_taken_names_and_keys_are_409(
    client: TestClient, body: dict[str, Any], message: str
) -> None:
    response = client.post("/_mock/accounts", json=body)
    assert response.status_code == 409
    assert message in response.json()["error"]
    assert "sk_test_default" not in response.text


def test_a_taken_event_id_is_409(client: TestClient) -> None:
    seed = {"events": [{"id": "evt_1", "eventName": "a", "value": 1}]}
    assert client.post("/_mock/accounts/default/seed", json=seed).status_code == 200
    again = client.post("/_mock/accounts/default/seed", json=seed)
    assert (again.status_code, again.json()["error"]) == (
        409,
        "event id 'evt_1' exists already in 'default'",
    )


def test_bad_seed_is_400_and_adds_nothing(client: TestClient) -> None:
    response = client.post("/_mock/accounts/default/seed", json={"events": [{"eventName": "a"}]})
    assert response.status_code == 400
    assert "value is required" in response.json()["error"]
    assert client.get("/_mock/events?account=default").json()["data"]["totalCount"] == 0


def test_faults_over_http(client: TestClient) -> None:
    fault = {"action": "fail", "status": 503, "times": 2, "retryAfter": 7}
    assert client.post("/_mock/accounts/default/faults", json=fault).status_code == 200
    for _ in range(2):
        failed = create(client)
        assert (failed.status_code, failed.json()) == (
            503,
            {"success": False, "error": "Service Unavailable"},
        )
        assert failed.headers["retry-after"] == "7"
    assert create(client).status_code == 200
    assert [c["fault"] for c in calls(client)] == ["fail", "fail", None]
    assert client.get("/_mock/events?account=default").json()["data"]["totalCount"] == 1


def test_rate_limit_over_http_follows_the_account_clock(client: TestClient) -> None:
    client.post("/_mock/accounts/default/clock", json={"freeze": "2030-01-01T00:00:00+00:00"})
    client.post(
        "/_mock/accounts/default/faults",
        json={"action": "rate_limit", "requests": 2, "perSeconds": 60},
    )
    assert [create(client).status_code for _ in range(3)] == [200, 200, 429]
    limited = create(client)
    assert limited.headers["retry-after"] == "60"
    client.post("/_mock/accounts/default/clock", json={"advance": 60})
    assert create(client).status_code == 200
    assert client.delete("/_mock/accounts/default/faults").status_code == 200
    assert all(create(client).status_code == 200 for _ in range(5))


def test_clock_over_http_drives_created_at(client: TestClient) -> None:
    response = client.post("/_mock/accounts/default/clock", json={"freeze": "2030-01-01T00:00:00Z"})
    assert response.json()["data"]["frozen"] is True
    assert create(client).json()["data"]["createdAt"] == "2030-01-01T00:00:00.000Z"
    client.post("/_mock/accounts/default/clock", json={"advance": 1.5})
    assert create(client).json()["data"]["createdAt"] == "2030-01-01T00:00:01.500Z"
    client.post("/_mock/accounts/default/clock", json={"unfreeze": True})
    assert create(client).json()["data"]["createdAt"] > "2026"


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("faults", {"action": "explode"}, "action must be one of"),
        (
            "faults",
            {"action": "fail", "status": 200},
            "status must be a whole number from 400 to 599",
        ),
        ("faults", {"action": "fail", "colour": 1}, "bad fail fault"),
        (
            "faults",
            {"action": "delay", "seconds": 10_000},
            "seconds must be a number from 0 to 600",
        ),
        ("clock", {"advance": -1}, "time only moves forward"),
        ("clock", {"advance": "soon"}, "advance takes a number"),
        ("clock", {"freeze": "tomorrow"}, "bad clock change"),
    ],
)
def test_bad_fault_and_clock_requests_are_400(
    client: TestClient, path: str, body: dict[str, Any], message: str
) -> None:
    response = client.post(f"/_mock/accounts/default/{path}", json=body)
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_admin_errors_use_the_envelope(client: TestClient) -> None:
    response = client.get("/_mock/nothing")
    assert response.status_code == 404
    assert set(response.json()) == {"success", "error"}
    assert client.post("/_mock/accounts/nobody/faults", json={"action": "drop"}).status_code == 404


def test_admin_bodies_obey_the_size_limit_even_when_chunked(make_client: MakeClient) -> None:
    client = make_client(max_body_bytes=1024)
    chunks = (b" " * 512 for _ in range(8))
    response = client.post(
        "/_mock/accounts",
        content=iter([b"{", *chunks, b"}"]),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert client.post("/_mock/accounts").status_code == 400  # no body, no Content-Type
    assert client.post("/_mock/accounts", json={}).status_code == 201


def test_health_reports_the_server_wide_settings(make_client: MakeClient) -> None:
    client = make_client(max_body_bytes=2048, hash_ids=True)
    settings = client.get("/_mock/health").json()["data"]["settings"]
    assert settings == {
        "strict": False,
        "hashIds": True,
        "maxBodyBytes": 2048,
        "journalSize": 1000,
        "journalBodyBytes": 4096,
        "maxQueryParams": 64,
        "maxAccounts": 100_000,
        "watch": False,
        "stateFile": None,
        "maxSnapshots": 20,
        "maxSnapshotEvents": 200_000,
        "upstream": None,
        "upstreamTimeout": 10.0,
        "record": None,
        "maxRecordBytes": 10_485_760,
        "journalBytes": 32 * 1_048_576,
        "maxEvents": 2_000_000,
        "maxFixtureBytes": 32 * 1_048_576,
        "readTimeout": 5.0,
        "keepAliveTimeout": 5.0,
        "maxConnections": 512,
        "allowedHosts": [],
        "cors": [],
    }


@pytest.mark.parametrize(
    ("server", "account", "hashed", "strict"),
    [
        pytest.param({}, {"hashIds": True, "strict": True}, True, True, id="account-turns-on"),
        pytest.param(
            {"hash_ids": True, "strict": True},
            {"hashIds": False, "strict": False},
            False,
            False,
            id="account-turns-off",
        ),
        pytest.param({"hash_ids": True}, {"hashIds": None}, True, False, id="null-follows-server"),
    ],
)
def test_an_account_may_carry_its_own_strict_and_hash_ids(
    make_client: MakeClient,
    server: dict[str, Any],
    account: dict[str, Any],
    hashed: bool,
    strict: bool,
) -> None:
    client = make_client(**server)
    made = client.post("/_mock/accounts", json={"name": "own", **account}).json()["data"]
    auth = {"Authorization": f"Bearer {made['key']}"}
    body = {"eventName": "Clicks", "value": 1, "userId": "u1"}
    created = client.post("/tracking/events", json=body, headers=auth)
    assert (len(created.json()["data"]["userId"]) == 64) is hashed
    listed = client.get("/_mock/events?account=own").json()["data"]["nodes"]
    assert (len(listed[0]["userId"]) == 64) is hashed
    flagged = client.post("/tracking/events", json={**body, "colour": "red"}, headers=auth)
    assert (flagged.status_code == 400) is strict
    client.post("/_mock/reset?account=own", json={})
    again = client.post("/tracking/events", json=body, headers=auth)
    assert (len(again.json()["data"]["userId"]) == 64) is hashed, "a reset keeps the options"
