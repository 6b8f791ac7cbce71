"""The handle's reading and seeding helpers, used as a test suite uses them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tracking_mock_pytest import Call, TrackingServer

PURCHASE = {
    "eventName": "Purchases",
    "value": 250,
    "transactionId": "txn_1",
    "currency": "EUR",
    "userId": "u1",
}


def post(http: httpx.Client, server: TrackingServer, body: object) -> httpx.Response:
    return http.post(server.url_for("/tracking/events"), headers=server.headers, json=body)


def test_each_test_gets_a_fresh_account_and_key(tracking_server: TrackingServer) -> None:
    assert tracking_server.url.startswith("http://127.0.0.1:")
    assert tracking_server.api_key.startswith("sk_test_")
    assert tracking_server.events == []
    assert len(tracking_server.calls) == 0


def test_events_are_newest_first_in_the_api_shape(
    tracking_server: TrackingServer, http: httpx.Client
) -> None:
    for value in (1, 2):
        assert post(http, tracking_server, {**PURCHASE, "value": value}).status_code == 200
    events = tracking_server.events
    assert [e["value"] for e in events] == [2, 1]
    assert events[0]["transactionId"] == "txn_1"
    assert events[0]["createdAt"].endswith("Z")


def test_calls_are_list_like(tracking_server: TrackingServer, http: httpx.Client) -> None:
    assert tracking_server.calls == []
    post(http, tracking_server, PURCHASE)
    http.get(tracking_server.url_for("/tracking/events?limit=5"), headers=tracking_server.headers)
    post(http, tracking_server, {"eventName": "x"})
    calls = tracking_server.calls
    assert len(calls) == 3
    assert calls.called
    assert calls.call_count == 3
    assert [c.method for c in calls] == ["POST", "GET", "POST"]
    assert calls[1].query == "limit=5"
    assert calls[1].url_path == "/tracking/events?limit=5"
    assert calls.last.status == 400
    assert calls[0].body == PURCHASE
    assert calls[0].headers["authorization"] == "Bearer [redacted]"
    assert [c.status for c in calls.filter(method="post")] == [200, 400]
    assert len(calls.filter(path="/tracking/events", status=200)) == 2
    assert isinstance(calls[-1], Call)
    assert calls == list(calls)
    assert calls != []
    assert calls.filter(method="DELETE") == []


def test_pop_and_clear_hide_calls_from_view(
    tracking_server: TrackingServer, http: httpx.Client
) -> None:
    post(http, tracking_server, PURCHASE)
    post(http, tracking_server, {**PURCHASE, "value": 3})
    popped = tracking_server.calls.pop()
    assert popped.body["value"] == 3
    assert len(tracking_server.calls) == 1
    tracking_server.calls.clear()
    assert not tracking_server.calls.called
    with pytest.raises(IndexError):
        _ = tracking_server.calls.last


def test_warnings_list_the_contract_warnings_of_this_test(
    tracking_server: TrackingServer, http: httpx.Client
) -> None:
    post(http, tracking_server, {**PURCHASE, "metadata": {"orderId": 12}, "extra": 1})
    codes = [w.code for w in tracking_server.warnings]
    assert "unknown-field" in codes
    assert tracking_server.calls.last.warnings == tuple(tracking_server.warnings)


def test_add_events_seeds_events_campaigns_and_metrics(
    tracking_server: TrackingServer, http: httpx.Client
) -> None:
    tracking_server.add_events(
        {**PURCHASE, "coupon": "SAVE", "createdAt": "2026-01-01T00:00:00Z", "id": "evt_old"},
        {"eventName": "Signups", "value": 0, "userId": "u1"},
        campaigns={"cmp_1": ["SAVE"]},
        metrics={"Purchases": "met_p"},
    )
    events = tracking_server.events
    assert [e["eventName"] for e in events] == ["Signups", "Purchases"]
    assert events[1]["id"] == "evt_old"
    assert events[1]["campaignId"] == "cmp_1"
    assert events[1]["metricId"] == "met_p"
    listed = http.get(tracking_server.url_for("/tracking/events"), headers=tracking_server.headers)
    assert listed.json()["data"]["totalCount"] == 2


@pytest.mark.parametrize("container", [list, tuple])
def test_add_events_takes_one_list_too(tracking_server: TrackingServer, container: Any) -> None:
    tracking_server.add_events(container([PURCHASE, {"eventName": "Signups", "value": 0}]))
    assert [e["eventName"] for e in tracking_server.events] == ["Signups", "Purchases"]


def test_add_events_names_the_right_call_for_other_shapes(tracking_server: TrackingServer) -> None:
    with pytest.raises(TypeError, match=r"add_events\(\[event1, event2\]\)"):
        tracking_server.add_events([PURCHASE], [PURCHASE])
    assert tracking_server.events == []


def test_add_events_refuses_an_invalid_event(tracking_server: TrackingServer) -> None:
    with pytest.raises(Exception, match="value"):
        tracking_server.add_events({"eventName": "Purchases"})
    assert tracking_server.events == []


FIXTURE = """\
version: 1
accounts:
  shop:
    keys: [sk_shop]
    metrics: {Orders: met_orders}
    events:
      - {eventName: Orders, value: 10, createdAt: "2026-01-01T10:00:00Z"}
  other:
    events:
      - {eventName: Signups, value: 0, userId: u9}
"""


@pytest.mark.parametrize(
    ("account", "names"),
    [(None, ["Signups", "Orders"]), ("shop", ["Orders"])],
    ids=["every-account", "one-account"],
)
def test_load_fixtures_seeds_from_yaml(
    tracking_server: TrackingServer, tmp_path: Path, account: str | None, names: list[str]
) -> None:
    path = tmp_path / "seed.yaml"
    path.write_text(FIXTURE)
    tracking_server.load_fixtures(path, account=account)
    assert [e["eventName"] for e in tracking_server.events] == names
    orders = next(e for e in tracking_server.events if e["eventName"] == "Orders")
    assert orders["metricId"] == "met_orders"


def test_load_fixtures_names_a_missing_account(
    tracking_server: TrackingServer, tmp_path: Path
) -> None:
    path = tmp_path / "seed.yaml"
    path.write_text(FIXTURE)
    with pytest.raises(ValueError, match="no account named 'nope'"):
        tracking_server.load_fixtures(path, account="nope")


def test_another_key_cannot_see_this_tests_events(
    tracking_server: TrackingServer, http: httpx.Client
) -> None:
    tracking_server.add_events(PURCHASE)
    other = http.get(
        tracking_server.url_for("/tracking/events"),
        headers={"Authorization": "Bearer sk_test_default"},
    )
    assert other.status_code == 200
    assert other.json()["data"]["totalCount"] == 0


def test_the_account_is_made_on_first_use(tracking_server: TrackingServer) -> None:
    assert tracking_server.account_ref is None
    assert "not created yet" in repr(tracking_server)
    key = tracking_server.api_key
    assert tracking_server.account_ref is not None
    assert tracking_server.account_ref.key == key
    assert tracking_server.account in repr(tracking_server)


def test_accounts_and_calls_do_not_pile_up_over_a_run(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import httpx, pytest

@pytest.mark.parametrize("n", range(30))
def test_busy(tracking_server, n):
    httpx.post(tracking_server.url_for("/tracking/events"), headers=tracking_server.headers,
               json={"eventName": "e", "value": n}, timeout=5)

def test_zz_after(tracking_server):
    state, mine = tracking_server._backend.state, tracking_server.account
    assert [a.name for a in state.store.accounts()] == ["default", mine]
    assert state.journal.records() == []
"""
    )
    pytester.runpytest_inprocess("-p", "no:cacheprovider", "-p", "no:randomly").assert_outcomes(
        passed=31
    )


def test_a_handle_used_after_its_test_makes_no_account(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import pytest
from tracking_mock_pytest import TrackingServerError

kept = []

def test_keeps_its_handle(tracking_server):
    kept.append(tracking_server)

def test_uses_it_later(tracking_server):
    with pytest.raises(TrackingServerError, match="has ended"):
        kept[0].api_key
"""
    )
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_changing_settings_replaces_the_server(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import threading

        import pytest
        from tracking_mock.settings import Settings


        @pytest.fixture(params=[101, 102, 103])
        def tracking_server_settings(request):
            return Settings(port=0, fixtures=(), journal_size=request.param)


        def test_one_server_at_a_time(tracking_server):
            assert tracking_server.events == []
            servers = [t for t in threading.enumerate() if t.name == "tracking-mock"]
            assert len(servers) == 1
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=120)
    result.assert_outcomes(passed=3)
