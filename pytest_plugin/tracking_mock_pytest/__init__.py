"""The ``tracking_server`` pytest plugin for tracking-mock.

The names below load on first use, so that pytest's start-up does not import the mock.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .assertions import ANY
    from .backend import TrackingServerError
    from .calls import Call, Calls
    from .handle import TrackingServer

__all__ = ["ANY", "Call", "Calls", "TrackingServer", "TrackingServerError"]

_HOMES = {
    "ANY": "assertions",
    "Call": "calls",
    "Calls": "calls",
    "TrackingServer": "handle",
    "TrackingServerError": "backend",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{home}", __name__), name)
