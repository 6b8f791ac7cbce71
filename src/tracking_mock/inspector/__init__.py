"""The live inspector at ``/_mock/ui``: the calls, one call in full, events and accounts."""

from __future__ import annotations

from .web import routes

__all__ = ["routes"]
