"""A page read through windows near the cursor equals the tail of the full intersection.

``newest_before`` starts with a window sized by an estimate and widens it; whatever the
estimate, the layout of the matches or the cursor, it must return what slicing the whole
intersection would. The store-level tests use logs large enough to need several windows.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyroaring import BitMap

from tracking_mock.eventindex import count_shared, newest_before
from tracking_mock.models import AccountSpec, EventFields, ListQuery, SeedEvent
from tracking_mock.pagination import matches
from tracking_mock.store import Store

from .budgets import examples

SPAN = 200_000
"""Positions drawn below this: several roaring containers (65,536 positions each)."""

position_sets = st.lists(
    st.one_of(
        st.sets(st.integers(0, SPAN - 1), max_size=300),
        st.builds(
            lambda start, step: set(range(start, SPAN, step)), st.integers(0, 99), st.integers(1, 7)
        ),
    ),
    min_size=1,
    max_size=3,
)


def expected_page(sets: list[set[int]], end: int, limit: int) -> list[int]:
    shared = sorted(p for p in set.intersection(*sets) if p < end)
    return shared[::-1][:limit]


@settings(max_examples=examples(200), deadline=None)
@given(
    sets=position_sets,
    end=st.integers(0, SPAN + 10),
    limit=st.integers(1, 100),
    density=st.floats(1e-7, 1.0),
)
def test_a_windowed_page_equals_the_tail_of_the_whole_intersection(
    sets: list[set[int]], end: int, limit: int, density: float
) -> None:
    bitmaps = sorted((BitMap(s) for s in sets), key=len)
    assert newest_before(bitmaps, end, limit, density) == expected_page(sets, end, limit)
    assert count_shared(bitmaps) == len(set.intersection(*sets))


@pytest.mark.parametrize(
    ("end", "limit", "expected"),
    [
        pytest.param(0, 5, [], id="a cursor at the oldest position"),
        pytest.param(1, 5, [0], id="only the oldest position before the cursor"),
        pytest.param(100_000, 3, [99_999, 99_998, 99_997], id="the positions just below"),
        pytest.param(65_537, 2, [65_536, 65_535], id="across a container boundary"),
        pytest.param(SPAN, 1, [SPAN - 1], id="the newest"),
    ],
)
def test_a_windowed_page_at_the_boundaries(end: int, limit: int, expected: list[int]) -> None:
    everything = BitMap(range(SPAN))
    assert newest_before([everything], end, limit, 1.0) == expected


def test_a_page_of_matches_far_below_the_cursor_widens_its_window_until_full() -> None:
    old = BitMap(range(10, 30))
    assert newest_before([old], SPAN, 50, 0.5) == list(range(29, 9, -1))


LOG_SIZE = 20_000
"""Events in the log: enough that most filters skip building their intersection."""


@pytest.fixture(scope="module")
def clustered() -> Store:
    """Purchases only among the oldest 6,000 events, so the windows near a cursor come up
    empty; every 3rd event on the 'pro' plan, every 50th on 'team'."""
    seeds = tuple(
        SeedEvent(
            EventFields(
                "Purchase" if i < 6_000 else "PageView",
                i % 3,
                {"plan": "team" if i % 50 == 0 else "pro" if i % 3 == 0 else "free"},
            ),
            id=f"evt_{i:05d}",
            created_at=float(i),
        )
        for i in range(LOG_SIZE)
    )
    return Store([AccountSpec("acme", ("sk_acme",), {}, {}, seeds)])


@pytest.mark.parametrize(
    "query",
    [
        pytest.param(ListQuery(limit=10, event_names=("Purchase",)), id="one filter"),
        pytest.param(
            ListQuery(limit=10, event_names=("Purchase",), metadata=(("plan", "pro"),)),
            id="two filters",
        ),
        pytest.param(
            ListQuery(
                limit=7, event_names=("Purchase",), values=(1.0, 2.0), metadata=(("plan", "pro"),)
            ),
            id="three filters, one an OR",
        ),
        pytest.param(ListQuery(limit=100, metadata=(("plan", "pro"),)), id="spread out"),
        pytest.param(ListQuery(limit=30, metadata=(("plan", "team"),)), id="small, built whole"),
    ],
)
@pytest.mark.parametrize(
    "cursor", [None, "evt_19999", "evt_06000", "evt_05990", "evt_00007", "evt_00000"]
)
def test_listings_of_a_large_log_equal_a_full_scan(
    clustered: Store, query: ListQuery, cursor: str | None
) -> None:
    account = clustered.account("acme")
    newest_first = clustered.events("acme")
    expected = [e.id for e in newest_first if matches(e, query)]
    older = newest_first
    if cursor is not None:
        older = newest_first[[e.id for e in newest_first].index(cursor) + 1 :]
    wanted = [e.id for e in older if matches(e, query)][: query.limit]
    cursor_query = ListQuery(query.limit, cursor, query.event_names, query.values, query.metadata)
    page = clustered.list_events(account, cursor_query)
    assert page.total_count == len(expected)
    assert [e.id for e in page.nodes] == wanted
