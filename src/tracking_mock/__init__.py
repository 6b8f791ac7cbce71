"""tracking-mock: a local emulator of the Oppizi Tracking API."""

from __future__ import annotations

__version__ = "0.1.0"

from .app import create_app, mock_state_of
from .settings import DEFAULT_API_KEY, Settings

__all__ = ["DEFAULT_API_KEY", "Settings", "__version__", "create_app", "mock_state_of"]
