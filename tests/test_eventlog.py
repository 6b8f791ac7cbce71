"""Event storage, indexes and cursor paging, tested without HTTP."""

from __future__ import annotations

import itertools

import pytest

from tracking_mock.errors import BadRequest
from tracking_mock.eventlog import EventLog
from tracking_mock.models import SEQ_BITS, Event, ListQuery

_seq = itertools.count(1)


def make_event(
    name: str = "A",
    *,
    created: int = 0,
    value: float = 1,
    metadata: dict[str, object] | None = None,
    txn: str | None = None,
    event_id: str | None = None,
) -> Event:
    seq = next(_seq)
    return Event(
        id=event_id or f"e{seq}",
        order=(created << SEQ_BITS) | seq,
        created_at=f"t{created}",
        event_name=name,
        value=value,
        metadata=metadata,  # type: ignore[arg-type]
        transaction_id=txn,
        currency=None,
        user_id=None,
        coupon=None,
        campaign_id=None,
        metric_id=None,
    )


def ids(events: list[Event]) -> list[str]:
    return [e.id for e in events]


def walk(log: EventLog, query: ListQuery) -> list[str]:
    """Follow cursors from the first page to the last."""
    seen: list[str] = []
    cursor = None
    while True:
        page = log.query(
            ListQuery(query.limit, cursor, query.event_names, query.values, query.metadata)
        )
        if not page.nodes:
            return seen
        seen.extend(ids(page.nodes))
        cursor = page.nodes[-1].id


def test_newest_first_with_ties_broken_by_insertion() -> None:
    log = EventLog()
    first, second, older = make_event(created=5), make_event(created=5), make_event(created=1)
    for event in (first, second, older):
        log.add(event)
    assert ids(log.query(ListQuery()).nodes) == [second.id, first.id, older.id]


def test_bulk_and_single_insertion_give_the_same_order() -> None:
    events = [make_event(created=c) for c in (3, 1, 2, 3, 0)]
    one, many = EventLog(), EventLog()
    for event in events:
        one.add(event)
    many.add_many(events)
    assert ids(one.newest_first()) == ids(many.newest_first())


def test_cursor_walk_returns_every_event_once() -> None:
    log = EventLog()
    log.add_many(make_event(created=i % 4) for i in range(53))
    walked = walk(log, ListQuery(limit=7))
    assert len(walked) == 53
    assert walked == ids(log.newest_first())


def test_cursor_walk_neither_skips_nor_repeats_while_events_arrive() -> None:
    log = EventLog()
    log.add_many(make_event(created=10) for _ in range(30))
    original = set(ids(log.newest_first()))
    page = log.query(ListQuery(limit=10))
    seen = ids(page.nodes)
    while page.nodes:
        log.add(make_event(created=10))  # same timestamp: only insertion order separates them
        page = log.query(ListQuery(limit=10, starting_after=page.nodes[-1].id))
        seen.extend(ids(page.nodes))
    assert len(seen) == len(set(seen)) == 30
    assert set(seen) == original


def test_filters_and_total_count() -> None:
    pro = make_event("A", value=250, metadata={"plan": "pro"})
    listed = make_event("A", value=250.0, metadata={"plan": ["free", "pro"]})
    other_name = make_event("B", value=250, metadata={"plan": "pro"})
    other_value = make_event("A", value=3, metadata={"plan": "pro"})
    no_metadata = make_event("A", value=250)
    log = EventLog()
    log.add_many([pro, listed, other_name, other_value, no_metadata])
    query = ListQuery(limit=1, event_names=("A",), values=(250,), metadata=(("plan", "pro"),))
    page = log.query(query)
    assert page.total_count == 2
    assert ids(page.nodes) == [listed.id]
    assert walk(log, query) == [listed.id, pro.id]


def test_several_event_names_merge_in_newest_first_order() -> None:
    log = EventLog()
    log.add_many(make_event(name, created=c) for c, name in enumerate("ABCABCAB"))
    walked = walk(log, ListQuery(limit=2, event_names=("A", "B")))
    expected = [e.id for e in log.newest_first() if e.event_name in "AB"]
    assert walked == expected
    assert log.query(ListQuery(event_names=("A", "B"))).total_count == 6


@pytest.mark.parametrize(
    ("stored", "wanted", "hit"),
    [
        (100, "100", True),
        (100.5, "100.5", True),
        (100, "100.0", False),
        ("x", "x", True),
        ("x", "X", False),
        (["a", "b"], "b", True),
        ([], "", False),
        ("", "", True),
    ],
)
def test_metadata_filter_compares_text(stored: object, wanted: str, hit: bool) -> None:
    log = EventLog()
    log.add(make_event(metadata={"k": stored}))
    assert log.query(ListQuery(metadata=(("k", wanted),))).total_count == int(hit)


def test_repeated_metadata_filters_on_one_key_must_all_hold() -> None:
    log = EventLog()
    log.add_many([make_event(metadata={"k": ["a", "b"]}), make_event(metadata={"k": "a"})])
    assert log.query(ListQuery(metadata=(("k", "a"), ("k", "b")))).total_count == 1


def test_unknown_cursor_is_refused() -> None:
    log = EventLog()
    log.add(make_event())
    with pytest.raises(BadRequest, match="startingAfter is not the id of one of your events"):
        log.query(ListQuery(starting_after="nope"))


def test_filtered_count_follows_changes() -> None:
    log = EventLog()
    query = ListQuery(metadata=(("k", "v"),))
    log.add(make_event(metadata={"k": "v"}))
    assert log.query(query).total_count == 1
    log.add(make_event(metadata={"k": "v"}))
    assert log.query(query).total_count == 2


def test_replace_keeps_position_and_moves_between_name_indexes() -> None:
    log = EventLog()
    old = make_event("A", created=5, txn="t1")
    log.add_many([make_event("A", created=1), old, make_event("A", created=9)])
    new = make_event("B", txn="t2", event_id=old.id)
    new = Event(**{**{f: getattr(new, f) for f in Event.__slots__}, "order": old.order})
    log.replace(old, new)
    assert ids(log.newest_first())[1] == old.id
    assert log.query(ListQuery(event_names=("A",))).total_count == 2
    assert ids(log.query(ListQuery(event_names=("B",))).nodes) == [old.id]
    assert log.newest_with_transaction("t1") is None
    assert log.newest_with_transaction("t2") is new


def test_transaction_index_falls_back_to_the_next_newest() -> None:
    log = EventLog()
    older, newer = make_event(created=1, txn="t"), make_event(created=2, txn="t")
    log.add_many([older, newer])
    assert log.newest_with_transaction("t") is newer
    moved = Event(**{**{f: getattr(newer, f) for f in Event.__slots__}, "transaction_id": "u"})
    log.replace(newer, moved)
    assert log.newest_with_transaction("t") is older
