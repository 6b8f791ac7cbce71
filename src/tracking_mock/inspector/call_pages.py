"""The inspector's view of the journal: filter and page calls, newest first (no HTTP here)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..call_filter import CallMatch
from ..errors import BadRequest
from ..journal import CallRecord
from ..render import iso_timestamp

PAGE_DEFAULT = 50
PAGE_MAX = 200
FILTERS = ("account", "method", "status", "path", "warning", "q")


@dataclass(frozen=True, slots=True)
class CallFilter:
    """What the inspector's filter bar asks for; every given field must match (AND).

    The method is ``CallMatch``'s; the path and status are looser here (a part of the path, a
    status class), as a search bar's are.
    """

    account: str | None = None
    method: str | None = None
    status: str | None = None
    """An exact status (``404``), a class (``4xx``) or ``pending``."""
    path: str | None = None
    """A part of the path."""
    warning: str | None = None
    """A warning code, or a prefix ending in ``-`` or ``*`` (``plan-``)."""
    q: str | None = None
    """Free text, case-insensitive, over the path, query, account, bodies and warnings."""

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> CallFilter:
        """A filter from query parameters; empty ones are ignored, a bad status is refused."""
        given = {name: params[name] for name in FILTERS if params.get(name)}
        status = given.get("status")
        if status is not None and not _status_test(status):
            raise BadRequest("status must be a code (404), a class (4xx) or pending")
        return cls(**given)

    def predicate(self) -> Callable[[CallRecord], bool]:
        """A test of one record against every given field."""
        status = _status_test(self.status) if self.status is not None else None
        method = CallMatch(method=self.method)
        text = self.q.lower() if self.q is not None else None

        def keep(record: CallRecord) -> bool:
            return (
                (self.account is None or record.account == self.account)
                and method(record)
                and (status is None or status(record))
                and (self.path is None or self.path in record.path)
                and (self.warning is None or _has_warning(record, self.warning))
                and (text is None or text in _text_of(record))
            )

        return keep


def _status_test(status: str) -> Callable[[CallRecord], bool] | None:
    text = status.strip().lower()
    if text == "pending":
        return lambda r: r.pending
    if len(text) == 3 and text[0].isdigit() and text[1:] == "xx":
        return lambda r: not r.pending and r.status // 100 == int(text[0])
    if text.isdigit():
        return lambda r: not r.pending and r.status == int(text)
    return None


def _has_warning(record: CallRecord, code: str) -> bool:
    if code.endswith(("-", "*")):
        prefix = code.rstrip("*")
        return any(w.code.startswith(prefix) for w in record.warnings)
    return any(w.code == code for w in record.warnings)


def _text_of(record: CallRecord) -> str:
    parts = [record.method, record.path, record.query, record.account or "", str(record.status)]
    for raw in (record.raw_body, record.raw_response):
        if raw:
            parts.append(raw.decode("utf-8", errors="replace"))
    parts.extend(f"{w.code} {w.message}" for w in record.warnings)
    return "\n".join(parts).lower()


def summary(record: CallRecord) -> dict[str, Any]:
    """One row of the calls list: no headers, no bodies."""
    return {
        "seq": record.seq,
        "receivedAt": iso_timestamp(int(record.time * 1_000_000)),
        "method": record.method,
        "path": record.path,
        "query": record.query,
        "status": record.status,
        "pending": record.pending,
        "durationMs": round(record.duration_ms, 3),
        "account": record.account,
        "warnings": [w.code for w in record.warnings],
        "fault": record.fault,
    }


def page(
    records: Sequence[CallRecord], wanted: CallFilter, limit: int, before: int | None
) -> dict[str, Any]:
    """Up to ``limit`` matching calls older than seq ``before``, newest first, with the count."""
    keep = wanted.predicate()
    matches = [r for r in reversed(records) if keep(r)]
    start = 0
    if before is not None:
        start = next((i for i, r in enumerate(matches) if r.seq < before), len(matches))
    shown = matches[start : start + limit]
    older = start + limit < len(matches)
    return {
        "nodes": [summary(r) for r in shown],
        "totalCount": len(matches),
        "offset": start,
        "nextBefore": shown[-1].seq if older and shown else None,
        "latestSeq": records[-1].seq if records else 0,
    }
