"""Helpers shared by the test modules."""

from __future__ import annotations

from collections.abc import Callable

from starlette.applications import Starlette
from starlette.testclient import TestClient

from tracking_mock import DEFAULT_API_KEY, mock_state_of
from tracking_mock.seed import Seed
from tracking_mock.state import MockState

AUTH = {"Authorization": f"Bearer {DEFAULT_API_KEY}"}
EMPTY_SEED = Seed(accounts=(), files=())

MakeClient = Callable[..., TestClient]


def state_of(client: TestClient) -> MockState:
    """The state behind a test client's app."""
    app = client.app
    assert isinstance(app, Starlette)
    return mock_state_of(app)
