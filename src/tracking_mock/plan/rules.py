"""A compiled tracking plan and the check of one event against it.

Pure and on the hot path of every create and update: a plan is compiled once (see
``loader.py``) into these frozen rules, so checking a valid event costs a few dict lookups.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..apispec import OPTIONAL_TEXT_FIELDS
from ..models import ContractWarning, EventFields, MetadataValue

OPTIONAL_FIELDS = {field.name: field.attr for field in OPTIONAL_TEXT_FIELDS}
"""The event's optional string fields a plan can require or forbid, API name to attribute."""

METADATA_TYPES = ("string", "string[]", "number")

VIOLATION_PREFIX = "plan-"
"""Every violation code starts with this; other warning codes never do."""
# The violation codes: stable and documented.
UNPLANNED_EVENT = "plan-unplanned-event"
REQUIRED_MISSING = "plan-required-missing"
FORBIDDEN_FIELD = "plan-forbidden-field"
TYPE_MISMATCH = "plan-type-mismatch"
ENUM_MISMATCH = "plan-enum-mismatch"
PATTERN_MISMATCH = "plan-pattern-mismatch"
TOO_LONG = "plan-too-long"
OUT_OF_RANGE = "plan-out-of-range"
DECIMALS = "plan-decimals"
ADDITIONAL_METADATA = "plan-additional-metadata"
DEPRECATED_METADATA = "plan-deprecated-metadata"
SCHEMA_MISMATCH = "plan-schema-mismatch"
CODES = (
    UNPLANNED_EVENT,
    REQUIRED_MISSING,
    FORBIDDEN_FIELD,
    TYPE_MISMATCH,
    ENUM_MISMATCH,
    PATTERN_MISMATCH,
    TOO_LONG,
    OUT_OF_RANGE,
    DECIMALS,
    ADDITIONAL_METADATA,
    DEPRECATED_METADATA,
    SCHEMA_MISMATCH,
)

_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_SUGGESTION_CUTOFF = 0.75
_SHOWN_CHARS = 40


def json_path(*steps: str | int) -> str:
    """``$.metadata.orderId``, ``$.metadata.tags[2]``; odd keys quoted: ``$.metadata["a b"]``."""
    parts = ["$"]
    for step in steps:
        if isinstance(step, int):
            parts.append(f"[{step}]")
        elif _IDENTIFIER.fullmatch(step):
            parts.append(f".{step}")
        else:
            parts.append(f"[{json.dumps(step)}]")  # escapes quotes and control characters
    return "".join(parts)


def show(text: str) -> str:
    """A client's string as a message shows it: quoted, escaped, cut at 40 characters."""
    return repr(text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "…")


@lru_cache(maxsize=4096)
def _suggest_cached(word: str, candidates: tuple[str, ...]) -> str | None:
    return suggest(word, candidates)


def suggest(word: str, candidates: Sequence[str]) -> str | None:
    """The candidate ``word`` most likely misspells, if one is close enough (difflib)."""
    if not candidates:
        return None
    lowered = word.lower()
    for candidate in candidates:
        if candidate.lower() == lowered:
            return candidate
    by_lower = {candidate.lower(): candidate for candidate in candidates}
    close = difflib.get_close_matches(lowered, list(by_lower), n=1, cutoff=_SUGGESTION_CUTOFF)
    return by_lower[close[0]] if close else None


def _did_you_mean(word: str, candidates: tuple[str, ...]) -> str:
    # A misspelling is usually one code path sending the same wrong name again and again:
    # its suggestion is worked out once (difflib takes about 0.3 ms against 50 names).
    near = _suggest_cached(word, candidates)
    return f" (did you mean {near!r}?)" if near is not None else ""


def _json_type(value: object) -> str:
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "a number"


@dataclass(frozen=True, slots=True)
class ValueRule:
    """What the plan says of ``value``."""

    integer: bool = False
    minimum: float | None = None
    maximum: float | None = None
    decimals: int | None = None

    def check(self, value: float, out: list[ContractWarning]) -> None:
        path = "$.value"
        if self.integer and not (isinstance(value, int) or value.is_integer()):
            out.append(ContractWarning(TYPE_MISMATCH, f"value {value} is not an integer", path))
        if self.minimum is not None and value < self.minimum:
            out.append(
                ContractWarning(OUT_OF_RANGE, f"value {value} is below {self.minimum}", path)
            )
        if self.maximum is not None and value > self.maximum:
            out.append(
                ContractWarning(OUT_OF_RANGE, f"value {value} is above {self.maximum}", path)
            )
        # round() is exact: a float keeps its value at n places only if its shortest text has
        # at most n decimals (decimals() says the same, ten times slower).
        if self.decimals is not None and round(value, self.decimals) != value:
            out.append(
                ContractWarning(
                    DECIMALS, f"value {value} has more than {self.decimals} decimal places", path
                )
            )


@dataclass(frozen=True, slots=True)
class MetadataRule:
    """What the plan says of one metadata key."""

    key: str
    type: str = "string"
    required: bool = False
    enum: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = None
    max_length: int | None = None
    deprecated: bool = False
    path: str = field(init=False)
    _label: str = field(init=False)
    _enum_set: frozenset[str] = field(init=False)
    _checks_text: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", json_path("metadata", self.key))
        object.__setattr__(self, "_label", f"metadata {show(self.key)}")
        object.__setattr__(self, "_enum_set", frozenset(self.enum))
        checks_text = bool(self.enum) or self.pattern is not None or self.max_length is not None
        object.__setattr__(self, "_checks_text", checks_text)

    def check(self, value: MetadataValue, out: list[ContractWarning]) -> None:
        name = self._label
        if self.deprecated:
            out.append(
                ContractWarning(DEPRECATED_METADATA, f"{name} is deprecated in the plan", self.path)
            )
        kind = self.type
        if kind == "string":
            ok = isinstance(value, str)
        elif kind == "string[]":
            ok = isinstance(value, list)
        else:
            ok = not isinstance(value, str | list)
        if not ok:
            out.append(
                ContractWarning(
                    TYPE_MISMATCH, f"{name} should be {kind}, not {_json_type(value)}", self.path
                )
            )
            return
        if not self._checks_text:
            return
        if isinstance(value, str):
            self._check_text(name, value, self.path, out)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self._check_text(f"{name}[{index}]", item, f"{self.path}[{index}]", out)

    def _check_text(self, name: str, text: str, path: str, out: list[ContractWarning]) -> None:
        if self.enum and text not in self._enum_set:
            allowed = ", ".join(self.enum)
            out.append(
                ContractWarning(
                    ENUM_MISMATCH,
                    f"{name} is {show(text)}, not one of {allowed}{_did_you_mean(text, self.enum)}",
                    path,
                )
            )
        if self.pattern is not None and self.pattern.search(text) is None:
            out.append(
                ContractWarning(
                    PATTERN_MISMATCH,
                    f"{name} {show(text)} does not match {self.pattern.pattern!r}",
                    path,
                )
            )
        if self.max_length is not None and len(text) > self.max_length:
            out.append(
                ContractWarning(
                    TOO_LONG, f"{name} is longer than {self.max_length} characters", path
                )
            )


SchemaCheck = Callable[[EventFields], list[ContractWarning]]
"""A JSON Schema compiled for one event (see ``schema.py``)."""


@dataclass(frozen=True, slots=True)
class EventRule:
    """Everything the plan says of one event name."""

    name: str
    value: ValueRule | None = None
    metadata: Mapping[str, MetadataRule] = field(default_factory=dict)
    required_fields: tuple[str, ...] = ()
    forbidden_fields: tuple[str, ...] = ()
    allow_unplanned_metadata: bool = False
    schema: SchemaCheck | None = None
    required_metadata: tuple[str, ...] = field(init=False)
    _planned_keys: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        required = tuple(key for key, rule in self.metadata.items() if rule.required)
        object.__setattr__(self, "required_metadata", required)
        object.__setattr__(self, "_planned_keys", tuple(self.metadata))

    def check(self, fields: EventFields, out: list[ContractWarning]) -> None:
        if self.value is not None:
            self.value.check(fields.value, out)
        for name in self.required_fields:
            if getattr(fields, OPTIONAL_FIELDS[name]) is None:
                out.append(
                    ContractWarning(
                        REQUIRED_MISSING, f"{name} is required by the plan", json_path(name)
                    )
                )
        for name in self.forbidden_fields:
            if getattr(fields, OPTIONAL_FIELDS[name]) is not None:
                out.append(
                    ContractWarning(
                        FORBIDDEN_FIELD,
                        f"{name} is not allowed on {show(self.name)} by the plan",
                        json_path(name),
                    )
                )
        metadata = fields.metadata or {}
        for key in self.required_metadata:
            if key not in metadata:
                out.append(
                    ContractWarning(
                        REQUIRED_MISSING,
                        f"metadata {show(key)} is required by the plan",
                        json_path("metadata", key),
                    )
                )
        rules = self.metadata
        for key, value in metadata.items():
            rule = rules.get(key)
            if rule is not None:
                rule.check(value, out)
            elif not self.allow_unplanned_metadata:
                out.append(
                    ContractWarning(
                        ADDITIONAL_METADATA,
                        f"metadata {show(key)} is not in the plan for {show(self.name)}"
                        + _did_you_mean(key, self._planned_keys),
                        json_path("metadata", key),
                    )
                )
        if self.schema is not None:
            out.extend(self.schema(fields))


@dataclass(frozen=True, slots=True)
class Plan:
    """A team's tracking plan, compiled: one rule per planned event name."""

    events: Mapping[str, EventRule]
    allow_unplanned_events: bool = False
    sources: tuple[str, ...] = ()
    """The files it was loaded from."""
    document: Mapping[str, Any] = field(default_factory=dict)
    """The plan as one JSON document (schemas inlined): ``parse_plan_document`` rebuilds it."""
    _names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_names", tuple(self.events))

    @property
    def event_names(self) -> tuple[str, ...]:
        """The planned event names, in plan order."""
        return self._names

    def check(self, fields: EventFields) -> list[ContractWarning]:
        """The plan's violations by one valid event, in a stable order (none: ``[]``)."""
        rule = self.events.get(fields.event_name)
        if rule is None:
            if self.allow_unplanned_events:
                return []
            name = fields.event_name
            return [
                ContractWarning(
                    UNPLANNED_EVENT,
                    f"event {show(name)} is not in the tracking plan"
                    + _did_you_mean(name, self._names),
                    "$.eventName",
                )
            ]
        out: list[ContractWarning] = []
        rule.check(fields, out)
        return out


MAX_LISTED_VIOLATIONS = 5
"""An enforce-mode 400 names this many violations, then counts the rest."""


def plan_violation_message(violations: Sequence[ContractWarning]) -> str:
    """The error of an event refused in enforce mode: each violation's path, code and message."""
    listed = "; ".join(
        f"{v.path} [{v.code}] {v.message}" for v in violations[:MAX_LISTED_VIOLATIONS]
    )
    more = len(violations) - MAX_LISTED_VIOLATIONS
    return f"tracking plan violation: {listed}" + (f" (and {more} more)" if more > 0 else "")
