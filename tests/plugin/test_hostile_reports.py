"""Nothing a client sends can end the user's pytest session or break the failure report."""

from __future__ import annotations

import pytest

from ..test_hostile_input import HOSTILE_BODIES

USER_TESTS = """
import httpx
import pytest

BODIES = {bodies!r}


@pytest.mark.parametrize("index", range(len(BODIES)))
def test_hostile(tracking_server, index):
    httpx.post(
        tracking_server.url_for("/tracking/events"),
        headers={{**tracking_server.headers, "Content-Type": "application/json"}},
        content=BODIES[index],
        timeout=5,
    )
    assert len(tracking_server.calls) == 1
    repr(tracking_server.calls.last.body)
    tracking_server.assert_called("POST", "/tracking/events", times=1)
    tracking_server.assert_called("GET", "/nowhere")  # fails: the report shows the calls
"""


@pytest.mark.parametrize("mode", ["local", "remote"])
def test_hostile_bodies_fail_tests_normally_with_a_calls_section(
    pytester: pytest.Pytester, remote_url: str, mode: str
) -> None:
    bodies = [param.values[0] for param in HOSTILE_BODIES]
    pytester.makepyfile(test_user=USER_TESTS.format(bodies=bodies))
    args = ["-p", "no:cacheprovider"]
    if mode == "remote":
        args += ["--tracking-url", remote_url]
    result = pytester.runpytest_inprocess(*args)
    result.assert_outcomes(failed=len(bodies))
    output = result.stdout.str()
    assert "INTERNALERROR" not in output
    assert output.count("tracking-mock calls") == len(bodies)
    assert "AssertionError: expected GET /nowhere" in output
