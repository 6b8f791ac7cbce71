"""Shared fixtures: in-process apps and clients with chosen settings."""

from __future__ import annotations

from collections.abc import Iterator

# httpx imports httpcore on its first request. Imported here, before any in-process pytester
# run: that run's sys.modules snapshot would otherwise drop it, and httpx would then meet a
# second httpcore whose exceptions it does not map (a ReadTimeout escaping as httpcore's).
import httpcore  # noqa: F401
import pytest
from starlette.testclient import TestClient

from tracking_mock import Settings, create_app
from tracking_mock.seed import Seed

from .helpers import EMPTY_SEED, MakeClient


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
