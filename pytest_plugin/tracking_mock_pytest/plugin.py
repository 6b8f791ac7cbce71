"""pytest entry point (pytest11): options, the marker, the fixtures and the failure report.

Only pytest is imported here; the mock (Starlette, uvicorn) loads when a test first asks
for ``tracking_server``, so suites that never use it start as fast as before.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from .markers import HELP

if TYPE_CHECKING:
    from tracking_mock.settings import Settings

    from .handle import TrackingServer
    from .session import TestRun, TrackingSession
    from .tally import PlanTally

_RUN_KEY: pytest.StashKey[TestRun] = pytest.StashKey()


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the ``--tracking-*`` options."""
    group = parser.getgroup("tracking-mock", "tracking-mock (the tracking_server fixture)")
    group.addoption(
        "--tracking-strict",
        action="store_true",
        default=False,
        help="fail a test at teardown when its calls raised contract warnings (listed)",
    )
    group.addoption(
        "--tracking-url",
        metavar="URL",
        default=None,
        help="use the tracking-mock already running at URL instead of starting one; each "
        "test still gets its own account, made through URL's /_mock admin surface",
    )
    group.addoption(
        "--tracking-key",
        metavar="KEY",
        default=None,
        help="with --tracking-url: every test uses this existing key's account (shared "
        "state, on purpose); only tracking_server.url, .url_for(), .api_key and .headers work",
    )
    group.addoption(
        "--tracking-plan-coverage",
        action="store_true",
        default=False,
        help="at the end of the session, list the tracking plan's events that no test sent",
    )
    group.addoption(
        "--tracking-admin-token",
        metavar="TOKEN",
        default=None,
        help="with --tracking-url: the target's admin token (default: the "
        "TRACKING_MOCK_ADMIN_TOKEN environment variable)",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``tracking_fixtures`` marker and the fixtures, bound to ``config``."""
    for line in HELP:
        config.addinivalue_line("markers", line)
    config.pluginmanager.register(TrackingPlugin(config), "tracking_mock_fixtures")


@pytest.fixture(scope="session")
def tracking_server_settings() -> Settings:
    """Settings of the session's mock server; override this fixture to change them."""
    from .overrides import default_settings

    return default_settings()


class TrackingPlugin:
    """The session's mock servers, the ``tracking_server`` fixture and its per-test hooks.

    The fixture lives on an object that knows its ``config``: a fixture asking for
    ``request`` or ``pytestconfig`` costs pytest a new fixture definition (signature
    inspection included) in every test, and without them the per-test cost stays below
    pytest-httpserver's. The server starts on the first test that asks for it, is replaced
    when a test asks for other settings, and stops when the session ends.
    """

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.item: pytest.Item | None = None
        self.live: tuple[Settings, TrackingSession] | None = None
        self.failed: dict[Settings, BaseException] = {}
        self.tally: PlanTally | None = None
        if config.getoption("tracking_plan_coverage"):
            from .tally import PlanTally

            self.tally = PlanTally()

    def session_for(self, settings: Settings) -> TrackingSession:
        """The server for ``settings``: the running one, or a new one in its place."""
        __tracebackhide__ = True
        live = self.live
        if live is not None and (live[0] is settings or live[0] == settings):
            return live[1]
        from .backend import TrackingServerError

        failure = self.failed.get(settings)
        if failure is None:
            # One server at a time: a suite that changes settings restarts it, so threads
            # and ports never pile up.
            self._stop_live()
            from .session import start_session

            try:
                session = start_session(self.config, settings, self.tally)
            except Exception as exc:  # not retried for every test: the start has a deadline
                failure = self.failed[settings] = exc
            else:
                self.live = (settings, session)
                return session
        from .overrides import SettingNotApplicable

        if isinstance(failure, SettingNotApplicable):  # the server is fine; the settings are not
            raise SettingNotApplicable(str(failure)) from None
        raise TrackingServerError(f"the mock server is not available: {failure}") from failure

    def _stop_live(self) -> None:
        live, self.live = self.live, None
        if live is None:
            return
        try:
            live[1].backend.close()
        except Exception as exc:  # the server is being let go: say so, but do not crash pytest
            reporter = self.config.pluginmanager.get_plugin("terminalreporter")
            if reporter is not None:
                reporter.write_line(f"tracking-mock: {exc}", red=True)

    def pytest_sessionfinish(self) -> None:
        """Stop the server this session started (the stop has a deadline)."""
        self._stop_live()
        output = getattr(self.config, "workeroutput", None)
        if self.tally is not None and output is not None:
            from .tally import WORKER_OUTPUT_KEY

            output[WORKER_OUTPUT_KEY] = self.tally.counts

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object) -> None:
        """Under xdist, add a finished worker's plan coverage to the controller's."""
        if self.tally is not None:
            from .tally import WORKER_OUTPUT_KEY

            self.tally.merge(getattr(node, "workeroutput", {}).get(WORKER_OUTPUT_KEY, {}))

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        """With ``--tracking-plan-coverage``: the planned events no test sent."""
        if self.tally is None or hasattr(self.config, "workeroutput"):
            return
        terminalreporter.section("tracking plan coverage")
        for line in self.tally.summary():
            terminalreporter.write_line(line)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        """Note the test being set up: ``tracking_server`` reads its markers."""
        self.item = item

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        """Give a failed test that used ``tracking_server`` a section with its last calls."""
        report = yield
        run = item.stash.get(_RUN_KEY, None)
        if run is None:
            return report
        if report.failed and not run.reported:
            from .forensics import SECTION_TITLE

            try:
                text = run.forensics()
            except Exception as exc:  # whatever a client sent, the session goes on
                text = f"tracking-mock: the calls could not be shown: {exc!r}"[:500]
            if text is not None:
                run.reported = True
                report.sections.append((SECTION_TITLE, text))
        if report.when == "teardown":
            del item.stash[_RUN_KEY]  # items live all session; the test's records need not
        return report

    @pytest.fixture
    def tracking_server(self, tracking_server_settings: Settings) -> Iterator[TrackingServer]:
        """A real HTTP Tracking API mock with a fresh account and key for this test."""
        __tracebackhide__ = True
        item = self.item
        if item is None:  # pragma: no cover - pytest sets up a test before its fixtures
            raise RuntimeError("tracking_server used outside a test")
        session = self.session_for(tracking_server_settings)
        run = session.open(item)
        item.stash[_RUN_KEY] = run
        yield run.handle
        session.finish(run)
