"""The journal's byte accounting when a pending call is completed in place."""

from __future__ import annotations

import pytest

from tracking_mock.journal import CallRecord, Journal
from tracking_mock.recording import bounded

LIMIT = 64


def _pending(
    seq: int, path: str, query: str, headers: tuple[tuple[bytes, bytes], ...]
) -> CallRecord:
    return CallRecord(
        seq=seq,
        time=0.0,
        method="POST",
        path=path,
        query=query,
        raw_headers=headers,
        raw_body=None,
        body_truncated=False,
        status=0,
        raw_response=b"",
        response_truncated=False,
        account=None,
        warnings=(),
        fault=None,
        duration_ms=0.0,
        pending=True,
    )


def _answered(pending: CallRecord, body: bytes, response: bytes) -> CallRecord:
    return pending._replace(
        raw_body=body, raw_response=response, status=200, account="a", pending=False
    )


HEADS = {
    "short head (kept as is)": ("/tracking/events", "limit=5", ((b"host", b"127.0.0.1"),)),
    "long query (cut)": ("/tracking/events", "q=" + "x" * 200, ((b"host", b"127.0.0.1"),)),
    "long headers (cut)": ("/tracking/events", "", ((b"x-long", b"v" * 300), (b"host", b"h"))),
    "long path (cut)": ("/" + "p" * 200, "", ()),
}


@pytest.mark.parametrize(("path", "query", "headers"), HEADS.values(), ids=HEADS.keys())
def test_completing_a_call_counts_the_bytes_a_fresh_bound_would(
    path: str, query: str, headers: tuple[tuple[bytes, bytes], ...]
) -> None:
    journal = Journal(size=10, body_bytes=LIMIT, max_bytes=10**6)
    pending = _pending(1, path, query, headers)
    journal.add(pending)
    answered = _answered(pending, b'{"a": 1}', b'{"success": true}')
    journal.complete(pending, answered)
    expected_record, expected_size = bounded(answered, LIMIT)
    assert journal.records() == [expected_record]
    assert journal.bytes == expected_size


def test_completing_a_call_in_place_keeps_the_other_records_sizes() -> None:
    journal = Journal(size=10, body_bytes=LIMIT, max_bytes=10**6)
    head = ("/tracking/events", "", ((b"host", b"127.0.0.1"),))
    first, second = _pending(1, *head), _pending(2, *head)
    journal.add(first)
    journal.add(second)
    journal.complete(first, _answered(first, b"b" * 10, b"r" * 20))
    journal.complete(second, _answered(second, b"", b"r" * 5))
    sizes = [bounded(record, LIMIT)[1] for record in journal.records()]
    assert [r.seq for r in journal.records()] == [1, 2]
    assert journal.bytes == sum(sizes)


def test_a_completed_call_past_the_byte_budget_evicts_the_oldest() -> None:
    head = ("/tracking/events", "", ((b"host", b"127.0.0.1"),))
    size_of_pending = bounded(_pending(1, *head), LIMIT)[1]
    journal = Journal(size=10, body_bytes=LIMIT, max_bytes=2 * size_of_pending + 40)
    first, second = _pending(1, *head), _pending(2, *head)
    journal.add(first)
    journal.add(second)
    journal.complete(second, _answered(second, b"", b"r" * 60))
    assert [r.seq for r in journal.records()] == [2]
    assert journal.bytes == bounded(journal.records()[0], LIMIT)[1]
