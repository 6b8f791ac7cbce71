"""What the per-test handle needs from a server, in-process or remote."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from tracking_mock.fault_spec import FaultSpec
from tracking_mock.models import AccountSpec
from tracking_mock.plan import Plan

from .calls import Call


class TrackingServerError(Exception):
    """The mock server failed, could not be reached, or cannot give a test its own account."""


@dataclass(frozen=True, slots=True)
class AccountRef:
    """A test's own account on the server and the key that reaches it."""

    name: str
    key: str


class ClockControl(Protocol):
    """One account's clock (``tracking_mock.clock.Clock`` has this shape)."""

    def now(self) -> float:
        """The account's time, in seconds since the epoch."""

    def freeze(self, at: datetime | float | None = None) -> None:
        """Stop the account's time at ``at`` (default: now)."""

    def advance(self, seconds: float) -> None:
        """Move the account's time forward."""

    def unfreeze(self) -> None:
        """Back to real time."""


class Backend(Protocol):
    """A session's server: it opens and closes per-test accounts and reads their state."""

    url: str
    has_journal: bool
    """Whether the calls can be read (not with ``--tracking-key``)."""
    lazy_accounts: bool
    """Whether an account may be made on the test's first use of it (cheap, and never fails)."""

    def open_account(self) -> AccountRef:
        """Make a fresh account with a key of its own."""

    def close_account(self, name: str) -> None:
        """Remove the account, its events and its calls."""

    def events(self, name: str) -> list[dict[str, Any]]:
        """The account's events as the API renders them, newest first."""

    def calls(self, name: str) -> list[Call]:
        """The account's calls, oldest first."""

    def seed(self, name: str, spec: AccountSpec) -> None:
        """Add ``spec``'s campaigns, metrics and events to the account."""

    def add_fault(self, name: str, fault: FaultSpec) -> None:
        """Queue ``fault`` on the account (``ValueError`` when a value is out of range)."""

    def clear_faults(self, name: str) -> None:
        """Forget the account's queued faults and its rate limit."""

    def clock(self, name: str) -> ClockControl:
        """The account's clock."""

    def set_plan(self, name: str, plan: Plan | None, mode: str | None) -> None:
        """Check the account's events against ``plan`` in ``mode`` (``None``: the server's)."""

    def plan_coverage(self, name: str) -> dict[str, Any]:
        """The account's plan coverage, as ``GET /_mock/plan/coverage?account=`` gives it."""

    def take_errors(self, name: str) -> list[BaseException]:
        """Exceptions the server raised while serving the account's calls (then forgotten)."""

    def close(self) -> None:
        """Stop the server or let go of the target (bounded by deadlines)."""
