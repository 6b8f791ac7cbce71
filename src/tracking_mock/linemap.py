"""Mappings that remember the source line of each key: the YAML loader builds them, the rules
that check what it loaded (accounts, plans) read them to name the line in their errors."""

from __future__ import annotations

from typing import Any


class LineMap(dict[Any, Any]):
    """A mapping that remembers its own line and the line of each key."""

    line = 0
    key_lines: dict[Any, int]


def line_of(mapping: object, key: object = None) -> int | None:
    """The line of ``key`` in a loaded mapping (of the mapping itself without one), if known."""
    if isinstance(mapping, LineMap):
        return mapping.key_lines.get(key, mapping.line) if key is not None else mapping.line
    return None


def at_line(mapping: object, key: object = None) -> str:
    """``"line N: "`` for a known line, else nothing: the start of an error message."""
    line = line_of(mapping, key)
    return f"line {line}: " if line is not None else ""
