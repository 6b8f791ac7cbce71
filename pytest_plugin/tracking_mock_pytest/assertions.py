"""Assertions on a test's events and calls that explain a miss with the closest records."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, TypeVar

from tracking_mock.apispec import EVENT_FIELD_NAMES
from tracking_mock.call_filter import CallMatch
from tracking_mock.plan.rules import VIOLATION_PREFIX

from .calls import Call

T = TypeVar("T")

ANY: Final[Any] = type("_Any", (), {"__repr__": lambda self: "ANY"})()
"""Placeholder for "not checked" in assertion keywords."""

CLOSEST_SHOWN = 5
"""How many near misses a failed assertion lists."""

EVENT_FIELDS = frozenset(EVENT_FIELD_NAMES) - {"eventName", "value", "metadata"}
"""The fields an assertion takes as keywords (name, value and metadata have their own)."""


def _times_text(times: int | None) -> str:
    if times is None:
        return "at least once"
    return "once" if times == 1 else f"{times} times"


def _count_text(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


def _count_ok(count: int, times: int | None) -> bool:
    return count >= 1 if times is None else count == times


def _diff(name: str, actual: object, expected: object) -> str:
    return f"{name}: {actual!r} (expected {expected!r})"


def _miss(
    header: str, kind: str, scored: list[tuple[list[str], T]], line: Callable[[T], str]
) -> AssertionError:
    """The failure: what was expected, the matches, and the closest misses marked with ^."""
    lines = [header]
    matching = [item for diffs, item in scored if not diffs]
    if matching:
        lines.append(f"matching {kind} (newest first):")
        lines.extend(f"  {line(item)}" for item in matching[:CLOSEST_SHOWN])
    near = sorted((pair for pair in scored if pair[0]), key=lambda pair: len(pair[0]))
    if near:
        lines.append(f"closest {kind} (differences marked with ^):")
        for diffs, item in near[:CLOSEST_SHOWN]:
            lines.append(f"  {line(item)}")
            lines.extend(f"    ^ {diff}" for diff in diffs)
    return AssertionError("\n".join(lines))


# Events -------------------------------------------------------------------------------


def _event_diffs(
    event: Mapping[str, Any],
    event_name: str,
    value: Any,
    metadata: Mapping[str, Any] | None,
    fields: Mapping[str, Any],
) -> list[str]:
    diffs: list[str] = []
    if event.get("eventName") != event_name:
        diffs.append(_diff("eventName", event.get("eventName"), event_name))
    if value is not ANY and event.get("value") != value:
        diffs.append(_diff("value", event.get("value"), value))
    stored = event.get("metadata") or {}
    for key, expected in (metadata or {}).items():
        if key not in stored:
            diffs.append(f"metadata[{key!r}]: missing (expected {expected!r})")
        elif stored[key] != expected:
            diffs.append(_diff(f"metadata[{key!r}]", stored[key], expected))
    for name, expected in fields.items():
        if event.get(name) != expected:
            diffs.append(_diff(name, event.get(name), expected))
    return diffs


def _event_line(event: Mapping[str, Any], shown: Sequence[str]) -> str:
    parts = [str(event.get("id")), repr(event.get("eventName")), f"value={event.get('value')!r}"]
    if event.get("metadata"):
        parts.append(f"metadata={event['metadata']!r}")
    parts.extend(f"{name}={event.get(name)!r}" for name in shown)
    return " ".join(parts)


def _describe_event(
    event_name: str, value: Any, metadata: Mapping[str, Any] | None, fields: Mapping[str, Any]
) -> str:
    parts = [repr(event_name)]
    if value is not ANY:
        parts.append(f"value={value!r}")
    if metadata:
        parts.append(f"metadata containing {dict(metadata)!r}")
    parts.extend(f"{name}={expected!r}" for name, expected in fields.items())
    return "an event " + ", ".join(parts)


def check_event(
    events: Sequence[Mapping[str, Any]],
    event_name: str,
    *,
    value: Any = ANY,
    metadata: Mapping[str, Any] | None = None,
    times: int | None = None,
    fields: Mapping[str, Any] | None = None,
) -> None:
    """Raise ``AssertionError`` unless ``times`` events (default: any) match, naming near misses."""
    __tracebackhide__ = True
    fields = dict(fields or {})
    unknown = sorted(set(fields) - EVENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown event field(s) {unknown}; known: {sorted(EVENT_FIELDS)}")
    scored = [(_event_diffs(e, event_name, value, metadata, fields), e) for e in events]
    matching = [event for diffs, event in scored if not diffs]
    if _count_ok(len(matching), times):
        return
    header = (
        f"expected {_describe_event(event_name, value, metadata, fields)} "
        f"{_times_text(times)}, found {_count_text(len(matching))} "
        f"(the account holds {len(events)} event{'s' if len(events) != 1 else ''})"
    )
    raise _miss(header, "events", scored, lambda event: _event_line(event, list(fields)))


def check_no_events(events: Sequence[Mapping[str, Any]]) -> None:
    """Raise ``AssertionError`` listing the events when there are any."""
    __tracebackhide__ = True
    if not events:
        return
    lines = [f"expected no events, found {len(events)} (newest first):"]
    lines.extend(f"  {_event_line(e, [])}" for e in events[:CLOSEST_SHOWN])
    if len(events) > CLOSEST_SHOWN:
        lines.append(f"  ... and {len(events) - CLOSEST_SHOWN} more")
    raise AssertionError("\n".join(lines))


# Calls --------------------------------------------------------------------------------


def _call_diffs(call: Call, method: str | None, path: str | None, status: int | None) -> list[str]:
    misses = CallMatch(method, path, status).misses(call)
    return [_diff(name, got, wanted) for name, got, wanted in misses]


def call_line(call: Call) -> str:
    """``#seq METHOD /path?query -> status``, with the fault when there was one."""
    fault = f" [{call.fault}]" if call.fault else ""
    return f"#{call.seq} {call.method} {call.url_path} -> {call.status}{fault}"


def check_called(
    calls: Sequence[Call],
    method: str | None = None,
    path: str | None = None,
    *,
    times: int | None = None,
    status: int | None = None,
) -> None:
    """Raise ``AssertionError`` unless ``times`` calls (default: any) match, naming near misses."""
    __tracebackhide__ = True
    scored = [(_call_diffs(call, method, path, status), call) for call in reversed(calls)]
    matching = [call for diffs, call in scored if not diffs]
    if _count_ok(len(matching), times):
        return
    wanted = " ".join(part for part in (method and method.upper(), path or "any path") if part)
    if status is not None:
        wanted += f" answered {status}"
    header = (
        f"expected {wanted} to be called {_times_text(times)}, "
        f"was called {_count_text(len(matching))} "
        f"({len(calls)} call{'s' if len(calls) != 1 else ''} in all)"
    )
    raise _miss(header, "calls", scored, call_line)


# Tracking-plan violations ---------------------------------------------------------------


def check_no_violations(calls: Sequence[Call]) -> None:
    """Raise ``AssertionError`` listing each call's tracking-plan violations, if any."""
    __tracebackhide__ = True
    lines = [
        f"  {call.method} {call.url_path} (#{call.seq} -> {call.status}): "
        f"{warning.path} [{warning.code}] {warning.message}"
        for call in calls
        for warning in call.warnings
        if warning.code.startswith(VIOLATION_PREFIX)
    ]
    if lines:
        count = f"{len(lines)} tracking-plan violation{'s' if len(lines) != 1 else ''}"
        raise AssertionError(
            f"expected no tracking-plan violations, found {count}:\n" + "\n".join(lines)
        )
