"""Shared pieces of the OpenAPI documents: the envelopes, the Event and error schemas, and
the tracking operations, built from the API's description (``apispec.py``) and the limits in
``limits.py`` so the fields and numbers cannot drift.

Where a rule is the mock's own choice (the real API is silent), its description says
"[decision]".
"""

from __future__ import annotations

from typing import Any

from .. import apispec, limits
from ..apispec import EventField, ListParameter
from ..settings import Settings

Schema = dict[str, Any]

JSON = "application/json"
_REF = "#/components/schemas/"


def _ref(name: str) -> Schema:
    return {"$ref": _REF + name}


def _optional_text(description: str, max_chars: int = limits.STRING_FIELD_MAX_CHARS) -> Schema:
    return {
        "type": ["string", "null"],
        "maxLength": max_chars,
        "description": description,
    }


def _number(description: str) -> Schema:
    return {
        "type": "number",
        "minimum": -limits.MAX_SAFE_NUMBER,
        "maximum": limits.MAX_SAFE_NUMBER,
        "description": description,
    }


def _envelope(data: Schema) -> Schema:
    return {
        "type": "object",
        "required": ["success", "data"],
        "additionalProperties": False,
        "properties": {"success": {"const": True}, "data": data},
    }


def _list_of(item: Schema) -> Schema:
    return {
        "type": "object",
        "required": ["nodes", "totalCount"],
        "additionalProperties": False,
        "properties": {
            "nodes": {"type": "array", "items": item},
            "totalCount": {"type": "integer", "minimum": 0},
        },
    }


def _json_response(description: str, schema: Schema) -> Schema:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Schema]:
    return {str(status): {"$ref": f"#/components/responses/Error{status}"} for status in statuses}


def _error_responses() -> dict[str, Schema]:
    responses: dict[str, Schema] = {}
    for error in apispec.ERROR_STATUSES:
        status = error.status
        response = _json_response(error.description, _ref("Error"))
        if status == 429:
            response["headers"] = {
                "Retry-After": {
                    "description": "Seconds to wait before retrying.",
                    "schema": {"type": "string", "pattern": "^[0-9]+$"},
                }
            }
        responses[f"Error{status}"] = response
    return responses


def _metadata_value() -> Schema:
    text = {"type": "string", "maxLength": limits.METADATA_VALUE_MAX_CHARS}
    return {
        "description": (
            "A string or a string[] [doc]. Numbers are accepted, stored as sent and flagged "
            "as a contract warning [decision]; lengths count Unicode code points."
        ),
        "anyOf": [
            text,
            {"type": "array", "maxItems": limits.METADATA_LIST_MAX_ITEMS, "items": text},
            _number("A number, as the docs' own examples send [decision]."),
        ],
    }


def _metadata(nullable: bool) -> Schema:
    return {
        "type": ["object", "null"] if nullable else "object",
        "maxProperties": limits.METADATA_MAX_ENTRIES,
        "propertyNames": {"minLength": 1, "maxLength": limits.METADATA_KEY_MAX_CHARS},
        "additionalProperties": _ref("MetadataValue"),
    }


def _input_property(field: EventField) -> Schema:
    """What a body may send as ``field``, with its limits."""
    if field.kind == "number":
        return _number(field.description)
    if field.kind == "metadata":
        return _metadata(nullable=True)
    most = apispec.max_chars(field)
    description = f"{field.description} At most {most} characters [decision]."
    if field.input == "required":
        return {"type": "string", "minLength": 1, "maxLength": most, "description": description}
    return _optional_text(description, most)


def _event_input_properties() -> dict[str, Schema]:
    return {name: _input_property(apispec.FIELDS[name]) for name in apispec.CREATE_FIELDS}


_OUTPUT_TYPES: dict[str, Schema] = {
    "text": {"type": "string"},
    "number": {"type": "number"},
    "metadata": {"type": "object", "additionalProperties": _ref("MetadataValue")},
    "date-time": {"type": "string", "format": "date-time"},
}


def _output_property(field: EventField) -> Schema:
    """``field`` as the Event carries it: present always, ``null`` when never sent."""
    schema = dict(_OUTPUT_TYPES[field.kind])
    if field.nullable:
        schema["type"] = [schema["type"], "null"]
    schema["description"] = field.description
    return schema


def _schemas() -> dict[str, Schema]:
    event: Schema = {
        "type": "object",
        "additionalProperties": False,
        "properties": {field.name: _output_property(field) for field in apispec.EVENT_FIELDS},
        "required": list(apispec.EVENT_FIELD_NAMES),  # every field, null when not sent
    }
    event_input = {
        "type": "object",
        "required": list(apispec.REQUIRED_FIELDS),
        "properties": _event_input_properties(),
        "description": "Unknown fields are ignored and flagged as a contract warning [decision].",
    }
    update_input = {
        "type": "object",
        "required": list(apispec.REQUIRED_FIELDS),
        "properties": {
            **_event_input_properties(),
            "id": _optional_text("The event to update.", apispec.max_chars(apispec.FIELDS["id"])),
        },
        "anyOf": [
            {"required": ["id"], "properties": {"id": {"type": "string"}}},
            {"required": ["transactionId"], "properties": {"transactionId": {"type": "string"}}},
        ],
        "description": (
            "Same shape as create [doc]. The target is `id` if given, else the account's "
            "newest event with this `transactionId` [decision]."
        ),
    }
    return {
        "Event": event,
        "EventInput": event_input,
        "UpdateInput": update_input,
        "MetadataValue": _metadata_value(),
        "EventEnvelope": _envelope(_ref("Event")),
        "EventListEnvelope": _envelope(_list_of(_ref("Event"))),
        "CouponListEnvelope": _envelope(_list_of(_coupon_row())),
        "Error": {
            "type": "object",
            "required": ["success", "error"],
            "additionalProperties": False,
            "properties": {"success": {"const": False}, "error": {"type": "string"}},
            "description": "Every error, whatever its status, has exactly these two keys.",
        },
    }


def _coupon_row() -> Schema:
    """A coupon as getCampaignCoupons documents it: snake_case, unlike events [doc]."""
    text = {"type": "string"}
    nullable = {"type": ["string", "null"]}
    when = {"type": "string", "format": "date-time"}
    properties = {
        "id": text,
        "code": {"type": "string", "description": "What an event sends as `coupon`."},
        "tag": nullable,
        "item_type_id": nullable,
        "campaign_id": text,
        "created_at": when,
        "updated_at": when,
    }
    return {
        "type": "object",
        "required": list(properties),
        "additionalProperties": False,
        "properties": properties,
    }


def _list_parameter(parameter: ListParameter) -> Schema:
    """One query parameter of ``GET /tracking/events`` as the description bounds it."""
    item: Schema
    if parameter.kind == "integer":
        item = {"type": "integer", "minimum": parameter.minimum, "maximum": parameter.maximum}
        if parameter.default is not None:
            item["default"] = parameter.default
    elif parameter.kind == "number":
        # A number has no length in a schema: the filter's character limit stays in the code.
        item = _number("A value to match.")
    else:
        item = {
            "type": "string",
            "minLength": parameter.min_chars,
            "maxLength": parameter.max_chars,
        }
    schema: Schema = {"name": parameter.name, "in": "query", "description": parameter.description}
    if parameter.repeatable:
        schema |= {"style": "form", "explode": True, "schema": {"type": "array", "items": item}}
    else:
        schema["schema"] = item
    return schema


def _list_parameters() -> list[Schema]:
    return [_list_parameter(parameter) for parameter in apispec.LIST_PARAMETERS]


_LIST_DESCRIPTION = (
    "Newest first [doc]. Filters are ANDed. `metadata.KEY=v` [doc] matches a stored string "
    "equal to v, a string[] holding v, or a number whose JavaScript String(n) is v "
    "[decision]; OpenAPI cannot declare a parameter name with a free suffix, so it is "
    "described here only. "
    "`totalCount` counts every matching event whatever the page [decision]. Unknown "
    "parameters are ignored and flagged [decision]. At most "
    f"{Settings().max_query_params} query parameters in all "
    "(configurable) [decision]; a schema cannot say that of repeatable parameters."
)


def _created_event_links(suffix: str) -> dict[str, Schema]:
    """What a created event's id is good for: the next page's cursor, and the update target."""
    return {
        "ListOlderEvents": {
            "operationId": f"listTrackingEvents{suffix}",
            "parameters": {"startingAfter": "$response.body#/data/id"},
            "description": "The events created before this one (its id is a cursor).",
        },
        "UpdateThisEvent": {
            "operationId": f"updateTrackingEvent{suffix}",
            "requestBody": "$response.body#/data",
            "description": "PUT the event back; its id names the target.",
        },
    }


def _tracking_operations(suffix: str, deprecated: bool) -> dict[str, Schema]:
    bearer: list[dict[str, list[str]]] = [{"bearerAuth": []}]
    common: Schema = {"security": bearer}
    if deprecated:
        common["deprecated"] = True
    return {
        "get": {
            **common,
            "operationId": f"listTrackingEvents{suffix}",
            "summary": "List your events",
            "description": _LIST_DESCRIPTION,
            "parameters": _list_parameters(),
            "responses": {
                "200": _json_response("A page of events.", _ref("EventListEnvelope")),
                **_errors(400, 401, 403, 429, 500),
            },
        },
        "post": {
            **common,
            "operationId": f"createTrackingEvent{suffix}",
            "summary": "Publish an event",
            "requestBody": {"required": True, "content": {JSON: {"schema": _ref("EventInput")}}},
            "responses": {
                "200": {
                    **_json_response("The stored event [decision].", _ref("EventEnvelope")),
                    "links": _created_event_links(suffix),
                },
                **_errors(400, 401, 403, 409, 413, 415, 429, 500, 507),
            },
        },
        "put": {
            **common,
            "operationId": f"updateTrackingEvent{suffix}",
            "summary": "Update an existing event",
            "requestBody": {"required": True, "content": {JSON: {"schema": _ref("UpdateInput")}}},
            "responses": {
                "200": _json_response("The updated event.", _ref("EventEnvelope")),
                **_errors(400, 401, 403, 404, 409, 413, 415, 429, 500),
            },
        },
    }


def _document_route(operation_id: str) -> Schema:
    return {
        "get": {
            "operationId": operation_id,
            "summary": "This OpenAPI document",
            "security": [],
            "responses": {"200": _json_response("The document.", {"type": "object"})},
        }
    }
