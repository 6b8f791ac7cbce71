"""Shared fixtures: in-process apps and clients with chosen settings."""

from __future__ import annotations

from collections.abc import Iterator

# httpx imports httpcore on its first request. Imported here, before any in-process pytester
# run: that run's sys.modules snapshot would otherwise drop it, and httpx would then meet a
# second httpcore whose exceptions it does not map (a ReadTimeout escaping as httpcore's).
import httpcore  # noqa: F401
import pytest
from hypothesis import settings
from starlette.testclient import TestClient

from tracking_mock import Settings, create_app
from tracking_mock.seed import Seed

from .budgets import PROFILE_ENV, profile_name
from .helpers import EMPTY_SEED, MakeClient


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--slow``: the long property and fuzz runs CI makes."""
    parser.addoption(
        "--slow",
        action="store_true",
        help=f"run the full Hypothesis and schemathesis budgets (also {PROFILE_ENV}=ci)",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Load the test profile before any test module builds its Hypothesis settings."""
    settings.load_profile(profile_name(bool(config.getoption("--slow"))))


def pytest_report_header(config: pytest.Config) -> str:
    """Say which budget ran: a green fast run is not a green CI run."""
    return f"tracking-mock test profile: {profile_name(bool(config.getoption('--slow')))}"


INNER_PLUGINS = ("tracking_mock_pytest.plugin", "xdist.plugin", "xdist.looponfail")
"""The plugins an inner pytest run uses: ours, and xdist for the ``-n 2`` runs."""


@pytest.fixture
def pytester(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """``pytester`` whose runs load only ``INNER_PLUGINS``, not every installed pytest plugin.

    Importing hypothesis, schemathesis and playwright's plugins takes a subprocess run seconds;
    the runs exercise none of them.
    """
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.setenv("PYTEST_PLUGINS", ",".join(INNER_PLUGINS))
    return pytester


@pytest.fixture
def make_client() -> Iterator[MakeClient]:
    """Build in-process clients over apps with the given settings (no seed events by default)."""
    clients: list[TestClient] = []

    def make(seed: Seed = EMPTY_SEED, **settings: object) -> TestClient:
        client = TestClient(create_app(Settings(**settings), seed=seed))  # type: ignore[arg-type]
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: MakeClient) -> TestClient:
    """A client over an app with only the default account, empty, default settings."""
    return make_client()
