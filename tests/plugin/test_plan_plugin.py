"""Tracking plans through the plugin: violations, assertions, marker, settings, summary."""

from __future__ import annotations

import pytest

PLAN = """\
version: 1
events:
  Purchase:
    value: {minimum: 0, decimals: 2}
    fields: {transactionId: required, coupon: forbidden}
    metadata:
      orderId: {required: true, pattern: '^ord-[0-9]+$'}
      plan: {enum: [free, pro, team]}
      tags: {type: "string[]", maxLength: 5}
      legacyRef: {deprecated: true}
  Refund:
  Signup:
    schema: {type: object, required: [userId]}
"""
HELPERS = """
import httpx
import pytest

GOOD = {"eventName": "Purchase", "value": 2.5, "transactionId": "t",
        "metadata": {"orderId": "ord-1"}}

def post(server, body):
    return httpx.post(server.url_for("/tracking/events"), headers=server.headers, json=body,
                      timeout=5)

def changed(**fields):
    body = {**GOOD, **fields}
    return {k: v for k, v in body.items() if v is not None}

def meta(**entries):
    return changed(metadata={"orderId": "ord-1", **entries})
"""


@pytest.fixture
def plan_dir(pytester: pytest.Pytester) -> pytest.Pytester:
    (pytester.path / "plan.yaml").write_text(PLAN, encoding="utf-8")
    return pytester


def run(pytester: pytest.Pytester, body: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_user=HELPERS + body)
    return pytester.runpytest_inprocess("-p", "no:cacheprovider", *args)


def test_every_violation_code_reaches_tracking_server_violations(plan_dir: pytest.Pytester) -> None:
    result = run(
        plan_dir,
        """
@pytest.mark.tracking_plan("plan.yaml")
@pytest.mark.parametrize(("body", "code", "path"), [
    (changed(eventName="Purchse"), "plan-unplanned-event", "$.eventName"),
    (changed(transactionId=None), "plan-required-missing", "$.transactionId"),
    (changed(coupon="X"), "plan-forbidden-field", "$.coupon"),
    (meta(plan="gold"), "plan-enum-mismatch", "$.metadata.plan"),
    (changed(metadata={"orderId": "1"}), "plan-pattern-mismatch", "$.metadata.orderId"),
    (changed(metadata={"orderId": 1}), "plan-type-mismatch", "$.metadata.orderId"),
    (meta(tags=["abcdef"]), "plan-too-long", "$.metadata.tags[0]"),
    (changed(value=-1), "plan-out-of-range", "$.value"),
    (changed(value=1.001), "plan-decimals", "$.value"),
    (meta(x="y"), "plan-additional-metadata", "$.metadata.x"),
    (meta(legacyRef="y"), "plan-deprecated-metadata", "$.metadata.legacyRef"),
    ({"eventName": "Signup", "value": 0}, "plan-required-missing", "$.userId"),
])
def test_code(tracking_server, body, code, path):
    assert post(tracking_server, body).status_code == 200
    assert [(v.code, v.path) for v in tracking_server.violations] == [(code, path)]
    assert len(tracking_server.events) == 1
    with pytest.raises(AssertionError, match=code):
        tracking_server.assert_no_violations()

@pytest.mark.tracking_plan("plan.yaml")
def test_valid(tracking_server):
    post(tracking_server, GOOD)
    post(tracking_server, {**GOOD, "colour": "red"})  # a contract warning, not a violation
    assert tracking_server.violations == []
    assert [w.code for w in tracking_server.warnings] == ["unknown-field"]
    tracking_server.assert_no_violations()
""",
    )
    result.assert_outcomes(passed=13)


def test_assert_no_violations_lists_each_call_path_and_code(plan_dir: pytest.Pytester) -> None:
    result = run(
        plan_dir,
        """
@pytest.mark.tracking_plan("plan.yaml")
def test_misspelt(tracking_server):
    post(tracking_server, GOOD)
    post(tracking_server, changed(eventName="Purchse"))
    tracking_server.assert_no_violations()
""",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E       AssertionError: expected no tracking-plan violations, found 1 "
            "tracking-plan violation:",
            "E         POST /tracking/events (#* -> 200): $.eventName [[]plan-unplanned-event[]] "
            "event 'Purchse' is not in the tracking plan (did you mean 'Purchase'?)",
        ]
    )
    assert "tracking_mock_pytest" not in result.stdout.str()


def test_marker_modes_enforce_and_off(plan_dir: pytest.Pytester) -> None:
    result = run(
        plan_dir,
        """
@pytest.mark.tracking_plan("plan.yaml", mode="enforce")
def test_enforce(tracking_server):
    response = post(tracking_server, changed(coupon="X"))
    assert response.status_code == 400
    assert "[plan-forbidden-field]" in response.json()["error"]
    tracking_server.assert_no_events()
    assert [v.code for v in tracking_server.violations] == ["plan-forbidden-field"]

@pytest.mark.tracking_plan("plan.yaml", mode="off")
def test_off(tracking_server):
    assert post(tracking_server, changed(coupon="X")).status_code == 200
    assert tracking_server.violations == []

def test_unmarked_has_no_plan(tracking_server):
    assert post(tracking_server, changed(eventName="Purchse")).status_code == 200
    assert tracking_server.violations == []

def test_use_plan_on_the_handle(tracking_server):
    tracking_server.use_plan("plan.yaml", mode="enforce")
    assert post(tracking_server, changed(eventName="Purchse")).status_code == 400

@pytest.mark.tracking_plan("plan.yaml", mode="loud")
def test_bad_mode(tracking_server):
    pass

@pytest.mark.tracking_plan("missing.yaml")
def test_missing_plan(tracking_server):
    pass
""",
    )
    result.assert_outcomes(passed=4, errors=2)
    result.stdout.fnmatch_lines(["*mode must be one of*", "*missing.yaml: cannot read*"])


def test_the_settings_plan_applies_to_every_test(plan_dir: pytest.Pytester) -> None:
    result = run(
        plan_dir,
        """
import dataclasses
from pathlib import Path

@pytest.fixture(scope="session")
def tracking_server_settings(tracking_server_settings):
    return dataclasses.replace(
        tracking_server_settings, plans=(Path("plan.yaml").resolve(),), plan_mode="enforce"
    )

def test_one(tracking_server):
    assert post(tracking_server, changed(eventName="Purchse")).status_code == 400

def test_two(tracking_server):
    assert post(tracking_server, GOOD).status_code == 200
""",
    )
    result.assert_outcomes(passed=2)


def test_strict_runs_fail_on_violations_too(plan_dir: pytest.Pytester) -> None:
    result = run(
        plan_dir,
        """
@pytest.mark.tracking_plan("plan.yaml")
def test_misspelt(tracking_server):
    post(tracking_server, changed(eventName="Purchse"))
""",
        "--tracking-strict",
    )
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*[[]plan-unplanned-event[]] event 'Purchse'*"])


COVERAGE_TESTS = """
@pytest.mark.tracking_plan("plan.yaml")
def test_purchase(tracking_server):
    post(tracking_server, GOOD)

@pytest.mark.tracking_plan("plan.yaml")
def test_signup_badly(tracking_server):
    post(tracking_server, {"eventName": "Signup", "value": 0})

def test_without_plan(tracking_server):
    post(tracking_server, GOOD)
"""


def test_plan_coverage_summary_lists_planned_events_no_test_sent(
    plan_dir: pytest.Pytester,
) -> None:
    result = run(plan_dir, COVERAGE_TESTS, "--tracking-plan-coverage")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        [
            "*= tracking plan coverage =*",
            "2 of 3 planned events were sent by the tests",
            "never sent: Refund",
        ]
    )


def test_no_summary_without_the_option(plan_dir: pytest.Pytester) -> None:
    result = run(plan_dir, COVERAGE_TESTS)
    assert "tracking plan coverage" not in result.stdout.str()


def test_plan_coverage_summary_sums_xdist_workers(plan_dir: pytest.Pytester) -> None:
    plan_dir.makepyfile(test_user=HELPERS + COVERAGE_TESTS)
    result = plan_dir.runpytest_subprocess(
        "-p", "no:cacheprovider", "-n", "2", "--tracking-plan-coverage", timeout=120
    )
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        ["2 of 3 planned events were sent by the tests", "never sent: Refund"]
    )


def test_a_remote_target_gets_the_marker_plan_and_reports_coverage(
    plan_dir: pytest.Pytester, remote_url: str
) -> None:
    plan_dir.makepyfile(test_user=HELPERS + COVERAGE_TESTS)
    result = plan_dir.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "--tracking-url",
        remote_url,
        "--tracking-plan-coverage",
        timeout=120,
    )
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["never sent: Refund"])
