"""One account's events and the indexes that keep listing cheap at any size.

Not thread-safe on its own: ``Store`` holds the lock around every call.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable, Sequence

from . import pagination
from .errors import BadRequest
from .models import Event, ListQuery, Page

_COUNT_CACHE_SIZE = 64
"""Filtered totals kept per log; each new event is matched against every one of them."""
_EMPTY: list[Event] = []


def _insert(events: list[Event], event: Event) -> None:
    # A new event is nearly always the newest (orders grow with the clock and a sequence),
    # so appending is the common case; insort only when it is not.
    if not events or events[-1].order <= event.order:
        events.append(event)
    else:
        insort(events, event, key=pagination.ORDER)


class EventLog:
    """Events sorted by ``order``, indexed by id, by name and by transaction id."""

    def __init__(self) -> None:
        self._all: list[Event] = []
        self._by_id: dict[str, Event] = {}
        self._by_name: dict[str, list[Event]] = {}
        self._by_transaction: dict[str, Event] = {}
        # totalCount of a filtered listing is one walk of the filter's candidates; following
        # a cursor repeats the same filter, so the count is kept. A new event updates the
        # kept counts (one match each) instead of dropping them, or every listing after a POST
        # would walk again; other changes drop them (``_version``).
        self._version = 0
        self._counts: dict[tuple[object, ...], tuple[int, ListQuery, int]] = {}

    def __len__(self) -> int:
        return len(self._all)

    def __contains__(self, event_id: object) -> bool:
        return event_id in self._by_id

    def get(self, event_id: str) -> Event | None:
        return self._by_id.get(event_id)

    def newest_with_transaction(self, transaction_id: str) -> Event | None:
        return self._by_transaction.get(transaction_id)

    def newest_first(self) -> list[Event]:
        return self._all[::-1]

    def add(self, event: Event) -> None:
        """Store a new event (its id must be new to this log)."""
        self._by_id[event.id] = event
        _insert(self._all, event)
        _insert(self._by_name.setdefault(event.event_name, []), event)
        self._index_transaction(event)
        self._count_new(event)

    def add_many(self, events: Iterable[Event]) -> None:
        """Store many new events at once (one sort instead of one insertion each)."""
        self._version += 1
        for event in events:
            self._by_id[event.id] = event
            self._all.append(event)
            self._by_name.setdefault(event.event_name, []).append(event)
        self._all.sort(key=pagination.ORDER)
        for events_of_name in self._by_name.values():
            events_of_name.sort(key=pagination.ORDER)
        for event in self._all:
            self._index_transaction(event)

    def replace(self, old: Event, new: Event) -> None:
        """Swap ``old`` for ``new``, which keeps its id and order."""
        self._version += 1
        self._by_id[new.id] = new
        self._all[self._position(self._all, old)] = new
        if old.event_name == new.event_name:
            named = self._by_name[old.event_name]
            named[self._position(named, old)] = new
        else:
            named = self._by_name[old.event_name]
            del named[self._position(named, old)]
            if not named:
                del self._by_name[old.event_name]
            insort(self._by_name.setdefault(new.event_name, []), new, key=pagination.ORDER)
        old_txn = old.transaction_id
        if old_txn is not None and self._by_transaction.get(old_txn) is old:
            del self._by_transaction[old_txn]
            if new.transaction_id != old_txn:
                self._reindex_transaction(old_txn)
        self._index_transaction(new)

    def query(self, query: ListQuery) -> Page:
        """One page of ``query`` and its total count."""
        before: int | None = None
        if query.starting_after is not None:
            cursor = self._by_id.get(query.starting_after)
            if cursor is None:
                raise BadRequest("startingAfter is not the id of one of your events")
            before = cursor.order
        sources: Sequence[Sequence[Event]] = (
            [self._by_name.get(name, _EMPTY) for name in query.event_names]
            if query.event_names
            else [self._all]
        )
        nodes = pagination.page(sources, query, before)
        return Page(nodes=nodes, total_count=self._count(sources, query))

    def _count(self, sources: Sequence[Sequence[Event]], query: ListQuery) -> int:
        if not pagination.needs_scan(query):
            return pagination.count(sources, query)
        key = query.filter_key
        cached = self._counts.get(key)
        if cached is not None and cached[0] == self._version:
            return cached[2]
        total = pagination.count(sources, query)
        if len(self._counts) >= _COUNT_CACHE_SIZE:
            self._counts.clear()
        self._counts[key] = (self._version, query, total)
        return total

    def _count_new(self, event: Event) -> None:
        """Add ``event`` to each kept total whose filter it matches."""
        for key, (version, query, total) in list(self._counts.items()):
            if version != self._version:
                continue
            names = query.event_names
            if (not names or event.event_name in names) and pagination.matches(event, query):
                self._counts[key] = (version, query, total + 1)

    @staticmethod
    def _position(events: list[Event], event: Event) -> int:
        index = bisect_left(events, event.order, key=pagination.ORDER)
        if index == len(events) or events[index].id != event.id:
            raise LookupError(f"event {event.id} is not where its order says")
        return index

    def _index_transaction(self, event: Event) -> None:
        txn = event.transaction_id
        if txn is None:
            return
        current = self._by_transaction.get(txn)
        if current is None or current.order <= event.order:
            self._by_transaction[txn] = event

    def _reindex_transaction(self, transaction_id: str) -> None:
        # Rare: the newest event with this transaction id moved to another one.
        for event in reversed(self._all):
            if event.transaction_id == transaction_id:
                self._by_transaction[transaction_id] = event
                return
