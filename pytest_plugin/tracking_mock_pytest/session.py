"""One session's mock: opens each test's account, seeds it, and checks it at teardown."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from tracking_mock.models import AccountSpec
from tracking_mock.seed import load_seed
from tracking_mock.settings import ADMIN_TOKEN_ENV, Settings

from .backend import Backend, TrackingServerError
from .calls import Call
from .forensics import format_calls
from .handle import TrackingServer, merge_specs, read_fixtures
from .plugin import MARKER


def _warning_lines(calls: list[Call]) -> list[str]:
    return [
        f"  {call.method} {call.url_path} (#{call.seq} -> {call.status}): "
        f"[{warning.code}] {warning.message}"
        for call in calls
        for warning in call.warnings
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

    def open(self, node: pytest.Item) -> TestRun:
        """A fresh account for ``node``, seeded from the settings and its marker."""
        __tracebackhide__ = True
        # ``keywords`` answers "is there such a marker" faster than walking the markers.
        markers = list(node.iter_markers(MARKER)) if MARKER in node.keywords else []
        if self.backend.lazy_accounts and self.base is None and not markers:
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
        except BaseException:
            self.backend.close_account(handle.account)
            raise
        return TestRun(handle)

    def finish(self, run: TestRun) -> None:
        """Close the account; fail on server errors and, when strict, on contract warnings."""
        __tracebackhide__ = True
        ref = run.handle.close()
        errors = self.backend.take_errors(ref.name) if ref is not None else []
        warned: list[Call] = []
        if ref is not None:
            try:
                if self.strict and self.backend.has_journal:
                    warned = [call for call in run.handle.calls if call.warnings]
                if errors or warned:
                    run.final_calls = self.backend.calls(ref.name)
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


def start_session(config: pytest.Config, settings: Settings) -> TrackingSession:
    """Start a server for ``settings`` (or reach the ``--tracking-url`` target)."""
    seed = load_seed(settings.fixtures, max_bytes=settings.max_fixture_bytes)
    url: str | None = config.getoption("tracking_url")
    key: str | None = config.getoption("tracking_key")
    backend: Backend
    if url:
        from .remote import RemoteBackend, SharedKeyBackend

        token = (
            config.getoption("tracking_admin_token")
            or os.environ.get(ADMIN_TOKEN_ENV)
            or settings.admin_token
        )
        backend = SharedKeyBackend(url, key) if key else RemoteBackend(url, token)
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
    return TrackingSession(backend, strict, base)
