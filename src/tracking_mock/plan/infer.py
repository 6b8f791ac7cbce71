"""Infer a starting plan from events a team already sends (``tracking-mock plan infer``).

The result is a plan document every given event meets: it is a first draft to edit, not a
verdict. The rules are the mock's own choice (no tool documents one): a field or metadata key
present in every event of a name is required; a metadata key with few distinct values that
repeat gets an ``enum``; an event whose values are all whole numbers gets ``type: integer``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import yaml

from ..recipes import decimals
from .rules import OPTIONAL_FIELDS

MAX_ENUM_VALUES = 10
"""A metadata key gets an ``enum`` when it has at most this many distinct values..."""
MIN_ENUM_REPEATS = 2
"""...and each value was seen this many times on average (else they look like ids)."""


def _metadata_type(value: object) -> str:
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "string[]"
    return "number"


def _metadata_rule(values: list[object], events: int) -> dict[str, Any]:
    types = {_metadata_type(value) for value in values}
    rule: dict[str, Any] = {}
    kind = types.pop() if len(types) == 1 else "string"
    if kind != "string":
        rule["type"] = kind
    if len(values) == events:
        rule["required"] = True
    if kind == "string" and not types:
        distinct = sorted({str(value) for value in values})
        if len(distinct) <= MAX_ENUM_VALUES and len(values) >= MIN_ENUM_REPEATS * len(distinct):
            rule["enum"] = distinct
    return rule


def _event_rule(events: list[Mapping[str, Any]]) -> dict[str, Any]:
    rule: dict[str, Any] = {}
    values = [event["value"] for event in events]
    value: dict[str, Any] = {}
    if all(isinstance(v, int) for v in values):
        value["type"] = "integer"
    else:
        value["decimals"] = max(decimals(v) for v in values)
    if min(values) >= 0:
        value["minimum"] = 0
    rule["value"] = value
    fields = {
        name: "required"
        for name in OPTIONAL_FIELDS
        if all(event.get(name) is not None for event in events)
    }
    if fields:
        rule["fields"] = fields
    seen: dict[str, list[object]] = {}
    for event in events:
        for key, item in (event.get("metadata") or {}).items():
            seen.setdefault(key, []).append(item)
    if seen:
        rule["metadata"] = {
            key: _metadata_rule(items, len(events)) or None for key, items in sorted(seen.items())
        }
    return rule


def infer_plan(events: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """A plan document that every one of ``events`` (the API's JSON shape) meets."""
    by_name: dict[str, list[Mapping[str, Any]]] = {}
    for event in events:
        by_name.setdefault(str(event["eventName"]), []).append(event)
    return {
        "version": 1,
        "events": {name: _event_rule(group) for name, group in sorted(by_name.items())},
    }


def plan_yaml(plan: Mapping[str, Any], source: str) -> str:
    """The plan as a YAML file with a header saying where it came from."""
    count = len(plan["events"])
    header = (
        f"# A tracking plan inferred by `tracking-mock plan infer` from {source}:\n"
        f"# {count} event name{'s' if count != 1 else ''}. A first draft: edit it, then load it\n"
        "# with `tracking-mock --plan FILE`.\n"
    )
    return header + yaml.safe_dump(dict(plan), sort_keys=False, allow_unicode=True)
