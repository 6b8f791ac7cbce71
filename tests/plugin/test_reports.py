"""What users read when a test fails: assertion messages, the calls section, strict mode."""

from __future__ import annotations

import pytest

HELPERS = """
import httpx

def post(server, body):
    return httpx.post(server.url_for("/tracking/events"), headers=server.headers, json=body,
                      timeout=5)
"""


def run(pytester: pytest.Pytester, body: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_user=HELPERS + body)
    return pytester.runpytest_inprocess("-p", "no:cacheprovider", *args)


def test_assert_event_lists_the_closest_events_with_differences_marked(
    pytester: pytest.Pytester,
) -> None:
    result = run(
        pytester,
        """
def test_purchase(tracking_server):
    post(tracking_server, {"eventName": "Purchases", "value": 25, "metadata": {"orderId": "7"}})
    post(tracking_server, {"eventName": "Signups", "value": 0, "userId": "u1"})
    tracking_server.assert_event("Purchases", value=250, metadata={"orderId": "7"})
""",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E       AssertionError: expected an event 'Purchases', value=250, metadata "
            "containing {'orderId': '7'} at least once, found 0 times (the account holds 2 events)",
            "E       closest events (differences marked with ^):",
            "E         evt_* 'Purchases' value=25 metadata={'orderId': '7'}",
            "E           ^ value: 25 (expected 250)",
            "E         evt_* 'Signups' value=0",
            "E           ^ eventName: 'Signups' (expected 'Purchases')",
        ]
    )
    assert "tracking_mock_pytest" not in result.stdout.str()


@pytest.mark.parametrize(
    ("call", "lines"),
    [
        (
            'tracking_server.assert_event("Purchases", times=1)',
            [
                "E       AssertionError: expected an event 'Purchases' once, found 2 times *",
                "E       matching events (newest first):",
            ],
        ),
        (
            'tracking_server.assert_event("Purchases", metadata={"shop": "x"}, currency="EUR")',
            [
                "E           ^ metadata['shop']: missing (expected 'x')",
                "E           ^ currency: None (expected 'EUR')",
            ],
        ),
        (
            "tracking_server.assert_no_events()",
            [
                "E       AssertionError: expected no events, found 2 (newest first):",
                "E         evt_* 'Purchases' value=2",
            ],
        ),
    ],
    ids=["times", "metadata-and-fields", "no-events"],
)
def test_event_assertions_explain_the_miss(
    pytester: pytest.Pytester, call: str, lines: list[str]
) -> None:
    result = run(
        pytester,
        f"""
def test_it(tracking_server):
    tracking_server.add_events({{"eventName": "Purchases", "value": 1}},
                               {{"eventName": "Purchases", "value": 2}})
    {call}
""",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(lines)
    assert "tracking_mock_pytest" not in result.stdout.str()


@pytest.mark.parametrize(
    ("call", "lines"),
    [
        (
            'tracking_server.assert_called("PUT", "/tracking/events")',
            [
                "E       AssertionError: expected PUT /tracking/events to be called at least "
                "once, was called 0 times (2 calls in all)",
                "E       closest calls (differences marked with ^):",
                "E         #* POST /tracking/events -> 400",
                "E           ^ method: 'POST' (expected 'PUT')",
            ],
        ),
        (
            'tracking_server.assert_called("POST", "/tracking/events", times=1)',
            ["E       matching calls (newest first):", "E         #* POST /tracking/events -> 200"],
        ),
        (
            'tracking_server.assert_called("POST", "/events", status=200)',
            [
                "E       AssertionError: expected POST /events answered 200 to be called *",
                "E           ^ path: '/tracking/events' (expected '/events')",
            ],
        ),
    ],
    ids=["wrong-method", "times", "path-and-status"],
)
def test_assert_called_explains_the_miss(
    pytester: pytest.Pytester, call: str, lines: list[str]
) -> None:
    result = run(
        pytester,
        f"""
def test_it(tracking_server):
    post(tracking_server, {{"eventName": "a", "value": 1}})
    post(tracking_server, {{"eventName": "a"}})
    {call}
""",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(lines)
    assert "tracking_mock_pytest" not in result.stdout.str()


def test_a_failed_test_reports_its_last_calls(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_fails(tracking_server):
    post(tracking_server, {"eventName": "Orders", "value": 1,
                           "metadata": {"a": "x" * 250, "b": "y" * 250}})
    tracking_server.calls.clear()  # hidden from the test's view, not from the report
    assert False

def test_passes(tracking_server):
    post(tracking_server, {"eventName": "quiet", "value": 1})
""",
    )
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        [
            "*- tracking-mock calls -*",
            "account test-*: last 1 of 1 calls, oldest first",
            "#* POST /tracking/events -> 200 (*ms)",
            '    body:     {"eventName": "Orders"*... (5* chars)',
            "    response: *",
            "    warning:  [[]recommended-field-missing[]] *",
        ]
    )
    assert "quiet" not in result.stdout.str()


def test_a_passing_test_gets_no_calls_section(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_passes(tracking_server):
    post(tracking_server, {"eventName": "a", "value": 1})
""",
        "-rA",
    )
    result.assert_outcomes(passed=1)
    assert "tracking-mock calls" not in result.stdout.str()


WARNED = """
def test_warned(tracking_server):
    assert post(tracking_server, {"eventName": "a", "value": 1, "extra": True}).status_code == 200

def test_warned_but_accepted(tracking_server):
    post(tracking_server, {"eventName": "a", "value": 1, "extra": True})
    tracking_server.calls.clear()

def test_clean(tracking_server):
    post(tracking_server, {"eventName": "a", "value": 1})

def test_noted_only(tracking_server):
    # The docs' own example: a number in metadata is a note, which strict mode lets pass.
    body = {"eventName": "Purchase", "value": 250, "metadata": {"orderId": 182394}}
    assert post(tracking_server, body).status_code == 200
    assert [w.note for w in tracking_server.warnings] == [True]
"""


def test_strict_option_fails_a_test_at_teardown_listing_its_warnings(
    pytester: pytest.Pytester,
) -> None:
    result = run(pytester, WARNED, "--tracking-strict")
    result.assert_outcomes(passed=4, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_warned*",
            "tracking-mock strict mode: 1 contract warning in this test's calls:",
            "  POST /tracking/events (#* -> 200): [[]unknown-field[]] unknown field 'extra' *",
            "*- tracking-mock calls -*",
        ]
    )


def test_without_strict_warnings_do_not_fail(pytester: pytest.Pytester) -> None:
    run(pytester, WARNED).assert_outcomes(passed=4)


def test_strict_settings_field_refuses_warned_calls_and_fails_the_test(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(
        """
import dataclasses, pytest

@pytest.fixture(scope="session")
def tracking_server_settings(tracking_server_settings):
    return dataclasses.replace(tracking_server_settings, strict=True)
"""
    )
    result = run(
        pytester,
        """
def test_refused(tracking_server):
    assert post(tracking_server, {"eventName": "a", "value": 1, "extra": 1}).status_code == 400
""",
    )
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["tracking-mock strict mode: 1 contract warning *"])


def test_a_server_side_exception_fails_the_test_that_caused_it(
    pytester: pytest.Pytester,
) -> None:
    result = run(
        pytester,
        """
def test_breaks_the_server(tracking_server, monkeypatch):
    store = tracking_server._backend.state.store

    def boom(*args, **kwargs):
        raise LookupError("store exploded")

    monkeypatch.setattr(store, "create_event", boom)
    assert post(tracking_server, {"eventName": "a", "value": 1}).status_code == 500

def test_next_test_is_fine(tracking_server):
    assert post(tracking_server, {"eventName": "a", "value": 1}).status_code == 200
""",
    )
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_breaks_the_server*",
            "*LookupError: store exploded",
            "*direct cause*",
            "*TrackingServerError: the mock server raised LookupError('store exploded') while *",
        ]
    )


def test_the_request_log_shows_in_a_failed_tests_captured_log_at_info(
    pytester: pytest.Pytester,
) -> None:
    result = run(
        pytester,
        """
def test_fails(tracking_server):
    post(tracking_server, {"eventName": "Clicks", "value": 1, "colour": "red"})
    assert False
""",
        "--log-level=INFO",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*- Captured log call -*",
            "INFO *tracking_mock.requests* POST /tracking/events 200 *ms test-* "
            "warnings=unknown-field",
        ]
    )
    assert "sk_test_" not in result.stdout.str()
