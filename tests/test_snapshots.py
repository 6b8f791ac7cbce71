"""Snapshots and fixture export over the admin surface: exact restores, bounded, keys kept out."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from starlette.testclient import TestClient

from tracking_mock import Settings, create_app
from tracking_mock.seed import load_seed

from .helpers import AUTH, MakeClient

OTHER = {"Authorization": "Bearer sk_test_other"}


def _scenario(client: TestClient) -> None:
    """Ties within a frozen millisecond, an update, lookups, a second account, a queued fault."""
    client.post("/_mock/accounts/default/clock", json={"freeze": "2030-01-01T00:00:00Z"})
    client.post(
        "/_mock/accounts/default/seed",
        json={"campaigns": {"cmp_1": {"coupons": ["C1"]}}, "metrics": {"Buy": "met_buy"}},
    )
    for value in range(4):
        body = {"eventName": "Buy", "value": value, "coupon": "C1", "transactionId": f"t{value}"}
        assert client.post("/tracking/events", json=body, headers=AUTH).status_code == 200
    client.put(
        "/tracking/events",
        json={"eventName": "Buy", "value": 9, "transactionId": "t1"},
        headers=AUTH,
    )
    client.post("/_mock/accounts/default/clock", json={"advance": 1.5})
    client.post("/tracking/events", json={"eventName": "Later", "value": 1}, headers=AUTH)
    client.post("/_mock/accounts", json={"name": "other", "key": "sk_test_other"})
    client.post("/tracking/events", json={"eventName": "Theirs", "value": 1}, headers=OTHER)


def _listings(client: TestClient) -> list[bytes]:
    return [*_listings_of_default(client), client.get("/tracking/events", headers=OTHER).content]


def _mess_up(client: TestClient) -> None:
    client.post("/_mock/accounts/default/clock", json={"unfreeze": True})
    client.post("/tracking/events", json={"eventName": "Buy", "value": 77}, headers=AUTH)
    client.post("/tracking/events", json={"eventName": "Theirs", "value": 2}, headers=OTHER)
    client.post("/_mock/reset?account=default", json={})


def test_restoring_a_snapshot_of_everything_gives_back_every_listing_byte_for_byte(
    client: TestClient,
) -> None:
    _scenario(client)
    before = _listings(client)
    taken = client.post("/_mock/snapshots", json={"name": "built-by-hand"})
    assert taken.status_code == 201
    assert taken.json()["data"]["events"] == 6
    _mess_up(client)
    client.post("/_mock/accounts", json={"name": "newer", "key": "sk_test_newer"})
    assert _listings(client) != before

    restored = client.post("/_mock/snapshots/built-by-hand/restore", json={})

    assert restored.status_code == 200
    assert _listings(client) == before
    accounts = [a["name"] for a in client.get("/_mock/health").json()["data"]["accounts"]]
    assert sorted(accounts) == ["default", "other"]  # made since: gone


def test_restoring_keeps_the_clock_and_new_events_stay_newest(client: TestClient) -> None:
    _scenario(client)
    client.post("/_mock/snapshots", json={"name": "s"})
    _mess_up(client)
    client.post("/_mock/snapshots/s/restore", json={})

    created = client.post("/tracking/events", json={"eventName": "After", "value": 0}, headers=AUTH)

    assert created.json()["data"]["createdAt"] == "2030-01-01T00:00:01.500Z"  # still frozen
    newest = client.get("/tracking/events?limit=1", headers=AUTH).json()["data"]["nodes"][0]
    assert newest["eventName"] == "After"


def test_a_snapshot_keeps_queued_faults(client: TestClient) -> None:
    client.post("/_mock/accounts/default/faults", json={"action": "fail", "status": 503})
    client.post("/_mock/snapshots", json={"name": "failing"})
    client.delete("/_mock/accounts/default/faults")
    client.post("/_mock/snapshots/failing/restore", json={})

    assert client.get("/tracking/events", headers=AUTH).status_code == 503
    assert client.get("/tracking/events", headers=AUTH).status_code == 200


def test_restoring_one_account_leaves_the_others_as_they_are(client: TestClient) -> None:
    _scenario(client)
    client.post("/_mock/snapshots", json={"name": "mine", "account": "default"})
    _mess_up(client)
    theirs = client.get("/tracking/events", headers=OTHER).content

    client.post("/_mock/snapshots/mine/restore", json={})

    assert client.get("/tracking/events", headers=OTHER).content == theirs
    assert client.get("/tracking/events", headers=AUTH).json()["data"]["totalCount"] == 5


def test_snapshots_are_listed_and_deleted(client: TestClient) -> None:
    client.post("/_mock/snapshots", json={})
    client.post("/_mock/snapshots", json={"account": "default"})
    listed = client.get("/_mock/snapshots").json()["data"]
    assert [(s["name"], s["account"]) for s in listed["nodes"]] == [
        ("snap-1", None),
        ("snap-2", "default"),
    ]
    assert client.delete("/_mock/snapshots/snap-1").json()["data"] == {"deleted": "snap-1"}
    assert client.get("/_mock/snapshots").json()["data"]["totalCount"] == 1
    assert client.post("/_mock/snapshots/snap-1/restore", json={}).status_code == 404


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"name": "a b"}, 400, "a snapshot name must be 1-64 letters"),
        ({"name": 5}, 400, "name and account must be strings"),
        ({"account": "nobody"}, 404, "no account named 'nobody'"),
        ({"accounts": "default"}, 400, "unknown field 'accounts'"),
        ({"name": "taken"}, 409, "a snapshot named 'taken' exists already"),
    ],
    ids=["bad-name", "name-not-text", "unknown-account", "unknown-field", "name-taken"],
)
def test_a_bad_snapshot_request_is_refused_and_nothing_is_kept(
    client: TestClient, body: object, status: int, message: str
) -> None:
    client.post("/_mock/snapshots", json={"name": "taken"})
    answer = client.post("/_mock/snapshots", json=body)
    assert answer.status_code == status
    assert answer.json()["error"].startswith(message)
    assert client.get("/_mock/snapshots").json()["data"]["totalCount"] == 1


@pytest.mark.parametrize(
    ("settings", "status", "message"),
    [
        ({"max_snapshots": 2}, 409, "at most 2 snapshots (--max-snapshots)"),
        ({"max_snapshot_events": 2}, 413, "a snapshot would hold 3 events; at most 2"),
    ],
    ids=["count", "size"],
)
def test_snapshots_are_bounded_in_count_and_size(
    make_client: MakeClient, settings: dict[str, int], status: int, message: str
) -> None:
    client = make_client(**settings)
    for value in range(2):
        client.post("/tracking/events", json={"eventName": "x", "value": value}, headers=AUTH)
    assert client.post("/_mock/snapshots", json={}).status_code == 201
    assert client.post("/_mock/snapshots", json={}).status_code == 201 or status == 413
    client.post("/tracking/events", json={"eventName": "x", "value": 3}, headers=AUTH)

    answer = client.post("/_mock/snapshots", json={})

    assert answer.status_code == status
    assert answer.json()["error"].startswith(message)


def test_an_export_loads_back_to_the_same_listings(client: TestClient, tmp_path: Path) -> None:
    _scenario(client)
    before = _listings(client)[:4]
    exported = client.get("/_mock/accounts/default/export?keys=true")
    assert exported.headers["content-type"] == "application/yaml"
    (tmp_path / "default.yaml").write_text(exported.text, encoding="utf-8")

    with TestClient(create_app(Settings(), seed=load_seed([tmp_path]))) as reloaded:
        reloaded.post("/_mock/accounts/default/clock", json={"freeze": "2030-01-01T00:00:00Z"})
        assert _listings_of_default(reloaded) == before


def _listings_of_default(client: TestClient) -> list[bytes]:
    pages = [client.get("/tracking/events?limit=3", headers=AUTH)]
    nodes = pages[0].json()["data"]["nodes"]
    last = nodes[-1]["id"] if nodes else "none"
    pages.append(client.get(f"/tracking/events?limit=3&startingAfter={last}", headers=AUTH))
    pages.append(client.get("/tracking/events?eventName=Buy&value=9", headers=AUTH))
    pages.append(client.get("/client/campaigns/cmp_1/coupons", headers=AUTH))
    return [page.content for page in pages]


def test_an_export_leaves_keys_out_unless_asked(client: TestClient) -> None:
    plain = client.get("/_mock/accounts/default/export")
    assert "sk_test_default" not in plain.text
    assert "keys" not in yaml.safe_load(plain.text)["accounts"]["default"]
    assert "sk_test_default" in client.get("/_mock/accounts/default/export?keys=true").text
    assert client.get("/_mock/accounts/default/export?keys=yes").status_code == 400
    assert client.get("/_mock/accounts/nobody/export").status_code == 404
