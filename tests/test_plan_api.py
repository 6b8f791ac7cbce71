"""Tracking plans over HTTP: violations in the journal, the three modes, coverage, admin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from .helpers import AUTH, MakeClient, state_of

PLAN = """\
version: 1
events:
  Purchase:
    value: {minimum: 0, decimals: 2}
    fields: {transactionId: required, coupon: forbidden}
    metadata:
      orderId: {required: true, pattern: '^ord-[0-9]+$'}
      plan: {enum: [free, pro, team]}
      tags: {type: "string[]", maxLength: 5}
      legacyRef: {deprecated: true}
  Seats:
    value: {type: integer}
  Signup:
    schema: {type: object, required: [userId]}
"""
GOOD: dict[str, Any] = {
    "eventName": "Purchase",
    "value": 25.5,
    "transactionId": "t1",
    "metadata": {"orderId": "ord-1", "plan": "pro"},
}


@pytest.fixture
def plan_path(tmp_path: Path) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN, encoding="utf-8")
    return path


@pytest.fixture
def planned(make_client: MakeClient, plan_path: Path) -> TestClient:
    """A client over an app whose plan is ``PLAN`` in the default (warn) mode."""
    return make_client(plans=(plan_path,))


def _post(client: TestClient, body: dict[str, Any], method: str = "POST") -> Any:
    return client.request(method, "/tracking/events", json=body, headers=AUTH)


def _with(**changes: Any) -> dict[str, Any]:
    body = {**GOOD, **changes}
    return {k: v for k, v in body.items() if v is not None}


def _journal_warnings(client: TestClient) -> list[dict[str, Any]]:
    return list(client.get("/_mock/calls").json()["data"]["nodes"][-1]["warnings"])


@pytest.mark.parametrize(
    ("body", "code", "path"),
    [
        (_with(eventName="Purchse"), "plan-unplanned-event", "$.eventName"),
        (_with(transactionId=None), "plan-required-missing", "$.transactionId"),
        (_with(coupon="SALE"), "plan-forbidden-field", "$.coupon"),
        (
            _with(metadata={"orderId": "ord-1", "plan": "gold"}),
            "plan-enum-mismatch",
            "$.metadata.plan",
        ),
        (_with(metadata={"orderId": "1"}), "plan-pattern-mismatch", "$.metadata.orderId"),
        (_with(metadata={"orderId": 1}), "plan-type-mismatch", "$.metadata.orderId"),
        (
            _with(metadata={"orderId": "ord-1", "tags": ["abcdef"]}),
            "plan-too-long",
            "$.metadata.tags[0]",
        ),
        (_with(value=-3), "plan-out-of-range", "$.value"),
        (_with(value=1.005), "plan-decimals", "$.value"),
        (
            _with(metadata={"orderId": "ord-1", "x": "y"}),
            "plan-additional-metadata",
            "$.metadata.x",
        ),
        (
            _with(metadata={"orderId": "ord-1", "legacyRef": "y"}),
            "plan-deprecated-metadata",
            "$.metadata.legacyRef",
        ),
        ({"eventName": "Signup", "value": 0}, "plan-required-missing", "$.userId"),
    ],
    ids=lambda v: v if isinstance(v, str) and v.startswith("plan-") else "",
)
@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_each_violation_is_journaled_with_its_code_and_path_in_warn_mode(
    planned: TestClient, body: dict[str, Any], code: str, path: str, method: str
) -> None:
    if method == "PUT":
        assert _post(planned, GOOD).status_code == 200
        body = {
            **body,
            "id": planned.get("/tracking/events", headers=AUTH).json()["data"]["nodes"][0]["id"],
        }
    response = _post(planned, body, method)
    assert response.status_code == 200, response.text
    warnings = [w for w in _journal_warnings(planned) if w["code"].startswith("plan-")]
    assert [(w["code"], w["path"]) for w in warnings] == [(code, path)]
    assert warnings[0]["message"]


def test_a_valid_event_raises_no_violation(planned: TestClient) -> None:
    assert _post(planned, GOOD).status_code == 200
    assert _journal_warnings(planned) == []


def test_enforce_answers_400_naming_the_violations_and_stores_nothing(
    make_client: MakeClient, plan_path: Path
) -> None:
    client = make_client(plans=(plan_path,), plan_mode="enforce")
    response = _post(client, _with(eventName="Purchse"))
    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "error": "tracking plan violation: $.eventName [plan-unplanned-event] event 'Purchse' "
        "is not in the tracking plan (did you mean 'Purchase'?)",
    }
    assert state_of(client).store.events("default") == []
    assert [w["code"] for w in _journal_warnings(client)] == ["plan-unplanned-event"]
    assert _post(client, GOOD).status_code == 200


def test_enforce_lists_five_violations_then_counts_the_rest(
    make_client: MakeClient, plan_path: Path
) -> None:
    client = make_client(plans=(plan_path,), plan_mode="enforce")
    metadata = {f"extra{n}": "x" for n in range(8)} | {"orderId": "ord-1"}
    error = _post(client, _with(metadata=metadata)).json()["error"]
    assert error.count("[plan-additional-metadata]") == 5
    assert error.endswith("(and 3 more)")


def test_off_checks_nothing(make_client: MakeClient, plan_path: Path) -> None:
    client = make_client(plans=(plan_path,), plan_mode="off")
    assert _post(client, _with(eventName="Purchse")).status_code == 200
    assert _journal_warnings(client) == []


def test_strict_mode_does_not_turn_plan_violations_into_400s(
    make_client: MakeClient, plan_path: Path
) -> None:
    client = make_client(plans=(plan_path,), strict=True)
    assert _post(client, _with(eventName="Purchse")).status_code == 200


def test_the_mode_is_set_per_account_with_a_json_body(planned: TestClient) -> None:
    changed = planned.post("/_mock/accounts/default/plan", json={"mode": "enforce"})
    assert changed.status_code == 200
    assert changed.json()["data"]["mode"] == "enforce"
    assert changed.json()["data"]["plan"]["events"]["Purchase"]["fields"]["coupon"] == "forbidden"
    assert _post(planned, _with(coupon="X")).status_code == 400
    planned.post("/_mock/accounts/default/plan", json={"mode": None})
    assert _post(planned, _with(coupon="X")).status_code == 200


def test_an_account_may_get_a_plan_of_its_own(client: TestClient) -> None:
    plan = {"version": 1, "events": {"Clicks": {"value": {"type": "integer"}}}}
    response = client.post("/_mock/accounts/default/plan", json={"plan": plan, "mode": "enforce"})
    assert response.json()["data"]["ownPlan"] is True
    assert _post(client, {"eventName": "Clicks", "value": 1.5}).status_code == 400
    assert _post(client, {"eventName": "Clicks", "value": 2}).status_code == 200
    client.post("/_mock/accounts/default/plan", json={"plan": None})
    assert _post(client, {"eventName": "Clicks", "value": 1.5}).status_code == 200


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"mode": "loud"}, "mode must be one of off, warn, enforce"),
        ({}, "send {"),
        ({"colour": 1}, "send {"),
        ({"plan": {"version": 1}}, "bad plan: <plan>: the plan: 'events' is a required"),
        ({"plan": {"version": 1, "events": {"A": {"schemaFile": "x.json"}}}}, "schemaFile needs"),
    ],
)
def test_a_bad_plan_change_is_a_400(client: TestClient, body: dict[str, Any], error: str) -> None:
    response = client.post("/_mock/accounts/default/plan", json=body)
    assert response.status_code == 400
    assert error in response.json()["error"]


def test_an_unknown_account_has_no_plan_to_change(client: TestClient) -> None:
    assert client.post("/_mock/accounts/nobody/plan", json={"mode": "off"}).status_code == 404
    assert client.get("/_mock/plan/coverage?account=nobody").status_code == 404


def test_coverage_counts_per_planned_event_and_lists_those_never_seen(
    planned: TestClient,
) -> None:
    _post(planned, GOOD)
    _post(planned, GOOD)
    _post(planned, _with(coupon="X"))
    _post(planned, _with(eventName="Purchse"))
    _post(planned, {"eventName": "Seats", "value": 1, "colour": 1})  # a contract warning only
    data = planned.get("/_mock/plan/coverage?account=default").json()["data"]
    assert data["events"] == [
        {"eventName": "Purchase", "valid": 2, "violating": 1},
        {"eventName": "Seats", "valid": 1, "violating": 0},
        {"eventName": "Signup", "valid": 0, "violating": 0},
    ]
    assert data["neverSeen"] == ["Signup"]
    assert data["unplanned"] == [{"eventName": "Purchse", "count": 1}]
    assert planned.get("/_mock/plan/coverage").json()["data"]["events"] == data["events"]
    planned.post("/_mock/reset", json={})
    after = planned.get("/_mock/plan/coverage").json()["data"]
    assert after["seen"] == 0


def test_without_a_plan_coverage_is_empty_and_nothing_is_checked(client: TestClient) -> None:
    assert _post(client, {"eventName": "Anything", "value": 1}).status_code == 200
    data = client.get("/_mock/plan/coverage").json()["data"]
    assert (data["planned"], data["events"], data["unplanned"]) == (0, [], [])


def test_a_bad_plan_stops_create_app_with_a_file_line_error(
    make_client: MakeClient, tmp_path: Path
) -> None:
    from tracking_mock.plan import PlanError

    path = tmp_path / "bad.yaml"
    path.write_text("version: 1\nevents:\n  P: {value: 3}\n", encoding="utf-8")
    with pytest.raises(PlanError, match=r"bad.yaml:line 3: events.P.value: 3 is not of type"):
        make_client(plans=(path,))
