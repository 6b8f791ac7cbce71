"""A state machine drives create, update, list, clock and reset over HTTP against a small model."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from starlette.testclient import TestClient
from tests.budgets import examples

from tracking_mock import create_app, mock_state_of
from tracking_mock.coupons import coupons_of
from tracking_mock.models import AccountSpec, EventFields, SeedEvent
from tracking_mock.seed import Seed

# A passing run takes seconds; a failing one shrinks its sequence of calls for longer.
pytestmark = pytest.mark.timeout(600)

ACCOUNTS = ("a", "b")
KEYS = {"a": "sk_test_a", "b": "sk_test_b"}
CAMPAIGNS = {"a": {"cmp_1": coupons_of("cmp_1", ["C1"])}, "b": {}}
METRICS = {"a": {"Orders": "met_orders"}, "b": {}}
SEED_TIME = datetime(2026, 1, 1, tzinfo=UTC).timestamp()
START = datetime(2026, 6, 1, tzinfo=UTC).timestamp()
SEED = Seed(
    accounts=tuple(
        AccountSpec(
            name,
            (KEYS[name],),
            CAMPAIGNS[name],
            METRICS[name],
            (SeedEvent(EventFields("Orders", 1, transaction_id="t1"), f"seed_{name}", SEED_TIME),),
        )
        for name in ACCOUNTS
    ),
    files=(),
)

accounts = st.sampled_from(ACCOUNTS)
event_names = st.sampled_from(["Orders", "Signups", "Custom"])
numbers = st.sampled_from([0, 1, 2.5, 250, 250.0])
transaction_ids = st.sampled_from(["t1", "t2"])
metadata = st.none() | st.dictionaries(
    st.sampled_from(["k", "tags"]),
    st.sampled_from(["v", "w"]) | st.lists(st.sampled_from(["v", "w"]), max_size=2) | st.just(7),
    max_size=2,
)
bodies = st.fixed_dictionaries(
    # transactionId is drawn every time: updates by transactionId need several events sharing one.
    {"eventName": event_names, "value": numbers, "transactionId": st.none() | transaction_ids},
    optional={
        "currency": st.sampled_from(["EUR", "USD"]),
        "userId": st.just("u1"),
        "coupon": st.sampled_from(["C1", "X"]),
        "metadata": metadata,
    },
)


def iso(seconds: float) -> str:
    """createdAt as the API writes it."""
    moment = datetime.fromtimestamp(seconds, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def render(account: str, body: dict[str, Any], event_id: str, created: str) -> dict[str, Any]:
    """The Event the model expects for ``body``."""
    coupon = body.get("coupon")
    campaign = next(
        (c for c, coupons in CAMPAIGNS[account].items() if coupon in [x.code for x in coupons]),
        None,
    )
    return {
        "id": event_id,
        "eventName": body["eventName"],
        "value": body["value"],
        "transactionId": body.get("transactionId"),
        "currency": body.get("currency"),
        "userId": body.get("userId"),
        "campaignId": campaign,
        "metricId": METRICS[account].get(body["eventName"]),
        "coupon": coupon,
        "metadata": body.get("metadata"),
        "createdAt": created,
    }


def _seed_event(account: str) -> dict[str, Any]:
    body = {"eventName": "Orders", "value": 1, "transactionId": "t1"}
    return render(account, body, f"seed_{account}", iso(SEED_TIME))


def _text_matches(stored: Any, wanted: str) -> bool:
    if isinstance(stored, list):
        return wanted in stored
    # A number is compared by JavaScript's String(n); the only number stored here is 7.
    return (stored if isinstance(stored, str) else str(stored)) == wanted


class TrackingModel(RuleBasedStateMachine):
    """Each account's events oldest first, and the time of each account's frozen clock."""

    def __init__(self) -> None:
        super().__init__()
        self.app = create_app(seed=SEED)
        # Entered once: one event loop thread for all the requests of an example.
        self.client = TestClient(self.app).__enter__()
        self.events: dict[str, list[dict[str, Any]]] = {}
        self.now: dict[str, float] = {}

    @initialize()
    def start(self) -> None:
        for account in ACCOUNTS:
            self._restart(account)

    def _restart(self, account: str) -> None:
        self.events[account] = [_seed_event(account)]
        self.now[account] = START
        answer = self.client.post(f"/_mock/accounts/{account}/clock", json={"freeze": iso(START)})
        assert answer.status_code == 200, answer.text

    def _headers(self, account: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {KEYS[account]}"}

    def _all_ids(self) -> list[str]:
        return [event["id"] for events in self.events.values() for event in events]

    # Rules ------------------------------------------------------------------------------

    @rule(account=accounts, body=bodies)
    def create(self, account: str, body: dict[str, Any]) -> None:
        response = self.client.post("/tracking/events", json=body, headers=self._headers(account))
        assert response.status_code == 200, response.text
        data = response.json()["data"]
        assert data["id"] not in self._all_ids()
        expected = render(account, body, data["id"], iso(self.now[account]))
        assert response.json() == {"success": True, "data": expected}
        self.events[account].append(expected)

    @rule(account=accounts, pick=st.integers(min_value=0), body=bodies, foreign=st.booleans())
    def update_by_id(self, account: str, pick: int, body: dict[str, Any], foreign: bool) -> None:
        owner = ACCOUNTS[(ACCOUNTS.index(account) + foreign) % 2]
        target = self.events[owner][pick % len(self.events[owner])] if self.events[owner] else None
        event_id = target["id"] if target is not None else "evt_missing"
        sent = {**body, "id": event_id}
        response = self.client.put("/tracking/events", json=sent, headers=self._headers(account))
        if target is None or owner != account:
            assert response.status_code == 404, response.text
            return
        assert response.status_code == 200, response.text
        expected = render(account, body, event_id, target["createdAt"])
        assert response.json() == {"success": True, "data": expected}
        index = self.events[account].index(target)
        self.events[account][index] = expected

    @rule(account=accounts, txn=transaction_ids, body=bodies)
    def update_by_transaction(self, account: str, txn: str, body: dict[str, Any]) -> None:
        sent = {**body, "transactionId": txn}
        sent.pop("id", None)
        response = self.client.put("/tracking/events", json=sent, headers=self._headers(account))
        holders = [e for e in self.events[account] if e["transactionId"] == txn]
        if not holders:
            assert response.status_code == 404, response.text
            return
        target = holders[-1]  # the newest event with that transactionId
        assert response.status_code == 200, response.text
        expected = render(account, sent, target["id"], target["createdAt"])
        assert response.json() == {"success": True, "data": expected}
        self.events[account][self.events[account].index(target)] = expected

    @rule(
        account=accounts,
        limit=st.integers(min_value=1, max_value=5),
        names=st.lists(event_names, max_size=2, unique=True),
        values=st.lists(numbers, max_size=2),
        meta=st.none() | st.tuples(st.sampled_from(["k", "tags"]), st.sampled_from(["v", "7"])),
        cursor=st.none() | st.integers(min_value=0),
        foreign_cursor=st.booleans(),
    )
    def list_events(
        self,
        account: str,
        limit: int,
        names: list[str],
        values: list[float],
        meta: tuple[str, str] | None,
        cursor: int | None,
        foreign_cursor: bool,
    ) -> None:
        params: list[tuple[str, str]] = [("limit", str(limit))]
        params += [("eventName", name) for name in names]
        params += [("value", json.dumps(value)) for value in values]
        if meta is not None:
            params.append((f"metadata.{meta[0]}", meta[1]))
        newest_first = self.events[account][::-1]
        after = newest_first
        if cursor is not None:
            owner = ACCOUNTS[(ACCOUNTS.index(account) + foreign_cursor) % 2]
            pool = self.events[owner]
            if pool:
                cursor_event = pool[cursor % len(pool)]
                params.append(("startingAfter", cursor_event["id"]))
                if owner != account:
                    response = self._list(account, params)
                    assert response.status_code == 400, response.text
                    return
                after = newest_first[newest_first.index(cursor_event) + 1 :]

        def keep(event: dict[str, Any]) -> bool:
            stored = event["metadata"] or {}
            return (
                (not names or event["eventName"] in names)
                and (not values or any(float(event["value"]) == float(v) for v in values))
                and (
                    meta is None or (meta[0] in stored and _text_matches(stored[meta[0]], meta[1]))
                )
            )

        matching = [event for event in newest_first if keep(event)]
        expected = {
            "nodes": [event for event in after if keep(event)][:limit],
            "totalCount": len(matching),
        }
        response = self._list(account, params)
        assert response.status_code == 200, response.text
        assert response.json() == {"success": True, "data": expected}

    def _list(self, account: str, params: list[tuple[str, str]]) -> Any:
        query = tuple(params)
        return self.client.get("/tracking/events", params=query, headers=self._headers(account))

    @rule(account=accounts, seconds=st.sampled_from([0.001, 1, 3600]))
    def tick(self, account: str, seconds: float) -> None:
        path = f"/_mock/accounts/{account}/clock"
        response = self.client.post(path, json={"advance": seconds})
        assert response.status_code == 200, response.text
        self.now[account] += seconds

    @rule(which=st.sampled_from([None, *ACCOUNTS]))
    def reset(self, which: str | None) -> None:
        query = "" if which is None else f"?account={which}"
        response = self.client.post(f"/_mock/reset{query}", json={})
        assert response.status_code == 200, response.text
        assert response.json() == {"success": True, "data": {"reset": which or "all"}}
        for account in ACCOUNTS if which is None else (which,):
            self._restart(account)

    @invariant()
    def counts_agree(self) -> None:
        if not self.events:
            return
        counts = mock_state_of(self.app).store.counts()
        assert counts == {account: len(events) for account, events in self.events.items()}

    def teardown(self) -> None:
        self.client.__exit__(None, None, None)


TrackingModel.TestCase.settings = settings(
    max_examples=examples(100),
    stateful_step_count=25,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_the_mock_behaves_like_the_model = TrackingModel.TestCase
