"""The in-process backend: one mock server per session on a background thread."""

from __future__ import annotations

import itertools
import secrets
from dataclasses import replace
from typing import Any

from tracking_mock.app import create_app, mock_state_of
from tracking_mock.errors import Conflict
from tracking_mock.fault_spec import FaultSpec
from tracking_mock.models import AccountSpec
from tracking_mock.plan import Plan, coverage_report
from tracking_mock.render import event_json
from tracking_mock.seed import Seed
from tracking_mock.server import ServerThread
from tracking_mock.settings import Settings

from .backend import AccountRef, ClockControl, TrackingServerError
from .calls import Call


class LocalBackend:
    """A ``create_app`` server on 127.0.0.1 and a free port; tests reach its state directly."""

    has_journal = True
    lazy_accounts = True

    def __init__(self, settings: Settings, seed: Seed) -> None:
        # Under pytest the port is always a free one, so parallel runs never fight over it.
        self.settings = replace(settings, port=0)
        self.app = create_app(self.settings, seed=seed)
        self.state = mock_state_of(self.app)
        self._server = ServerThread.for_settings(self.app, self.settings)
        self.url = ""
        self._numbers = itertools.count(1)
        self._decoded: dict[int, Call] = {}
        """Calls already decoded from the journal (by seq), so reading them again is cheap."""

    def start(self) -> LocalBackend:
        """Serve; return once the server accepts connections (or raise after the deadline)."""
        try:
            self.url = self._server.start()
        except Exception as exc:
            raise TrackingServerError(f"the tracking-mock server did not start: {exc}") from exc
        return self

    def check_running(self) -> None:
        """Raise if the server thread has died since it started."""
        if not self._server.running:
            raise TrackingServerError(
                f"the tracking-mock server thread has stopped: {self._server.error!r}"
            ) from self._server.error

    def open_account(self) -> AccountRef:
        self.check_running()
        ref = AccountRef(f"test-{next(self._numbers)}", f"sk_test_{secrets.token_hex(12)}")
        self.state.store.add_account(AccountSpec(ref.name, (ref.key,), {}, {}))
        return ref

    def close_account(self, name: str) -> None:
        self.state.store.remove_account(name)
        self.state.journal.clear(name)
        self._decoded.clear()  # one test at a time: nothing decoded is needed after it

    def events(self, name: str) -> list[dict[str, Any]]:
        hash_ids = self.settings.hash_ids
        return [
            event_json(event, hash_ids=hash_ids, copy=True)
            for event in self.state.store.events(name)
        ]

    def calls(self, name: str) -> list[Call]:
        decoded = self._decoded
        calls = []
        for record in self.state.journal.records(name):
            call = decoded.get(record.seq)
            if call is None:
                call = Call.from_record(record)
                if not record.pending:  # a pending call is completed in place later
                    decoded[record.seq] = call
            calls.append(call)
        return calls

    def seed(self, name: str, spec: AccountSpec) -> None:
        try:
            self.state.store.merge_into(name, spec)
        except Conflict as exc:
            raise ValueError(f"cannot seed this test's account: {exc.message}") from None

    def add_fault(self, name: str, fault: FaultSpec) -> None:
        fault.apply(self.state.store.account(name).faults)

    def clear_faults(self, name: str) -> None:
        self.state.store.account(name).faults.clear()

    def clock(self, name: str) -> ClockControl:
        return self.state.store.account(name).clock

    def set_plan(self, name: str, plan: Plan | None, mode: str | None) -> None:
        slot = self.state.store.account(name).plan
        if plan is not slot.plan:
            slot.coverage.clear()
        slot.plan, slot.mode = plan, mode

    def plan_coverage(self, name: str) -> dict[str, Any]:
        slot = self.state.store.account(name).plan
        plan = slot.plan if slot.plan is not None else self.state.plan
        return coverage_report([(plan, slot.coverage.snapshot())])

    def take_errors(self, name: str) -> list[BaseException]:
        return self.state.take_errors(name)

    def close(self) -> None:
        self._server.stop()
