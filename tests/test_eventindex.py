"""Every listing answered from the filter index equals a full scan, whatever changed the store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from tracking_mock.models import (
    AccountSpec,
    Event,
    EventFields,
    ListQuery,
    MetadataValue,
    SeedEvent,
)
from tracking_mock.pagination import matches
from tracking_mock.store import Account, Store

from .budgets import examples

NAMES = ("A", "B", "C")
VALUES = (0, 1, 2.5, 100)
KEYS = ("k", "plan")
TEXTS = ("a", "b", "1", "2.5", "100")

metadata_values = st.one_of(
    st.sampled_from(TEXTS[:2]),
    st.sampled_from(VALUES),
    st.lists(st.sampled_from(TEXTS[:3]), max_size=3),
)
metadata = st.none() | st.dictionaries(st.sampled_from(KEYS), metadata_values, max_size=2)
event_fields = st.builds(
    EventFields,
    event_name=st.sampled_from(NAMES),
    value=st.sampled_from(VALUES),
    metadata=metadata,
    transaction_id=st.none() | st.sampled_from(("t1", "t2")),
)
queries = st.builds(
    ListQuery,
    limit=st.integers(1, 5),
    event_names=st.lists(st.sampled_from(NAMES), max_size=2).map(tuple),
    values=st.lists(st.sampled_from(VALUES).map(float), max_size=2).map(tuple),
    metadata=st.lists(st.tuples(st.sampled_from(KEYS), st.sampled_from(TEXTS)), max_size=2).map(
        tuple
    ),
)
INDEX_SETTINGS = settings(
    max_examples=examples(60),
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def scan(store: Store, query: ListQuery) -> list[Event]:
    """The reference answer: every stored event, newest first, kept by ``matches``."""
    return [e for e in store.events("acme") if matches(e, query)]


def walk(store: Store, account: Account, query: ListQuery) -> Iterator[tuple[list[Event], int]]:
    """Each page of ``query`` with its total, following cursors to the end."""
    cursor: str | None = None
    while True:
        page_query = ListQuery(query.limit, cursor, query.event_names, query.values, query.metadata)
        page = store.list_events(account, page_query)
        yield page.nodes, page.total_count
        if not page.nodes:
            return
        cursor = page.nodes[-1].id


def assert_index_equals_scan(store: Store, query: ListQuery) -> None:
    account = store.account("acme")
    expected = scan(store, query)
    listed: list[Event] = []
    for nodes, total in walk(store, account, query):
        assert total == len(expected)
        listed.extend(nodes)
    assert [e.id for e in listed] == [e.id for e in expected]


class IndexMachine(RuleBasedStateMachine):
    """Creates, updates, clock moves, seeds and resets, each followed by listings."""

    def __init__(self) -> None:
        super().__init__()
        seeded = SeedEvent(EventFields("A", 1, {"plan": "a"}), id="seeded", created_at=50.0)
        self.store = Store([AccountSpec("acme", ("sk_acme",), {}, {}, (seeded,))])
        self.account = self.store.account("acme")
        self.account.clock.freeze(1_000.0)

    @rule(fields=event_fields)
    def create(self, fields: EventFields) -> None:
        self.store.create_event(self.account, fields)

    @rule(fields=event_fields, pick=st.integers(0, 10_000))
    def update_by_id(self, fields: EventFields, pick: int) -> None:
        stored = self.store.events("acme")
        if stored:
            target = stored[pick % len(stored)].id
            self.store.update_event(
                self.account,
                EventFields(fields.event_name, fields.value, fields.metadata, id=target),
            )

    @rule(seconds=st.sampled_from((0.0, 0.5, 30.0)))
    def advance_clock(self, seconds: float) -> None:
        self.account.clock.advance(seconds)

    @rule(at=st.sampled_from((10.0, 500.0, 999.0, 2_000.0)))
    def freeze_clock(self, at: float) -> None:
        """Moves the clock back too, so new events land between stored ones."""
        self.account.clock.freeze(at)

    @rule(
        events=st.lists(
            st.tuples(event_fields, st.none() | st.sampled_from((0.0, 700.0, 5_000.0))),
            max_size=4,
        )
    )
    def merge(self, events: list[tuple[EventFields, float | None]]) -> None:
        seeds = tuple(SeedEvent(f, created_at=at) for f, at in events)
        self.store.merge_into("acme", AccountSpec("acme", (), {}, {}, seeds))

    @rule()
    def reset(self) -> None:
        self.store.reset("acme")
        self.account = self.store.account("acme")
        self.account.clock.freeze(1_000.0)

    @rule(query=queries)
    def list_events(self, query: ListQuery) -> None:
        assert_index_equals_scan(self.store, query)

    @invariant()
    def unfiltered_listing_is_everything(self) -> None:
        page = self.store.list_events(self.account, ListQuery(limit=100))
        assert page.total_count == len(self.store.events("acme"))


IndexMachine.TestCase.settings = INDEX_SETTINGS
test_index_answers_equal_a_full_scan_under_any_changes = IndexMachine.TestCase


@INDEX_SETTINGS
@given(
    events=st.lists(st.tuples(event_fields, st.integers(0, 5)), max_size=40),
    query=queries,
)
def test_bulk_seeded_index_equals_a_full_scan(
    events: list[tuple[EventFields, int]], query: ListQuery
) -> None:
    seeds = tuple(SeedEvent(f, created_at=float(at)) for f, at in events)
    store = Store([AccountSpec("acme", ("sk_acme",), {}, {}, seeds)])
    assert_index_equals_scan(store, query)


@pytest.mark.parametrize(
    ("stored", "wanted"),
    [
        pytest.param(["x", "x"], "x", id="an element listed twice"),
        pytest.param(100, "100", id="an integer's JSON"),
        pytest.param(2.5, "2.5", id="a float's JSON"),
    ],
)
def test_an_update_removes_every_text_of_the_old_value(stored: MetadataValue, wanted: str) -> None:
    store = Store([AccountSpec("acme", ("sk_acme",), {}, {})])
    account = store.account("acme")
    created = store.create_event(account, EventFields("A", 1, {"k": stored}))
    query = ListQuery(metadata=(("k", wanted),))
    assert store.list_events(account, query).total_count == 1
    store.update_event(account, EventFields("A", 1, {"k": "other"}, id=created.id))
    assert store.list_events(account, query).total_count == 0
    assert_index_equals_scan(store, query)
