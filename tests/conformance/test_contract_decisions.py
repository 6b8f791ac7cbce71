"""The mock's own decisions that the parity checks cannot see: warnings, strict mode, hashing."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from starlette.testclient import TestClient

from tracking_mock import DEFAULT_API_KEY, Settings, create_app, mock_state_of
from tracking_mock.coupons import coupons_of, generated_id
from tracking_mock.models import AccountSpec
from tracking_mock.recipes import CONVERSION_TYPES
from tracking_mock.seed import Seed, parse_fixture

AUTH = {"Authorization": f"Bearer {DEFAULT_API_KEY}"}
COUPONS = tuple(f"C{n:02}" for n in range(60))
SEED = Seed(
    accounts=(
        AccountSpec("default", (DEFAULT_API_KEY,), {"cmp_big": coupons_of("cmp_big", COUPONS)}, {}),
    ),
    files=(),
)


def _client(**settings: Any) -> TestClient:
    return TestClient(create_app(Settings(**settings), seed=SEED))


FLAGGED: list[tuple[str, str, dict[str, Any] | None, str]] = [
    ("GET", "/events", None, "legacy-path"),
    (
        "POST",
        "/tracking/events",
        {"eventName": "x", "value": 1, "color": "red"},
        "unknown-field",
    ),
    ("GET", "/tracking/events?colour=red", None, "unknown-query-parameter"),
    (
        "POST",
        "/tracking/events",
        {"eventName": "Signups", "value": 0},
        "recommended-field-missing",
    ),
    (
        "POST",
        "/tracking/events",
        {"eventName": "x", "value": 1, "currency": "EURO"},
        "currency-format",
    ),
    (
        "POST",
        "/tracking/events",
        {
            "eventName": "Orders",
            "value": 1.005,
            "transactionId": "t",
            "currency": "EUR",
            "userId": "u",
        },
        "value-decimals",
    ),
    (
        "POST",
        "/tracking/events",
        {"eventName": "Orders", "value": 1, "type": "Refunds"},
        "conversion-type",
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "code"), FLAGGED, ids=[case[3] for case in FLAGGED]
)
def test_accepted_but_flagged_calls_carry_a_contract_warning_and_strict_mode_refuses_them(
    method: str, path: str, body: dict[str, Any] | None, code: str
) -> None:
    app = create_app(seed=SEED)
    answer = TestClient(app).request(method, path, json=body, headers=AUTH)
    assert answer.status_code == 200, answer.text
    (call,) = mock_state_of(app).journal.records()
    assert code in [warning.code for warning in call.warnings]

    strict = _client(strict=True).request(method, path, json=body, headers=AUTH)
    assert strict.status_code == 400
    assert strict.json()["error"].startswith("contract warning (strict mode): ")


def test_numbers_in_metadata_are_a_note_that_strict_mode_records_and_accepts() -> None:
    app = create_app(Settings(strict=True), seed=SEED)
    body = {"eventName": "x", "value": 1, "metadata": {"orderId": 182394, "amount": 2.5}}
    answer = TestClient(app).post("/tracking/events", json=body, headers=AUTH)
    assert answer.status_code == 200, answer.text
    assert answer.json()["data"]["metadata"] == {"orderId": 182394, "amount": 2.5}
    (call,) = mock_state_of(app).journal.records()
    assert [(w.code, w.note) for w in call.warnings] == [("metadata-number", True)] * 2


def test_strict_mode_names_the_warnings_it_refuses_and_not_the_notes() -> None:
    body = {"eventName": "x", "value": 1, "metadata": {"n": 1}, "colour": "red"}
    answer = _client(strict=True).post("/tracking/events", json=body, headers=AUTH)
    assert answer.status_code == 400
    assert answer.json()["error"] == (
        "contract warning (strict mode): unknown field 'colour' was ignored"
    )


def test_a_clean_recommended_event_has_no_warning() -> None:
    client = _client(strict=True)
    body = {
        "eventName": "Purchases",
        "value": 19.99,
        "transactionId": "t",
        "currency": "EUR",
        "userId": "u",
    }
    assert client.post("/tracking/events", json=body, headers=AUTH).status_code == 200


@pytest.mark.parametrize("kind", sorted(CONVERSION_TYPES))
def test_a_conversion_type_of_a_documented_kind_is_accepted_and_not_stored(kind: str) -> None:
    app = create_app(Settings(strict=True), seed=SEED)
    body = {
        "type": kind,
        "eventName": kind,
        "transactionId": "t1",
        "value": 12.5,
        "currency": "EUR",
        "userId": "u1",
    }
    answer = TestClient(app).post("/tracking/events", json=body, headers=AUTH)
    assert answer.status_code == 200, answer.text
    assert "type" not in answer.json()["data"]
    (call,) = mock_state_of(app).journal.records()
    assert call.warnings == ()


def test_a_signup_without_value_is_refused_with_the_recipe_named() -> None:
    body = {"eventName": "Signups", "userId": "u1", "coupon": "SALE234"}
    answer = _client().post("/tracking/events", json=body, headers=AUTH)
    assert answer.status_code == 400
    message = answer.json()["error"]
    assert message.startswith("value is required: the signup recipe's example leaves it out")
    other = _client().post("/tracking/events", json={"eventName": "x"}, headers=AUTH)
    assert other.json() == {"success": False, "error": "value is required"}


@pytest.mark.parametrize(
    ("headers", "status", "message"),
    [
        pytest.param(
            {},
            400,
            "the Content-Type header is missing: send Content-Type: application/json",
            id="missing-400",
        ),
        pytest.param(
            {"Content-Type": "text/plain"},
            415,
            "Content-Type must be application/json",
            id="not-json-415",
        ),
    ],
)
@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_a_body_without_content_type_is_400_and_one_of_another_type_415(
    method: str, headers: dict[str, str], status: int, message: str
) -> None:
    answer = _client().request(
        method,
        "/tracking/events",
        content=b'{"eventName": "x", "value": 1}',
        headers={**AUTH, **headers},
    )
    assert answer.status_code == status
    assert answer.json() == {"success": False, "error": message}


def test_hash_ids_returns_sha256_of_user_and_transaction_ids() -> None:
    client = _client(hash_ids=True)
    body = {"eventName": "x", "value": 1, "userId": "user_1", "transactionId": "txn_1"}
    data = client.post("/tracking/events", json=body, headers=AUTH).json()["data"]
    assert data["userId"] == hashlib.sha256(b"user_1").hexdigest()
    assert data["transactionId"] == hashlib.sha256(b"txn_1").hexdigest()


def test_null_metadata_values_are_refused() -> None:
    body = {"eventName": "x", "value": 1, "metadata": {"k": None}}
    answer = _client().post("/tracking/events", json=body, headers=AUTH)
    assert answer.status_code == 400
    assert "metadata value 'k'" in answer.json()["error"]


def test_a_body_over_the_configured_size_is_413() -> None:
    body = {"eventName": "x", "value": 1, "metadata": {"k": "v" * 200}}
    answer = _client(max_body_bytes=100).post("/tracking/events", json=body, headers=AUTH)
    assert answer.status_code == 413
    assert answer.json() == {"success": False, "error": "body is larger than 100 bytes"}


def test_too_many_query_parameters_are_400() -> None:
    query = "&".join(f"eventName=e{n}" for n in range(65))
    answer = _client().get(f"/tracking/events?{query}", headers=AUTH)
    assert answer.status_code == 400
    assert "too many query parameters" in answer.json()["error"]


def test_coupons_page_defaults_to_first_50_skip_0() -> None:
    data = _client().get("/client/campaigns/cmp_big/coupons", headers=AUTH).json()["data"]
    assert [node["code"] for node in data["nodes"]] == list(COUPONS[:50])
    assert data["totalCount"] == 60


COUPON_FIXTURE = """
version: 1
accounts:
  default:
    keys: [sk_test_default]
    campaigns:
      cmp_flyers:
        coupons:
          - code: CHI-9114-014
            id: cpn_1
            tag: spring
            item_type_id: flyer
            created_at: "2019-08-24T14:15:22Z"
            updated_at: "2019-08-25T08:00:00+02:00"
          - SALE234
  other:
    keys: [sk_test_other]
"""


def _coupon_client() -> TestClient:
    seed = Seed(accounts=tuple(parse_fixture(COUPON_FIXTURE.encode())), files=())
    return TestClient(create_app(seed=seed))


def test_coupon_rows_have_the_documented_fields_given_or_generated() -> None:
    answer = _coupon_client().get("/client/campaigns/cmp_flyers/coupons", headers=AUTH)
    given, plain = answer.json()["data"]["nodes"]
    assert given == {
        "id": "cpn_1",
        "code": "CHI-9114-014",
        "tag": "spring",
        "item_type_id": "flyer",
        "campaign_id": "cmp_flyers",
        "created_at": "2019-08-24T14:15:22.000Z",
        "updated_at": "2019-08-25T06:00:00.000Z",
    }
    assert set(plain) == set(given)
    assert (plain["code"], plain["campaign_id"], plain["tag"], plain["item_type_id"]) == (
        "SALE234",
        "cmp_flyers",
        None,
        None,
    )
    assert plain["id"] == generated_id("cmp_flyers", "SALE234")
    assert plain["updated_at"] == plain["created_at"]
    assert answer.json()["data"]["totalCount"] == 2


@pytest.mark.parametrize(
    ("campaign", "key"),
    [
        pytest.param("cmp_flyers", "sk_test_other", id="another-clients-campaign"),
        pytest.param("cmp_nothing", DEFAULT_API_KEY, id="unknown-campaign"),
    ],
)
def test_a_campaign_that_is_not_yours_is_an_empty_page(campaign: str, key: str) -> None:
    answer = _coupon_client().get(
        f"/client/campaigns/{campaign}/coupons", headers={"Authorization": f"Bearer {key}"}
    )
    assert answer.status_code == 200
    assert answer.json() == {"success": True, "data": {"nodes": [], "totalCount": 0}}


def test_event_ids_are_opaque_evt_prefixed_and_unique() -> None:
    client = _client()
    ids = {
        client.post("/tracking/events", json={"eventName": "x", "value": n}, headers=AUTH).json()[
            "data"
        ]["id"]
        for n in range(50)
    }
    assert len(ids) == 50
    assert all(event_id.startswith("evt_") for event_id in ids)
