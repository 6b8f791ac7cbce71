"""Faults and time on the test's own account: fail, rate-limit, delay, drop, freeze, advance."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from tracking_mock_pytest import TrackingServer

EVENT = {"eventName": "Clicks", "value": 1}


def post(http: httpx.Client, server: TrackingServer) -> httpx.Response:
    return http.post(server.url_for("/tracking/events"), headers=server.headers, json=EVENT)


@pytest.mark.parametrize(
    ("status", "retry_after", "header"),
    [(500, None, None), (503, 7, "7"), (429, 2.5, "3")],
    ids=["500", "503-retry-after", "429-rounded-up"],
)
def test_fail_next_answers_in_the_envelope_then_recovers(
    tracking_server: TrackingServer,
    http: httpx.Client,
    status: int,
    retry_after: float | None,
    header: str | None,
) -> None:
    tracking_server.fail_next(status, times=2, retry_after=retry_after)
    failed = [post(http, tracking_server) for _ in range(2)]
    assert [r.status_code for r in failed] == [status, status]
    assert failed[0].json()["success"] is False
    assert set(failed[0].json()) == {"success", "error"}
    assert failed[0].headers.get("retry-after") == header
    assert post(http, tracking_server).status_code == 200
    assert len(tracking_server.events) == 1, "nothing a failed call carried is stored"
    assert [c.fault for c in tracking_server.calls] == ["fail", "fail", None]


def test_fail_next_only_hits_the_matching_path_and_method(
    tracking_server: TrackingServer, http: httpx.Client
) -> None:
    tracking_server.fail_next(502, path="/tracking/events", method="GET")
    assert post(http, tracking_server).status_code == 200
    listed = http.get(tracking_server.url_for("/tracking/events"), headers=tracking_server.headers)
    assert listed.status_code == 502


def test_rate_limit_answers_429_past_the_quota_until_the_window_passes(
    tracking_server: TrackingServer, http: httpx.Client
) -> None:
    tracking_server.clock.freeze(datetime(2026, 3, 1, tzinfo=UTC))
    tracking_server.rate_limit(2, per_seconds=10)
    statuses = [post(http, tracking_server).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert tracking_server.calls.last.fault == "rate-limit"
    blocked = post(http, tracking_server)
    assert blocked.headers["retry-after"] == "10"
    tracking_server.clock.advance(seconds=10)
    assert post(http, tracking_server).status_code == 200
    assert len(tracking_server.events) == 3


def test_clear_faults_forgets_queued_failures(
    tracking_server: TrackingServer, http: httpx.Client
) -> None:
    tracking_server.fail_next(500, times=5)
    tracking_server.rate_limit(1, per_seconds=60)
    tracking_server.clear_faults()
    assert [post(http, tracking_server).status_code for _ in range(3)] == [200, 200, 200]


def test_delay_next_holds_the_answer(tracking_server: TrackingServer, http: httpx.Client) -> None:
    tracking_server.delay_next(0.2)
    assert post(http, tracking_server).status_code == 200
    delayed = tracking_server.calls.last
    assert delayed.fault == "delay"
    assert delayed.duration_ms >= 200
    assert post(http, tracking_server).status_code == 200
    assert tracking_server.calls.last.fault is None


def test_delay_next_trips_a_client_timeout(
    tracking_server: TrackingServer, http: httpx.Client
) -> None:
    tracking_server.delay_next(0.5)
    with pytest.raises(httpx.ReadTimeout):
        http.post(
            tracking_server.url_for("/tracking/events"),
            headers=tracking_server.headers,
            json=EVENT,
            timeout=0.1,
        )


def test_drop_next_closes_the_connection_and_stores_nothing(
    tracking_server: TrackingServer, http: httpx.Client
) -> None:
    tracking_server.drop_next()
    with pytest.raises(httpx.TransportError):
        post(http, tracking_server)
    assert tracking_server.events == []
    assert post(http, tracking_server).status_code == 200
    assert [(c.fault, c.status) for c in tracking_server.calls] == [("drop", 0), (None, 200)]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: s.fail_next(200), "status must be a whole number from 400 to 599"),
        (lambda s: s.delay_next(1, times=0), "times"),
        (lambda s: s.rate_limit(0, 1), "requests"),
        (lambda s: s.clock.advance(-1), "forward"),
    ],
    ids=["fail-needs-error-status", "times-at-least-one", "quota-positive", "time-forward"],
)
def test_bad_fault_arguments_are_refused(
    tracking_server: TrackingServer, call: object, message: str
) -> None:
    assert callable(call)
    with pytest.raises(ValueError, match=message):
        call(tracking_server)


def test_frozen_clock_stamps_new_events_and_advance_moves_it(
    tracking_server: TrackingServer, http: httpx.Client
) -> None:
    tracking_server.clock.freeze(datetime(2026, 5, 1, 12, 0, tzinfo=UTC))
    post(http, tracking_server)
    tracking_server.clock.advance(seconds=90)
    post(http, tracking_server)
    assert [e["createdAt"] for e in tracking_server.events] == [
        "2026-05-01T12:01:30.000Z",
        "2026-05-01T12:00:00.000Z",
    ]
    assert tracking_server.now() == datetime(2026, 5, 1, 12, 1, 30, tzinfo=UTC)


def test_unfrozen_clock_follows_real_time(tracking_server: TrackingServer) -> None:
    tracking_server.clock.freeze(datetime(2000, 1, 1, tzinfo=UTC))
    tracking_server.clock.unfreeze()
    assert abs((tracking_server.now() - datetime.now(UTC)).total_seconds()) < 60
    tracking_server.add_events(EVENT)
    assert tracking_server.events[0]["createdAt"].startswith(str(datetime.now(UTC).year))


def test_a_call_still_delayed_when_its_test_ends_does_not_leak_into_the_next(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
import httpx, pytest
from tracking_mock.settings import Settings

@pytest.fixture(scope="session")
def tracking_server_settings():
    # A stop held past its bound (2 x 2 s) by the delayed call would fail and say so.
    return Settings(port=0, fixtures=(), server_stop_timeout=2)

def test_gives_up(tracking_server):
    tracking_server.delay_next(60)
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(tracking_server.url_for("/tracking/events"), headers=tracking_server.headers,
                   json={"eventName": "late", "value": 1}, timeout=0.2)

def test_next_test_sees_nothing_of_it(tracking_server):
    state = tracking_server._backend.state
    assert [a.name for a in state.store.accounts()] == ["default"]
    assert tracking_server.calls == []
    assert tracking_server.events == []
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=120)
    result.assert_outcomes(passed=2)
    assert "did not stop" not in result.stdout.str()


def test_a_call_held_by_a_delay_is_in_calls_while_pending(
    tracking_server: TrackingServer, http: httpx.Client
) -> None:
    tracking_server.delay_next(2)
    with pytest.raises(httpx.ReadTimeout):  # the client gives up, then retries
        http.post(
            tracking_server.url_for("/tracking/events"),
            headers=tracking_server.headers,
            json=EVENT,
            timeout=0.2,
        )
    assert post(http, tracking_server).status_code == 200
    first, retry = tracking_server.calls
    assert (first.pending, first.status, first.fault) == (True, 0, "delay")
    assert (retry.pending, retry.status) == (False, 200)
