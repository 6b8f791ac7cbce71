"""The API's description (``apispec.py``) against what the mock serves and enforces.

Nothing here restates a field or a number: every expectation comes from the description or
``limits.py``, so a contributor who changes either learns from these tests what follows.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from tracking_mock import Settings, apispec, create_app, limits
from tracking_mock.apispec import EventField, ListParameter
from tracking_mock.contract_suite import expect
from tracking_mock.errors import BadRequest
from tracking_mock.models import Event, EventFields
from tracking_mock.render import event_json
from tracking_mock.validation import parse_list_query, validate_event
from tracking_mock_pytest import assertions

TEXT_INPUTS = [f for f in apispec.EVENT_FIELDS if f.kind == "text" and f.input != "none"]
TEXT_PARAMETERS = [p for p in apispec.LIST_PARAMETERS if p.kind == "text"]


@pytest.fixture(scope="module")
def documents() -> dict[str, dict[str, Any]]:
    """The API and admin documents as ``/openapi.json`` and ``/_mock/openapi.json`` serve them."""
    with TestClient(create_app(Settings())) as client:
        answers = {path: client.get(path) for path in ("/openapi.json", "/_mock/openapi.json")}
    assert [answer.status_code for answer in answers.values()] == [200, 200]
    return {path: answer.json() for path, answer in answers.items()}


@pytest.fixture
def served(documents: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The API document as served."""
    return documents["/openapi.json"]


@pytest.fixture
def served_admin(documents: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The admin document as served."""
    return documents["/_mock/openapi.json"]


def _schema(document: dict[str, Any], name: str) -> dict[str, Any]:
    schema: dict[str, Any] = document["components"]["schemas"][name]
    return schema


def _types(schema: dict[str, Any]) -> set[str]:
    kind = schema["type"]
    return set(kind) if isinstance(kind, list) else {kind}


def test_the_served_event_schema_lists_the_described_fields_in_order(
    served: dict[str, Any],
) -> None:
    event = _schema(served, "Event")
    assert tuple(event["properties"]) == apispec.EVENT_FIELD_NAMES
    assert event["required"] == list(apispec.EVENT_FIELD_NAMES)
    assert event["additionalProperties"] is False


@pytest.mark.parametrize("field", apispec.EVENT_FIELDS, ids=lambda f: f.name)
def test_each_served_event_property_is_nullable_exactly_as_described(
    served: dict[str, Any], field: EventField
) -> None:
    prop = _schema(served, "Event")["properties"][field.name]
    assert ("null" in _types(prop)) is field.nullable
    assert prop["description"] == field.description


@pytest.mark.parametrize("schema_name", ["EventInput", "UpdateInput"])
def test_the_served_input_schemas_take_the_described_fields(
    served: dict[str, Any], schema_name: str
) -> None:
    schema = _schema(served, schema_name)
    expected = apispec.CREATE_FIELDS if schema_name == "EventInput" else apispec.UPDATE_FIELDS
    assert tuple(schema["properties"]) == expected
    assert schema["required"] == list(apispec.REQUIRED_FIELDS)


@pytest.mark.parametrize("field", TEXT_INPUTS, ids=lambda f: f.name)
def test_each_served_text_input_has_the_described_length_limit(
    served: dict[str, Any], served_admin: dict[str, Any], field: EventField
) -> None:
    seed_shape = {*apispec.CREATE_FIELDS, "id", "createdAt"}
    seed_events = [s for s in _schemas_in(served_admin) if set(s["properties"]) == seed_shape]
    assert seed_events, "the admin document describes seed events"
    inputs = [_schema(served, "UpdateInput")]
    if field.sendable:  # a seed event's id is the admin surface's own token
        inputs += [_schema(served, "EventInput"), *seed_events]
    for schema in inputs:
        assert schema["properties"][field.name]["maxLength"] == field.max_chars


def _schemas_in(node: object) -> Iterator[dict[str, Any]]:
    """Every object schema with properties anywhere in ``node``."""
    if isinstance(node, dict):
        if isinstance(node.get("properties"), dict):
            yield node
        for value in node.values():
            yield from _schemas_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from _schemas_in(value)


def _list_parameters(document: dict[str, Any], path: str) -> dict[str, dict[str, Any]]:
    operation = document["paths"][path]["get"]
    return {parameter["name"]: parameter for parameter in operation["parameters"]}


@pytest.mark.parametrize("path", ["/tracking/events", "/events"])
@pytest.mark.parametrize("parameter", apispec.LIST_PARAMETERS, ids=lambda p: p.name)
def test_each_served_list_parameter_is_bounded_as_described(
    served: dict[str, Any], path: str, parameter: ListParameter
) -> None:
    assert list(_list_parameters(served, path)) == [p.name for p in apispec.LIST_PARAMETERS]
    schema = _list_parameters(served, path)[parameter.name]["schema"]
    if parameter.repeatable:
        assert schema["type"] == "array"
        schema = schema["items"]
    if parameter.kind == "integer":
        bounds = (schema["minimum"], schema["maximum"], schema["default"])
        assert bounds == (parameter.minimum, parameter.maximum, parameter.default)
    elif parameter.kind == "text":
        lengths = (schema["minLength"], schema["maxLength"])
        assert lengths == (parameter.min_chars, parameter.max_chars)
    else:
        assert (schema["minimum"], schema["maximum"]) == (
            -limits.MAX_SAFE_NUMBER,
            limits.MAX_SAFE_NUMBER,
        )


def test_the_served_error_responses_are_the_described_statuses(served: dict[str, Any]) -> None:
    responses = served["components"]["responses"]
    assert {name: response["description"] for name, response in responses.items()} == {
        f"Error{error.status}": error.description for error in apispec.ERROR_STATUSES
    }


def test_every_status_an_operation_answers_is_a_described_status(served: dict[str, Any]) -> None:
    described = {str(error.status) for error in apispec.ERROR_STATUSES}
    for path in ("/tracking/events", "/events", "/client/campaigns/{campaign_id}/coupons"):
        for operation in served["paths"][path].values():
            errors = {status for status in operation["responses"] if status != "200"}
            assert errors <= described, path


def test_the_served_list_description_names_the_configured_parameter_cap(
    served: dict[str, Any],
) -> None:
    description = served["paths"]["/tracking/events"]["get"]["description"]
    assert f"At most {Settings().max_query_params} query parameters" in description


# Enforcement -------------------------------------------------------------------------------


def _body(**extra: object) -> dict[str, object]:
    return {"eventName": "Described", "value": 1, **extra}


@pytest.mark.parametrize("field", TEXT_INPUTS, ids=lambda f: f.name)
def test_each_text_field_is_refused_one_character_past_its_described_limit(
    field: EventField,
) -> None:
    most = apispec.max_chars(field)
    fields, _ = validate_event(_body(**{field.name: "x" * most}), update=True)
    assert getattr(fields, field.attr) == "x" * most
    with pytest.raises(BadRequest) as refused:
        validate_event(_body(**{field.name: "x" * (most + 1)}), update=True)
    assert refused.value.message == f"{field.name} is longer than {most} characters"


@pytest.mark.parametrize("field", apispec.EVENT_FIELDS, ids=lambda f: f.name)
def test_a_body_may_send_exactly_the_described_input_fields(field: EventField) -> None:
    value: object = {"k": "v"} if field.kind == "metadata" else 2 if field.kind == "number" else "s"
    body = {**_body(), field.name: value}
    _, create_warnings = validate_event(body)
    _, update_warnings = validate_event(body, update=True)
    unknown_on_create = any(w.code == "unknown-field" for w in create_warnings)
    unknown_on_update = any(w.code == "unknown-field" for w in update_warnings)
    assert unknown_on_create is not field.sendable
    assert unknown_on_update is (field.input == "none")


@pytest.mark.parametrize("field", apispec.EVENT_FIELDS, ids=lambda f: f.name)
def test_a_body_without_a_required_field_is_refused(field: EventField) -> None:
    body = {name: 1 if name == "value" else "x" for name in apispec.REQUIRED_FIELDS}
    body.pop(field.name, None)
    if field.input != "required":
        validate_event(body)
        return
    with pytest.raises(BadRequest, match=f"^{field.name} is required"):
        validate_event(body)


@pytest.mark.parametrize("parameter", TEXT_PARAMETERS, ids=lambda p: p.name)
def test_each_text_list_parameter_is_refused_past_its_described_limit(
    parameter: ListParameter,
) -> None:
    most = apispec.max_chars(parameter)
    parse_list_query([(parameter.name, "x" * most)], max_params=64)
    with pytest.raises(BadRequest) as refused:
        parse_list_query([(parameter.name, "x" * (most + 1))], max_params=64)
    assert refused.value.message == f"{parameter.name} is longer than {most} characters"
    with pytest.raises(BadRequest, match="must not be empty"):
        parse_list_query([(parameter.name, "")], max_params=64)


def test_the_value_filter_is_refused_past_its_described_length() -> None:
    most = apispec.max_chars(apispec.LIST_PARAMETER["value"])
    query, _ = parse_list_query([("value", "0." + "0" * (most - 2))], max_params=64)
    assert query.values == (0.0,)
    with pytest.raises(BadRequest, match="value filter must be a number"):
        parse_list_query([("value", "0." + "0" * (most - 1))], max_params=64)


def test_the_limit_parameter_takes_exactly_its_described_range_and_default() -> None:
    limit = apispec.LIST_PARAMETER["limit"]
    assert limit.minimum is not None
    assert limit.maximum is not None
    for accepted in (limit.minimum, limit.maximum):
        query, _ = parse_list_query([("limit", str(accepted))], max_params=64)
        assert query.limit == accepted
    for refused in (limit.minimum - 1, limit.maximum + 1):
        with pytest.raises(BadRequest, match=f"from {limit.minimum} to {limit.maximum}"):
            parse_list_query([("limit", str(refused))], max_params=64)
    query, _ = parse_list_query([("eventName", "x")], max_params=64)
    assert query.limit == limit.default


# Rendering and the records ------------------------------------------------------------------


def _event() -> Event:
    values: dict[str, Any] = {f.name: f"v_{f.name}" for f in dataclasses.fields(Event)}
    return Event(**{**values, "order": 1, "value": 2.5, "metadata": {"k": "v"}})


def test_every_described_field_is_an_event_attribute_and_a_sendable_one_a_body_attribute() -> None:
    event_attrs = {f.name for f in dataclasses.fields(Event)}
    body_attrs = {f.name for f in dataclasses.fields(EventFields)}
    for field in apispec.EVENT_FIELDS:
        assert field.attr in event_attrs, field.name
        if field.input != "none":
            assert field.attr in body_attrs, field.name


def test_an_event_renders_the_described_fields_in_order_from_their_attributes() -> None:
    event = _event()
    rendered = event_json(event)
    assert tuple(rendered) == apispec.EVENT_FIELD_NAMES
    assert rendered == {f.name: getattr(event, f.attr) for f in apispec.EVENT_FIELDS}


def test_hash_ids_hashes_exactly_the_described_hashable_fields() -> None:
    event = _event()
    plain, hashed = event_json(event), event_json(event, hash_ids=True)
    changed = tuple(name for name in plain if plain[name] != hashed[name])
    assert changed == apispec.HASHABLE_FIELDS
    for name in changed:
        assert hashed[name] == hashlib.sha256(str(plain[name]).encode()).hexdigest()


def test_the_plugin_and_the_contract_suite_know_every_described_field() -> None:
    keyword_fields = set(apispec.EVENT_FIELD_NAMES) - {"eventName", "value", "metadata"}
    assert keyword_fields == assertions.EVENT_FIELDS
    assert tuple(expect.EVENT_FIELDS) == apispec.EVENT_FIELD_NAMES
