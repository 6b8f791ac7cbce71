"""A reset or account deletion never loses an acknowledged event (real sockets, delay faults)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tracking_mock import DEFAULT_API_KEY, Settings, create_app, mock_state_of
from tracking_mock.errors import AccountGone
from tracking_mock.models import EventFields
from tracking_mock.server import ServerThread
from tracking_mock.state import MockState
from tracking_mock.store import Store, default_account

from .helpers import EMPTY_SEED, wait_for

AUTH = {"Authorization": f"Bearer {DEFAULT_API_KEY}"}
EVENT = {"eventName": "Purchases", "value": 1}
DEADLINE = 10.0
DELAY = 1.0
"""Long enough for the change to land inside it, even on a loaded machine."""


@pytest.fixture
def served() -> Iterator[tuple[httpx.Client, MockState]]:
    app = create_app(Settings(), seed=EMPTY_SEED)
    with (
        ServerThread(app, start_timeout=10, stop_timeout=5) as server,
        httpx.Client(base_url=server.url, timeout=DEADLINE) as http,
    ):
        yield http, mock_state_of(app)


def reset_one(http: httpx.Client) -> None:
    http.post("/_mock/reset", params={"account": "default"}, json={}).raise_for_status()


def reset_all(http: httpx.Client) -> None:
    http.post("/_mock/reset", json={}).raise_for_status()


def delete(http: httpx.Client) -> None:
    http.delete("/_mock/accounts/default").raise_for_status()


def delete_and_take_the_key(http: httpx.Client) -> None:
    delete(http)
    http.post("/_mock/accounts", json={"name": "thief", "key": DEFAULT_API_KEY}).raise_for_status()


@pytest.mark.parametrize(
    ("change", "method"),
    [
        pytest.param(reset_one, "POST", id="reset-account"),
        pytest.param(reset_one, "PUT", id="reset-account-update"),
        pytest.param(reset_all, "POST", id="reset-all"),
        pytest.param(delete, "POST", id="delete-account"),
        pytest.param(delete_and_take_the_key, "POST", id="delete-then-reuse-key"),
    ],
)
def test_a_call_in_flight_across_a_reset_is_refused_and_stores_nothing(
    served: tuple[httpx.Client, MockState], change: Callable[[httpx.Client], None], method: str
) -> None:
    http, state = served
    account = state.store.account("default")
    if method == "PUT":
        state.store.create_event(account, EventFields("Purchases", 1, transaction_id="t1"))
    account.faults.delay_next(DELAY)
    body = {**EVENT, "transactionId": "t1"}
    with ThreadPoolExecutor(1) as pool:
        answer = pool.submit(http.request, method, "/tracking/events", json=body, headers=AUTH)
        wait_for(lambda: not account.faults.active, "the call to enter its delay")
        change(http)
        response = answer.result(timeout=DEADLINE)
    assert response.status_code == 409, response.text
    assert response.json() == {
        "success": False,
        "error": "the account was reset or deleted while this call was in flight; "
        "nothing was stored",
    }
    counts = state.store.counts()
    assert counts.get("default", 0) == 0
    assert counts.get("thief", 0) == 0
    assert state.errors == type(state.errors)()  # no server error


def test_a_call_that_stored_before_the_reset_was_acknowledged_before_it() -> None:
    store = Store([default_account()])
    old = store.account("default")
    store.create_event(old, EventFields("a", 1))
    store.reset()
    with pytest.raises(AccountGone):
        store.create_event(old, EventFields("b", 1))
    assert [e.event_name for e in store.events("default")] == []
    store.create_event(store.account("default"), EventFields("c", 1))
    assert [e.event_name for e in store.events("default")] == ["c"]
