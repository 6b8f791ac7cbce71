"""Postings for every filter: which positions of an account's log carry each name, value, text.

A position is an event's place in the log, oldest first, so every posting is already in
creation order. A term carried by one event (an ``orderId``, say) keeps that position as a
plain int; a term carried by more keeps a compressed bitmap, which intersects and counts
large sets in microseconds. Not thread-safe on its own: ``Store`` holds the lock.
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
NOTHING = BitMap()
"""An empty result (never mutated)."""


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
        current = table.get(term)
        if current is None:
            table[term] = position
        elif isinstance(current, int):
            table[term] = [current, position]
        else:
            current.append(position)
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

    def matching(self, query: ListQuery) -> Posting:
        """The positions passing every filter of ``query``: OR within a parameter, AND across.

        One position comes back as an int. A bitmap may be an index's own: read it, never
        change it.
        """
        groups: list[Sequence[Posting | None]] = []
        if query.event_names:
            groups.append([self._names.get(name) for name in query.event_names])
        if query.values:
            groups.append([self._values.get(value) for value in query.values])
        for key, wanted in query.metadata:
            texts = self._metadata.get(key)
            groups.append([texts.get(wanted) if texts is not None else None])
        conditions: list[Posting] = []
        for group in groups:
            found = [posting for posting in group if posting is not None]
            if not found:
                return NOTHING
            union = found[0]
            for posting in found[1:]:  # the operators: the methods' varargs cost microseconds
                union = _bitmap(union) | _bitmap(posting)
            conditions.append(union)
        conditions.sort(key=_size)  # intersect from the smallest
        smallest = conditions[0]
        if isinstance(smallest, int):
            for other in conditions[1:]:
                if smallest != other if isinstance(other, int) else smallest not in other:
                    return NOTHING
            return smallest
        for other in conditions[1:]:
            smallest = smallest & _bitmap(other)
        return smallest
