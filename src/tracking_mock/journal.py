"""A bounded record of every call the API received, for tests and the admin surface."""

from __future__ import annotations

import itertools
import threading
from collections import deque
from typing import Any, NamedTuple

from .call_json import call_json
from .models import ContractWarning
from .recording import bounded, readable, shown_headers


class UpstreamCall(NamedTuple):
    """A proxied call (``--upstream``): what the mock would have answered, and the drift."""

    url: str
    mock_status: int
    raw_mock_response: bytes
    mock_response_truncated: bool
    drift: tuple[str, ...]
    """Differences in status, error message or body shape; empty when the answers agree."""

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "mockStatus": self.mock_status,
            "mockResponse": readable(self.raw_mock_response, self.mock_response_truncated),
            "mockResponseTruncated": self.mock_response_truncated,
            "drift": list(self.drift),
        }


class CallRecord(NamedTuple):
    """One call: what came in, what went out, whose it was and what it was warned about.

    An immutable record like the others, but a NamedTuple: one is built for every call, and it
    costs a third of a frozen dataclass to build.
    """

    seq: int
    time: float
    method: str
    path: str
    query: str
    raw_headers: tuple[tuple[bytes, bytes], ...]
    raw_body: bytes | None
    body_truncated: bool
    status: int
    raw_response: bytes
    response_truncated: bool
    account: str | None
    warnings: tuple[ContractWarning, ...]
    fault: str | None
    duration_ms: float
    reason: str | None = None
    """Why the call was refused (401/403), for the reader: never part of the answer."""
    upstream: UpstreamCall | None = None
    """Set when the call was forwarded (``--upstream``); the status and response are upstream's."""
    pending: bool = False
    """Still being answered: journaled on arrival, completed in place (status 0 until then)."""

    @property
    def headers(self) -> dict[str, str]:
        """Request headers, lower-cased, every credential (``Authorization``, ...) redacted."""
        return shown_headers(self.raw_headers)

    @property
    def body(self) -> Any:
        """The request body parsed as JSON, else its text (always text when truncated)."""
        return readable(self.raw_body, self.body_truncated)

    @property
    def response(self) -> Any:
        """The response body parsed as JSON, else its text."""
        return readable(self.raw_response, self.response_truncated)

    def to_json(self) -> dict[str, Any]:
        """The call as ``GET /_mock/calls`` renders it (the shape is ``call_json``'s)."""
        return call_json(self)


class Journal:
    """A ring buffer of ``CallRecord``; the oldest calls go first once it is full.

    Full means ``size`` records or ``max_bytes`` bytes, whichever comes first; each field of a
    record is cut to ``body_bytes`` on the way in (see ``recording``).
    """

    def __init__(self, size: int, body_bytes: int, max_bytes: int) -> None:
        self.size = size
        self.body_bytes = body_bytes
        self.max_bytes = max_bytes
        self._records: deque[CallRecord] = deque()
        self._sizes: deque[int] = deque()
        self._bytes = 0
        self._sequence = itertools.count(1)
        self._lock = threading.Lock()
        self.version = 0
        """Goes up on every change, so a watcher can tell the journal changed."""

    def next_seq(self) -> int:
        return next(self._sequence)

    def clip(self, body: bytes) -> tuple[bytes, bool]:
        """A body as the journal keeps it, and whether it was cut."""
        if len(body) > self.body_bytes:
            return body[: self.body_bytes], True
        return body, False

    def add(self, record: CallRecord) -> None:
        record, size = bounded(record, self.body_bytes)
        with self._lock:
            self.version += 1
            self._append(record, size)

    def complete(self, pending: CallRecord, record: CallRecord) -> None:
        """Put ``record`` where ``pending`` is (an update or the answer of a call in flight)."""
        with self._lock:
            self.version += 1
            records, seq = self._records, pending.seq
            # Newest first: a call in flight is almost always the latest, or among the latest.
            for index in range(len(records) - 1, -1, -1):
                kept = records[index]
                if kept.seq != seq:
                    continue
                if (
                    record.raw_headers is kept.raw_headers
                    and record.path is kept.path
                    and record.query is kept.query
                ):
                    # Hot path: the same (already bounded) head, only the bodies differ, and
                    # the size is linear in them (see ``recording.bounded``).
                    size = (
                        self._sizes[index]
                        - len(kept.raw_body or b"")
                        - len(kept.raw_response)
                        + len(record.raw_body or b"")
                        + len(record.raw_response)
                    )
                else:
                    record, size = bounded(record, self.body_bytes)
                records[index] = record
                self._bytes += size - self._sizes[index]
                self._sizes[index] = size
                if self._bytes > self.max_bytes:
                    self._evict()
                return
            # Cleared or pushed out while in flight: kept as a new call, as it was answered.
            record, size = bounded(record, self.body_bytes)
            self._append(record, size)

    def _append(self, record: CallRecord, size: int) -> None:
        self._records.append(record)
        self._sizes.append(size)
        self._bytes += size
        if len(self._records) > self.size or self._bytes > self.max_bytes:
            self._evict()

    def _evict(self) -> None:
        while len(self._records) > self.size or self._bytes > self.max_bytes:
            self._records.popleft()
            self._bytes -= self._sizes.popleft()

    @property
    def bytes(self) -> int:
        """What the kept records cost, as the ``max_bytes`` budget counts it."""
        return self._bytes

    def records(self, account: str | None = None) -> list[CallRecord]:
        """The kept calls, oldest first, optionally only one account's."""
        with self._lock:
            records = list(self._records)
        if account is None:
            return records
        return [r for r in records if r.account == account]

    def clear(self, account: str | None = None) -> None:
        """Forget every call, or only one account's."""
        with self._lock:
            self.version += 1
            if account is None:
                kept = []
            else:
                kept = [
                    (r, n)
                    for r, n in zip(self._records, self._sizes, strict=True)
                    if r.account != account
                ]
            self._records = deque(r for r, _ in kept)
            self._sizes = deque(n for _, n in kept)
            self._bytes = sum(self._sizes)
