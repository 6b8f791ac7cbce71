"""One account's events, their lookup tables, and the filter index that keeps listing cheap.

Not thread-safe on its own: ``Store`` holds the lock around every call.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from . import pagination
from .errors import BadRequest
from .eventindex import FilterIndex
from .models import Event, ListQuery, Page


class EventLog:
    """Events sorted by ``order``, indexed by id, by transaction id and by every filter term.

    The filter index addresses events by their position in that order. A new event is
    nearly always the newest (orders grow with the clock and a sequence) and takes the next
    position; one stored older than the newest (a clock frozen in the past, a fixture's
    ``createdAt``) shifts the positions after it, so the index is rebuilt, in one pass,
    before the next filtered listing.
    """

    def __init__(self) -> None:
        self._all: list[Event] = []
        self._orders: list[int] = []
        """``_all``'s orders: a cursor is found by bisecting ints, not calling a key per step."""
        self._by_id: dict[str, Event] = {}
        self._by_transaction: dict[str, Event] = {}
        self._index = FilterIndex()
        self._indexed = True
        """Whether ``_index`` matches the positions in ``_all``."""

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
        events = self._all
        if not events or events[-1].order <= event.order:
            if self._indexed:
                self._index.add(len(events), event)
            events.append(event)
            self._orders.append(event.order)
        else:
            position = bisect_right(self._orders, event.order)
            events.insert(position, event)
            self._orders.insert(position, event.order)
            self._indexed = False
        self._index_transaction(event)

    def add_many(self, events: Iterable[Event]) -> None:
        """Store many new events at once (one sort and one index pass, not one each)."""
        batch = sorted(events, key=pagination.ORDER)
        self._by_id.update(zip([event.id for event in batch], batch, strict=True))
        for event in batch:
            if event.transaction_id is not None:
                self._index_transaction(event)
        stored = self._all
        if batch and stored and stored[-1].order <= batch[0].order and self._indexed:
            self._index.extend(batch, len(stored))
            stored.extend(batch)
            self._orders.extend([event.order for event in batch])
            return
        stored.extend(batch)
        stored.sort(key=pagination.ORDER)
        self._orders = [event.order for event in stored]
        self._reindex()

    def replace(self, old: Event, new: Event) -> None:
        """Swap ``old`` for ``new``, which keeps its id and order."""
        self._by_id[new.id] = new
        position = self._position(old)
        self._all[position] = new
        if self._indexed:
            self._index.discard(position, old)
            self._index.add(position, new)
        old_txn = old.transaction_id
        if old_txn is not None and self._by_transaction.get(old_txn) is old:
            del self._by_transaction[old_txn]
            if new.transaction_id != old_txn:
                self._reindex_transaction(old_txn)
        self._index_transaction(new)

    def query(self, query: ListQuery) -> Page:
        """One page of ``query`` and its total count."""
        end = len(self._all)
        if query.starting_after is not None:
            cursor = self._by_id.get(query.starting_after)
            if cursor is None:
                raise BadRequest("startingAfter is not the id of one of your events")
            end = self._position(cursor)
        if not (query.event_names or query.values or query.metadata):
            window = self._all[max(0, end - query.limit) : end]
            window.reverse()
            return Page(nodes=window, total_count=len(self._all))
        if not self._indexed:
            self._reindex()
        positions, total = self._index.page(query, end, len(self._all))
        events = self._all
        return Page(nodes=[events[p] for p in positions], total_count=total)

    def _reindex(self) -> None:
        self._index.rebuild(self._all)
        self._indexed = True

    def _position(self, event: Event) -> int:
        index = bisect_left(self._orders, event.order)
        if index == len(self._all) or self._all[index].id != event.id:
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
