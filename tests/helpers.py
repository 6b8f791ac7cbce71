"""Helpers shared by the test modules."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

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


T = TypeVar("T")


def wait_for(check: Callable[[], T], what: str, timeout: float = 10.0) -> T:
    """Poll ``check`` until it gives something truthy, and return that; fail after ``timeout``.

    The short pause between polls is no wait for the outcome: the deadline bounds the loop.
    """
    deadline = time.monotonic() + timeout
    while not (found := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.005)
    return found
