"""The bulk loads' shortcuts give what the full rules give: seed events, records, the collector."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracking_mock import limits
from tracking_mock.accounts import seed_event
from tracking_mock.errors import SeedError
from tracking_mock.gcpause import gc_paused
from tracking_mock.jsnumber import js_string
from tracking_mock.models import Coupon, Event, EventFields, SeedEvent
from tracking_mock.records import builder
from tracking_mock.seed import load_seed
from tracking_mock.seed_fast import plain_seed_event
from tracking_mock.seed_jsonl import EventLines

from .budgets import examples

PLAIN = {
    "eventName": "Purchase",
    "value": 40,
    "metadata": {"orderId": "ord-00000001", "plan": "free"},
    "id": "evt_1",
    "createdAt": "2026-01-01T00:00:00.001Z",
}
LONG = "x" * 257


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(PLAIN, id="typical"),
        pytest.param({"eventName": "A", "value": 1.5}, id="name-and-value"),
        pytest.param({"eventName": "A", "value": 1, "metadata": {}}, id="empty-metadata"),
        pytest.param(
            {"eventName": "Café", "value": 1, "metadata": {"clé": "été", "tags": ["a"], "n": 1.5}},
            id="non-ascii-a-list-a-number",
        ),
        pytest.param(
            {
                "eventName": "purchase",
                "value": -3,
                "transactionId": "t",
                "currency": "EUR",
                "userId": "u",
                "coupon": "c",
                "createdAt": "2026-01-01T00:00:00+02:00",
                "type": "not-a-kind",
            },
            id="every-field",
        ),
    ],
)
def test_plain_events_take_the_fast_path_and_equal_the_full_rules(raw: dict[str, Any]) -> None:
    fast = plain_seed_event(raw, set())
    assert fast is not None
    assert fast == seed_event(raw, "acme", set())


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"eventName": ""}, id="empty-name"),
        pytest.param({"eventName": LONG}, id="long-name"),
        pytest.param({"eventName": "\ud800"}, id="lone-surrogate-name"),
        pytest.param({"value": True}, id="boolean-value"),
        pytest.param({"value": 2**53}, id="huge-value"),
        pytest.param({"value": "1"}, id="string-value"),
        pytest.param({"metadata": {"plan": ["a", 1]}}, id="number-in-a-list"),
        pytest.param({"metadata": {"plan": ["a"] * 101}}, id="long-list"),
        pytest.param({"metadata": {"plan": "\udfff"}}, id="lone-surrogate-text"),
        pytest.param({"metadata": {"plan": 2**53}}, id="huge-number-in-metadata"),
        pytest.param({"metadata": {"plan": None}}, id="null-in-metadata"),
        pytest.param({"metadata": {"": "a"}}, id="empty-metadata-key"),
        pytest.param({"metadata": {"plan": LONG}}, id="long-metadata-text"),
        pytest.param({"metadata": []}, id="metadata-not-an-object"),
        pytest.param({"userId": 7}, id="number-user-id"),
        pytest.param({"colour": "red"}, id="unknown-field"),
        pytest.param({"id": "has space"}, id="id-with-space"),
        pytest.param({"id": "taken"}, id="taken-id"),
        pytest.param({"createdAt": "2026-01-01T00:00:00"}, id="time-without-zone"),
        pytest.param({"createdAt": "1969-12-31T23:59:59Z"}, id="time-before-1970"),
        pytest.param({"createdAt": "soon"}, id="not-a-time"),
    ],
)
def test_anything_unusual_goes_the_full_way_and_changes_nothing(change: dict[str, Any]) -> None:
    ids = {"taken"}
    assert plain_seed_event({**PLAIN, **change}, ids) is None
    assert ids == {"taken"}


@pytest.mark.parametrize(
    "number",
    [-(2**53 - 1), 2.2250738585072014e-308, -2.2250738585072014e-308, 1.2345678901234567e21],
)
def test_a_metadata_numbers_text_always_fits_the_limit(number: float) -> None:
    """The fast path takes any number within range without measuring its String(n)."""
    assert len(js_string(number)) <= limits.METADATA_VALUE_MAX_CHARS


# Mostly what the fast path takes, with every kind of value it must leave to the full rules.


def mostly(usual: tuple[Any, ...], odd: tuple[Any, ...]) -> st.SearchStrategy[Any]:
    """One of ``usual`` nine times in ten, else one of ``odd``."""
    return st.sampled_from(usual * (9 * len(odd)) + odd * len(usual))


texts = mostly(("a", "b", "Café", "a b", "x" * 256), ("", LONG, "\ud800", "\x7f", None, 1))
names = mostly(("A", "Purchase", "purchase", "Café"), ("", LONG, "\ud800", None, 1, True))
numbers = mostly((0, -3, 2.5, 2**53 - 1, -(2**53 - 1)), (2**53, True, "1", None, 1e300))
metadata_values = mostly(
    ("a", "b", "", "é" * 256, ["a", "a"], [], 3, -2.5e-300),
    (LONG, "\udfff", 2**53, True, None, {}, ["a", 1], ["a"] * 101, [LONG]),
)
metadata: st.SearchStrategy[Any] = st.dictionaries(
    mostly(("plan", "k", "x" * 40, "clé"), ("", "x" * 41, "\ud800")), metadata_values, max_size=3
) | st.sampled_from((None, [], "a"))
ids = mostly(("e1", "e2", "taken", "x" * 256), ("has space", "", LONG, "\x7f", 7, None))
times = mostly(
    ("2026-01-01T00:00:00.001Z", "2026-01-01T00:00:00+02:00", "9999-12-31T23:59:59-01:00"),
    ("2026-01-01T00:00:00", "1969-12-31T23:59:59Z", "2026-02-30T00:00:00Z", "soon", 1, None),
)
raw_events = st.fixed_dictionaries(
    {"eventName": names, "value": numbers},
    optional={
        "metadata": metadata,
        "transactionId": texts,
        "currency": texts,
        "userId": texts,
        "coupon": texts,
        "id": ids,
        "createdAt": times,
    },
).flatmap(
    lambda raw: mostly(({}, {"type": "purchase"}, {"type": 7}), ({"colour": 1},)).map(
        lambda extra: {**raw, **extra}
    )
)


@settings(max_examples=examples(300), deadline=None)
@given(raw=raw_events)
def test_the_fast_path_agrees_with_the_full_rules(raw: dict[str, Any]) -> None:
    full_ids, fast_ids = {"taken"}, {"taken"}
    try:
        expected: SeedEvent | None = seed_event(raw, "acme", full_ids)
    except SeedError:
        expected = None
    fast = plain_seed_event(raw, fast_ids)
    if fast is None:
        assert fast_ids == {"taken"}
    else:
        assert fast == expected
        assert fast_ids == full_ids


def test_a_bad_line_among_plain_ones_is_named(tmp_path: Path) -> None:
    lines = ['{"version": 1, "account": "shop"}']
    lines += [f'{{"eventName": "A", "value": {i}, "id": "e{i}"}}' for i in range(1, 1000)]
    lines.insert(700, '{"eventName": "A", "value": 1, "id": "e5"}')
    path = tmp_path / "shop.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SeedError, match=r"shop\.jsonl:line 701: duplicate event id 'e5'"):
        load_seed([path])


BUY = b'{"eventName": "Buy", "value": 3}'


def test_event_lines_count_lines_and_events_across_chunks() -> None:
    lines = EventLines("shop", "body", max_events=4)
    lines.feed([BUY])
    lines.feed([])
    lines.feed([b"", b"  ", BUY])
    with pytest.raises(SeedError, match=r"^body:line 6: event of 'shop': value is required"):
        lines.feed([BUY, b'{"eventName": "Buy"}'])
    assert len(lines.events) == 3
    lines.feed([BUY])
    with pytest.raises(SeedError, match=r"^body: more than 4 events"):
        lines.feed([BUY])


@dataclass(frozen=True, slots=True)
class _Plain:
    a: int
    b: str | None = None


@pytest.mark.parametrize(
    ("cls", "values"),
    [
        pytest.param(_Plain, (1, "b"), id="plain"),
        pytest.param(EventFields, ("A", 1, None, "t", "EUR", "u", "c", None), id="fields"),
        pytest.param(Coupon, ("c", "id", "t1", "t2", None, None), id="coupon"),
        pytest.param(SeedEvent, (EventFields("A", 1), "evt_1", 2.5), id="seed-event"),
        pytest.param(
            Event,
            (
                "evt_1",
                7,
                "1970-01-01T00:00:00.000Z",
                "A",
                1,
                None,
                None,
                None,
                None,
                "c",
                "cmp",
                None,
            ),
            id="event",
        ),
    ],
)
def test_a_built_record_equals_the_dataclass_built_as_usual(
    cls: type[Any], values: tuple[Any, ...]
) -> None:
    names = [field.name for field in fields(cls)]
    built = builder(cls)(**dict(zip(names, values, strict=True)))
    assert type(built) is cls
    assert built == cls(*values)
    assert hash(built) == hash(cls(*values))


def test_a_builder_refuses_a_record_without_slots() -> None:
    @dataclass(frozen=True)
    class Loose:
        a: int

    with pytest.raises(TypeError, match="not a slotted dataclass"):
        builder(Loose)


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_the_collector_is_off_while_paused_and_back_after_the_outer_pause() -> None:
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_the_collector_comes_back_after_a_failed_load(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"version": 1, "account": "a"}\n{"value": 1}\n', encoding="utf-8")
    with pytest.raises(SeedError):
        load_seed([path])
    assert gc.isenabled()


def test_a_collector_turned_off_stays_off() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


def test_a_builder_takes_its_fields_by_keyword_only() -> None:
    build = builder(SeedEvent)
    with pytest.raises(TypeError):
        build(EventFields("Signup", 1), "evt_1", 1.0)
    assert build(fields=EventFields("Signup", 1), id="evt_1", created_at=1.0) == SeedEvent(
        EventFields("Signup", 1), "evt_1", 1.0
    )
