"""The OpenAPI paths of the indexes and the inspector (``/``, ``/_mock/``, ``/_mock/ui``)."""

from __future__ import annotations

from .schema import Schema, _envelope, _errors, _json_response

_TEXT = {"type": "string"}
_OBJECT = {"type": "object"}


def _query(name: str, schema: Schema, required: bool = False) -> Schema:
    return {"name": name, "in": "query", "required": required, "schema": schema}


def _get(
    operation_id: str,
    summary: str,
    content: dict[str, Schema],
    *,
    errors: tuple[int, ...] = (),
    parameters: list[Schema] | None = None,
) -> Schema:
    operation: Schema = {
        "operationId": operation_id,
        "summary": summary,
        "responses": {"200": {"description": summary, "content": content}, **_errors(*errors)},
    }
    if parameters:
        operation["parameters"] = parameters
    return {"get": operation}


def _json(operation_id: str, summary: str, **options: object) -> Schema:
    content = _json_response(summary, _envelope(_OBJECT))["content"]
    return _get(operation_id, summary, content, **options)  # type: ignore[arg-type]


def _page(operation_id: str, media_type: str) -> Schema:
    return _get(operation_id, "The inspector page", {media_type: {"schema": _TEXT}})


_CALL_FILTERS = [
    _query(name, _TEXT) for name in ("account", "method", "status", "path", "warning", "q")
]


_INDEX = "Where things are: the operations, the OpenAPI documents, the inspector"


def index_path() -> dict[str, Schema]:
    """``/``, for the API document (beside ``/openapi.json``, the mock's own too)."""
    operation = _json("getIndex", _INDEX)
    operation["get"]["security"] = []
    return {"/": operation}


def inspector_paths() -> dict[str, Schema]:
    """The admin indexes and the inspector, for the admin document."""
    index = _INDEX
    return {
        "/_mock": _json("getAdminIndex", index),
        "/_mock/": _json("getAdminIndexSlash", index),
        "/_mock/ui": _page("getInspector", "text/html"),
        "/_mock/ui/": _page("getInspectorSlash", "text/html"),
        "/_mock/ui/{name}": _get(
            "getInspectorFile",
            "The inspector's script or style sheet",
            {"text/javascript": {"schema": _TEXT}, "text/css": {"schema": _TEXT}},
            errors=(404,),
            parameters=[{"name": "name", "in": "path", "required": True, "schema": _TEXT}],
        ),
        "/_mock/ui/api/calls": _json(
            "inspectCalls",
            "A page of calls, newest first, filtered",
            errors=(400,),
            parameters=[
                *_CALL_FILTERS,
                _query("limit", {"type": "integer", "minimum": 1, "maximum": 200}),
                _query("before", {"type": "integer", "minimum": 1}),
            ],
        ),
        "/_mock/ui/api/calls/{seq}": _json(
            "inspectCall",
            "One call in full, credentials redacted",
            errors=(404,),
            parameters=[{"name": "seq", "in": "path", "required": True, "schema": _TEXT}],
        ),
        "/_mock/ui/api/accounts": _json(
            "inspectAccounts", "Accounts with counts, queued faults and clocks"
        ),
        "/_mock/ui/api/events": _json(
            "inspectEvents",
            "An account's events through the API's listing (its filters and cursor)",
            errors=(400, 404),
            parameters=[
                _query("account", _TEXT, required=True),
                *(_query(name, _TEXT) for name in ("eventName", "value", "startingAfter")),
                _query("limit", {"type": "integer", "minimum": 1, "maximum": 100}),
            ],
        ),
        "/_mock/ui/api/stream": _get(
            "inspectStream",
            "Server-sent events: one 'journal' event per change of the journal",
            {"text/event-stream": {"schema": _TEXT}},
            errors=(503,),
        ),
    }
