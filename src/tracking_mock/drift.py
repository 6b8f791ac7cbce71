"""Differences between the upstream's answer and the mock's: status, error message, body shape.

Values are not compared (ids, times and counts differ between two servers by nature); shapes
are: which keys an object has and what type each value is. ``null`` fits any type, since an
optional field is null in one event and set in the next.
"""

from __future__ import annotations

from typing import Any

MAX_DIFFERENCES = 10


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _shape(upstream: Any, mock: Any, where: str, found: list[str]) -> None:
    if len(found) >= MAX_DIFFERENCES or upstream is None or mock is None:
        return
    kinds = _kind(upstream), _kind(mock)
    if kinds[0] != kinds[1]:
        found.append(f"{where or 'body'}: upstream {kinds[0]}, mock {kinds[1]}")
        return
    if isinstance(upstream, dict):
        for key in sorted(upstream.keys() - mock.keys()):
            found.append(f"{where}.{key}: only upstream has it".lstrip("."))
        for key in sorted(mock.keys() - upstream.keys()):
            found.append(f"{where}.{key}: only the mock has it".lstrip("."))
        for key in sorted(upstream.keys() & mock.keys()):
            _shape(upstream[key], mock[key], f"{where}.{key}".lstrip("."), found)
    elif isinstance(upstream, list) and upstream and mock:
        _shape(upstream[0], mock[0], f"{where}[]", found)


def differences(
    upstream_status: int, upstream_body: Any, mock_status: int, mock_body: Any
) -> list[str]:
    """What a client would notice, each as one short line; empty when the answers agree."""
    found: list[str] = []
    if upstream_status != mock_status:
        found.append(f"status: upstream {upstream_status}, mock {mock_status}")
    upstream_error = upstream_body.get("error") if isinstance(upstream_body, dict) else None
    mock_error = mock_body.get("error") if isinstance(mock_body, dict) else None
    if upstream_error != mock_error and (upstream_error or mock_error):
        found.append(f"error: upstream {upstream_error!r}, mock {mock_error!r}")
    if upstream_status == mock_status:
        _shape(upstream_body, mock_body, "", found)
    return found[:MAX_DIFFERENCES]
