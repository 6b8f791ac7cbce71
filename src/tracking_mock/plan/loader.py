"""Load tracking-plan files (YAML or JSON, format version 1) into a compiled ``Plan``.

The file's shape is itself checked with a JSON Schema (``PLAN_FORMAT``), and every error
names the file and line as fixture errors do. Nothing is returned unless every file is good.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any, cast

from jsonschema import Draft202012Validator, ValidationError
from jsonschema.exceptions import best_match

from .. import limits
from ..errors import PlanError, SeedError
from ..linemap import line_of
from ..seed import read_yaml
from .rules import (
    METADATA_TYPES,
    OPTIONAL_FIELDS,
    EventRule,
    MetadataRule,
    Plan,
    ValueRule,
    suggest,
)
from .schema import SchemaRule, check_schema

FORMAT_VERSION = 1
_TEXT: dict[str, Any] = {"type": "string"}
_FLAG: dict[str, Any] = {"type": "boolean"}
_NUMBER: dict[str, Any] = {"type": "number"}
_METADATA_RULE = {
    "type": ["object", "null"],
    "additionalProperties": False,
    "properties": {
        "description": _TEXT,
        "type": {"enum": list(METADATA_TYPES)},
        "required": _FLAG,
        "enum": {"type": "array", "items": _TEXT, "minItems": 1},
        "pattern": _TEXT,
        "maxLength": {"type": "integer", "minimum": 1},
        "deprecated": _FLAG,
    },
}
_EVENT_RULE = {
    "type": ["object", "null"],
    "additionalProperties": False,
    "properties": {
        "description": _TEXT,
        "value": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "description": _TEXT,
                "type": {"enum": ["number", "integer"]},
                "minimum": _NUMBER,
                "maximum": _NUMBER,
                "decimals": {"type": "integer", "minimum": 0},
            },
        },
        "fields": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                name: {"enum": ["required", "optional", "forbidden"]} for name in OPTIONAL_FIELDS
            },
        },
        "metadata": {
            "type": "object",
            "maxProperties": limits.METADATA_MAX_ENTRIES,
            "propertyNames": {"minLength": 1, "maxLength": limits.METADATA_KEY_MAX_CHARS},
            "additionalProperties": _METADATA_RULE,
        },
        "allowUnplannedMetadata": _FLAG,
        "schema": {"type": ["object", "boolean"]},
        "schemaFile": {"type": "string", "minLength": 1},
    },
}
PLAN_FORMAT: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "tracking-mock tracking plan, version 1",
    "type": "object",
    "required": ["version", "events"],
    "additionalProperties": False,
    "properties": {
        "version": {"const": FORMAT_VERSION},
        "description": _TEXT,
        "allowUnplannedEvents": _FLAG,
        "allowUnplannedMetadata": _FLAG,
        "events": {
            "type": "object",
            "propertyNames": {"minLength": 1, "maxLength": limits.STRING_FIELD_MAX_CHARS},
            "additionalProperties": _EVENT_RULE,
        },
    },
}
"""The plan file's own shape, as a JSON Schema (the mock checks every plan against it)."""

_FORMAT = Draft202012Validator(PLAN_FORMAT)


def load_plan(paths: Sequence[Path]) -> Plan:
    """Load and compile plan files (``.yaml``, ``.yml`` or ``.json``) into one ``Plan``."""
    documents: list[tuple[str, dict[str, Any]]] = []
    for path in paths:
        source = str(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise PlanError(f"{source}: cannot read: {exc.strerror or exc}") from None
        try:
            document = read_yaml(data, source, partial(_normalized, folder=path.parent))
        except SeedError as exc:
            raise PlanError(str(exc)) from None
        documents.append((source, document))
    return _merged(documents)


def parse_plan_document(document: object, source: str = "<plan>") -> Plan:
    """Compile a plan given as data (JSON from the admin API, or ``Plan.document``)."""
    try:
        normalized = _normalized(document, None)
    except SeedError as exc:
        raise PlanError(f"{source}: {exc}") from None
    return _merged([(source, normalized)])


def _normalized(document: object, folder: Path | None) -> dict[str, Any]:
    """The document checked against ``PLAN_FORMAT``, schema files inlined, as plain data."""
    error = best_match(_FORMAT.iter_errors(document))
    if error is not None:
        raise SeedError(_describe(document, error))
    document = cast(dict[str, Any], document)  # the format says it is an object
    events: dict[str, Any] = {}
    default_extra = document.get("allowUnplannedMetadata", False)
    for name, given in document["events"].items():
        raw = given or {}
        rule = dict(raw)
        if "schemaFile" in raw:
            rule["schema"] = _schema_file(raw, folder)
            del rule["schemaFile"]
        if "schema" in rule:
            problem = check_schema(rule["schema"])
            if problem is not None:
                raise SeedError(f"{_at(raw, 'schema')}event {name!r}: {problem}")
        # An event described by a JSON Schema leaves its metadata keys to that schema, unless
        # the plan lists them too.
        schema_only = "schema" in rule and "metadata" not in rule
        rule.setdefault("allowUnplannedMetadata", schema_only or default_extra)
        _check_rule(name, raw)
        events[name] = _plain(rule)
    plan: dict[str, Any] = {"version": FORMAT_VERSION, "events": events}
    if "allowUnplannedEvents" in document:
        plan["allowUnplannedEvents"] = document["allowUnplannedEvents"]
    return plan


def _schema_file(raw: Mapping[str, Any], folder: Path | None) -> Any:
    where = _at(raw, "schemaFile")
    if folder is None:
        raise SeedError(f"{where}schemaFile needs a plan file (send the schema inline)")
    path = folder / raw["schemaFile"]
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SeedError(f"{where}schemaFile {str(path)!r}: {exc.strerror or exc}") from None
    return read_yaml(data, str(path), _plain)


def _check_rule(name: str, raw: Mapping[str, Any] | None) -> None:
    """What the format cannot say: patterns compile, and a minimum is not above its maximum."""
    if not raw:
        return
    value = raw.get("value") or {}
    if value.get("minimum", float("-inf")) > value.get("maximum", float("inf")):
        raise SeedError(f"{_at(value, 'minimum')}event {name!r}: minimum is above maximum")
    for key, rule in (raw.get("metadata") or {}).items():
        pattern = (rule or {}).get("pattern")
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise SeedError(
                    f"{_at(rule, 'pattern')}event {name!r}: metadata {key!r}: "
                    f"pattern is not a regular expression ({exc})"
                ) from None


def _merged(documents: Iterable[tuple[str, dict[str, Any]]]) -> Plan:
    events: dict[str, Any] = {}
    owners: dict[str, str] = {}
    unplanned: dict[str, bool] = {}
    sources: list[str] = []
    for source, document in documents:
        sources.append(source)
        for name, rule in document["events"].items():
            if name in owners:
                raise PlanError(f"{source}: event {name!r} is also planned in {owners[name]}")
            owners[name] = source
            events[name] = rule
        if "allowUnplannedEvents" in document:
            unplanned[source] = document["allowUnplannedEvents"]
    if len(set(unplanned.values())) > 1:
        raise PlanError(f"the plan files disagree on allowUnplannedEvents: {unplanned}")
    allow = next(iter(unplanned.values()), False)
    document = {"version": FORMAT_VERSION, "allowUnplannedEvents": allow, "events": events}
    return Plan(
        events={name: _compile(name, rule) for name, rule in events.items()},
        allow_unplanned_events=allow,
        sources=tuple(sources),
        document=document,
    )


def _compile(name: str, rule: Mapping[str, Any]) -> EventRule:
    value = rule.get("value")
    fields = rule.get("fields") or {}
    return EventRule(
        name=name,
        value=None
        if value is None
        else ValueRule(
            integer=value.get("type") == "integer",
            minimum=value.get("minimum"),
            maximum=value.get("maximum"),
            decimals=value.get("decimals"),
        ),
        metadata={
            key: MetadataRule(
                key=key,
                type=spec.get("type", "string"),
                required=spec.get("required", False),
                enum=tuple(spec.get("enum", ())),
                pattern=re.compile(spec["pattern"]) if "pattern" in spec else None,
                max_length=spec.get("maxLength"),
                deprecated=spec.get("deprecated", False),
            )
            for key, spec in ((k, s or {}) for k, s in (rule.get("metadata") or {}).items())
        },
        required_fields=tuple(f for f, how in fields.items() if how == "required"),
        forbidden_fields=tuple(f for f, how in fields.items() if how == "forbidden"),
        allow_unplanned_metadata=rule.get("allowUnplannedMetadata", False),
        schema=SchemaRule(rule["schema"]) if "schema" in rule else None,
    )


def _plain(value: object) -> Any:
    """A loaded document as plain dicts and lists (the loader's mappings remember lines)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _at(mapping: object, key: object = None) -> str:
    line = line_of(mapping, key)
    return f"line {line}: " if line is not None else ""


def _describe(document: object, error: ValidationError) -> str:
    """A format error as 'line N: where: what', the line found by walking the document."""
    node, where, line = document, "", line_of(document)
    steps = list(error.absolute_path)
    for step in steps:
        line = line_of(node, step) or line
        where += f"[{step}]" if isinstance(step, int) else f".{step}" if where else str(step)
        node = node.get(step) if isinstance(node, dict) else None
    if error.validator == "additionalProperties" and isinstance(node, dict):
        allowed = list(error.schema.get("properties", {})) if isinstance(error.schema, dict) else []
        extra = next((key for key in node if key not in allowed), None)
        if extra is not None:
            near = suggest(str(extra), allowed)
            hint = f"did you mean {near!r}?" if near else f"allowed: {', '.join(allowed)}"
            line = line_of(node, extra) or line
            return f"line {line}: {where or 'the plan'}: unknown key {extra!r} ({hint})"
    prefix = f"line {line}: " if line is not None else ""
    return f"{prefix}{where or 'the plan'}: {error.message}"
