"""Postings for every filter: which positions of an account's log carry each name, value, text.

A position is an event's place in the log, oldest first, so every posting is already in
creation order. A term carried by one event (an ``orderId``, say) keeps that position as a
plain int; a term carried by more keeps a compressed bitmap, which intersects and counts
large sets in microseconds. A listing counts its matches without building their set and
reads its page from a window of positions just below the cursor. Not thread-safe on its
own: ``Store`` holds the lock.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar, cast

from pyroaring import BitMap

from .models import Event, ListQuery
from .pagination import metadata_text

Posting = int | BitMap
"""The positions of the events carrying one term: a single one, or a bitmap of several."""
_Term = TypeVar("_Term")


def _add(table: dict[_Term, Posting], term: _Term, position: int) -> None:
    current = table.get(term)
    if current is None:
        table[term] = position
    elif isinstance(current, int):
        if current != position:
            table[term] = BitMap((current, position))
    else:
        current.add(position)


def _discard(table: dict[_Term, Posting], term: _Term, position: int) -> None:
    current = table.get(term)
    if current is None:
        return
    if isinstance(current, int):
        if current == position:
            del table[term]
        return
    current.discard(position)
    if len(current) == 1:
        table[term] = current.min()


def _metadata_terms(event: Event) -> Iterator[tuple[str, str]]:
    """Each metadata key with each text it matches: the index's one call of ``metadata_text``."""
    if event.metadata:
        for key, value in event.metadata.items():
            for text in metadata_text(value):
                yield key, text


def _bitmap(posting: Posting) -> BitMap:
    return BitMap((posting,)) if isinstance(posting, int) else posting


def _size(posting: Posting) -> tuple[int, bool]:
    """Smallest first; a single position before a bitmap of one."""
    return (1, False) if isinstance(posting, int) else (len(posting), True)


# Bulk building: positions gathered per term in one pass over the events (one position as a
# plain int, more as a list), then each term's bitmap made from its whole list at once.


_Gathered = dict[_Term, int | list[int]]
"""A term's positions while gathering: one as a plain int, more as a list."""


def _gather(terms: Iterable[_Term], start: int) -> _Gathered[_Term]:
    """The positions (from ``start``) of each term, for terms listed one per event."""
    table: _Gathered[_Term] = {}
    for position, term in enumerate(terms, start):
        _gather_one(table, term, position)
    return table


def _gather_metadata(events: Iterable[Event], start: int) -> dict[str, _Gathered[str]]:
    """The positions (from ``start``) of every metadata key's texts."""
    metadata: dict[str, _Gathered[str]] = {}
    for position, event in enumerate(events, start):
        stored = event.metadata
        if not stored:
            continue
        for key, value in stored.items():
            if not isinstance(value, str):  # a list may repeat a text (or have none)
                for text in dict.fromkeys(metadata_text(value)):
                    _gather_one(metadata.setdefault(key, {}), text, position)
                continue
            texts = metadata.get(key)
            if texts is None:
                texts = metadata[key] = {}
            current = texts.get(value)  # _gather_one, inlined for the usual string
            if current is None:
                texts[value] = position
            elif isinstance(current, int):
                texts[value] = [current, position]
            else:
                current.append(position)
    return metadata


def _gather_one(table: _Gathered[_Term], term: _Term, position: int) -> None:
    current = table.get(term)
    if current is None:
        table[term] = position
    elif isinstance(current, int):
        table[term] = [current, position]
    else:
        current.append(position)


def _posting(positions: int | list[int]) -> Posting:
    return positions if isinstance(positions, int) else BitMap(positions)


def _finish(gathered: _Gathered[_Term]) -> dict[_Term, Posting]:
    """``gathered`` itself, each list made a bitmap (no copy: a term may be unique to an event)."""
    finished = cast(dict[_Term, Posting | list[int]], gathered)
    for term, positions in finished.items():
        if isinstance(positions, list):
            finished[term] = BitMap(positions)  # a value replaced, the dict unchanged in size
    return cast(dict[_Term, Posting], finished)


def _merge(table: dict[_Term, Posting], gathered: _Gathered[_Term]) -> None:
    """Add gathered positions, all after every position in ``table``, to ``table``."""
    for term, positions in gathered.items():
        current = table.get(term)
        if current is None:
            table[term] = _posting(positions)
        else:
            bitmap = _bitmap(current)
            bitmap |= _bitmap(_posting(positions))
            table[term] = bitmap


class FilterIndex:
    """Every filterable term of a log's events mapped to the positions that carry it."""

    def __init__(self) -> None:
        self._names: dict[str, Posting] = {}
        self._values: dict[float, Posting] = {}
        self._metadata: dict[str, dict[str, Posting]] = {}

    def add(self, position: int, event: Event) -> None:
        """Index ``event`` at ``position``."""
        _add(self._names, event.event_name, position)
        _add(self._values, event.value, position)
        for key, text in _metadata_terms(event):
            _add(self._metadata.setdefault(key, {}), text, position)

    def discard(self, position: int, event: Event) -> None:
        """Forget ``event`` at ``position`` (it was indexed there)."""
        _discard(self._names, event.event_name, position)
        _discard(self._values, event.value, position)
        for key, text in _metadata_terms(event):
            texts = self._metadata.get(key)
            if texts is not None:
                _discard(texts, text, position)
                if not texts:
                    del self._metadata[key]

    def rebuild(self, events: Sequence[Event]) -> None:
        """Index ``events`` at positions 0, 1, ... from scratch (bitmaps built once)."""
        self._names = _finish(_gather([event.event_name for event in events], 0))
        self._values = _finish(_gather([event.value for event in events], 0))
        metadata = _gather_metadata(events, 0)
        self._metadata = {key: _finish(texts) for key, texts in metadata.items()}

    def extend(self, events: Sequence[Event], start: int) -> None:
        """Index ``events`` at positions ``start``, ``start + 1``, ... after every indexed one."""
        _merge(self._names, _gather([event.event_name for event in events], start))
        _merge(self._values, _gather([event.value for event in events], start))
        for key, texts in _gather_metadata(events, start).items():
            _merge(self._metadata.setdefault(key, {}), texts)

    def page(self, query: ListQuery, end: int, size: int) -> tuple[list[int], int]:
        """The newest ``query.limit`` matches of ``query`` before ``end``, and how many match.

        A match passes every filter: OR within a parameter, AND across. Positions come
        newest first; ``size``, the log's length, sizes the first window (``newest_before``).
        """
        conditions = self._conditions(query)
        if not conditions:
            return [], 0
        smallest = conditions[0]
        if isinstance(smallest, int):  # one event carries a term (a selective filter)
            for other in conditions[1:]:
                if smallest != other if isinstance(other, int) else smallest not in other:
                    return [], 0
            return ([smallest] if smallest < end else []), 1
        bitmaps = cast(list[BitMap], conditions)
        if len(smallest) <= _BUILD_MAX:
            return _page_of_built(bitmaps, end, query.limit)
        total = count_shared(bitmaps)
        if total == 0 or end <= 0:
            return [], total
        return newest_before(bitmaps, end, query.limit, total / size), total

    def _conditions(self, query: ListQuery) -> list[Posting]:
        """One posting per filter, smallest first; none if a filter matches nothing."""
        conditions: list[Posting] = []
        if query.event_names:
            names = _union(self._names, query.event_names)
            if names is None:
                return []
            conditions.append(names)
        if query.values:
            values = _union(self._values, query.values)
            if values is None:
                return []
            conditions.append(values)
        for key, wanted in query.metadata:
            texts = self._metadata.get(key)
            posting = texts.get(wanted) if texts is not None else None
            if posting is None:
                return []
            conditions.append(posting)
        if len(conditions) > 1:
            conditions.sort(key=_size)  # intersect from the smallest
        return conditions


def _union(table: dict[_Term, Posting], terms: Sequence[_Term]) -> Posting | None:
    """The positions carrying any of ``terms`` (an index's own posting for one term)."""
    if len(terms) == 1:
        return table.get(terms[0])
    found = [posting for posting in map(table.get, terms) if posting is not None]
    if not found:
        return None
    union = found[0]
    for posting in found[1:]:  # the operators: the methods' varargs cost microseconds
        union = _bitmap(union) | _bitmap(posting)
    return union


_BUILD_MAX = 4096
"""Up to this many positions in the smallest bitmap, the intersection is built whole: it is
small, and building it costs about what counting it does (roaring's array containers)."""


def _page_of_built(bitmaps: Sequence[BitMap], end: int, limit: int) -> tuple[list[int], int]:
    """``FilterIndex.page`` by building the whole intersection and slicing it by rank."""
    shared = bitmaps[0]
    for other in bitmaps[1:]:
        shared = shared & other
    before = shared.rank(end - 1) if end > 0 else 0
    positions = shared.to_array()[max(0, before - limit) : before].tolist()
    positions.reverse()
    return positions, len(shared)


def count_shared(bitmaps: Sequence[BitMap]) -> int:
    """How many positions all of ``bitmaps`` (smallest first) share; the last AND is counted."""
    if len(bitmaps) == 1:
        return len(bitmaps[0])
    shared = bitmaps[0]
    for other in bitmaps[1:-1]:
        shared = shared & other
    return shared.intersection_cardinality(bitmaps[-1])


_SLACK = 1.5
"""How much wider than the expected width a window starts: most pages take one window."""
_MIN_WIDTH = 64
"""The narrowest first window: below it, a window costs about as much as a wider one."""


def newest_before(bitmaps: Sequence[BitMap], end: int, limit: int, density: float) -> list[int]:
    """The last ``limit`` positions before ``end`` in all of ``bitmaps``, newest first.

    Windows of positions just below ``end``, each intersected with every bitmap, then the
    window below it, twice as wide, until the page is full: only the events near the cursor
    are visited, and no bitmap as large as the whole intersection is built. ``density`` (the
    share of positions that match) sizes the first window.
    """
    found: list[int] = []
    high = end
    width = max(_MIN_WIDTH, int(limit / density * _SLACK))
    while high > 0:
        low = max(0, high - width)
        window = BitMap()
        window.add_range(low, high)
        for bitmap in bitmaps:
            window &= bitmap  # in place: no new bitmap per condition
        if window:
            positions = window.to_array()[len(found) - limit :].tolist()
            positions.reverse()
            found += positions
            if len(found) == limit:
                break
        high = low
        width *= 2
    return found
