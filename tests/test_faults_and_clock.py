"""Injected faults and the per-account clock, tested without HTTP."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tracking_mock.clock import Clock
from tracking_mock.faults import PASS, Faults, Verdict


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


def test_clock_follows_its_source_until_frozen(fake: FakeTime) -> None:
    clock = Clock(fake)
    assert clock.now() == 1000.0
    clock.freeze(datetime(2030, 1, 1, tzinfo=UTC))
    fake.now += 50
    assert clock.now() == datetime(2030, 1, 1, tzinfo=UTC).timestamp()
    clock.advance(5)
    assert clock.now() == datetime(2030, 1, 1, 0, 0, 5, tzinfo=UTC).timestamp()
    clock.unfreeze()
    assert clock.now() == 1050.0


def test_advancing_a_running_clock_offsets_it(fake: FakeTime) -> None:
    clock = Clock(fake)
    clock.advance(60)
    fake.now += 1
    assert clock.now() == 1061.0
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)


@pytest.mark.parametrize(
    "move",
    [
        lambda c: c.freeze(datetime(1969, 12, 31, tzinfo=UTC)),
        lambda c: c.freeze(1e12),
        lambda c: c.advance(1e12),
    ],
    ids=["before-1970", "freeze-past-9999", "advance-past-9999"],
)
def test_the_clock_stays_within_representable_time(fake: FakeTime, move: object) -> None:
    clock = Clock(fake)
    with pytest.raises(ValueError, match="between 1970 and the year 9999"):
        move(clock)  # type: ignore[operator]
    assert clock.now() == 1000.0


def test_naive_datetimes_are_utc(fake: FakeTime) -> None:
    clock = Clock(fake)
    clock.freeze(datetime(2030, 1, 1))
    assert clock.now() == datetime(2030, 1, 1, tzinfo=UTC).timestamp()


def test_fail_next_applies_times_then_stops(fake: FakeTime) -> None:
    faults = Faults(Clock(fake))
    faults.fail_next(503, times=2, retry_after=3)
    expected = Verdict(fault="fail", fail_status=503, retry_after=3)
    assert [faults.judge("POST", "/x") for _ in range(3)] == [expected, expected, PASS]
    assert not faults.active


def test_rules_can_target_a_path_and_method(fake: FakeTime) -> None:
    faults = Faults(Clock(fake))
    faults.fail_next(500, path="/tracking/events", method="PUT")
    assert faults.judge("PUT", "/events") is PASS
    assert faults.judge("POST", "/tracking/events") is PASS
    assert faults.judge("PUT", "/tracking/events").fail_status == 500


def test_fault_methods_match_in_any_case(fake: FakeTime) -> None:
    faults = Faults(Clock(fake))
    faults.fail_next(503, method="post")
    assert faults.judge("POST", "/x").fail_status == 503


def test_a_delay_combines_with_a_failure(fake: FakeTime) -> None:
    faults = Faults(Clock(fake))
    faults.delay_next(0.25)
    faults.drop_next()
    assert faults.judge("GET", "/x") == Verdict(delay=0.25, fault="drop")
    assert faults.judge("GET", "/x") is PASS


def test_rate_limit_is_a_sliding_window_on_the_clock(fake: FakeTime) -> None:
    faults = Faults(Clock(fake))
    faults.rate_limit(2, 10)
    assert faults.judge("GET", "/x") is PASS
    fake.now += 4
    assert faults.judge("GET", "/x") is PASS
    limited = faults.judge("GET", "/x")
    assert (limited.fault, limited.fail_status, limited.retry_after) == ("rate-limit", 429, 6)
    fake.now += 6
    assert faults.judge("GET", "/x") is PASS
    faults.clear()
    assert not faults.active


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda f: f.fail_next(200), "status must be a whole number from 400 to 599"),
        (lambda f: f.fail_next(500, times=0), "times must be a whole number from 1"),
        (lambda f: f.delay_next(-1), "seconds must be a number from 0 to 600"),
        (lambda f: f.rate_limit(0, 1), "requests must be a whole number from 1"),
    ],
)
def test_bad_fault_arguments_are_refused(fake: FakeTime, call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call(Faults(Clock(fake)))  # type: ignore[operator]


def test_the_rule_queue_is_bounded(fake: FakeTime) -> None:
    faults = Faults(Clock(fake))
    for _ in range(100):
        faults.drop_next()
    with pytest.raises(ValueError, match="at most 100"):
        faults.drop_next()
