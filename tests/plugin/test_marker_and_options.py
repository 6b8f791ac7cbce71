"""The marker, the documented fixtures and options, and the settings override point."""

from __future__ import annotations

import pytest

SEED = """\
version: 1
accounts:
  shop:
    campaigns: {cmp_1: {coupons: [SAVE10]}}
    events:
      - {eventName: Orders, value: 12, coupon: SAVE10, createdAt: "2026-01-01T00:00:00Z"}
  other:
    events:
      - {eventName: Signups, value: 0, userId: u1}
"""


def test_marker_seeds_the_account_from_files_relative_to_the_test(
    pytester: pytest.Pytester,
) -> None:
    pytester.mkdir("sub")
    (pytester.path / "sub" / "data").mkdir()
    (pytester.path / "sub" / "data" / "seed.yaml").write_text(SEED)
    (pytester.path / "sub" / "test_marked.py").write_text(
        """
import pytest

@pytest.mark.tracking_fixtures("data/seed.yaml")
def test_every_account(tracking_server):
    assert [e["eventName"] for e in tracking_server.events] == ["Signups", "Orders"]
    tracking_server.assert_event("Orders", value=12, campaignId="cmp_1")

@pytest.mark.tracking_fixtures("data/seed.yaml", account="shop")
def test_one_account(tracking_server):
    assert [e["eventName"] for e in tracking_server.events] == ["Orders"]

def test_unmarked(tracking_server):
    tracking_server.assert_no_events()
"""
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)


def test_marker_with_a_missing_file_errors_at_setup(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import pytest

@pytest.mark.tracking_fixtures("nope.yaml")
def test_it(tracking_server):
    pass
"""
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*nope.yaml: no such file or folder*"])


def test_settings_fixture_files_seed_every_account(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", seed=SEED)
    pytester.makeconftest(
        """
import dataclasses, pathlib, pytest

@pytest.fixture(scope="session")
def tracking_server_settings(tracking_server_settings):
    here = pathlib.Path(__file__).parent
    return dataclasses.replace(tracking_server_settings, fixtures=(here / "seed.yaml",))
"""
    )
    pytester.makepyfile(
        """
def test_one(tracking_server):
    assert len(tracking_server.events) == 2
    tracking_server.add_events({"eventName": "x", "value": 1})

def test_two(tracking_server):
    assert len(tracking_server.events) == 2
"""
    )
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_fixtures_are_listed_with_a_line_each(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess("--fixtures", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines_random(
        [
            "tracking_server_settings [[]session scope[]]*",
            "    Settings of the session's mock server*",
            "tracking_server -- *",
            "    A real HTTP Tracking API mock with a fresh account and key for this test.",
        ]
    )


def test_options_and_marker_are_documented(pytester: pytest.Pytester) -> None:
    help_text = pytester.runpytest_inprocess("--help").stdout.str()
    for option in ("--tracking-strict", "--tracking-url=URL", "--tracking-key=KEY"):
        assert option in help_text
    # What works with a shared key is what the README lists.
    assert "only tracking_server.url, .url_for(), .api_key and .headers work" in " ".join(
        help_text.split()
    )
    markers = pytester.runpytest_inprocess("--markers").stdout.str()
    assert "@pytest.mark.tracking_fixtures(*paths, account=None)" in markers


def test_a_suite_without_the_fixture_does_not_start_the_mock(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import sys

def test_plain():
    assert "tracking_mock_pytest.local" not in sys.modules
"""
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=60).assert_outcomes(passed=1)


def test_fixture_works_in_classes_through_other_fixtures_and_class_markers(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".yaml", seed=SEED)
    pytester.makepyfile(
        """
import pytest

@pytest.fixture
def shop(tracking_server):
    tracking_server.add_events({"eventName": "Extra", "value": 1})
    return tracking_server

@pytest.mark.tracking_fixtures("seed.yaml", account="shop")
class TestShop:
    def test_seeded_through_a_fixture(self, shop):
        assert [e["eventName"] for e in shop.events] == ["Extra", "Orders"]

    def test_requested_dynamically(self, request):
        server = request.getfixturevalue("tracking_server")
        server.assert_event("Orders", value=12)
"""
    )
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_a_server_that_cannot_start_errors_each_test_clearly(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
import dataclasses, pathlib, pytest

@pytest.fixture(scope="session")
def tracking_server_settings(tracking_server_settings):
    return dataclasses.replace(tracking_server_settings, fixtures=(pathlib.Path("gone.yaml"),))
"""
    )
    pytester.makepyfile(
        """
def test_one(tracking_server):
    pass

def test_two(tracking_server):
    pass
"""
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(
        ["*TrackingServerError: the mock server is not available: gone.yaml: no such file*"]
    )


def test_the_marker_refuses_unknown_keywords(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest


        @pytest.mark.tracking_fixtures("seed.yaml", acount="shop")
        def test_typo(tracking_server):
            pass
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=120)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*TypeError: @pytest.mark.tracking_fixtures takes account=, not *acount*"]
    )
