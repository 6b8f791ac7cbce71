"""Shared helpers for the plugin's tests: an HTTP client and a remote mock to point at."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tracking_mock import Settings, create_app
from tracking_mock.server import ServerThread


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    """A plain HTTP client with a short timeout."""
    with httpx.Client(timeout=5.0) as http:
        yield http


@pytest.fixture(scope="module")
def remote_url() -> Iterator[str]:
    """A tracking-mock running on its own thread, as a ``--tracking-url`` target."""
    app = create_app(Settings(port=0, fixtures=()))
    server = ServerThread(app, start_timeout=10.0, stop_timeout=5.0)
    url = server.start()
    try:
        yield url
    finally:
        server.stop()
