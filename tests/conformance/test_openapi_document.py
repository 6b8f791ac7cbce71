"""The OpenAPI documents: valid OpenAPI 3.1, covering every route, and every answer conforms."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import jsonschema_rs
import pytest
from schemathesis.specs.openapi.definitions import OPENAPI_31
from starlette.routing import BaseRoute, Mount, Route
from starlette.testclient import TestClient

from tracking_mock import DEFAULT_API_KEY, Settings, create_app, openapi
from tracking_mock.coupons import coupons_of
from tracking_mock.models import AccountSpec, EventFields, SeedEvent
from tracking_mock.seed import Seed

AUTH = {"Authorization": f"Bearer {DEFAULT_API_KEY}"}
EVENT_ID = "evt_seeded"
SEED = Seed(
    accounts=(
        AccountSpec(
            "default",
            (DEFAULT_API_KEY,),
            campaigns={"cmp_1": coupons_of("cmp_1", ["C1", "C2"])},
            metrics={"Purchases": "met_1"},
            events=(
                SeedEvent(
                    EventFields(
                        "Purchases",
                        250,
                        metadata={"items": ["a", "b"], "n": 3, "s": "x"},
                        transaction_id="txn_1",
                        coupon="C1",
                    ),
                    EVENT_ID,
                ),
            ),
        ),
        AccountSpec("blocked", ("sk_test_blocked",), {}, {}, disabled=True),
    ),
    files=(),
)

Request = Callable[[TestClient], Any]


def _routes(routes: list[BaseRoute], prefix: str = "") -> Iterator[tuple[str, str]]:
    for route in routes:
        if isinstance(route, Mount):
            yield from _routes(list(route.routes), prefix + route.path)
        elif isinstance(route, Route):
            for method in route.methods or ():
                if method != "HEAD":  # Starlette adds HEAD to every GET route
                    yield prefix + route.path, method.lower()


def _documented(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (path, method) for path, operations in document["paths"].items() for method in operations
    }


@pytest.fixture
def client() -> Iterator[TestClient]:
    """A client of a mock with a seeded event, a campaign and a disabled account."""
    with TestClient(create_app(Settings(max_body_bytes=2048), seed=SEED)) as test_client:
        yield test_client


@pytest.mark.parametrize(
    "document", [openapi.api_document(), openapi.admin_document()], ids=["api", "admin"]
)
def test_documents_are_valid_openapi_3_1(document: dict[str, Any]) -> None:
    errors = [str(error) for error in jsonschema_rs.validator_for(OPENAPI_31).iter_errors(document)]
    assert errors == []
    for name, schema in document["components"]["schemas"].items():
        assert jsonschema_rs.meta.is_valid(schema), name


def test_every_route_the_app_serves_is_documented() -> None:
    served = set(_routes(list(create_app(seed=SEED).routes)))
    documented = _documented(openapi.api_document()) | _documented(openapi.admin_document())
    assert served == documented


@pytest.mark.parametrize(
    ("path", "document"),
    [("/openapi.json", openapi.api_document()), ("/_mock/openapi.json", openapi.admin_document())],
    ids=["api", "admin"],
)
def test_the_documents_are_served(client: TestClient, path: str, document: dict[str, Any]) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.json() == document


def test_the_documented_limits_are_the_mocks_limits() -> None:
    schemas = openapi.api_document()["components"]["schemas"]
    metadata = schemas["EventInput"]["properties"]["metadata"]
    assert metadata["maxProperties"] == 50
    assert metadata["propertyNames"]["maxLength"] == 40
    assert schemas["MetadataValue"]["anyOf"][0]["maxLength"] == 256
    limit = openapi.api_document()["paths"]["/tracking/events"]["get"]["parameters"][0]
    assert (limit["name"], limit["schema"]["minimum"], limit["schema"]["maximum"]) == (
        "limit",
        1,
        100,
    )


def _response_schema(
    path: str, method: str, status: int, media_type: str = "application/json"
) -> dict[str, Any] | None:
    """The documented schema of an answer, with its document's components reachable."""
    document = openapi.admin_document() if path.startswith("/_mock") else openapi.api_document()
    operation = document["paths"].get(path, {}).get(method)
    if operation is None:
        return None
    response = operation["responses"].get(str(status))
    if response is None:  # a documented operation must document every status it answers
        pytest.fail(f"{method.upper()} {path} answered {status}, which its operation omits")
    if "$ref" in response:
        response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    if media_type not in response["content"]:
        pytest.fail(f"{method.upper()} {path} answered {status} as {media_type}, not documented")
    schema = response["content"][media_type]["schema"]
    return {**schema, "components": document["components"]}


def _big_body() -> dict[str, Any]:
    return {"eventName": "x", "value": 1, "metadata": {f"k{i}": "v" * 200 for i in range(20)}}


def _create_body(**fields: Any) -> dict[str, Any]:
    return {"eventName": "Purchases", "value": 19.99, **fields}


# (id, documented path, method, request) -> the answer must have a documented status and body.
CASES: list[tuple[str, str, str, Request]] = [
    ("list", "/tracking/events", "get", lambda c: c.get("/tracking/events", headers=AUTH)),
    (
        "list-filtered",
        "/tracking/events",
        "get",
        lambda c: c.get(
            "/tracking/events?limit=1&eventName=Purchases&value=250&metadata.items=a",
            headers=AUTH,
        ),
    ),
    (
        "list-bad-limit",
        "/tracking/events",
        "get",
        lambda c: c.get("/tracking/events?limit=0", headers=AUTH),
    ),
    (
        "list-bad-cursor",
        "/tracking/events",
        "get",
        lambda c: c.get("/tracking/events?startingAfter=nope", headers=AUTH),
    ),
    ("list-no-auth", "/tracking/events", "get", lambda c: c.get("/tracking/events")),
    (
        "list-disabled-key",
        "/tracking/events",
        "get",
        lambda c: c.get("/tracking/events", headers={"Authorization": "Bearer sk_test_blocked"}),
    ),
    (
        "create",
        "/tracking/events",
        "post",
        lambda c: c.post(
            "/tracking/events",
            json=_create_body(currency="EUR", coupon="C2", metadata={"a": ["x"], "n": 1.5}),
            headers=AUTH,
        ),
    ),
    (
        "create-invalid",
        "/tracking/events",
        "post",
        lambda c: c.post("/tracking/events", json={"value": 1}, headers=AUTH),
    ),
    (
        "create-not-json",
        "/tracking/events",
        "post",
        lambda c: c.post(
            "/tracking/events", content=b"x", headers={**AUTH, "Content-Type": "text/plain"}
        ),
    ),
    (
        "create-too-large",
        "/tracking/events",
        "post",
        lambda c: c.post("/tracking/events", json=_big_body(), headers=AUTH),
    ),
    (
        "update",
        "/tracking/events",
        "put",
        lambda c: c.put("/tracking/events", json=_create_body(id=EVENT_ID), headers=AUTH),
    ),
    (
        "update-unknown",
        "/tracking/events",
        "put",
        lambda c: c.put("/tracking/events", json=_create_body(id="evt_nope"), headers=AUTH),
    ),
    (
        "legacy-create",
        "/events",
        "post",
        lambda c: c.post("/events", json=_create_body(), headers=AUTH),
    ),
    ("legacy-list", "/events", "get", lambda c: c.get("/events", headers=AUTH)),
    (
        "coupons",
        "/client/campaigns/{campaign_id}/coupons",
        "get",
        lambda c: c.get("/client/campaigns/cmp_1/coupons?first=1&skip=1", headers=AUTH),
    ),
    (
        "coupons-unknown",
        "/client/campaigns/{campaign_id}/coupons",
        "get",
        lambda c: c.get("/client/campaigns/cmp_x/coupons", headers=AUTH),
    ),
    (
        "coupons-bad-first",
        "/client/campaigns/{campaign_id}/coupons",
        "get",
        lambda c: c.get("/client/campaigns/cmp_1/coupons?first=501", headers=AUTH),
    ),
    ("unknown-path", "/nothing", "get", lambda c: c.get("/nothing", headers=AUTH)),
    (
        "method-not-allowed",
        "/tracking/events",
        "delete",
        lambda c: c.delete("/tracking/events", headers=AUTH),
    ),
    ("admin-health", "/_mock/health", "get", lambda c: c.get("/_mock/health")),
    ("admin-reset", "/_mock/reset", "post", lambda c: c.post("/_mock/reset", json={})),
    (
        "admin-reset-unknown",
        "/_mock/reset",
        "post",
        lambda c: c.post("/_mock/reset?account=nobody", json={}),
    ),
    ("admin-calls", "/_mock/calls", "get", lambda c: _after_a_call(c).get("/_mock/calls")),
    ("admin-calls-clear", "/_mock/calls", "delete", lambda c: c.delete("/_mock/calls")),
    (
        "admin-calls-bad-status",
        "/_mock/calls",
        "get",
        lambda c: c.get("/_mock/calls?status=abc"),
    ),
    ("admin-events", "/_mock/events", "get", lambda c: c.get("/_mock/events?account=default")),
    ("admin-events-no-account", "/_mock/events", "get", lambda c: c.get("/_mock/events")),
    (
        "admin-create-account",
        "/_mock/accounts",
        "post",
        lambda c: c.post("/_mock/accounts", json={"name": "extra"}),
    ),
    (
        "admin-create-account-bad",
        "/_mock/accounts",
        "post",
        lambda c: c.post("/_mock/accounts", json={"name": 5}),
    ),
    (
        "admin-delete-account",
        "/_mock/accounts/{name}",
        "delete",
        lambda c: c.delete("/_mock/accounts/blocked"),
    ),
    (
        "admin-seed",
        "/_mock/accounts/{name}/seed",
        "post",
        lambda c: c.post(
            "/_mock/accounts/default/seed", json={"events": [{"eventName": "x", "value": 1}]}
        ),
    ),
    (
        "admin-fault",
        "/_mock/accounts/{name}/faults",
        "post",
        lambda c: c.post("/_mock/accounts/default/faults", json={"action": "fail", "status": 503}),
    ),
    (
        "admin-fault-bad",
        "/_mock/accounts/{name}/faults",
        "post",
        lambda c: c.post("/_mock/accounts/default/faults", json={"action": "explode"}),
    ),
    (
        "admin-faults-clear",
        "/_mock/accounts/{name}/faults",
        "delete",
        lambda c: c.delete("/_mock/accounts/default/faults"),
    ),
    (
        "rate-limited",
        "/tracking/events",
        "get",
        lambda c: _rate_limited(c).get("/tracking/events", headers=AUTH),
    ),
    (
        "admin-clock",
        "/_mock/accounts/{name}/clock",
        "post",
        lambda c: c.post("/_mock/accounts/default/clock", json={"freeze": "2026-01-01T00:00:00Z"}),
    ),
    (
        "admin-clock-bad",
        "/_mock/accounts/{name}/clock",
        "post",
        lambda c: c.post("/_mock/accounts/default/clock", json={"advance": -1}),
    ),
    (
        "admin-plan-set",
        "/_mock/accounts/{name}/plan",
        "post",
        lambda c: c.post(
            "/_mock/accounts/default/plan",
            json={"mode": "enforce", "plan": {"version": 1, "events": {"Signups": None}}},
        ),
    ),
    (
        "admin-plan-bad",
        "/_mock/accounts/{name}/plan",
        "post",
        lambda c: c.post("/_mock/accounts/default/plan", json={"mode": "loud"}),
    ),
    ("admin-plan-get", "/_mock/accounts/{name}/plan", "get", lambda c: c.get(PLAN_PATH)),
    (
        "admin-plan-coverage",
        "/_mock/plan/coverage",
        "get",
        lambda c: _with_a_plan(c).get("/_mock/plan/coverage?account=default"),
    ),
    (
        "admin-snapshot",
        "/_mock/snapshots",
        "post",
        lambda c: c.post("/_mock/snapshots", json={"name": "s1", "account": "default"}),
    ),
    (
        "admin-snapshot-bad",
        "/_mock/snapshots",
        "post",
        lambda c: c.post("/_mock/snapshots", json={"name": "a b"}),
    ),
    (
        "admin-snapshots",
        "/_mock/snapshots",
        "get",
        lambda c: _snapshotted(c).get("/_mock/snapshots"),
    ),
    (
        "admin-snapshot-restore",
        "/_mock/snapshots/{name}/restore",
        "post",
        lambda c: _snapshotted(c).post("/_mock/snapshots/s1/restore", json={}),
    ),
    (
        "admin-snapshot-restore-unknown",
        "/_mock/snapshots/{name}/restore",
        "post",
        lambda c: c.post("/_mock/snapshots/nothing/restore", json={}),
    ),
    (
        "admin-snapshot-delete",
        "/_mock/snapshots/{name}",
        "delete",
        lambda c: _snapshotted(c).delete("/_mock/snapshots/s1"),
    ),
    (
        "admin-export",
        "/_mock/accounts/{name}/export",
        "get",
        lambda c: c.get("/_mock/accounts/default/export?keys=true"),
    ),
    (
        "admin-export-unknown",
        "/_mock/accounts/{name}/export",
        "get",
        lambda c: c.get("/_mock/accounts/nobody/export"),
    ),
    ("index", "/", "get", lambda c: c.get("/")),
    ("admin-index", "/_mock", "get", lambda c: c.get("/_mock")),
    ("admin-index-slash", "/_mock/", "get", lambda c: c.get("/_mock/")),
    ("inspect-calls", "/_mock/ui/api/calls", "get", lambda c: c.get("/_mock/ui/api/calls")),
    (
        "inspect-calls-bad",
        "/_mock/ui/api/calls",
        "get",
        lambda c: c.get("/_mock/ui/api/calls?status=teapot"),
    ),
    (
        "inspect-call-gone",
        "/_mock/ui/api/calls/{seq}",
        "get",
        lambda c: c.get("/_mock/ui/api/calls/9"),
    ),
    (
        "inspect-accounts",
        "/_mock/ui/api/accounts",
        "get",
        lambda c: c.get("/_mock/ui/api/accounts"),
    ),
    (
        "inspect-events",
        "/_mock/ui/api/events",
        "get",
        lambda c: c.get("/_mock/ui/api/events?account=default&limit=1"),
    ),
    ("inspect-events-bad", "/_mock/ui/api/events", "get", lambda c: c.get("/_mock/ui/api/events")),
    (
        "inspect-file-missing",
        "/_mock/ui/{name}",
        "get",
        lambda c: c.get("/_mock/ui/nope.txt"),
    ),
]
PLAN_PATH = "/_mock/accounts/default/plan"


def _with_a_plan(client: TestClient) -> TestClient:
    plan = {"version": 1, "events": {"Signups": {"fields": {"userId": "required"}}}}
    assert client.post(PLAN_PATH, json={"plan": plan}).status_code == 200
    client.post("/tracking/events", json={"eventName": "Signup", "value": 0}, headers=AUTH)
    return client


def _snapshotted(client: TestClient) -> TestClient:
    assert client.post("/_mock/snapshots", json={"name": "s1"}).status_code == 201
    return client


def _after_a_call(client: TestClient) -> TestClient:
    client.post("/tracking/events", json=_create_body(metadata={"k": "v"}), headers=AUTH)
    return client


def _rate_limited(client: TestClient) -> TestClient:
    body = {"action": "rate_limit", "requests": 1, "perSeconds": 3600}
    assert client.post("/_mock/accounts/default/faults", json=body).status_code == 200
    assert client.get("/tracking/events", headers=AUTH).status_code == 200
    return client


@pytest.mark.parametrize(
    ("path", "method", "send"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_every_answer_conforms_to_the_document(
    client: TestClient, path: str, method: str, send: Request
) -> None:
    response = send(client)
    media_type = response.headers["content-type"]
    schema = _response_schema(path, method, response.status_code, media_type)
    if schema is None:
        # Only the router's own answers to undocumented paths and methods have no operation.
        assert response.status_code in (404, 405), response.text
        schema = {"$ref": "#/components/schemas/Error", "components": _components()}
    # JSON everywhere, but for the export of an account as a YAML fixture file.
    body = response.json() if media_type == "application/json" else response.text
    validator = jsonschema_rs.validator_for(schema, validate_formats=True)
    errors = [f"{e.instance_path}: {e.message}" for e in validator.iter_errors(body)]
    assert errors == [], response.text


def _components() -> dict[str, Any]:
    return dict(openapi.api_document()["components"])


def test_the_answer_table_covers_every_documented_operation() -> None:
    documented = _documented(openapi.api_document()) | _documented(openapi.admin_document())
    by_test_the_documents_are_served = {("/openapi.json", "get"), ("/_mock/openapi.json", "get")}
    alias_of_a_tested_operation = {("/events", "put")}
    # Not JSON: the page, its files and its event stream are tested in tests/browser and
    # tests/test_inspector_api.py.
    by_the_inspector_tests = {
        ("/_mock/ui", "get"),
        ("/_mock/ui/", "get"),
        ("/_mock/ui/api/stream", "get"),
    }
    tested = {(path, method) for _, path, method, _ in CASES}
    assert documented - tested == (
        by_test_the_documents_are_served | alias_of_a_tested_operation | by_the_inspector_tests
    )
