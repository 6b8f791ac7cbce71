"""Expectations on answers: each raises ``Difference`` with the expected and actual answers."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from ..apispec import EVENT_FIELD_NAMES
from .probe import Answer

EVENT_FIELDS = EVENT_FIELD_NAMES
"""The Event's fields; the suite checks every target (the real API too) has each of them."""

COUPON_FIELDS = (
    "id",
    "code",
    "tag",
    "item_type_id",
    "campaign_id",
    "created_at",
    "updated_at",
)
"""A coupon row as getCampaignCoupons documents it (snake_case, unlike events)."""
_ISO_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]00:?00)")
ERROR_ENVELOPE = '{"success": false, "error": "<message>"}'


def ids(nodes: list[dict[str, Any]]) -> list[str]:
    """The ``id`` of each node of a page."""
    return [node["id"] for node in nodes]


class Difference(Exception):
    """The answer differs from the documented (or decided) behaviour."""

    def __init__(self, expected: str, actual: str) -> None:
        super().__init__(f"expected {expected}, got {actual}")
        self.expected = expected
        self.actual = actual


class Skip(Exception):
    """The check cannot run against this target; the message says why."""


def error(answer: Answer, status: int, when: str = "") -> None:
    """``status`` with exactly the error envelope (``when`` names the request in the report)."""
    body = answer.body
    ok = (
        answer.status == status
        and isinstance(body, dict)
        and set(body) == {"success", "error"}
        and body["success"] is False
        and isinstance(body["error"], str)
    )
    if not ok:
        prefix = f"{when}: " if when else ""
        raise Difference(f"{prefix}{status} {ERROR_ENVELOPE}", answer.describe())


def error_text(answer: Answer, status: int, text: str, when: str = "") -> None:
    """``status`` with exactly ``{"success": false, "error": text}``."""
    error(answer, status, when)
    if answer.body["error"] != text:
        prefix = f"{when}: " if when else ""
        raise Difference(
            f'{prefix}{status} {{"success": false, "error": "{text}"}}', answer.describe()
        )


def coupon_shape_problem(row: Any) -> str | None:
    """Why ``row`` is not a coupon row as documented, or ``None``."""
    if not isinstance(row, dict):
        return "a node is not an object"
    if set(row) != set(COUPON_FIELDS):
        return f"keys {sorted(row)} instead of {sorted(COUPON_FIELDS)}"
    for name in ("id", "code", "campaign_id"):
        if not isinstance(row[name], str):
            return f"{name} is not a string"
    for name in ("tag", "item_type_id"):
        if row[name] is not None and not isinstance(row[name], str):
            return f"{name} is neither a string nor null"
    for name in ("created_at", "updated_at"):
        if not isinstance(row[name], str) or not _ISO_UTC.fullmatch(row[name]):
            return f"{name} is not an ISO-8601 UTC date-time"
    return None


def coupon_page(answer: Answer) -> tuple[list[dict[str, Any]], int]:
    """A success envelope holding ``{"nodes": [coupon row...], "totalCount": N}``."""
    return _nodes(answer, coupon_shape_problem, "coupon rows")


def event_shape_problem(event: Any) -> str | None:
    """Why ``event`` is not an Event object as documented, or ``None``."""
    if not isinstance(event, dict):
        return "data is not an object"
    missing = [name for name in EVENT_FIELDS if name not in event]
    if missing:
        return f"missing {', '.join(missing)}"
    if not isinstance(event["id"], str) or not event["id"]:
        return "id is not a non-empty string"
    if not isinstance(event["value"], int | float) or isinstance(event["value"], bool):
        return "value is not a number"
    if not isinstance(event["createdAt"], str) or not _ISO_UTC.fullmatch(event["createdAt"]):
        return "createdAt is not an ISO-8601 UTC date-time"
    if event["metadata"] is not None and not isinstance(event["metadata"], dict):
        return "metadata is neither an object nor null"
    return None


def success(answer: Answer) -> Any:
    """200 with ``{"success": true, "data": ...}``; returns ``data``."""
    body = answer.body
    if (
        answer.status != 200
        or not isinstance(body, dict)
        or body.get("success") is not True
        or "data" not in body
    ):
        raise Difference('200 {"success": true, "data": ...}', answer.describe())
    return body["data"]


def event(answer: Answer, fields: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A success envelope holding an Event whose ``fields`` equal the given ones."""
    data = success(answer)
    problem = event_shape_problem(data)
    if problem is not None:
        raise Difference("an Event object in data", f"{problem}: {answer.describe()}")
    for name, wanted in (fields or {}).items():
        if not same(data.get(name), wanted):
            raise Difference(f"data.{name} == {wanted!r}", f"data.{name} == {data.get(name)!r}")
    assert isinstance(data, dict)
    return data


def page(answer: Answer) -> tuple[list[dict[str, Any]], int]:
    """A success envelope holding ``{"nodes": [Event...], "totalCount": N}``."""
    return _nodes(answer, event_shape_problem, "Event objects")


def _nodes(
    answer: Answer, shape_problem: Callable[[Any], str | None], what: str
) -> tuple[list[dict[str, Any]], int]:
    """``data.nodes`` and ``data.totalCount`` of a page, each node checked by ``shape_problem``."""
    data = success(answer)
    nodes = data.get("nodes") if isinstance(data, dict) else None
    total = data.get("totalCount") if isinstance(data, dict) else None
    if not isinstance(nodes, list) or not isinstance(total, int) or isinstance(total, bool):
        raise Difference('data {"nodes": [...], "totalCount": N}', answer.describe())
    for node in nodes:
        problem = shape_problem(node)
        if problem is not None:
            raise Difference(f"{what} in data.nodes", f"{problem}: {answer.describe()}")
    return nodes, total


def equal(what: str, expected: Any, actual: Any) -> None:
    """``actual == expected`` (numbers compared by value)."""
    if not same(actual, expected):
        raise Difference(f"{what} == {expected!r}", f"{what} == {actual!r}")


def same(actual: Any, expected: Any) -> bool:
    """Equality where 250 and 250.0 are the same number but True is not 1."""
    if isinstance(actual, bool) or isinstance(expected, bool):
        return actual is expected
    return bool(actual == expected)


def status(answer: Answer, wanted: int) -> None:
    """Just the status."""
    if answer.status != wanted:
        raise Difference(f"status {wanted}", answer.describe())
