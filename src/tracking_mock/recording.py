"""What the journal keeps of a call: bounded in bytes, credentials redacted, always renderable.

Whatever a client sends ends up in the journal, and from there in ``/_mock/calls``, the
plugin's ``calls``, its failure report and the inspector. Everything that makes a record safe
for all of them lives here, applied once when a call is recorded (bounds) or read (rendering).
"""

from __future__ import annotations

import json
import re
from itertools import chain
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from .journal import CallRecord

REDACTED = "[redacted]"
CUT_MARK = "…"
"""Appended to a path, query or header value the journal cut short."""
CUT_HEADER = b"tracking-mock-cut"
"""Stands in for the headers dropped from a record once its header budget is spent."""
MAX_JSON_DEPTH = 32
"""Bodies nested deeper than this are shown as their text: every reader can print them."""
RECORD_OVERHEAD = 256
"""Bytes a record costs beyond its variable fields, for the journal's total budget."""

# Credential-bearing headers: these by name, and any whose name contains one of the words.
_CREDENTIAL_NAMES = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
_CREDENTIAL_WORDS = ("auth", "token", "key", "secret", "password", "session", "signature")
_SCHEMES = frozenset({"bearer", "basic", "digest", "token", "negotiate"})
_SCHEME_RE = re.compile(r"([A-Za-z]+) +\S")


def is_credential(name: str) -> bool:
    """Whether a (lower-case) header name carries a credential, so the journal hides its value."""
    return name in _CREDENTIAL_NAMES or any(word in name for word in _CREDENTIAL_WORDS)


def redact(value: str) -> str:
    """A credential header's value as the journal shows it: a known scheme word, never the rest.

    ``Bearer sk_x`` becomes ``Bearer [redacted]``; anything else (``sk_x y``, a cookie, a bare
    key) becomes ``[redacted]``, so no part of a malformed header can leak a key.
    """
    match = _SCHEME_RE.match(value.strip())
    if match is not None and match.group(1).lower() in _SCHEMES:
        return f"{match.group(1)} {REDACTED}"
    return REDACTED


def shown_headers(raw_headers: tuple[tuple[bytes, bytes], ...]) -> dict[str, str]:
    """Request headers, lower-cased, every credential redacted."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in raw_headers:
        name = raw_name.decode("latin-1").lower()
        value = raw_value.decode("latin-1")
        headers[name] = redact(value) if is_credential(name) else value
    return headers


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    number = float(text)
    if number in (float("inf"), float("-inf")):
        raise ValueError("a number out of range")
    return number


def _shallow(value: Any, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        if isinstance(item, dict | list):
            if depth > limit:
                return False
            stack.extend((child, depth + 1) for child in children)
    return True


def readable(raw: bytes | None, truncated: bool) -> Any:
    """A body as readers see it: the parsed JSON when it re-encodes faithfully, else its text.

    Text is decoded with replacement characters, so it never holds a lone surrogate; JSON is
    kept only if it holds no lone surrogate, no integer beyond 64 bits, no out-of-range float
    and no nesting past ``MAX_JSON_DEPTH`` (``json`` in the plugin, orjson on the admin
    surface and ``repr`` in a failure report all handle what is left).
    """
    if not raw:
        return None
    text = raw.decode("utf-8", errors="replace")
    if truncated:
        return text
    try:
        value = json.loads(raw, parse_constant=_refuse_constant, parse_float=_finite_float)
        if not _shallow(value, MAX_JSON_DEPTH):
            return text
        orjson.dumps(value)  # refuses lone surrogates and integers beyond 64 bits
    except (ValueError, RecursionError, TypeError, orjson.JSONEncodeError):
        return text
    return value


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + CUT_MARK


def _cut_headers(
    raw_headers: tuple[tuple[bytes, bytes], ...], limit: int
) -> tuple[tuple[bytes, bytes], ...]:
    kept: list[tuple[bytes, bytes]] = []
    budget = limit
    for index, (name, value) in enumerate(raw_headers):
        if budget <= len(name):
            dropped = len(raw_headers) - index
            kept.append((CUT_HEADER, f"{dropped} more headers".encode()))
            break
        budget -= len(name)
        if len(value) > budget:
            value = value[:budget] + CUT_MARK.encode("utf-8")
        budget -= len(value)
        kept.append((name, value))
    return tuple(kept)


def bounded(record: CallRecord, limit: int) -> tuple[CallRecord, int]:
    """``record`` with its path, query and headers cut to ``limit`` bytes each, and its size.

    Bodies are cut before (``Journal.clip``); this is the last stop before the journal.
    """
    header_bytes = sum(map(len, chain.from_iterable(record.raw_headers)))  # hot path: no genexpr
    if header_bytes > limit or len(record.query) > limit or len(record.path) > limit:
        record = record._replace(
            path=_cut(record.path, limit),
            query=_cut(record.query, limit),
            raw_headers=_cut_headers(record.raw_headers, limit)
            if header_bytes > limit
            else record.raw_headers,
        )
        header_bytes = min(header_bytes, limit + 64)
    size = (
        RECORD_OVERHEAD
        + header_bytes
        + len(record.path)
        + len(record.query)
        + len(record.raw_body or b"")
        + len(record.raw_response)
    )
    return record, size
