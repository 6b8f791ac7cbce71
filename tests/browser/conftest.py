"""A real browser on a real server: Debian's chromium driven by Playwright, nothing downloaded."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Dialog, Page, Playwright, sync_playwright

from tracking_mock import Settings, create_app, mock_state_of
from tracking_mock.server import ServerThread
from tracking_mock.state import MockState

CHROMIUM = Path(os.environ.get("TRACKING_MOCK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LAUNCH_TIMEOUT_MS = 30_000
STEP_TIMEOUT_MS = 10_000
SHOP_KEY = "sk_test_shop"
"""The key of ``api-key-1``, an account that starts empty."""


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's chromium (``apt-get install chromium``), headless."""
    if not CHROMIUM.exists():
        # A contributor without chromium still runs the rest of the suite; CI (which sets CI,
        # and installs chromium) never lets these tests go unrun.
        message = f"no chromium at {CHROMIUM}: apt-get install -y chromium (as .ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=LAUNCH_TIMEOUT_MS
    )
    yield browser
    browser.close()


@dataclass
class Served:
    """A mock on a free port: its URL and its state."""

    url: str
    state: MockState
    auth: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def served() -> Iterator[Served]:
    """The bundled fixtures (account ``default``) plus an empty account with ``SHOP_KEY``."""
    app = create_app(Settings(port=0, api_keys=(SHOP_KEY,)))
    with ServerThread(app, start_timeout=10, stop_timeout=5) as server:
        yield Served(server.url, mock_state_of(app), {"Authorization": "Bearer sk_test_default"})


@dataclass
class Watched:
    """A page, and what went wrong on it: console errors, uncaught errors, dialogs."""

    page: Page
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture
def watched(browser: Browser, served: Served) -> Iterator[Watched]:
    """A fresh page (its own context) whose console errors and dialogs are recorded.

    It asks for ``served`` so that it closes first: a server stopped under an open page
    would wait out its graceful shutdown for the page's live stream.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(STEP_TIMEOUT_MS)
    page = context.new_page()
    seen = Watched(page)
    page.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: seen.errors.append(str(error)))

    def dialog(shown: Dialog) -> None:
        seen.dialogs.append(shown.message)
        shown.dismiss()

    page.on("dialog", dialog)
    yield seen
    context.close()
