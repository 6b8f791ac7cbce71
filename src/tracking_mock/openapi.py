"""The OpenAPI 3.1 documents of the emulated API and of the ``/_mock`` admin surface.

Written in one place, from the limits in ``limits.py``, so the numbers cannot drift. The API
document describes the mock in its default (non-strict) mode; where a rule is the mock's own
choice (the real API is silent), its description says "[decision]".
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from . import __version__, limits
from .responses import JSONResponse

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
    409: "The name, key or event id is taken already (admin surface).",
    415: "The body is not declared as UTF-8 JSON [decision].",
    429: "Rate limit exceeded: back off and retry.",
    500: "A bug in the mock (it is logged and kept in /_mock/health's error count).",
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
    event = {
        "type": "object",
        "additionalProperties": False,
        "required": [
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
        ],
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
        "CouponListEnvelope": _envelope(
            _list_of(
                {
                    "type": "object",
                    "required": ["code", "campaignId"],
                    "additionalProperties": False,
                    "properties": {"code": {"type": "string"}, "campaignId": {"type": "string"}},
                }
            )
        ),
        "Error": {
            "type": "object",
            "required": ["success", "error"],
            "additionalProperties": False,
            "properties": {"success": {"const": False}, "error": {"type": "string"}},
            "description": "Every error, whatever its status, has exactly these two keys.",
        },
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
    "equal to v, a string[] holding v, or a number whose JSON text is v [decision]; OpenAPI "
    "cannot declare a parameter name with a free suffix, so it is described here only. "
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
                **_errors(400, 401, 403, 413, 415, 429, 500),
            },
        },
        "put": {
            **common,
            "operationId": f"updateTrackingEvent{suffix}",
            "summary": "Update an existing event",
            "requestBody": {"required": True, "content": {JSON: {"schema": _ref("UpdateInput")}}},
            "responses": {
                "200": _json_response("The updated event.", _ref("EventEnvelope")),
                **_errors(400, 401, 403, 404, 413, 415, 429, 500),
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


def api_document() -> Schema:
    """The OpenAPI 3.1 document of the emulated Tracking API, as served at ``/openapi.json``."""
    legacy = _tracking_operations("Legacy", deprecated=True)
    for operation in legacy.values():
        operation["description"] = (
            "The older documented path [doc, older pages]; an alias of /tracking/events, "
            "flagged as a contract warning [decision]."
        )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Oppizi Tracking API (tracking-mock)",
            "version": __version__,
            "description": (
                "The Tracking API as the mock serves it. [doc] marks documented behaviour, "
                "[decision] the mock's own choice where the docs are silent. Faults injected "
                "through /_mock may answer any error status in the same error envelope."
            ),
        },
        "servers": [{"url": "https://developer-api.oppizi.com"}],
        "security": [{"bearerAuth": []}],
        "paths": {
            "/tracking/events": _tracking_operations("", deprecated=False),
            "/events": legacy,
            "/client/campaigns/{campaign_id}/coupons": {
                "get": {
                    "operationId": "getCampaignCoupons",
                    "summary": "A campaign's coupon codes",
                    "parameters": [
                        {
                            "name": "campaign_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "minLength": 1},
                        },
                        {
                            "name": "first",
                            "in": "query",
                            "schema": {
                                "type": "integer",
                                "minimum": limits.COUPONS_FIRST_MIN,
                                "maximum": limits.COUPONS_FIRST_MAX,
                                "default": limits.COUPONS_FIRST_DEFAULT,
                            },
                        },
                        {
                            "name": "skip",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 0, "maximum": 999_999_999},
                        },
                    ],
                    "responses": {
                        "200": _json_response("A page of coupons.", _ref("CouponListEnvelope")),
                        **_errors(400, 401, 403, 404, 429, 500),
                    },
                }
            },
            "/openapi.json": _document_route("getOpenApiDocument"),
        },
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Authorization: Bearer <client key>; one key per account.",
                }
            },
            "schemas": _schemas(),
            "responses": _error_responses(),
        },
    }


# The admin surface -------------------------------------------------------------------


def _admin_op(
    operation_id: str,
    summary: str,
    data: Schema,
    *,
    status: str = "200",
    errors: tuple[int, ...] = (),
    parameters: list[Schema] | None = None,
    body: Schema | None = None,
) -> Schema:
    operation: Schema = {
        "operationId": operation_id,
        "summary": summary,
        "responses": {
            status: _json_response(summary, _envelope(data)),
            **_errors(*errors),
        },
    }
    if parameters:
        operation["parameters"] = parameters
    if body is not None:
        operation["requestBody"] = {"required": False, "content": {JSON: {"schema": body}}}
    return operation


def _object(required: dict[str, Schema], optional: dict[str, Schema] | None = None) -> Schema:
    return {
        "type": "object",
        "required": list(required),
        "additionalProperties": False,
        "properties": {**required, **(optional or {})},
    }


def _query(name: str, schema: Schema, required: bool = False) -> Schema:
    return {"name": name, "in": "query", "required": required, "schema": schema}


_NAME_PARAM = {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
_TEXT = {"type": "string"}
_BODY_ERRORS = (400, 404, 413, 415)


def _call_record() -> Schema:
    return _object(
        {
            "seq": {"type": "integer"},
            "time": {"type": "number"},
            "method": _TEXT,
            "path": _TEXT,
            "query": _TEXT,
            "headers": {"type": "object", "additionalProperties": _TEXT},
            "body": {},
            "bodyTruncated": {"type": "boolean"},
            "status": {"type": "integer"},
            "response": {},
            "responseTruncated": {"type": "boolean"},
            "account": {"type": ["string", "null"]},
            "warnings": {
                "type": "array",
                "items": _object({"code": _TEXT, "message": _TEXT}),
            },
            "fault": {"type": ["string", "null"]},
            "durationMs": {"type": "number"},
        }
    )


_TOKEN = {"type": "string", "pattern": "^[\\x21-\\x7e]{1,256}$"}
_DATE_TIME = {
    "type": "string",
    "format": "date-time",
    "pattern": "^(19[7-9][0-9]|[2-9][0-9]{3})-",
    "description": "ISO-8601 with a time zone, between 1970 and 9999.",
}


def _seed_event() -> Schema:
    return {
        "type": "object",
        "required": ["eventName", "value"],
        "additionalProperties": False,
        "properties": {**_event_input_properties(), "id": _TOKEN, "createdAt": _DATE_TIME},
    }


def _account_body(*extra: str) -> Schema:
    properties: dict[str, Schema] = {
        "keys": {"type": "array", "uniqueItems": True, "items": _TOKEN},
        "campaigns": {
            "type": ["object", "null"],
            "propertyNames": {"pattern": "^[\\x21-\\x7e]{1,256}$"},
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"coupons": {"type": "array", "uniqueItems": True, "items": _TEXT}},
            },
            "description": "Campaign id to its coupons; a coupon belongs to one campaign.",
        },
        "metrics": {
            "type": ["object", "null"],
            "additionalProperties": {"type": "string", "minLength": 1},
            "description": "Event name to metric id.",
        },
        "events": {"type": "array", "items": _seed_event()},
        "disabled": {"type": "boolean"},
    }
    if "name" in extra:
        properties["name"] = {
            "type": ["string", "null"],
            "pattern": "^([A-Za-z0-9_.-]{1,64})?$",
            "description": "Empty or null: a generated name.",
        }
    if "key" in extra:
        properties["key"] = {
            **_TOKEN,
            "type": ["string", "null"],
            "description": "Null: a generated key, returned once.",
        }
    return {
        "type": "object",
        "additionalProperties": False,
        "description": "An account as a fixture file gives it (keys, campaigns, metrics, events).",
        "properties": properties,
    }


def admin_document() -> Schema:
    """The OpenAPI 3.1 document of the ``/_mock`` admin surface (no key needed)."""
    event_list = _list_of(_ref("Event"))
    account_param = _query("account", _TEXT)
    paths: dict[str, Schema] = {
        "/_mock/health": {
            "get": _admin_op(
                "health",
                "Status, version, accounts and event counts",
                _object(
                    {
                        "status": {"const": "ok"},
                        "version": _TEXT,
                        "strict": {"type": "boolean"},
                        "fixtures": {"type": "array", "items": _TEXT},
                        "accounts": {
                            "type": "array",
                            "items": _object({"name": _TEXT, "events": {"type": "integer"}}),
                        },
                        "events": {"type": "integer"},
                        "calls": {"type": "integer"},
                        "errors": {"type": "integer"},
                    }
                ),
            )
        },
        "/_mock/reset": {
            "post": _admin_op(
                "reset",
                "Back to the loaded fixtures (all accounts, or ?account=NAME)",
                _object({"reset": _TEXT}),
                errors=(404,),
                parameters=[account_param],
            )
        },
        "/_mock/calls": {
            "get": _admin_op(
                "listCalls",
                "The call journal, oldest first",
                _list_of(_call_record()),
                errors=(400,),
                parameters=[
                    account_param,
                    _query("method", _TEXT),
                    _query("path", _TEXT),
                    _query("status", {"type": "integer", "minimum": 0}),
                ],
            ),
            "delete": _admin_op(
                "clearCalls",
                "Empty the journal (or one account's part)",
                _object({"cleared": _TEXT}),
                parameters=[account_param],
            ),
        },
        "/_mock/events": {
            "get": _admin_op(
                "listAccountEvents",
                "An account's events, newest first",
                event_list,
                errors=(400, 404),
                parameters=[
                    _query("account", _TEXT, required=True),
                    _query("limit", {"type": "integer", "minimum": 1, "maximum": 100_000}),
                ],
            )
        },
        "/_mock/accounts": {
            "post": _admin_op(
                "createAccount",
                "Create an empty account; a generated key is returned once",
                _object({"name": _TEXT}, {"key": _TEXT}),
                status="201",
                errors=(400, 409, 413, 415),
                body=_account_body("name", "key"),
            )
        },
        "/_mock/accounts/{name}": {
            "delete": _admin_op(
                "deleteAccount",
                "Forget an account, its keys, events and calls",
                _object({"deleted": _TEXT}),
                errors=(404,),
                parameters=[_NAME_PARAM],
            )
        },
        "/_mock/accounts/{name}/seed": {
            "post": _admin_op(
                "seedAccount",
                "Add campaigns, metrics and events (fixture shape)",
                _object({"account": _TEXT, "added": {"type": "integer"}}),
                errors=(*_BODY_ERRORS, 409),
                parameters=[_NAME_PARAM],
                body=_account_body(),
            )
        },
        "/_mock/accounts/{name}/faults": {
            "post": _admin_op(
                "addFault",
                "Queue a fault: fail, delay, drop or rate_limit",
                _object({"account": _TEXT, "action": _TEXT}),
                errors=_BODY_ERRORS,
                parameters=[_NAME_PARAM],
                body={
                    "type": "object",
                    "required": ["action"],
                    "properties": {
                        "action": {"enum": ["fail", "delay", "drop", "rate_limit"]},
                        "status": {"type": "integer", "minimum": 400, "maximum": 599},
                        "times": {"type": "integer", "minimum": 1},
                        "seconds": {"type": "number", "minimum": 0, "maximum": 600},
                        "path": _TEXT,
                        "method": _TEXT,
                        "retryAfter": {"type": "number"},
                        "requests": {"type": "integer", "minimum": 1},
                        "perSeconds": {"type": "number", "exclusiveMinimum": 0},
                    },
                },
            ),
            "delete": _admin_op(
                "clearFaults",
                "Forget every queued fault and the rate limit",
                _object({"cleared": _TEXT}),
                errors=(404,),
                parameters=[_NAME_PARAM],
            ),
        },
        "/_mock/accounts/{name}/clock": {
            "post": _admin_op(
                "changeClock",
                "Freeze, advance or unfreeze the account's clock",
                _object(
                    {"account": _TEXT, "now": {"type": "number"}, "frozen": {"type": "boolean"}}
                ),
                errors=_BODY_ERRORS,
                parameters=[_NAME_PARAM],
                body={
                    "type": "object",
                    "properties": {
                        "freeze": {"anyOf": [_DATE_TIME, {"const": True}]},
                        "advance": {"type": "number", "minimum": 0},
                        "unfreeze": {"type": "boolean"},
                    },
                },
            )
        },
        "/_mock/openapi.json": _document_route("getAdminOpenApiDocument"),
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "tracking-mock admin surface",
            "version": __version__,
            "description": "Local test controls; no key needed. Errors use the API's envelope.",
        },
        "paths": paths,
        "components": {
            "schemas": {
                "Event": _schemas()["Event"],
                "MetadataValue": _metadata_value(),
                "Error": _schemas()["Error"],
            },
            "responses": _error_responses(),
        },
    }


async def serve_api_document(request: Request) -> Response:
    """``GET /openapi.json``."""
    return JSONResponse(api_document())


async def serve_admin_document(request: Request) -> Response:
    """``GET /_mock/openapi.json``."""
    return JSONResponse(admin_document())
