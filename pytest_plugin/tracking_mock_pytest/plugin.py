"""pytest entry point (pytest11) of tracking-mock; the fixtures arrive with the plugin issue."""

from __future__ import annotations
