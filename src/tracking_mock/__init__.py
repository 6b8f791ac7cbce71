"""tracking-mock: a local emulator of the Oppizi Tracking API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .settings import DEFAULT_API_KEY, Settings

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .app import create_app, mock_state_of

__all__ = ["DEFAULT_API_KEY", "Settings", "__version__", "create_app", "mock_state_of"]


def __getattr__(name: str) -> Any:
    # The app (and with it Starlette) loads on first use: importing the pure core, the CLI's
    # subcommands or the pytest plugin does not pay for it.
    if name in ("create_app", "mock_state_of"):
        from . import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
