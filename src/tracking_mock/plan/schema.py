"""An event's JSON Schema (the plan's ``schema``/``schemaFile``), checked with ``jsonschema``.

The schema describes the event body as the API accepted it (``eventName``, ``value``,
``metadata`` and the optional fields that were sent). Each validation error becomes a
violation with the same ``plan-`` codes as the YAML rules where the keyword has one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from jsonschema import Draft202012Validator, ValidationError, validators
from jsonschema.exceptions import SchemaError

from ..models import ContractWarning, EventFields
from . import rules

_CODES = {
    "required": rules.REQUIRED_MISSING,
    "type": rules.TYPE_MISMATCH,
    "enum": rules.ENUM_MISMATCH,
    "const": rules.ENUM_MISMATCH,
    "pattern": rules.PATTERN_MISMATCH,
    "maxLength": rules.TOO_LONG,
    "maxItems": rules.TOO_LONG,
    "minimum": rules.OUT_OF_RANGE,
    "maximum": rules.OUT_OF_RANGE,
    "exclusiveMinimum": rules.OUT_OF_RANGE,
    "exclusiveMaximum": rules.OUT_OF_RANGE,
    "multipleOf": rules.DECIMALS,
}
_EXTRA_KEYWORDS = ("additionalProperties", "unevaluatedProperties")
_MAX_MESSAGE = 200


def check_schema(schema: object) -> str | None:
    """Why ``schema`` is not a valid JSON Schema, or ``None`` when it is."""
    if not isinstance(schema, dict | bool):
        return "a JSON Schema must be an object or a boolean"
    try:
        cls = validators.validator_for(schema, default=Draft202012Validator)
        cls.check_schema(schema)  # type: ignore[arg-type]  # a boolean is a schema too
    except SchemaError as exc:
        where = "/".join(str(step) for step in exc.absolute_path)
        return f"invalid JSON Schema{f' at {where}' if where else ''}: {exc.message}"
    return None


def event_body(fields: EventFields) -> dict[str, Any]:
    """The event as the schema sees it: the fields that were sent."""
    body: dict[str, Any] = {"eventName": fields.event_name, "value": fields.value}
    if fields.metadata is not None:
        body["metadata"] = fields.metadata
    for name, attribute in rules.OPTIONAL_FIELDS.items():
        value = getattr(fields, attribute)
        if value is not None:
            body[name] = value
    return body


class SchemaRule:
    """One event's JSON Schema, compiled once; calling it checks an event."""

    def __init__(self, schema: Mapping[str, Any] | bool) -> None:
        cls = validators.validator_for(schema, default=Draft202012Validator)
        self._validator = cls(schema)

    def __call__(self, fields: EventFields) -> list[ContractWarning]:
        body = event_body(fields)
        out: list[ContractWarning] = []
        for error in sorted(self._validator.iter_errors(body), key=lambda e: list(e.path)):
            out.extend(_violations(error))
        return out


def _violations(error: ValidationError) -> list[ContractWarning]:
    steps = [step for step in error.absolute_path if isinstance(step, str | int)]
    keyword = str(error.validator)
    instance = error.instance
    if keyword == "required" and isinstance(instance, dict):
        required = error.validator_value if isinstance(error.validator_value, list) else []
        names = [n for n in required if isinstance(n, str) and n not in instance]
        # jsonschema raises one error per missing name, and its message starts with its repr.
        name = next((n for n in names if error.message.startswith(repr(n))), None)
        if name is not None:
            return [
                ContractWarning(
                    rules.REQUIRED_MISSING,
                    f"{name} is required by the plan's schema",
                    rules.json_path(*steps, name),
                )
            ]
    if keyword in _EXTRA_KEYWORDS and isinstance(instance, dict):
        schema = error.schema if isinstance(error.schema, dict) else {}
        planned = schema.get("properties", {})
        patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
        extras = [
            key
            for key in instance
            if key not in planned and not any(p.search(key) for p in patterns)
        ]
        if extras:
            code = rules.ADDITIONAL_METADATA if steps[:1] == ["metadata"] else rules.SCHEMA_MISMATCH
            return [
                ContractWarning(
                    code,
                    f"{rules.show(key)} is not in the plan's schema"
                    + (
                        f" (did you mean {near!r}?)"
                        if (near := rules.suggest(key, list(planned))) is not None
                        else ""
                    ),
                    rules.json_path(*steps, key),
                )
                for key in extras
            ]
    message = error.message
    if len(message) > _MAX_MESSAGE:
        message = message[:_MAX_MESSAGE] + "…"
    return [
        ContractWarning(
            _CODES.get(keyword, rules.SCHEMA_MISMATCH),
            f"{message} (schema keyword {keyword!r})",
            rules.json_path(*steps),
        )
    ]
