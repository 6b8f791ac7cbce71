"""The plugin keeps working when the target's admin surface needs a token."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tracking_mock import Settings, create_app, mock_state_of
from tracking_mock.server import ServerThread

TOKEN = "plugin-admin-token"

USER_TEST = """
import httpx


def test_uses_the_admin_surface(tracking_server):
    tracking_server.fail_next(503)
    first = httpx.post(tracking_server.url_for("/tracking/events"), headers=tracking_server.headers,
                       json={"eventName": "a", "value": 1}, timeout=5)
    assert first.status_code == 503
    httpx.post(tracking_server.url_for("/tracking/events"), headers=tracking_server.headers,
               json={"eventName": "a", "value": 1}, timeout=5)
    tracking_server.assert_called("POST", "/tracking/events", times=2)
    tracking_server.assert_event("a", value=1, times=1)
"""


@pytest.fixture(scope="module")
def protected_url() -> Iterator[str]:
    app = create_app(Settings(port=0, fixtures=(), admin_token=TOKEN))
    with ServerThread.for_settings(app, mock_state_of(app).settings) as server:
        yield server.url


def test_remote_mode_passes_the_token_from_the_option(
    pytester: pytest.Pytester, protected_url: str
) -> None:
    pytester.makepyfile(test_user=USER_TEST)
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "--tracking-url", protected_url, "--tracking-admin-token", TOKEN
    )
    result.assert_outcomes(passed=1)


def test_remote_mode_reads_the_token_from_the_environment(
    pytester: pytest.Pytester, protected_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKING_MOCK_ADMIN_TOKEN", TOKEN)
    pytester.makepyfile(test_user=USER_TEST)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--tracking-url", protected_url)
    result.assert_outcomes(passed=1)


def test_remote_mode_without_the_token_says_how_to_pass_it(
    pytester: pytest.Pytester, protected_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRACKING_MOCK_ADMIN_TOKEN", raising=False)
    pytester.makepyfile(test_user=USER_TEST)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--tracking-url", protected_url)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*--tracking-admin-token*"])
    assert TOKEN not in result.stdout.str()


def test_local_mode_works_with_a_token_in_the_settings(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        f"""
import dataclasses
import pytest


@pytest.fixture(scope="session")
def tracking_server_settings(tracking_server_settings):
    return dataclasses.replace(tracking_server_settings, admin_token={TOKEN!r})
"""
    )
    pytester.makepyfile(
        test_user=USER_TEST
        + f"""

def test_the_admin_surface_wants_the_token(tracking_server):
    assert httpx.get(tracking_server.url_for("/_mock/health"), timeout=5).status_code == 401
    headers = {{"X-Admin-Token": {TOKEN!r}}}
    assert httpx.get(tracking_server.url_for("/_mock/health"), headers=headers,
                     timeout=5).status_code == 200
"""
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
