"""One journaled call as JSON: the journal writes it, the admin OpenAPI and the plugin read it.

Each field is written once here, with its schema, how a ``CallRecord`` attribute becomes it and,
for the fields the pytest plugin's ``Call`` keeps, how it is read back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .models import ContractWarning
from .render import iso_timestamp

Schema = dict[str, Any]


def _same(value: Any) -> Any:
    return value


def _warnings_json(warnings: tuple[ContractWarning, ...]) -> list[dict[str, Any]]:
    return [
        {"code": w.code, "message": w.message, "note": w.note, "path": w.path} for w in warnings
    ]


def _warnings(data: Any) -> tuple[ContractWarning, ...]:
    return tuple(
        ContractWarning(str(w["code"]), str(w["message"]), w.get("path"), bool(w.get("note")))
        for w in data or ()
    )


@dataclass(frozen=True, slots=True)
class CallField:
    """One field of the call JSON."""

    name: str
    """The JSON name."""
    attribute: str
    """The ``CallRecord`` attribute it is written from (and the plugin ``Call``'s it fills)."""
    schema: Schema
    write: Callable[[Any], Any] = _same
    read: Callable[[Any], Any] | None = None
    """From JSON to the plugin's ``Call``; ``None``: the plugin does not keep the field."""


_TEXT: Schema = {"type": "string"}
_MAYBE_TEXT: Schema = {"type": ["string", "null"]}
_BOOLEAN: Schema = {"type": "boolean"}
_WARNING: Schema = {
    "type": "object",
    "required": ["code", "message", "note"],
    "additionalProperties": False,
    "properties": {
        "code": _TEXT,
        "message": _TEXT,
        "note": _BOOLEAN,
        "path": _MAYBE_TEXT,
    },
}

FIELDS: tuple[CallField, ...] = (
    CallField("seq", "seq", {"type": "integer"}, read=int),
    CallField("time", "time", {"type": "number"}),
    CallField(
        "receivedAt",
        "time",
        {"type": "string", "format": "date-time"},
        write=lambda time: iso_timestamp(int(time * 1_000_000)),
    ),
    CallField("pending", "pending", _BOOLEAN, read=bool),
    CallField("method", "method", _TEXT, read=str),
    CallField("path", "path", _TEXT, read=str),
    CallField("query", "query", _TEXT, read=lambda query: str(query or "")),
    CallField(
        "headers",
        "headers",
        {"type": "object", "additionalProperties": _TEXT},
        read=lambda headers: dict(headers or {}),
    ),
    CallField("body", "body", {}, read=_same),
    CallField("bodyTruncated", "body_truncated", _BOOLEAN),
    CallField("status", "status", {"type": "integer"}, read=int),
    CallField("response", "response", {}, read=_same),
    CallField("responseTruncated", "response_truncated", _BOOLEAN),
    CallField("account", "account", _MAYBE_TEXT),
    CallField(
        "warnings",
        "warnings",
        {"type": "array", "items": _WARNING},
        write=_warnings_json,
        read=_warnings,
    ),
    CallField("fault", "fault", _MAYBE_TEXT, read=_same),
    CallField(
        "durationMs",
        "duration_ms",
        {"type": "number"},
        write=lambda ms: round(ms, 3),
        read=lambda ms: float(ms or 0.0),
    ),
    CallField("reason", "reason", _MAYBE_TEXT, read=_same),
    CallField(
        "upstream",
        "upstream",
        {
            "type": ["object", "null"],
            "description": "With --upstream: mockStatus, mockResponse and the drift found.",
        },
        write=lambda upstream: None if upstream is None else upstream.to_json(),
    ),
)
"""Every field, in the order the JSON has them."""

KEPT = tuple(field.attribute for field in FIELDS if field.read is not None)
"""The attributes the plugin's ``Call`` keeps."""


def call_json(record: Any) -> dict[str, Any]:
    """A ``CallRecord`` as ``GET /_mock/calls`` renders it."""
    return {field.name: field.write(getattr(record, field.attribute)) for field in FIELDS}


def call_schema() -> Schema:
    """The JSON Schema of one call, for the admin OpenAPI document."""
    return {
        "type": "object",
        "required": [field.name for field in FIELDS],
        "additionalProperties": False,
        "properties": {field.name: dict(field.schema) for field in FIELDS},
    }


def read_call(data: Mapping[str, Any]) -> dict[str, Any]:
    """The plugin ``Call``'s attributes from a call's JSON."""
    return {field.attribute: field.read(data.get(field.name)) for field in FIELDS if field.read}
