"""The report section a failed test gets: its last calls, trimmed to a readable size."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .assertions import call_line
from .calls import Call

SECTION_TITLE = "tracking-mock calls"
LAST_CALLS = 10
BODY_CHARS = 300
SECTION_CHARS = 6000


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= BODY_CHARS else text[:BODY_CHARS] + f"... ({len(text)} chars)"


def format_calls(calls: Sequence[Call], account: str) -> str:
    """The last ``LAST_CALLS`` calls of ``account`` with bodies, answers and warnings."""
    if not calls:
        return f"account {account}: no calls"
    shown = calls[-LAST_CALLS:]
    lines = [f"account {account}: last {len(shown)} of {len(calls)} calls, oldest first"]
    for call in shown:
        lines.append(f"{call_line(call)} ({call.duration_ms:.1f} ms)")
        if call.body is not None:
            lines.append(f"    body:     {_short(call.body)}")
        if call.response not in (None, ""):
            lines.append(f"    response: {_short(call.response)}")
        if call.reason is not None:
            lines.append(f"    reason:   {call.reason}")
        lines.extend(
            f"    {'note:    ' if w.note else 'warning: '} [{w.code}] {w.message}"
            for w in call.warnings
        )
    text = "\n".join(lines)
    if len(text) > SECTION_CHARS:
        text = "...\n" + text[-SECTION_CHARS:]
    return text
