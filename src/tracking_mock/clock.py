"""A clock per account: real time unless a test freezes or advances it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

LATEST = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp()
"""A clock cannot be moved past the last moment an ISO-8601 timestamp can show."""


def to_epoch(moment: datetime | float) -> float:
    """Seconds since the epoch for an aware datetime (naive ones are taken as UTC) or a number."""
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.timestamp()
    return float(moment)


def _check_range(epoch: float) -> float:
    if not 0 <= epoch <= LATEST:
        raise ValueError("the clock must stay between 1970 and the year 9999")
    return epoch


@dataclass(frozen=True, slots=True)
class ClockState:
    """What a clock was told: frozen at a moment, or real time moved by an offset."""

    frozen_at: float | None = None
    offset: float = 0.0


class Clock:
    """Wall-clock time that can be frozen at a moment and moved forward by hand."""

    def __init__(self, source: Callable[[], float] = time.time) -> None:
        self._source = source
        self._frozen_at: float | None = None
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        """The current time in seconds since the epoch."""
        frozen = self._frozen_at
        return frozen if frozen is not None else self._source() + self._offset

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def freeze(self, at: datetime | float | None = None) -> None:
        """Stop time at ``at`` (default: now) until ``advance`` or ``unfreeze``."""
        with self._lock:
            self._frozen_at = _check_range(self.now() if at is None else to_epoch(at))

    def advance(self, seconds: float) -> None:
        """Move time forward (frozen or not); negative values are refused."""
        if seconds < 0:
            raise ValueError("time only moves forward: seconds must be >= 0")
        with self._lock:
            _check_range(self.now() + seconds)
            if self._frozen_at is not None:
                self._frozen_at += seconds
            else:
                self._offset += seconds

    def unfreeze(self) -> None:
        """Back to real time (keeping no offset)."""
        with self._lock:
            self._frozen_at = None
            self._offset = 0.0

    def state(self) -> ClockState:
        """The clock's settings, to give to ``restore`` later (say, from a snapshot)."""
        with self._lock:
            return ClockState(self._frozen_at, self._offset)

    def restore(self, state: ClockState) -> None:
        """Take back the settings ``state()`` returned."""
        if state.frozen_at is not None:
            _check_range(state.frozen_at)
        with self._lock:
            self._frozen_at = state.frozen_at
            self._offset = state.offset
