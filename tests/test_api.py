"""Every documented rule of the Tracking API, through HTTP (in-process)."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from starlette.testclient import TestClient

from tracking_mock.coupons import coupons_of, generated_id
from tracking_mock.models import AccountSpec
from tracking_mock.seed import Seed

from .helpers import AUTH, MakeClient, state_of

TWO_ACCOUNTS = Seed(
    accounts=(
        AccountSpec(
            "acme",
            ("sk_acme",),
            {"cmp_spring": coupons_of("cmp_spring", ["SALE234"])},
            {"Purchase": "met_p"},
        ),
        AccountSpec("globex", ("sk_globex",), {}, {}),
        AccountSpec("locked", ("sk_locked",), {}, {}, disabled=True),
    ),
    files=(),
)
ACME = {"Authorization": "Bearer sk_acme"}
GLOBEX = {"Authorization": "Bearer sk_globex"}
EVENT_KEYS = {
    "id",
    "eventName",
    "value",
    "transactionId",
    "currency",
    "userId",
    "campaignId",
    "metricId",
    "coupon",
    "metadata",
    "createdAt",
}


@pytest.fixture
def accounts(make_client: MakeClient) -> TestClient:
    return make_client(TWO_ACCOUNTS)


def create(client: TestClient, headers: dict[str, str] = AUTH, **body: Any) -> dict[str, Any]:
    response = client.post(
        "/tracking/events", json={"eventName": "Purchase", "value": 1, **body}, headers=headers
    )
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def listing(client: TestClient, query: str = "", headers: dict[str, str] = AUTH) -> dict[str, Any]:
    response = client.get(f"/tracking/events{query}", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["success"] is True
    return body["data"]  # type: ignore[no-any-return]


def names(data: dict[str, Any]) -> list[str]:
    return [node["eventName"] for node in data["nodes"]]


def test_create_returns_the_event_in_the_success_envelope(accounts: TestClient) -> None:
    response = accounts.post(
        "/tracking/events",
        json={
            "eventName": "Purchase",
            "value": 250,
            "transactionId": "t1",
            "currency": "EUR",
            "userId": "u1",
            "coupon": "SALE234",
            "metadata": {"orderId": "182394", "items": ["a", "b"]},
        },
        headers=ACME,
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"success", "data"}
    assert body["success"] is True
    event = body["data"]
    assert set(event) == EVENT_KEYS
    assert event["id"].startswith("evt_")
    assert (event["campaignId"], event["metricId"]) == ("cmp_spring", "met_p")
    sent = (event["transactionId"], event["currency"], event["userId"], event["coupon"])
    assert sent == ("t1", "EUR", "u1", "SALE234")
    assert event["metadata"] == {"orderId": "182394", "items": ["a", "b"]}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", event["createdAt"])


def test_fields_not_sent_are_null(client: TestClient) -> None:
    event = create(client)
    assert {k for k, v in event.items() if v is None} == EVENT_KEYS - {
        "id",
        "eventName",
        "value",
        "createdAt",
    }


def test_ids_are_unique(client: TestClient) -> None:
    assert len({create(client)["id"] for _ in range(50)}) == 50


def test_list_is_newest_first_with_total_count(client: TestClient) -> None:
    for name in ("a", "b", "c"):
        create(client, eventName=name)
    data = listing(client)
    assert names(data) == ["c", "b", "a"]
    assert data["totalCount"] == 3
    assert set(data) == {"nodes", "totalCount"}


def test_limit_defaults_to_20(client: TestClient) -> None:
    for i in range(25):
        create(client, eventName=f"e{i}")
    assert len(listing(client)["nodes"]) == 20
    assert len(listing(client, "?limit=100")["nodes"]) == 25
    assert listing(client, "?limit=1")["totalCount"] == 25


def test_cursor_pages_through_everything_once(client: TestClient) -> None:
    created = [create(client, eventName=f"e{i}")["id"] for i in range(12)]
    seen: list[str] = []
    query = "?limit=5"
    while True:
        data = listing(client, query)
        assert data["totalCount"] == 12
        if not data["nodes"]:
            break
        seen.extend(node["id"] for node in data["nodes"])
        query = f"?limit=5&startingAfter={data['nodes'][-1]['id']}"
    assert seen == created[::-1]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?eventName=Purchase", ["Purchase", "Purchase"]),
        ("?eventName=purchase", []),
        ("?eventName=Purchase&eventName=Signup", ["Signup", "Purchase", "Purchase"]),
        ("?value=250", ["Signup", "Purchase"]),
        ("?value=250.0", ["Signup", "Purchase"]),
        ("?value=250&value=3", ["Signup", "Purchase", "Purchase"]),
        ("?metadata.amount=100", ["Purchase"]),
        ("?metadata.amount=100.5", ["Signup"]),
        ("?metadata.plan=pro", ["Signup", "Purchase"]),
        ("?metadata.plan=pro&metadata.amount=100", ["Purchase"]),
        ("?eventName=Purchase&metadata.plan=pro&value=250", ["Purchase"]),
        ("?metadata.plan=PRO", []),
        ("?metadata.plan=pr", []),
        ("?metadata.plan=pro&value=3", []),
        ("?metadata.missing=x", []),
    ],
)
def test_filters_are_anded_and_repeats_are_ored(
    client: TestClient, query: str, expected: list[str]
) -> None:
    create(client, eventName="Purchase", value=250, metadata={"amount": 100, "plan": "pro"})
    create(client, eventName="Purchase", value=3, metadata={"plan": "free"})
    create(
        client, eventName="Signup", value=250.0, metadata={"amount": 100.5, "plan": ["x", "pro"]}
    )
    data = listing(client, query)
    assert names(data) == expected
    assert data["totalCount"] == len(expected)


def test_odd_metadata_keys_are_matched_literally(client: TestClient) -> None:
    create(client, metadata={"a.b": "1", "[0]": "2", "__proto__": "3"})
    create(client, metadata={"a": "1"})
    assert listing(client, "?metadata.a.b=1")["totalCount"] == 1
    assert listing(client, "?metadata.%5B0%5D=2")["totalCount"] == 1
    assert listing(client, "?metadata.__proto__=3")["totalCount"] == 1
    assert listing(client, "?metadata.a=1")["totalCount"] == 1


def test_cursor_keeps_the_filters(client: TestClient) -> None:
    for i in range(6):
        create(client, eventName="A" if i % 2 else "B", metadata={"i": str(i)})
    first = listing(client, "?eventName=A&limit=2")
    cursor = first["nodes"][-1]["id"]
    rest = listing(client, f"?eventName=A&limit=2&startingAfter={cursor}")
    assert [n["metadata"]["i"] for n in first["nodes"] + rest["nodes"]] == ["5", "3", "1"]


def test_update_by_id_replaces_fields_and_keeps_id_and_time(accounts: TestClient) -> None:
    original = create(accounts, ACME, metadata={"a": "1"}, userId="u1")
    response = accounts.put(
        "/tracking/events",
        json={"id": original["id"], "eventName": "Purchase", "value": 9, "coupon": "SALE234"},
        headers=ACME,
    )
    assert response.status_code == 200
    updated = response.json()["data"]
    assert (updated["id"], updated["createdAt"]) == (original["id"], original["createdAt"])
    assert (updated["value"], updated["campaignId"], updated["userId"], updated["metadata"]) == (
        9,
        "cmp_spring",
        None,
        None,
    )
    assert listing(accounts, headers=ACME)["nodes"] == [updated]


def test_update_by_transaction_id(client: TestClient) -> None:
    event = create(client, transactionId="t-1")
    response = client.put(
        "/tracking/events",
        json={"eventName": "Refund", "value": -1, "transactionId": "t-1"},
        headers=AUTH,
    )
    assert response.json()["data"]["id"] == event["id"]
    assert names(listing(client)) == ["Refund"]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"id": "evt_nope", "eventName": "a", "value": 1}, 404, "no event with that id"),
        (
            {"transactionId": "nope", "eventName": "a", "value": 1},
            404,
            "no event with that transactionId",
        ),
        (
            {"eventName": "a", "value": 1},
            400,
            "an update needs the event's id or its transactionId",
        ),
        ({"id": "x", "value": 1}, 400, "eventName is required"),
    ],
)
def test_update_errors(client: TestClient, body: dict[str, Any], status: int, message: str) -> None:
    response = client.put("/tracking/events", json=body, headers=AUTH)
    assert (response.status_code, response.json()) == (status, {"success": False, "error": message})


def test_accounts_are_isolated_everywhere(accounts: TestClient) -> None:
    mine = create(accounts, ACME, transactionId="shared")
    create(accounts, GLOBEX)
    assert listing(accounts, headers=GLOBEX)["totalCount"] == 1
    assert listing(accounts, headers=ACME)["totalCount"] == 1
    foreign_cursor = accounts.get(f"/tracking/events?startingAfter={mine['id']}", headers=GLOBEX)
    assert foreign_cursor.status_code == 400
    for body in ({"id": mine["id"]}, {"transactionId": "shared"}):
        response = accounts.put(
            "/tracking/events", json={"eventName": "x", "value": 1, **body}, headers=GLOBEX
        )
        assert response.status_code == 404
    assert listing(accounts, headers=ACME)["nodes"] == [mine]


AUTH_FAILURES = [
    pytest.param({}, 401, "missing Authorization header", id="missing"),
    pytest.param({"Authorization": "sk_acme"}, 401, "is not 'Bearer <client key>'", id="no-scheme"),
    pytest.param({"Authorization": "Basic sk_acme"}, 401, "is not 'Bearer", id="basic"),
    pytest.param({"Authorization": "Bearer"}, 401, "is not 'Bearer", id="no-key"),
    pytest.param({"Authorization": "Bearer a b"}, 401, "is not 'Bearer", id="two-words"),
    pytest.param({"Authorization": "Bearer sk_nope"}, 401, "unknown client key", id="unknown"),
    pytest.param({"Authorization": "Bearer sk_locked"}, 403, "which is disabled", id="disabled"),
]


@pytest.mark.parametrize(("headers", "status", "reason"), AUTH_FAILURES)
def test_authentication_failures_answer_the_documented_text_and_journal_the_reason(
    accounts: TestClient, headers: dict[str, str], status: int, reason: str
) -> None:
    text = "Unauthorized" if status == 401 else "Forbidden"
    for method in ("GET", "POST", "PUT"):
        response = accounts.request(
            method, "/tracking/events", json={"eventName": "a", "value": 1}, headers=headers
        )
        assert response.status_code == status
        assert response.json() == {"success": False, "error": text}
    records = state_of(accounts).journal.records()
    assert [record.status for record in records] == [status] * 3
    assert all(reason in (record.reason or "") for record in records)
    assert all("sk_" not in (record.reason or "") for record in records)


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "Bearer", "bEaReR"])
def test_the_scheme_word_is_case_insensitive(accounts: TestClient, scheme: str) -> None:
    response = accounts.get("/tracking/events", headers={"Authorization": f"{scheme} sk_acme"})
    assert response.status_code == 200


def test_unknown_paths_and_methods_answer_in_the_envelope(client: TestClient) -> None:
    missing = client.get("/nowhere", headers=AUTH)
    assert (missing.status_code, missing.json()) == (
        404,
        {"success": False, "error": "not found: no route for GET /nowhere"},
    )
    for method in ("DELETE", "PATCH", "OPTIONS"):
        response = client.request(method, "/tracking/events", headers=AUTH)
        assert response.status_code == 405
        assert response.json() == {
            "success": False,
            "error": f"method {method} is not allowed on /tracking/events",
        }
        assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD", "POST", "PUT"}


def test_the_legacy_path_is_an_alias_with_a_warning(client: TestClient) -> None:
    created = client.post("/events", json={"eventName": "a", "value": 1}, headers=AUTH)
    assert created.status_code == 200
    assert listing(client)["nodes"] == [created.json()["data"]]
    assert client.get("/events", headers=AUTH).json()["data"]["totalCount"] == 1
    codes = [[w.code for w in r.warnings] for r in state_of(client).journal.records()]
    assert codes == [["legacy-path"], [], ["legacy-path"]]


def test_unknown_query_parameters_are_ignored_with_a_warning(client: TestClient) -> None:
    create(client)
    assert listing(client, "?sort=asc&page=2")["totalCount"] == 1
    (record,) = [r for r in state_of(client).journal.records() if r.method == "GET"]
    assert [w.message for w in record.warnings] == [
        "unknown query parameter 'sort' was ignored",
        "unknown query parameter 'page' was ignored",
    ]


@pytest.mark.parametrize(
    ("method", "path", "body", "message"),
    [
        (
            "POST",
            "/tracking/events",
            {"eventName": "a", "value": 1, "extra": 1},
            "unknown field 'extra'",
        ),
        (
            "POST",
            "/tracking/events",
            {"eventName": "Orders", "value": 1},
            "recommended event 'Orders' should carry transactionId",
        ),
        (
            "POST",
            "/tracking/events",
            {"eventName": "a", "value": 1, "currency": "EURO"},
            "3-letter code",
        ),
        ("POST", "/events", {"eventName": "a", "value": 1}, "/events is the older path"),
        ("GET", "/tracking/events?colour=red", None, "unknown query parameter 'colour'"),
    ],
)
def test_strict_mode_turns_each_warning_into_a_400(
    make_client: MakeClient, method: str, path: str, body: object, message: str
) -> None:
    strict = make_client(strict=True)
    response = strict.request(method, path, json=body, headers=AUTH)
    assert response.status_code == 400
    assert response.json()["error"].startswith("contract warning (strict mode): ")
    assert message in response.json()["error"]
    assert listing(strict)["totalCount"] == 0


def test_hash_ids_returns_sha256_of_user_and_transaction(make_client: MakeClient) -> None:
    hashed = make_client(hash_ids=True)
    event = create(hashed, userId="u1", transactionId="t1")
    assert event["userId"] == hashlib.sha256(b"u1").hexdigest()
    assert event["transactionId"] == hashlib.sha256(b"t1").hexdigest()
    update = hashed.put(
        "/tracking/events", json={"eventName": "x", "value": 2, "transactionId": "t1"}, headers=AUTH
    )
    assert update.json()["data"]["id"] == event["id"]


def test_campaign_coupons(accounts: TestClient) -> None:
    response = accounts.get("/client/campaigns/cmp_spring/coupons", headers=ACME)
    (row,) = response.json()["data"]["nodes"]
    assert response.json()["data"]["totalCount"] == 1
    assert row == {
        "id": generated_id("cmp_spring", "SALE234"),
        "code": "SALE234",
        "tag": None,
        "item_type_id": None,
        "campaign_id": "cmp_spring",
        "created_at": row["created_at"],
        "updated_at": row["created_at"],
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", row["created_at"])
    assert (
        accounts.get("/client/campaigns/cmp_spring/coupons?skip=1", headers=ACME).json()["data"][
            "nodes"
        ]
        == []
    )
    foreign = accounts.get("/client/campaigns/cmp_spring/coupons", headers=GLOBEX)
    assert foreign.json() == {"success": True, "data": {"nodes": [], "totalCount": 0}}
    assert (
        accounts.get("/client/campaigns/cmp_spring/coupons?first=501", headers=ACME).status_code
        == 400
    )
    assert accounts.get("/client/campaigns/cmp_spring/coupons").status_code == 401


def test_a_snake_case_body_gets_a_400_that_names_the_camel_case_field(client: TestClient) -> None:
    response = client.post(
        "/tracking/events", json={"event_name": "Orders", "value": 1}, headers=AUTH
    )
    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "error": "eventName is required (the body has event_name; fields are camelCase)",
    }
    assert state_of(client).store.events("default") == []
