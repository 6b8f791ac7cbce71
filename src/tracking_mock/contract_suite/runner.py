"""Run the checks against one target and collect a parity report."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import httpx

from .checks import CHECKS, Check
from .context import EVENTS, Context
from .expect import Difference, Skip
from .probe import Probe

Target = Literal["mock", "real", "auto"]
Status = Literal["pass", "differ", "skip"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one check found: pass, differ (expected vs actual) or skip (with the reason)."""

    name: str
    behaviour: str
    source: str
    status: Status
    expected: str = ""
    actual: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Report:
    """Every check's outcome for one run against one target."""

    url: str
    target: str
    run_id: str
    outcomes: list[Outcome] = field(default_factory=list)
    account: str | None = None
    """The account of its own the run worked in (a mock target), removed when it ended."""

    @property
    def differences(self) -> list[Outcome]:
        """The outcomes that differ from the expected behaviour."""
        return [o for o in self.outcomes if o.status == "differ"]

    @property
    def ok(self) -> bool:
        """No check found a difference (skipped checks do not count)."""
        return not self.differences


class KeyRefused(Exception):
    """The target refused the run's key (401 or 403): no check could mean anything."""

    def __init__(self, status: int, error: str) -> None:
        super().__init__(f"the key was refused ({status} {error})")
        self.status = status


def check_key(probe: Probe) -> None:
    """Raise ``KeyRefused`` when one listing with the probe's key answers 401 or 403."""
    answer = probe.get(EVENTS, params={"limit": "1"})
    if answer.status in (401, 403):
        body = answer.body
        error = body.get("error") if isinstance(body, dict) else None
        shown = error if isinstance(error, str) and error else answer.text
        # Whatever the target answered, the command prints one short line.
        raise KeyRefused(answer.status, " ".join(shown.split())[:100] or "no body")


def own_account(ctx: Context) -> str | None:
    """On a mock target, make an account for the run and switch the probe to its key.

    The user's accounts are then left as they were: the run's events, calls and scratch
    accounts all go when ``ctx.cleanup()`` removes it. ``None`` when the target cannot make
    accounts (the run then works with the user's key, tagging its events as against the
    real API).
    """
    try:
        key = ctx.new_account()
    except Difference:
        return None
    ctx.probe.key = key
    return ctx.scratch_accounts[-1]


def detect_target(probe: Probe) -> str:
    """``"mock"`` when the URL answers ``/_mock/health`` as tracking-mock does, else ``"real"``.

    Raises ``httpx.HTTPError`` when the URL cannot be reached at all.
    """
    answer = probe.get("/_mock/health", key=None)
    data = answer.data
    is_mock = answer.status == 200 and isinstance(data, dict) and data.get("status") == "ok"
    return "mock" if is_mock else "real"


def new_run_id() -> str:
    """A short id that tags every event a run creates (``metadata.contractRun``)."""
    return "cr" + secrets.token_hex(5)


def _run_one(check: Check, ctx: Context) -> Outcome:
    base = (check.name, check.behaviour, check.source)
    if ctx.target == "real" and check.mock_only is not None:
        return Outcome(*base, "skip", reason=check.mock_only)
    ctx.check = check.name
    try:
        check.run(ctx)
    except Skip as skip:
        return Outcome(*base, "skip", reason=str(skip))
    except Difference as diff:
        return Outcome(*base, "differ", expected=diff.expected, actual=diff.actual)
    except httpx.HTTPError as exc:
        return Outcome(
            *base, "differ", expected="an HTTP answer", actual=f"{type(exc).__name__}: {exc}"
        )
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
        # The answer had a shape the check did not foresee: that is a difference too.
        actual = f"an answer the check could not read ({type(exc).__name__}: {exc})"
        return Outcome(*base, "differ", expected="the documented shape", actual=actual)
    return Outcome(*base, "pass")


def run_contract(
    url: str,
    key: str,
    *,
    target: Target = "auto",
    only: Iterable[str] = (),
    timeout: float = 10.0,
    checks: Sequence[Check] = CHECKS,
    run_id: str | None = None,
    other_key: str | None = None,
    admin_token: str | None = None,
) -> Report:
    """Run every check (or those whose name starts with one of ``only``) against ``url``.

    Raises ``KeyRefused`` before any check when the target refuses ``key``.
    """
    prefixes = tuple(only)
    probe = Probe(url, key, timeout=timeout, admin_token=admin_token)
    try:
        resolved = detect_target(probe) if target == "auto" else target
        check_key(probe)
        ctx = Context(probe, run_id or new_run_id(), resolved, other_key=other_key)
        try:
            account = own_account(ctx) if resolved == "mock" else None
            report = Report(probe.url, resolved, ctx.run_id, account=account)
            for check in checks:
                if prefixes and not check.name.startswith(prefixes):
                    continue
                report.outcomes.append(_run_one(check, ctx))
        finally:
            if resolved == "mock":
                ctx.cleanup()
        return report
    finally:
        probe.close()
