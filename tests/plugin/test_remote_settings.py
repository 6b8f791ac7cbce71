"""``tracking_server_settings`` against a ``--tracking-url`` target: applied, or refused aloud."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import NoReturn

import httpx
import pytest

from tracking_mock import Settings, create_app
from tracking_mock.server import ServerThread
from tracking_mock_pytest.overrides import (
    CHECKED,
    CREDENTIALS,
    NOT_REMOTE,
    PER_ACCOUNT,
    SEEDED,
    SERVER_WIDE,
    SettingNotApplicable,
    account_options,
)

OVERRIDE = """
import dataclasses, pytest

@pytest.fixture(scope="session")
def tracking_server_settings(tracking_server_settings):
    return dataclasses.replace(tracking_server_settings, {changes})
"""

APPLIED_PER_TEST = """
import httpx

def post(server, body):
    return httpx.post(server.url_for("/tracking/events"), headers=server.headers, json=body,
                      timeout=5)

def test_ids_come_back_hashed(tracking_server):
    created = post(tracking_server, {"eventName": "Clicks", "value": 1, "userId": "u1"})
    assert created.status_code == 200
    assert len(tracking_server.events[0]["userId"]) == 64

def test_warnings_are_400s(tracking_server):
    refused = post(tracking_server, {"eventName": "Clicks", "value": 1, "colour": "red"})
    assert refused.status_code == 400
    assert "contract warning (strict mode)" in refused.json()["error"]
    tracking_server.calls.clear()  # expected: strict mode would fail the test at teardown
"""

IT = "def test_it(tracking_server):\n    assert tracking_server.api_key\n"


@pytest.fixture(scope="module")
def small_body_target() -> Iterator[str]:
    """A target started with a body limit of 2048 bytes."""
    app = create_app(Settings(port=0, fixtures=(), max_body_bytes=2048))
    server = ServerThread(app, start_timeout=10.0, stop_timeout=5.0)
    url = server.start()
    try:
        yield url
    finally:
        server.stop()


@pytest.mark.parametrize("remote", [True, False], ids=["remote", "in-process"])
def test_per_account_settings_reach_each_test_on_a_remote_target_as_in_process(
    pytester: pytest.Pytester, remote_url: str, remote: bool
) -> None:
    pytester.makeconftest(OVERRIDE.format(changes="hash_ids=True, strict=True"))
    pytester.makepyfile(test_remote=APPLIED_PER_TEST)
    target = [f"--tracking-url={remote_url}"] if remote else []
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", *target)
    result.assert_outcomes(passed=2)


def test_the_targets_own_accounts_keep_the_targets_settings(
    pytester: pytest.Pytester, remote_url: str
) -> None:
    pytester.makeconftest(OVERRIDE.format(changes="hash_ids=True"))
    pytester.makepyfile(test_remote=IT)
    pytester.runpytest_inprocess("-p", "no:cacheprovider", f"--tracking-url={remote_url}")
    created = httpx.post(
        f"{remote_url}/tracking/events",
        headers={"Authorization": "Bearer sk_test_default"},
        json={"eventName": "Clicks", "value": 1, "userId": "u1", "colour": "red"},
        timeout=5,
    )
    assert created.status_code == 200
    assert created.json()["data"]["userId"] == "u1"


@pytest.mark.parametrize(
    ("changes", "target", "outcome", "message"),
    [
        pytest.param(
            "max_body_bytes=100",
            "remote_url",
            "errors",
            "*tracking_server_settings cannot be applied to --tracking-url http://127.0.0.1:*: "
            "max_body_bytes=100 is server-wide and the target runs with 1048576 "
            "(start it with --max-body-bytes 100, or drop the override)*",
            id="server-wide-differs",
        ),
        pytest.param(
            "max_body_bytes=2048", "small_body_target", "passed", None, id="server-wide-matches"
        ),
        pytest.param(
            "journal_body_bytes=10, max_query_params=5",
            "remote_url",
            "errors",
            "*journal_body_bytes=10 is server-wide*; max_query_params=5 is server-wide*",
            id="every-problem-listed",
        ),
        pytest.param(
            "api_keys=('sk_test_default',)", "remote_url", "passed", None, id="known-api-key"
        ),
        pytest.param(
            "api_keys=('sk_test_default', 'sk_never_seen')",
            "remote_url",
            "errors",
            "*api_keys[[]1[]] is not a key the target knows (start it with --api-key KEY*",
            id="unknown-api-key",
        ),
        pytest.param(
            "host='127.0.0.2', log_level='debug'",
            "remote_url",
            "passed",
            None,
            id="local-server-only-settings",
        ),
    ],
)
def test_a_remote_target_applies_or_refuses_each_changed_setting(
    pytester: pytest.Pytester,
    request: pytest.FixtureRequest,
    changes: str,
    target: str,
    outcome: str,
    message: str | None,
) -> None:
    url = request.getfixturevalue(target)
    pytester.makeconftest(OVERRIDE.format(changes=changes))
    pytester.makepyfile(test_remote=IT)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", f"--tracking-url={url}")
    result.assert_outcomes(**{outcome: 1})
    if message is not None:
        result.stdout.fnmatch_lines([message])
        assert "sk_never_seen" not in result.stdout.str()
        assert "not available" not in result.stdout.str(), "the server is fine; a setting is not"


def test_a_shared_key_refuses_changed_settings_by_name(
    pytester: pytest.Pytester, remote_url: str
) -> None:
    pytester.makeconftest(OVERRIDE.format(changes="hash_ids=True"))
    pytester.makepyfile(test_remote=IT)
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", f"--tracking-url={remote_url}", "--tracking-key=sk_test_default"
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*hash_ids cannot change the one account --tracking-key shares*"])


def test_every_setting_has_a_remote_rule() -> None:
    ruled = NOT_REMOTE | SEEDED | CHECKED | CREDENTIALS | PER_ACCOUNT.keys() | SERVER_WIDE.keys()
    fields = {field.name for field in dataclasses.fields(Settings)}
    assert fields - ruled == set(), (
        "classify new Settings fields in tracking_mock_pytest/overrides.py: how a "
        "--tracking-url target applies them"
    )


def test_an_unruled_setting_is_refused_rather_than_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(SERVER_WIDE, "max_accounts")
    changed = Settings(port=0, fixtures=(), max_accounts=3)
    with pytest.raises(SettingNotApplicable, match="max_accounts=3 has no way to reach"):
        account_options(changed, "http://t", lambda: {}, lambda key: True)


def test_unchanged_settings_ask_the_target_nothing() -> None:
    def never(*_: object) -> NoReturn:
        raise AssertionError("asked")

    options = account_options(Settings(port=0, fixtures=(), strict=True), "http://t", never, never)
    assert options == {"strict": True}
