"""The OpenAPI paths of the admin endpoints that save and bring back state."""

from __future__ import annotations

from .admin_ops import _NAME_PARAM, _TEXT, _admin_op, _object, _query
from .schema import Schema, _errors, _list_of

_SNAPSHOT_NAME = {"type": "string", "pattern": "^[A-Za-z0-9_.-]{1,64}$"}
_SNAPSHOT_PARAM = {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}


def _summary(*extra: str) -> Schema:
    required: dict[str, Schema] = {
        "name": _TEXT,
        "createdAt": {"type": "string", "format": "date-time"},
        "account": {"type": ["string", "null"]},
        "accounts": {"type": "array", "items": _TEXT},
        "events": {"type": "integer", "minimum": 0},
    }
    return _object({**required, **dict.fromkeys(extra, _TEXT)})


def state_paths() -> dict[str, Schema]:
    """Snapshots and export."""
    return {
        "/_mock/snapshots": {
            "get": _admin_op("listSnapshots", "The snapshots, oldest first", _list_of(_summary())),
            "post": _admin_op(
                "takeSnapshot",
                "Copy every account (or one): events with ids and times, lookups, clock, faults",
                _summary(),
                status="201",
                errors=(400, 404, 409, 413, 415),
                body={
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {"name": _SNAPSHOT_NAME, "account": _TEXT},
                },
            ),
        },
        "/_mock/snapshots/{name}": {
            "delete": _admin_op(
                "deleteSnapshot",
                "Forget a snapshot",
                _object({"deleted": _TEXT}),
                errors=(404,),
                parameters=[_SNAPSHOT_PARAM],
            )
        },
        "/_mock/snapshots/{name}/restore": {
            "post": _admin_op(
                "restoreSnapshot",
                "Put the snapshot's accounts back exactly (one of all accounts drops newer ones)",
                _summary("restored"),
                errors=(400, 404, 409, 413, 415),
                parameters=[_SNAPSHOT_PARAM],
                body={"type": "object", "additionalProperties": False, "maxProperties": 0},
            )
        },
        "/_mock/accounts/{name}/export": {
            "get": {
                "operationId": "exportAccount",
                "summary": "The account as a fixture file (YAML); keys only with keys=true",
                "parameters": [_NAME_PARAM, _query("keys", {"enum": ["true", "false"]})],
                "responses": {
                    "200": {
                        "description": "A fixture file (format version 1).",
                        "content": {"application/yaml": {"schema": {"type": "string"}}},
                    },
                    **_errors(400, 404),
                },
            }
        },
    }
