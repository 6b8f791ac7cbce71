"""Filtering and cursor paging over event lists sorted oldest to newest by ``order``."""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from itertools import islice
from operator import attrgetter

from .jsnumber import js_string
from .models import Event, ListQuery, MetadataValue

ORDER = attrgetter("order")


def _end(events: Sequence[Event], before: int | None) -> int:
    """The index just past the newest event strictly older than ``before``."""
    return len(events) if before is None else bisect_left(events, before, key=ORDER)


def newest_first(events: Sequence[Event], before: int | None = None) -> Iterator[Event]:
    """Walk ``events`` from newest to oldest, starting strictly before ``before``."""
    for index in range(_end(events, before) - 1, -1, -1):
        yield events[index]


def _walk(sources: Sequence[Sequence[Event]], before: int | None) -> Iterator[Event]:
    if len(sources) == 1:
        return newest_first(sources[0], before)
    walks = [newest_first(events, before) for events in sources]
    return heapq.merge(*walks, key=ORDER, reverse=True)


def metadata_text(value: MetadataValue) -> list[str]:
    """The strings a stored metadata value matches: itself, its elements, or a number's text.

    A number is compared by JavaScript's ``String(n)``, as the API's backend would print it.
    """
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return value
    return [js_string(value)]


def matches(event: Event, query: ListQuery) -> bool:
    """Whether ``event`` passes the value and metadata filters (names are matched by index)."""
    if query.values and event.value not in query.values:
        return False
    if query.metadata:
        stored = event.metadata
        if stored is None:
            return False
        for key, wanted in query.metadata:
            value = stored.get(key)
            if value is None:
                return False
            # Strings are the common case: compare them without building a list.
            if isinstance(value, str):
                if value != wanted:
                    return False
            elif wanted not in metadata_text(value):
                return False
    return True


def needs_scan(query: ListQuery) -> bool:
    """Whether matching needs more than the name index (so counting means walking)."""
    return bool(query.values or query.metadata)


def page(sources: Sequence[Sequence[Event]], query: ListQuery, before: int | None) -> list[Event]:
    """Up to ``query.limit`` matching events, newest first, strictly older than ``before``."""
    if len(sources) == 1 and not needs_scan(query):  # the common case: one slice
        events = sources[0]
        end = _end(events, before)
        return list(reversed(events[max(0, end - query.limit) : end]))
    walk = _walk(sources, before)
    if needs_scan(query):
        walk = (event for event in walk if matches(event, query))
    return list(islice(walk, query.limit))


def count(sources: Sequence[Sequence[Event]], query: ListQuery) -> int:
    """How many events in ``sources`` match ``query`` (sources never share an event)."""
    if not needs_scan(query):
        return sum(len(events) for events in sources)
    return sum(1 for events in sources for event in events if matches(event, query))
