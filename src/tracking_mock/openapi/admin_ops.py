"""The building blocks of the admin surface's OpenAPI operations (shared by its documents)."""

from __future__ import annotations

from .schema import JSON, Schema, _envelope, _errors, _json_response


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
            # Any admin call: 401 without the admin token (when set), 403 for a foreign Host.
            **_errors(*errors, 401, 403),
        },
    }
    if parameters:
        operation["parameters"] = parameters
    if body is not None:
        # A JSON body is required on every admin POST, `{}` at least (see guard.py).
        operation["requestBody"] = {"required": True, "content": {JSON: {"schema": body}}}
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
