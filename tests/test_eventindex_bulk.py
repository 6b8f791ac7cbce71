"""The filter index built in bulk holds exactly what adding the events one by one would."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tracking_mock.eventindex import FilterIndex
from tracking_mock.models import Event, EventFields

from .test_eventindex import INDEX_SETTINGS, event_fields


def events_of(fields: list[EventFields]) -> list[Event]:
    """Events at positions 0, 1, ... carrying ``fields`` (what the index reads of them)."""
    blank = (None,) * 5
    return [
        Event(f"e{n}", n, "", f.event_name, f.value, f.metadata, f.transaction_id, *blank)
        for n, f in enumerate(fields)
    ]


def postings(index: FilterIndex) -> tuple[Any, ...]:
    """Everything the index holds, term by term (a bitmap equals one with the same positions)."""
    return index._names, index._values, index._metadata


def one_by_one(events: list[Event]) -> FilterIndex:
    index = FilterIndex()
    for position, event in enumerate(events):
        index.add(position, event)
    return index


@INDEX_SETTINGS
@given(fields=st.lists(event_fields, max_size=40))
def test_a_rebuilt_index_equals_one_built_event_by_event(fields: list[EventFields]) -> None:
    events = events_of(fields)
    rebuilt = FilterIndex()
    rebuilt.rebuild(events)
    assert postings(rebuilt) == postings(one_by_one(events))


@INDEX_SETTINGS
@given(fields=st.lists(event_fields, max_size=40), split=st.integers(0, 40))
def test_an_index_extended_in_bulk_equals_one_built_event_by_event(
    fields: list[EventFields], split: int
) -> None:
    events = events_of(fields)
    extended = one_by_one(events[:split])
    extended.extend(events[split:], min(split, len(events)))
    assert postings(extended) == postings(one_by_one(events))


def test_a_list_value_repeating_a_text_counts_its_event_once() -> None:
    events = events_of([EventFields("A", 1, {"k": ["x", "x"]}), EventFields("A", 1, {"k": "x"})])
    rebuilt = FilterIndex()
    rebuilt.rebuild(events)
    assert list(rebuilt._metadata["k"]["x"]) == [0, 1]  # type: ignore[arg-type]
    assert postings(rebuilt) == postings(one_by_one(events))
