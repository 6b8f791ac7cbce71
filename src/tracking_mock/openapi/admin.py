"""The OpenAPI 3.1 document of the ``/_mock`` admin surface."""

from __future__ import annotations

from .. import __version__, apispec, fault_spec, limits
from ..call_json import call_schema
from .admin_ops import _NAME_PARAM, _TEXT, _admin_op, _object, _query
from .admin_state import state_paths
from .inspector import inspector_paths
from .schema import (
    Schema,
    _document_route,
    _error_responses,
    _event_input_properties,
    _list_of,
    _metadata_value,
    _ref,
    _schemas,
)

_BODY_ERRORS = (400, 404, 413, 415)


_TOKEN_PATTERN = rf"^[\x21-\x7e]{{1,{limits.TOKEN_MAX_CHARS}}}$"
_TOKEN = {"type": "string", "pattern": _TOKEN_PATTERN}
_DATE_TIME = {
    "type": "string",
    "format": "date-time",
    "pattern": "^(19[7-9][0-9]|[2-9][0-9]{3})-",
    "description": "ISO-8601 with a time zone, between 1970 and 9999.",
}


def _seed_event() -> Schema:
    return {
        "type": "object",
        "required": list(apispec.REQUIRED_FIELDS),
        "additionalProperties": False,
        "properties": {**_event_input_properties(), "id": _TOKEN, "createdAt": _DATE_TIME},
    }


def _coupon_input() -> Schema:
    optional_text = {"type": ["string", "null"], "maxLength": limits.COUPON_TEXT_MAX_CHARS}
    return {
        "oneOf": [
            _TEXT,
            _object(
                {"code": {"type": "string", "minLength": 1}},
                {
                    "id": _TOKEN,
                    "tag": optional_text,
                    "item_type_id": optional_text,
                    "created_at": _DATE_TIME,
                    "updated_at": _DATE_TIME,
                },
            ),
        ]
    }


def _account_body(*extra: str) -> Schema:
    properties: dict[str, Schema] = {
        "keys": {"type": "array", "uniqueItems": True, "items": _TOKEN},
        "campaigns": {
            "type": ["object", "null"],
            "propertyNames": {"pattern": _TOKEN_PATTERN},
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "coupons": {"type": "array", "uniqueItems": True, "items": _coupon_input()}
                },
            },
            "description": (
                "Campaign id to its coupons (plain codes, or the fields the API lists; what is "
                "not given is generated); a coupon belongs to one campaign."
            ),
        },
        "metrics": {
            "type": ["object", "null"],
            "additionalProperties": {"type": "string", "minLength": 1},
            "description": "Event name to metric id.",
        },
        "events": {"type": "array", "items": _seed_event()},
        "disabled": {"type": "boolean"},
        "strict": {
            "type": ["boolean", "null"],
            "description": "This account's own strict mode; absent or null: the server's.",
        },
        "hashIds": {
            "type": ["boolean", "null"],
            "description": "This account's own hashIds; absent or null: the server's --hash-ids.",
        },
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


def _plan_paths(account_param: Schema) -> dict[str, Schema]:
    from ..plan import PLAN_FORMAT, PLAN_MODES

    plan_state = _object(
        {
            "account": _TEXT,
            "mode": {"enum": list(PLAN_MODES)},
            "ownPlan": {"type": "boolean"},
            "plan": {"anyOf": [{"type": "null"}, PLAN_FORMAT]},
        }
    )
    count = {"type": "integer", "minimum": 0}
    coverage = _object(
        {
            "account": {"type": ["string", "null"]},
            "planned": count,
            "seen": count,
            "events": {
                "type": "array",
                "items": _object({"eventName": _TEXT, "valid": count, "violating": count}),
            },
            "neverSeen": {"type": "array", "items": _TEXT},
            "unplanned": {
                "type": "array",
                "items": _object({"eventName": _TEXT, "count": count}),
            },
        }
    )
    return {
        "/_mock/plan/coverage": {
            "get": _admin_op(
                "planCoverage",
                "Per planned event, valid and violating events received; those never seen",
                coverage,
                errors=(404,),
                parameters=[account_param],
            )
        },
        "/_mock/accounts/{name}/plan": {
            "get": _admin_op(
                "getAccountPlan",
                "The tracking plan and mode an account's events are checked against",
                plan_state,
                errors=(404,),
                parameters=[_NAME_PARAM],
            ),
            "post": _admin_op(
                "setAccountPlan",
                "Set an account's plan mode and/or its own plan (null: the server's)",
                plan_state,
                errors=_BODY_ERRORS,
                parameters=[_NAME_PARAM],
                body={
                    "type": "object",
                    "additionalProperties": False,
                    "minProperties": 1,
                    "properties": {
                        "mode": {"enum": [*PLAN_MODES, None]},
                        "plan": {"anyOf": [{"type": "null"}, PLAN_FORMAT]},
                    },
                },
            ),
        },
    }


def admin_document() -> Schema:
    """The OpenAPI 3.1 document of the ``/_mock`` admin surface (the admin token, if set)."""
    schemas = _schemas()
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
                        "settings": _object(
                            {
                                "strict": {"type": "boolean"},
                                "hashIds": {"type": "boolean"},
                                "maxBodyBytes": {"type": "integer"},
                                "journalSize": {"type": "integer"},
                                "journalBodyBytes": {"type": "integer"},
                                "maxQueryParams": {"type": "integer"},
                                "maxAccounts": {"type": "integer"},
                                "watch": {"type": "boolean"},
                                "stateFile": {"type": ["string", "null"]},
                                "maxSnapshots": {"type": "integer"},
                                "maxSnapshotEvents": {"type": "integer"},
                                "upstream": {"type": ["string", "null"]},
                                "upstreamTimeout": {"type": "number"},
                                "record": {"type": ["string", "null"]},
                                "maxRecordBytes": {"type": "integer"},
                                "journalBytes": {"type": "integer"},
                                "maxEvents": {"type": ["integer", "null"]},
                                "maxFixtureBytes": {"type": "integer"},
                                "readTimeout": {"type": "number"},
                                "keepAliveTimeout": {"type": "number"},
                                "maxConnections": {"type": "integer"},
                                "allowedHosts": {"type": "array", "items": _TEXT},
                                "cors": {"type": "array", "items": _TEXT},
                            }
                        ),
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
                errors=(400, 404, 413, 415),
                parameters=[account_param],
                body={"type": "object"},
            )
        },
        "/_mock/calls": {
            "get": _admin_op(
                "listCalls",
                "The call journal, oldest first",
                _list_of(call_schema()),
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
                    _query(
                        "limit",
                        {"type": "integer", "minimum": 1, "maximum": limits.ADMIN_EVENTS_MAX},
                    ),
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
                        "action": {"enum": list(fault_spec.ACTIONS)},
                        **{name: dict(schema) for name, schema in fault_spec.SCHEMAS.items()},
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
        **_plan_paths(account_param),
        "/_mock/openapi.json": _document_route("getAdminOpenApiDocument"),
        **inspector_paths(),
    }
    paths.update(state_paths())
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "tracking-mock admin surface",
            "version": __version__,
            "description": "Local test controls; no client key, the admin token if one is set. "
            "Errors use the API's envelope.",
        },
        "paths": paths,
        "components": {
            "schemas": {
                "Event": schemas["Event"],
                "MetadataValue": _metadata_value(),
                "Error": schemas["Error"],
            },
            "responses": _error_responses(),
        },
    }
