"""``TrackingServer``: what the ``tracking_server`` fixture hands a test."""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tracking_mock.accounts import parse_account
from tracking_mock.fault_spec import FaultSpec
from tracking_mock.models import AccountSpec, ContractWarning, Coupon, SeedEvent
from tracking_mock.plan.rules import VIOLATION_PREFIX
from tracking_mock.seed import fixture_files, parse_fixture

from .assertions import ANY, check_called, check_event, check_no_events, check_no_violations
from .backend import AccountRef, Backend, ClockControl, TrackingServerError
from .calls import Call, Calls


def merge_specs(name: str, specs: Sequence[AccountSpec]) -> AccountSpec:
    """One spec holding every campaign, metric and event of ``specs`` (keys are not taken)."""
    campaigns: dict[str, tuple[Coupon, ...]] = {}
    metrics: dict[str, str] = {}
    events: list[SeedEvent] = []
    for spec in specs:
        campaigns.update(spec.campaigns)
        metrics.update(spec.metrics)
        events.extend(spec.events)
    return AccountSpec(name, (), campaigns, metrics, tuple(events))


def read_fixtures(
    paths: Sequence[str | os.PathLike[str]], account: str | None = None
) -> list[AccountSpec]:
    """The accounts of fixture files or folders (only ``account`` when named), validated."""
    specs = [
        spec
        for file in fixture_files([Path(p) for p in paths])
        for spec in parse_fixture(file.read_bytes(), str(file))
    ]
    if account is None:
        return specs
    chosen = [spec for spec in specs if spec.name == account]
    if not chosen:
        found = sorted({spec.name for spec in specs})
        raise ValueError(f"no account named {account!r} in {[str(p) for p in paths]}: {found}")
    return chosen


_OPENING = threading.Lock()
"""Guards the rare creation of an account on first use, whichever thread gets there first."""


class TrackingServer:
    """One test's mock: the server URL, an account and key of its own, and helpers on them."""

    def __init__(self, backend: Backend, account: AccountRef | None = None) -> None:
        self._backend = backend
        self._ref = account
        self._hidden: set[int] = set()
        self._closed = False
        self.url: str = backend.url
        """Base URL of the server, e.g. ``http://127.0.0.1:51234`` (no trailing slash)."""

    def __repr__(self) -> str:
        name = "(not created yet)" if self._ref is None else repr(self._name)
        return f"<TrackingServer {self.url} account={name}>"

    @property
    def account_ref(self) -> AccountRef | None:
        """The account, once created (it is made on first use of the handle)."""
        return self._ref

    def _opened(self) -> AccountRef:
        ref = self._ref
        if ref is None:
            with _OPENING:  # the code under test may touch the handle from its own threads
                ref = self._ref
                if ref is None:
                    if self._closed:  # an account made now would outlive its test
                        raise TrackingServerError("the test that owned this handle has ended")
                    ref = self._ref = self._backend.open_account()
        return ref

    def close(self) -> AccountRef | None:
        """For the plugin, at teardown: no account is made after this; the one made, if any."""
        with _OPENING:
            self._closed = True
            return self._ref

    @property
    def _name(self) -> str:
        return self._opened().name

    @property
    def account(self) -> str:
        """The name of this test's account on the server."""
        return self._opened().name

    @property
    def api_key(self) -> str:
        """The client key of this test's account."""
        return self._opened().key

    @property
    def headers(self) -> dict[str, str]:
        """``{"Authorization": "Bearer <api_key>"}``, ready for an HTTP client."""
        return {"Authorization": f"Bearer {self.api_key}"}

    def url_for(self, path: str) -> str:
        """The absolute URL of ``path`` on the server."""
        return self.url + ("" if path.startswith("/") else "/") + path

    # Reading --------------------------------------------------------------------------

    @property
    def events(self) -> list[dict[str, Any]]:
        """This account's events as the API renders them, newest first."""
        return self._backend.events(self._name)

    def all_calls(self) -> list[Call]:
        """Every call of this test, oldest first, those hidden by ``calls.clear()`` too."""
        return self._backend.calls(self._name)

    @property
    def calls(self) -> Calls:
        """This test's calls, oldest first: list-like, with ``last``, ``filter``, ``clear``."""
        return Calls(self.all_calls, self._hidden)

    @property
    def warnings(self) -> list[ContractWarning]:
        """The contract warnings this test's calls raised, in call order."""
        return self.calls.warnings

    @property
    def violations(self) -> list[ContractWarning]:
        """The tracking-plan violations (``plan-`` codes, with ``path``) of this test's calls."""
        return [w for w in self.warnings if w.code.startswith(VIOLATION_PREFIX)]

    def use_plan(self, *paths: str | os.PathLike[str], mode: str | None = None) -> None:
        """Check this account's events against these plan files (``mode``: off, warn, enforce)."""
        from tracking_mock.plan import PLAN_MODES, load_plan

        if mode is not None and mode not in PLAN_MODES:
            raise ValueError(f"mode must be one of {', '.join(PLAN_MODES)}, not {mode!r}")
        plan = load_plan([Path(p) for p in paths]) if paths else None
        self._backend.set_plan(self._name, plan, mode)

    # Seeding --------------------------------------------------------------------------

    def add_events(
        self,
        *events: Mapping[str, Any] | Sequence[Mapping[str, Any]],
        campaigns: Mapping[str, Sequence[str]] | None = None,
        metrics: Mapping[str, str] | None = None,
    ) -> None:
        """Seed events (API body shape, plus optional ``id`` and ``createdAt``) and lookups.

        The events come as separate arguments or as one list: ``add_events(a, b)`` or
        ``add_events([a, b])``.
        """
        given = events[0] if len(events) == 1 and isinstance(events[0], list | tuple) else events
        bodies = [dict(event) for event in given if isinstance(event, Mapping)]
        if len(bodies) != len(given):
            raise TypeError(
                "add_events takes events (mappings) as separate arguments or as one list: "
                "add_events(event1, event2) or add_events([event1, event2])"
            )
        body = {
            "events": bodies,
            "campaigns": {cid: {"coupons": list(c)} for cid, c in (campaigns or {}).items()},
            "metrics": dict(metrics or {}),
        }
        self._backend.seed(self._name, parse_account(self._name, body))

    def load_fixtures(self, *paths: str | os.PathLike[str], account: str | None = None) -> None:
        """Seed from fixture files or folders: every account's data, or only ``account``'s."""
        specs = read_fixtures(paths, account)
        self._backend.seed(self._name, merge_specs(self._name, specs))

    # Assertions -----------------------------------------------------------------------

    def assert_called(
        self,
        method: str | None = None,
        path: str | None = None,
        *,
        times: int | None = None,
        status: int | None = None,
    ) -> None:
        """Assert calls with this method, path and status were made (exactly ``times``)."""
        __tracebackhide__ = True
        check_called(list(self.calls), method, path, times=times, status=status)

    def assert_event(
        self,
        event_name: str,
        *,
        value: Any = ANY,
        metadata: Mapping[str, Any] | None = None,
        times: int | None = None,
        **fields: Any,
    ) -> None:
        """Assert the account holds such an event (``metadata`` entries are a subset match)."""
        __tracebackhide__ = True
        check_event(
            self.events, event_name, value=value, metadata=metadata, times=times, fields=fields
        )

    def assert_no_violations(self) -> None:
        """Assert this test's calls raised no tracking-plan violation (each is listed if so)."""
        __tracebackhide__ = True
        check_no_violations(list(self.calls))

    def assert_no_events(self) -> None:
        """Assert the account holds no events."""
        __tracebackhide__ = True
        check_no_events(self.events)

    # Faults and time ------------------------------------------------------------------

    def fail_next(
        self,
        status: int,
        *,
        times: int = 1,
        path: str | None = None,
        method: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        """Answer the next ``times`` matching calls with ``status`` in the error envelope."""
        fault = FaultSpec(
            "fail", status, times=times, path=path, method=method, retry_after=retry_after
        )
        self._backend.add_fault(self._name, fault)

    def rate_limit(self, requests: int, per_seconds: float) -> None:
        """Answer 429 with ``Retry-After`` past ``requests`` calls in any ``per_seconds``."""
        fault = FaultSpec("rate_limit", requests=requests, per_seconds=per_seconds)
        self._backend.add_fault(self._name, fault)

    def delay_next(
        self, seconds: float, *, times: int = 1, path: str | None = None, method: str | None = None
    ) -> None:
        """Hold the next ``times`` matching calls for ``seconds`` before answering."""
        fault = FaultSpec("delay", seconds=seconds, times=times, path=path, method=method)
        self._backend.add_fault(self._name, fault)

    def drop_next(
        self, *, times: int = 1, path: str | None = None, method: str | None = None
    ) -> None:
        """Close the connection of the next ``times`` matching calls without an answer."""
        self._backend.add_fault(
            self._name, FaultSpec("drop", times=times, path=path, method=method)
        )

    def clear_faults(self) -> None:
        """Forget queued faults and the rate limit."""
        self._backend.clear_faults(self._name)

    @property
    def clock(self) -> ClockControl:
        """This account's clock: ``freeze(datetime)``, ``advance(seconds=)``, ``unfreeze()``."""
        return self._backend.clock(self._name)

    def now(self) -> datetime:
        """The account's current time as an aware UTC datetime."""
        return datetime.fromtimestamp(self.clock.now(), UTC)
