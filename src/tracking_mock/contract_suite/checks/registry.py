"""The registry of checks: what one is, and the decorator that lists it in report order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..context import Context

NEEDS_SEEDED_TABLES = "needs a campaign and metric table the run controls (seeded through /_mock)"


@dataclass(frozen=True, slots=True)
class Check:
    """One checked behaviour of the API."""

    name: str
    behaviour: str
    source: str
    """``"doc"`` (stated by the public docs) or ``"decision"`` (the mock's own choice)."""
    run: Callable[[Context], None]
    mock_only: str | None = None
    """Why the check is not run against the real API (``None``: it is safe there)."""


CHECKS: list[Check] = []


def check(
    name: str, behaviour: str, source: str, *, mock_only: str | None = None
) -> Callable[[Callable[[Context], None]], Callable[[Context], None]]:
    """Register a check function under ``name``."""

    def register(run: Callable[[Context], None]) -> Callable[[Context], None]:
        CHECKS.append(Check(name, behaviour, source, run, mock_only))
        return run

    return register
