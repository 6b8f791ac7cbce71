"""The one fault vocabulary: the admin JSON read and written back, and the OpenAPI fields."""

from __future__ import annotations

from typing import Any

import pytest

from tracking_mock import fault_spec
from tracking_mock.fault_spec import FaultSpec


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"action": "fail", "status": 503, "times": 2, "retryAfter": 5}, id="fail"),
        pytest.param({"action": "delay", "seconds": 1.5, "times": 1, "path": "/x"}, id="delay"),
        pytest.param({"action": "drop", "times": 3, "method": "POST"}, id="drop"),
        pytest.param({"action": "rate_limit", "requests": 2, "perSeconds": 60}, id="rate-limit"),
    ],
)
def test_a_fault_reads_from_admin_json_and_writes_the_same_json(body: dict[str, Any]) -> None:
    assert FaultSpec.from_json(body).to_json() == body


def test_a_fractional_retry_after_is_sent_as_whole_seconds_rounded_up() -> None:
    fault = FaultSpec("fail", 429, retry_after=1.2)
    assert fault.to_json() == {"action": "fail", "status": 429, "times": 1, "retryAfter": 2}


def test_every_json_field_of_a_fault_is_described_for_the_openapi_document() -> None:
    named = {name for fields in fault_spec.FIELDS.values() for name in fields}
    assert named == set(fault_spec.SCHEMAS)
    assert set(fault_spec.FIELDS) == set(fault_spec.ACTIONS)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param({"action": 1}, "action must be one of", id="bad-action"),
        pytest.param({"action": "drop", "seconds": 1}, "unknown field 'seconds'", id="unknown"),
        pytest.param({"action": "rate_limit"}, "perSeconds is required", id="missing"),
        pytest.param({"action": "fail", "status": 500, "retryAfter": 1.5}, "whole", id="float"),
    ],
)
def test_a_bad_fault_body_is_refused_with_the_admin_message(
    body: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        FaultSpec.from_json(body)
