"""Shared pieces of the OpenAPI documents: the envelopes, the Event and error schemas, and
the tracking operations, built from the limits in ``limits.py`` so the numbers cannot drift.

Where a rule is the mock's own choice (the real API is silent), its description says
"[decision]".
"""

from __future__ import annotations

from typing import Any

from .. import limits

Schema = dict[str, Any]

JSON = "application/json"
_REF = "#/components/schemas/"


def _ref(name: str) -> Schema:
    return {"$ref": _REF + name}


def _optional_text(description: str) -> Schema:
    return {
        "type": ["string", "null"],
        "maxLength": limits.STRING_FIELD_MAX_CHARS,
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


_ERROR_DESCRIPTIONS = {
    400: "Validation failed (missing field, wrong type, a limit, malformed JSON) [decision].",
    401: "Missing or malformed Authorization header, or an unknown key.",
    403: "A valid key that is not allowed.",
    404: "No such event or campaign in this account [decision].",
    405: "A method the path does not serve [decision].",
    413: "The body is larger than the configured size [decision].",
    409: "The name, key or event id is taken already (admin surface), or the account was "
    "reset or deleted while the call was in flight: nothing was stored [decision].",
    415: "The body is not declared as UTF-8 JSON [decision].",
    429: "Rate limit exceeded: back off and retry.",
    500: "A bug in the mock (it is logged and kept in /_mock/health's error count).",
    507: "The account holds the most events the mock allows (--max-events) [decision].",
}


def _error_responses() -> dict[str, Schema]:
    responses: dict[str, Schema] = {}
    for status, description in _ERROR_DESCRIPTIONS.items():
        response = _json_response(description, _ref("Error"))
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


def _event_input_properties() -> dict[str, Schema]:
    return {
        "eventName": {
            "type": "string",
            "minLength": 1,
            "maxLength": limits.STRING_FIELD_MAX_CHARS,
            "description": "Required [doc]; at most 256 characters [decision].",
        },
        "value": _number("Required [doc]; beyond +-(2^53-1) is refused [decision]."),
        "transactionId": _optional_text("Optional [doc]."),
        "currency": _optional_text("A 3-letter code [doc]; others are flagged [decision]."),
        "userId": _optional_text("Optional [doc]."),
        "coupon": _optional_text("Optional [doc]; resolves campaignId [decision]."),
        "metadata": _metadata(nullable=True),
    }


def _schemas() -> dict[str, Schema]:
    nullable_text = {"type": ["string", "null"]}
    event: Schema = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "description": "Server-generated and opaque [decision]."},
            "eventName": {"type": "string"},
            "value": {"type": "number"},
            "transactionId": nullable_text,
            "currency": nullable_text,
            "userId": nullable_text,
            "campaignId": nullable_text,
            "metricId": nullable_text,
            "coupon": nullable_text,
            "metadata": {
                "type": ["object", "null"],
                "additionalProperties": _ref("MetadataValue"),
            },
            "createdAt": {"type": "string", "format": "date-time"},
        },
    }
    event["required"] = list(event["properties"])  # every field, null when not sent
    event_input = {
        "type": "object",
        "required": ["eventName", "value"],
        "properties": _event_input_properties(),
        "description": "Unknown fields are ignored and flagged as a contract warning [decision].",
    }
    update_input = {
        "type": "object",
        "required": ["eventName", "value"],
        "properties": {**_event_input_properties(), "id": _optional_text("The event to update.")},
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


def _list_parameters() -> list[Schema]:
    return [
        {
            "name": "limit",
            "in": "query",
            "description": "Page size [doc]; outside 1..100 or not an integer: 400 [decision].",
            "schema": {
                "type": "integer",
                "minimum": limits.LIST_LIMIT_MIN,
                "maximum": limits.LIST_LIMIT_MAX,
                "default": limits.LIST_LIMIT_DEFAULT,
            },
        },
        {
            "name": "startingAfter",
            "in": "query",
            "description": (
                "The id of the last node of the previous page [decision]; unknown or "
                "another account's: 400."
            ),
            "schema": {"type": "string", "minLength": 1, "maxLength": 256},
        },
        {
            "name": "eventName",
            "in": "query",
            "description": "Exact, case-sensitive [doc]; repeat to match any of them [decision].",
            "style": "form",
            "explode": True,
            "schema": {
                "type": "array",
                "items": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": limits.STRING_FIELD_MAX_CHARS,
                },
            },
        },
        {
            "name": "value",
            "in": "query",
            "description": "Numeric equality [doc]; repeatable [decision].",
            "style": "form",
            "explode": True,
            "schema": {"type": "array", "items": _number("A value to match.")},
        },
    ]


_LIST_DESCRIPTION = (
    "Newest first [doc]. Filters are ANDed. `metadata.KEY=v` [doc] matches a stored string "
    "equal to v, a string[] holding v, or a number whose JavaScript String(n) is v "
    "[decision]; OpenAPI cannot declare a parameter name with a free suffix, so it is "
    "described here only. "
    "`totalCount` counts every matching event whatever the page [decision]. Unknown "
    "parameters are ignored and flagged [decision]. At most 64 query parameters in all "
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
