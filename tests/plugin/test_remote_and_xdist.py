"""An external ``--tracking-url`` target, and isolation between xdist workers."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

USER_TESTS = """
import httpx, pytest
from datetime import datetime, timezone

def post(server, body):
    return httpx.post(server.url_for("/tracking/events"), headers=server.headers, json=body,
                      timeout=5)

def test_seed_and_read(tracking_server):
    tracking_server.add_events({"eventName": "Orders", "value": 3,
                                "createdAt": "2026-01-01T00:00:00Z"})
    assert post(tracking_server, {"eventName": "Orders", "value": 4, "extra": 1}).status_code == 200
    assert [e["value"] for e in tracking_server.events] == [4, 3]
    tracking_server.assert_called("POST", "/tracking/events", times=1)
    tracking_server.assert_event("Orders", value=3)
    assert [w.code for w in tracking_server.warnings][0] == "unknown-field"

def test_isolated(tracking_server):
    tracking_server.assert_no_events()
    assert len(tracking_server.calls) == 0

def test_faults_and_clock(tracking_server):
    tracking_server.clock.freeze(datetime(2026, 2, 1, tzinfo=timezone.utc))
    tracking_server.fail_next(503, retry_after=5)
    failed = post(tracking_server, {"eventName": "a", "value": 1})
    assert (failed.status_code, failed.headers["retry-after"]) == (503, "5")
    tracking_server.rate_limit(1, per_seconds=60)
    assert post(tracking_server, {"eventName": "a", "value": 1}).status_code == 200
    assert post(tracking_server, {"eventName": "a", "value": 1}).status_code == 429
    tracking_server.clock.advance(seconds=60)
    assert post(tracking_server, {"eventName": "a", "value": 1}).status_code == 200
    assert tracking_server.events[0]["createdAt"] == "2026-02-01T00:01:00.000Z"
    tracking_server.drop_next()
    with pytest.raises(httpx.TransportError):
        post(tracking_server, {"eventName": "a", "value": 1})
    tracking_server.clear_faults()
"""


def test_tracking_url_gives_each_test_its_own_account_on_the_target(
    pytester: pytest.Pytester, remote_url: str
) -> None:
    pytester.makepyfile(test_remote=USER_TESTS)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", f"--tracking-url={remote_url}")
    result.assert_outcomes(passed=3)


def test_a_target_without_the_admin_surface_fails_setup_clearly(
    pytester: pytest.Pytester, httpserver: HTTPServer
) -> None:
    pytester.makepyfile(test_remote="def test_it(tracking_server):\n    pass\n")
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", f"--tracking-url={httpserver.url_for('/')}", timeout=120
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*cannot give this test an account of its own*--tracking-url needs a tracking-mock*"]
    )


def test_an_unreachable_target_fails_setup_instead_of_hanging(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_remote="def test_it(tracking_server):\n    pass\n")
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--tracking-url=http://127.0.0.1:9", timeout=120
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*cannot reach http://127.0.0.1:9/_mock/accounts*"])


def test_tracking_key_shares_one_account_and_says_what_is_missing(
    pytester: pytest.Pytester, remote_url: str
) -> None:
    pytester.makepyfile(
        test_remote="""
import pytest
from tracking_mock_pytest import TrackingServerError

def test_it(tracking_server):
    assert tracking_server.api_key == "sk_test_default"
    assert tracking_server.headers == {"Authorization": "Bearer sk_test_default"}
    with pytest.raises(TrackingServerError, match="only url, url_for.., api_key and headers"):
        tracking_server.events
"""
    )
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", f"--tracking-url={remote_url}", "--tracking-key=sk_test_default"
    )
    result.assert_outcomes(passed=1)


def test_tracking_key_refuses_strict_mode_instead_of_ignoring_it(
    pytester: pytest.Pytester, remote_url: str
) -> None:
    pytester.makepyfile(test_remote="def test_it(tracking_server):\n    pass\n")
    result = pytester.runpytest_inprocess(
        "-p",
        "no:cacheprovider",
        "--tracking-strict",
        f"--tracking-url={remote_url}",
        "--tracking-key=sk_test_default",
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*strict mode reads each test's calls*--tracking-key*"])


def test_xdist_workers_keep_tests_isolated(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import httpx, pytest

@pytest.mark.parametrize("n", range(40))
def test_sees_only_its_own(tracking_server, n):
    body = {"eventName": f"e{n}", "value": n}
    r = httpx.post(tracking_server.url_for("/tracking/events"), headers=tracking_server.headers,
                   json=body, timeout=5)
    assert r.status_code == 200
    assert [e["eventName"] for e in tracking_server.events] == [f"e{n}"]
    assert len(tracking_server.calls) == 1
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2", timeout=120)
    result.assert_outcomes(passed=40)
    result.stdout.fnmatch_lines(["*2 workers*"])
