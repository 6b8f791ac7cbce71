"""Accounts, keys, isolation, updates and resets in the store, tested without HTTP."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tracking_mock.coupons import coupons_of
from tracking_mock.errors import BadRequest, Conflict, NotFound
from tracking_mock.models import AccountSpec, EventFields, ListQuery, SeedEvent
from tracking_mock.store import Store


def spec(name: str, *events: SeedEvent, key: str | None = None) -> AccountSpec:
    return AccountSpec(
        name,
        (key or f"sk_{name}",),
        campaigns={"cmp_1": coupons_of("cmp_1", ["SALE"])},
        metrics={"Purchase": "met_1"},
        events=events,
    )


def fields(name: str = "Purchase", **kw: object) -> EventFields:
    return EventFields(event_name=name, value=1, **kw)  # type: ignore[arg-type]


@pytest.fixture
def store() -> Store:
    return Store([spec("acme", SeedEvent(fields(), id="evt_seed")), spec("other")])


def test_keys_find_their_account(store: Store) -> None:
    found = store.account_for_key("sk_acme")
    assert found is not None
    assert found.name == "acme"
    assert store.account_for_key("sk_nobody") is None


def test_accounts_never_see_each_other(store: Store) -> None:
    acme, other = store.account("acme"), store.account("other")
    store.create_event(other, fields())
    assert store.list_events(acme, ListQuery()).total_count == 1
    with pytest.raises(BadRequest):
        store.list_events(other, ListQuery(starting_after="evt_seed"))
    with pytest.raises(NotFound):
        store.update_event(other, fields(id="evt_seed"))


def test_coupon_and_metric_are_resolved_from_the_tables(store: Store) -> None:
    event = store.create_event(store.account("acme"), fields(coupon="SALE"))
    assert (event.campaign_id, event.metric_id) == ("cmp_1", "met_1")
    unknown = store.create_event(store.account("acme"), fields("Other", coupon="NOPE"))
    assert (unknown.campaign_id, unknown.metric_id) == (None, None)


def test_created_at_comes_from_the_account_clock(store: Store) -> None:
    account = store.account("acme")
    account.clock.freeze(datetime(2030, 5, 1, 12, 0, tzinfo=UTC))
    event = store.create_event(account, fields())
    assert event.created_us == int(datetime(2030, 5, 1, 12, 0, tzinfo=UTC).timestamp() * 1e6)


def test_update_by_id_keeps_id_and_creation_time(store: Store) -> None:
    account = store.account("acme")
    before = account.events.get("evt_seed")
    assert before is not None
    after = store.update_event(account, fields("Renamed", id="evt_seed", user_id="u9"))
    assert (after.id, after.order, after.event_name, after.user_id) == (
        "evt_seed",
        before.order,
        "Renamed",
        "u9",
    )
    assert after.metric_id is None  # re-resolved for the new name


def test_update_by_transaction_id_targets_the_newest(store: Store) -> None:
    account = store.account("acme")
    store.create_event(account, fields(transaction_id="t1"))
    newest = store.create_event(account, fields(transaction_id="t1"))
    updated = store.update_event(
        account, EventFields(event_name="Purchase", value=9, transaction_id="t1")
    )
    assert updated.id == newest.id
    assert updated.value == 9


def test_update_needs_a_target(store: Store) -> None:
    with pytest.raises(BadRequest, match="needs the event's id or its transactionId"):
        store.update_event(store.account("acme"), fields())
    with pytest.raises(NotFound, match="no event with that transactionId"):
        store.update_event(store.account("acme"), fields(transaction_id="missing"))


def test_reset_restores_the_seed_and_drops_added_accounts(store: Store) -> None:
    store.create_event(store.account("acme"), fields())
    store.add_account(AccountSpec("temp", ("sk_temp",), {}, {}))
    store.reset()
    assert [e.id for e in store.events("acme")] == ["evt_seed"]
    assert store.account_for_key("sk_temp") is None


def test_reset_of_one_account_leaves_the_others(store: Store) -> None:
    store.create_event(store.account("acme"), fields())
    store.create_event(store.account("other"), fields())
    store.reset("acme")
    assert len(store.events("acme")) == 1
    assert len(store.events("other")) == 1
    assert store.account_for_key("sk_acme") is store.account("acme")


def test_a_key_belongs_to_one_account(store: Store) -> None:
    with pytest.raises(Conflict, match="key is already in use"):
        store.add_account(AccountSpec("thief", ("sk_acme",), {}, {}))
    with pytest.raises(Conflict, match="exists already"):
        store.add_account(AccountSpec("acme", ("sk_new",), {}, {}))


def test_removed_accounts_lose_their_keys(store: Store) -> None:
    store.remove_account("other")
    assert store.account_for_key("sk_other") is None
    with pytest.raises(KeyError):
        store.account("other")


def test_account_count_is_bounded() -> None:
    store = Store([], max_accounts=1)
    store.add_account(AccountSpec("one", ("k1",), {}, {}))
    with pytest.raises(ValueError, match="at most 1 accounts"):
        store.add_account(AccountSpec("two", ("k2",), {}, {}))


def test_merge_adds_events_and_tables(store: Store) -> None:
    store.merge_into(
        "other",
        AccountSpec(
            "ignored",
            ("ignored",),
            {"cmp_2": coupons_of("cmp_2", ["NEW"])},
            {"Signup": "met_2"},
            (SeedEvent(fields("Signup", coupon="NEW"), id="evt_m"),),
        ),
    )
    (event,) = store.events("other")
    assert (event.id, event.campaign_id, event.metric_id) == ("evt_m", "cmp_2", "met_2")
    assert store.account_for_key("ignored") is None
    with pytest.raises(Conflict, match="exists already"):
        store.merge_into("other", AccountSpec("x", (), {}, {}, (SeedEvent(fields(), id="evt_m"),)))


def test_seed_events_without_time_are_ordered_as_listed() -> None:
    store = Store([spec("a", SeedEvent(fields("first")), SeedEvent(fields("second")))])
    assert [e.event_name for e in store.events("a")] == ["second", "first"]
