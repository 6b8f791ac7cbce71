"""One session's mock: opens each test's account, seeds it, and checks it at teardown."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tracking_mock.models import AccountSpec
from tracking_mock.plan import PLAN_MODES, Plan
from tracking_mock.seed import load_seed
from tracking_mock.settings import ADMIN_TOKEN_ENV, Settings

from .backend import Backend, TrackingServerError
from .calls import Call
from .forensics import format_calls
from .handle import TrackingServer, merge_specs, read_fixtures
from .markers import MARKER, PLAN_MARKER
from .tally import PlanTally


def _warning_lines(calls: list[Call]) -> list[str]:
    return [
        f"  {call.method} {call.url_path} (#{call.seq} -> {call.status}): "
        f"[{warning.code}] {warning.message}"
        for call in calls
        for warning in call.warnings
        if not warning.note
    ]


@dataclass(eq=False, slots=True)
class TestRun:
    """The plugin's record of one test that used ``tracking_server``."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    handle: TrackingServer
    final_calls: list[Call] | None = None
    """The calls as they were at teardown, kept when teardown failed (the account is gone)."""
    reported: bool = False

    def forensics(self) -> str | None:
        """The report section's text, or ``None`` when the calls cannot be read."""
        ref = self.handle.account_ref
        if ref is None:
            return None
        calls = self.final_calls
        if calls is None:
            try:
                calls = self.handle.all_calls()  # those the test cleared from view too
            except TrackingServerError:
                return None
        return format_calls(calls, ref.name)


@dataclass(eq=False)
class TrackingSession:
    """The session's backend, whether strict mode is on, and what every account starts with."""

    backend: Backend
    strict: bool
    base: AccountSpec | None = None
    """Campaigns, metrics and events from the settings' fixture files, for every account."""
    plan: Plan | None = None
    """The settings' plan, for a target that does not load it itself (``--tracking-url``)."""
    plan_mode: str | None = None
    """The settings' plan mode, for such a target (``None``: the server's own)."""
    tally: PlanTally | None = None
    """Plan coverage summed over the session's tests (``--tracking-plan-coverage``)."""
    plans: dict[tuple[Path, ...], Plan] = field(default_factory=dict)
    """Marker plans, compiled once each."""

    def open(self, node: pytest.Item) -> TestRun:
        """A fresh account for ``node``, seeded from the settings and its marker."""
        __tracebackhide__ = True
        # ``keywords`` answers "is there such a marker" faster than walking the markers.
        markers = list(node.iter_markers(MARKER)) if MARKER in node.keywords else []
        plan_marker = node.get_closest_marker(PLAN_MARKER) if PLAN_MARKER in node.keywords else None
        if self.backend.lazy_accounts and self.base is None and not markers and not plan_marker:
            # Made on first use: a test that never touches the handle costs no account.
            return TestRun(TrackingServer(self.backend))
        handle = TrackingServer(self.backend, self.backend.open_account())
        try:
            if self.base is not None:
                self.backend.seed(handle.account, self.base)
            for marker in reversed(markers):
                unknown = sorted(set(marker.kwargs) - {"account"})
                if unknown:
                    raise TypeError(f"@pytest.mark.{MARKER} takes account=, not {unknown}")
                folder = node.path.parent
                paths = [folder / Path(p) for p in marker.args]
                specs = read_fixtures(paths, marker.kwargs.get("account"))
                self.backend.seed(handle.account, merge_specs(handle.account, specs))
            if plan_marker is not None:
                self._use_marker_plan(node, plan_marker, handle.account)
            elif self.plan is not None:
                self.backend.set_plan(handle.account, self.plan, self.plan_mode)
        except BaseException:
            self.backend.close_account(handle.account)
            raise
        return TestRun(handle)

    def _use_marker_plan(self, node: pytest.Item, marker: pytest.Mark, account: str) -> None:
        __tracebackhide__ = True
        unknown = sorted(set(marker.kwargs) - {"mode"})
        if unknown:
            raise TypeError(f"@pytest.mark.{PLAN_MARKER} takes mode=, not {unknown}")
        mode = marker.kwargs.get("mode", self.plan_mode)
        if mode is not None and mode not in PLAN_MODES:
            raise ValueError(f"@pytest.mark.{PLAN_MARKER}: mode must be one of {PLAN_MODES}")
        paths = tuple(node.path.parent / Path(p) for p in marker.args)
        plan = self.plans.get(paths)
        if plan is None:
            from tracking_mock.plan import load_plan

            plan = self.plans[paths] = load_plan(paths)
        if self.tally is not None:
            self.tally.add_planned(plan.event_names)
        self.backend.set_plan(account, plan, mode)

    def finish(self, run: TestRun) -> None:
        """Close the account; fail on server errors and, when strict, on contract warnings."""
        __tracebackhide__ = True
        ref = run.handle.close()
        errors = self.backend.take_errors(ref.name) if ref is not None else []
        warned: list[Call] = []
        if ref is not None:
            try:
                if self.strict and self.backend.has_journal:
                    warned = [
                        call
                        for call in run.handle.calls
                        if any(not warning.note for warning in call.warnings)
                    ]
                if errors or warned:
                    run.final_calls = self.backend.calls(ref.name)
                if self.tally is not None and self.backend.has_journal:
                    self.tally.add_report(self.backend.plan_coverage(ref.name))
            finally:
                self.backend.close_account(ref.name)
        if errors:
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            raise TrackingServerError(
                f"the mock server raised {errors[0]!r}{more} while serving this test's calls "
                "(the client saw a 500)"
            ) from errors[0]
        if warned:
            lines = _warning_lines(warned)
            pytest.fail(
                f"tracking-mock strict mode: {len(lines)} contract warning"
                f"{'s' if len(lines) != 1 else ''} in this test's calls:\n" + "\n".join(lines),
                pytrace=False,
            )


def start_session(
    config: pytest.Config, settings: Settings, tally: PlanTally | None = None
) -> TrackingSession:
    """Start a server for ``settings`` (or reach the ``--tracking-url`` target)."""
    seed = load_seed(settings.fixtures, max_bytes=settings.max_fixture_bytes)
    plan = None
    if settings.plans:
        from tracking_mock.plan import load_plan

        plan = load_plan(settings.plans)
        if tally is not None:
            tally.add_planned(plan.event_names)
    url: str | None = config.getoption("tracking_url")
    key: str | None = config.getoption("tracking_key")
    backend: Backend
    if url:
        from .overrides import refuse_with_shared_key
        from .remote import RemoteBackend, SharedKeyBackend

        token = (
            config.getoption("tracking_admin_token")
            or os.environ.get(ADMIN_TOKEN_ENV)
            or settings.admin_token
        )
        if key:
            refuse_with_shared_key(settings, url)
            backend = SharedKeyBackend(url, key)
        else:
            backend = RemoteBackend.for_settings(url, settings, token)
    else:
        from .local import LocalBackend

        backend = LocalBackend(settings, seed).start()
    base = merge_specs("base", seed.accounts) if seed.accounts else None
    strict = bool(config.getoption("tracking_strict")) or settings.strict
    if strict and not backend.has_journal:
        backend.close()
        raise TrackingServerError(
            "strict mode reads each test's calls, which a shared --tracking-key account cannot "
            "give: drop --tracking-key to get per-test accounts"
        )
    # An in-process server loads the settings' plan itself; a target gets it per account (a
    # shared --tracking-key account keeps the target's own).
    pushed = bool(url) and not key
    return TrackingSession(
        backend,
        strict,
        base,
        plan if pushed else None,
        settings.plan_mode if pushed else None,
        tally,
    )
