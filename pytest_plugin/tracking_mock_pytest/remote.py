"""The ``--tracking-url`` backends: a running tracking-mock driven through ``/_mock``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from tracking_mock import limits
from tracking_mock.coupons import coupon_fixture
from tracking_mock.fault_spec import FaultSpec
from tracking_mock.fixture_writer import event_body
from tracking_mock.models import AccountSpec
from tracking_mock.plan import Plan
from tracking_mock.settings import Settings, admin_token_headers

from .backend import AccountRef, ClockControl, TrackingServerError
from .calls import Call
from .overrides import account_options

ADMIN_TIMEOUT = 10.0
"""Seconds any one admin request may take; a suite never hangs on an unreachable target."""


def _iso(moment: datetime | float) -> str:
    if isinstance(moment, datetime):
        return moment.isoformat()
    return datetime.fromtimestamp(moment, UTC).isoformat()


def account_body(spec: AccountSpec) -> dict[str, Any]:
    """An account spec's campaigns, metrics and events as ``POST .../seed`` takes them."""
    return {
        "campaigns": {
            cid: {"coupons": [coupon_fixture(c) for c in coupons]}
            for cid, coupons in spec.campaigns.items()
        },
        "metrics": dict(spec.metrics),
        "events": [event_body(seed) for seed in spec.events],
    }


class AdminClient:
    """JSON calls to a target's ``/_mock`` surface; answers are unwrapped from the envelope."""

    def __init__(self, url: str, token: str | None = None) -> None:
        self.url = url.rstrip("/")
        self._http = httpx.Client(
            base_url=self.url, timeout=ADMIN_TIMEOUT, headers=admin_token_headers(token)
        )

    def call(self, method: str, path: str, body: Any = None, **params: str) -> Any:
        """The ``data`` of a successful answer; ``ValueError`` for a 400 or 409, else the error."""
        try:
            response = self._http.request(method, path, json=body, params=params or None)
        except httpx.HTTPError as exc:
            raise TrackingServerError(f"cannot reach {self.url}{path}: {exc!r}") from exc
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if response.is_success and isinstance(payload, dict) and "data" in payload:
            return payload["data"]
        message = payload.get("error") if isinstance(payload, dict) else None
        if response.status_code in (400, 409) and message:
            raise ValueError(message)
        if response.status_code == 401:
            message = f"{message} (pass --tracking-admin-token or set TRACKING_MOCK_ADMIN_TOKEN)"
        raise TrackingServerError(
            f"{method} {self.url}{path} answered {response.status_code}: "
            f"{message or response.text[:200]!r}"
        )

    def accepts_key(self, key: str) -> bool:
        """Whether the target's API takes ``key`` (anything but 401 to one listing)."""
        try:
            response = self._http.get(
                "/tracking/events",
                params={"limit": "1"},
                headers={"Authorization": f"Bearer {key}"},
            )
        except httpx.HTTPError as exc:
            raise TrackingServerError(f"cannot reach {self.url}/tracking/events: {exc!r}") from exc
        return response.status_code != 401

    def close(self) -> None:
        self._http.close()


class RemoteClock:
    """``ClockControl`` over ``/_mock/accounts/{name}/clock``."""

    def __init__(self, admin: AdminClient, name: str) -> None:
        self._admin = admin
        self._path = f"/_mock/accounts/{name}/clock"

    def now(self) -> float:
        return float(self._admin.call("POST", self._path, {})["now"])

    def freeze(self, at: datetime | float | None = None) -> None:
        self._admin.call("POST", self._path, {"freeze": True if at is None else _iso(at)})

    def advance(self, seconds: float) -> None:
        self._admin.call("POST", self._path, {"advance": seconds})

    def unfreeze(self) -> None:
        self._admin.call("POST", self._path, {"unfreeze": True})


class RemoteBackend:
    """A tracking-mock already running elsewhere; each test gets an account made over HTTP."""

    has_journal = True
    # Made at setup: a target that cannot make accounts must fail the setup, not the test.
    lazy_accounts = False

    def __init__(
        self, url: str, account_options: dict[str, Any] | None = None, token: str | None = None
    ) -> None:
        self.url = url.rstrip("/")
        self._admin = AdminClient(self.url, token)
        self._options = dict(account_options or {})
        """Per-account settings every test's account is made with (``strict``, ``hashIds``)."""

    @classmethod
    def for_settings(cls, url: str, settings: Settings, token: str | None = None) -> RemoteBackend:
        """A backend whose accounts carry ``settings``; refuses what the target cannot apply."""
        backend = cls(url, token=token)
        try:
            backend._options = account_options(
                settings, backend.url, backend.target_settings, backend._admin.accepts_key
            )
        except BaseException:
            backend.close()
            raise
        return backend

    def target_settings(self) -> dict[str, Any] | None:
        """The target's server-wide settings from ``/_mock/health`` (``None``: not reported)."""
        data = self._admin.call("GET", "/_mock/health")
        reported = data.get("settings") if isinstance(data, dict) else None
        return reported if isinstance(reported, dict) else None

    def open_account(self) -> AccountRef:
        try:
            data = self._admin.call("POST", "/_mock/accounts", self._options)
        except (TrackingServerError, ValueError) as exc:
            raise TrackingServerError(
                f"{self.url} cannot give this test an account of its own ({exc}); "
                "--tracking-url needs a tracking-mock server with its /_mock admin surface. "
                "Rather than share state silently, the test stops here (pass --tracking-key "
                "KEY to share one existing account on purpose)."
            ) from None
        if not isinstance(data, dict) or not {"name", "key"} <= data.keys():
            raise TrackingServerError(f"{self.url}: POST /_mock/accounts answered {data!r}")
        return AccountRef(str(data["name"]), str(data["key"]))

    def close_account(self, name: str) -> None:
        self._admin.call("DELETE", f"/_mock/accounts/{name}")

    def events(self, name: str) -> list[dict[str, Any]]:
        everything = str(limits.ADMIN_EVENTS_MAX)
        return list(
            self._admin.call("GET", "/_mock/events", account=name, limit=everything)["nodes"]
        )

    def calls(self, name: str) -> list[Call]:
        nodes = self._admin.call("GET", "/_mock/calls", account=name)["nodes"]
        return [Call.from_json(node) for node in nodes]

    def seed(self, name: str, spec: AccountSpec) -> None:
        self._admin.call("POST", f"/_mock/accounts/{name}/seed", account_body(spec))

    def add_fault(self, name: str, fault: FaultSpec) -> None:
        self._admin.call("POST", f"/_mock/accounts/{name}/faults", fault.to_json())

    def clear_faults(self, name: str) -> None:
        self._admin.call("DELETE", f"/_mock/accounts/{name}/faults")

    def clock(self, name: str) -> ClockControl:
        return RemoteClock(self._admin, name)

    def set_plan(self, name: str, plan: Plan | None, mode: str | None) -> None:
        body = {"plan": None if plan is None else dict(plan.document), "mode": mode}
        self._admin.call("POST", f"/_mock/accounts/{name}/plan", body)

    def plan_coverage(self, name: str) -> dict[str, Any]:
        return dict(self._admin.call("GET", "/_mock/plan/coverage", account=name))

    def take_errors(self, name: str) -> list[BaseException]:
        # A remote server's exceptions stay there; its 500s show in the calls.
        return []

    def close(self) -> None:
        self._admin.close()


class SharedKeyBackend:
    """``--tracking-key``: every test uses one existing account; only url and key work."""

    has_journal = False
    lazy_accounts = False

    def __init__(self, url: str, key: str) -> None:
        self.url = url.rstrip("/")
        self._key = key

    def _unsupported(self) -> TrackingServerError:
        return TrackingServerError(
            "with --tracking-key the tests share that key's account on the target and the "
            "plugin has no /_mock admin surface to read or change it: only url, url_for(), "
            "api_key and headers are available (drop --tracking-key to get an account of its "
            "own per test)"
        )

    def open_account(self) -> AccountRef:
        return AccountRef("", self._key)

    def close_account(self, name: str) -> None:
        return None

    def events(self, name: str) -> list[dict[str, Any]]:
        raise self._unsupported()

    def calls(self, name: str) -> list[Call]:
        raise self._unsupported()

    def seed(self, name: str, spec: AccountSpec) -> None:
        raise self._unsupported()

    def add_fault(self, name: str, fault: FaultSpec) -> None:
        raise self._unsupported()

    def clear_faults(self, name: str) -> None:
        raise self._unsupported()

    def clock(self, name: str) -> ClockControl:
        raise self._unsupported()

    def set_plan(self, name: str, plan: Plan | None, mode: str | None) -> None:
        raise self._unsupported()

    def plan_coverage(self, name: str) -> dict[str, Any]:
        raise self._unsupported()

    def take_errors(self, name: str) -> list[BaseException]:
        return []

    def close(self) -> None:
        return None
