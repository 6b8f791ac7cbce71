"""``tracking-mock``: serve the mock on a port until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from starlette.applications import Starlette

from . import __version__, envflags
from .app import create_app, mock_state_of
from .errors import ApiError, PlanError, SeedError
from .guard import is_loopback_host
from .requestlog import LOG_FORMATS, LogFormatter, RequestLog
from .seed import load_seed
from .server import ServerError, ServerThread, settle_heap
from .settings import ADMIN_TOKEN_ENV, DEFAULT_API_KEY, PLAN_MODES, Settings
from .snapshots import StateFileError, load_state, save_state
from .store import default_account
from .watch import FixtureWatcher

PROG = "tracking-mock"
_DEFAULTS = Settings()
_LOG_LEVELS = ("critical", "error", "warning", "info", "debug")

SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "contract": (
        "tracking_mock.contract_suite.command",
        "check that a Tracking API (this mock or the real one) behaves as documented",
    ),
    "export": (
        "tracking_mock.export_command",
        "write an account of a running mock as a fixture file",
    ),
    "plan": (
        "tracking_mock.plan_command",
        "check a tracking plan, report a server's plan coverage, or infer a plan from events",
    ),
}
"""Subcommand name to the module whose ``main(argv)`` runs it, and its one-line help."""


class UsageError(Exception):
    """A bad command line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return int(text)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(
            f"expected seconds (more than 0, at most 3600), got {text!r}"
        )
    return value


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, got {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    commands = "\n".join(f"  {name:<10} {text}" for name, (_, text) in SUBCOMMANDS.items())
    parser = _Parser(
        prog=PROG,
        usage=f"{PROG} [options] | {PROG} {{{','.join(SUBCOMMANDS)}}} ...",
        description="A local emulator of the Oppizi Tracking API: serve it on a port.",
        epilog=f"subcommands ({PROG} COMMAND --help for each):\n{commands}\n\n"
        f"With no fixtures defining accounts, the key {DEFAULT_API_KEY} works.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "--host", default=_DEFAULTS.host, help="address to bind (default: %(default)s)"
    )
    parser.add_argument(
        "--port",
        type=_port,
        default=_DEFAULTS.port,
        help="0 picks a free port (default: %(default)s)",
    )
    parser.add_argument(
        "--fixtures",
        type=Path,
        nargs="+",
        action="extend",
        metavar="PATH",
        help="YAML or JSON Lines files, or folders; replace the bundled accounts and their "
        "sk_test_default key",
    )
    parser.add_argument(
        "--api-key",
        action="append",
        default=[],
        metavar="KEY",
        help="add an empty account with this key (repeatable)",
    )
    parser.add_argument("--strict", action="store_true", help="answer contract warnings with 400")
    parser.add_argument(
        "--hash-ids", action="store_true", help="return userId and transactionId as SHA-256 hex"
    )
    parser.add_argument(
        "--plan",
        type=Path,
        action="append",
        default=[],
        metavar="PATH",
        help="a tracking-plan file (YAML or JSON) to check every event against (repeatable)",
    )
    parser.add_argument(
        "--plan-mode",
        choices=PLAN_MODES,
        default=_DEFAULTS.plan_mode,
        help="what a plan violation does: off, warn (record it) or enforce (400) "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--max-body-bytes",
        type=_positive,
        default=_DEFAULTS.max_body_bytes,
        metavar="N",
        help="larger request bodies get 413 (default: %(default)s)",
    )
    parser.add_argument(
        "--journal-size",
        type=_positive,
        default=_DEFAULTS.journal_size,
        metavar="N",
        help="calls the journal keeps, oldest dropped first (default: %(default)s)",
    )
    parser.add_argument(
        "--journal-bytes",
        type=_positive,
        default=_DEFAULTS.journal_bytes,
        metavar="N",
        help="bytes the journal keeps at most (default: %(default)s)",
    )
    parser.add_argument(
        "--max-events",
        type=_positive,
        default=_DEFAULTS.max_events,
        metavar="N",
        help="events one account may hold; past it creates get 507 (default: %(default)s)",
    )
    parser.add_argument(
        "--max-fixture-bytes",
        type=_positive,
        default=_DEFAULTS.max_fixture_bytes,
        metavar="N",
        help="larger fixture files are refused (default: %(default)s)",
    )
    parser.add_argument(
        "--log-level",
        choices=_LOG_LEVELS,
        default=_DEFAULTS.log_level,
        type=str.lower,
        help="info logs a line per API call, debug admin calls too (default: %(default)s)",
    )
    parser.add_argument(
        "--log-format",
        choices=LOG_FORMATS,
        default=_DEFAULTS.log_format,
        help="text, coloured on a terminal, or json: one object a line (default: %(default)s)",
    )
    security = parser.add_argument_group("the admin surface and connections")
    security.add_argument(
        "--admin-token",
        metavar="TOKEN",
        help="/_mock then needs 'Authorization: Bearer TOKEN' or 'X-Admin-Token: TOKEN'",
    )
    security.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a Host name /_mock answers besides loopback ones and --host (repeatable; * any)",
    )
    security.add_argument(
        "--cors",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="let browser pages from ORIGIN call the API, never /_mock (repeatable; * any)",
    )
    security.add_argument(
        "--read-timeout",
        type=_seconds,
        default=_DEFAULTS.read_timeout,
        metavar="S",
        help="seconds a client has to send a request's headers, then its body "
        "(default: %(default)s)",
    )
    security.add_argument(
        "--keep-alive-timeout",
        type=_seconds,
        default=_DEFAULTS.keep_alive_timeout,
        metavar="S",
        help="seconds an idle connection stays open (default: %(default)s)",
    )
    security.add_argument(
        "--max-connections",
        type=_positive,
        default=_DEFAULTS.max_connections,
        metavar="N",
        help="connections served at once; past it requests get 503 (default: %(default)s)",
    )
    _add_state_flags(parser)
    return envflags.document(parser)  # last: every flag above gets its TRACKING_MOCK_ variable


def _add_state_flags(parser: argparse.ArgumentParser) -> None:
    """Hot reload, snapshots and the state file, the recording proxy."""
    parser.add_argument(
        "--watch", action="store_true", help="reload the fixture files when they change"
    )
    parser.add_argument(
        "--state-file",
        type=Path,
        metavar="PATH",
        help="load the whole state from PATH on start, save it there on SIGINT/SIGTERM",
    )
    parser.add_argument(
        "--max-snapshots",
        type=_positive,
        default=_DEFAULTS.max_snapshots,
        metavar="N",
        help="snapshots kept at once (default: %(default)s)",
    )
    parser.add_argument(
        "--max-snapshot-events",
        type=_positive,
        default=_DEFAULTS.max_snapshot_events,
        metavar="N",
        help="events one snapshot may hold (default: %(default)s)",
    )
    parser.add_argument(
        "--upstream",
        metavar="URL",
        help="forward each API call to URL (with the caller's key), answer with its answer "
        "and journal the differences from the mock's",
    )
    parser.add_argument(
        "--upstream-timeout",
        type=_seconds,
        default=_DEFAULTS.upstream_timeout,
        metavar="S",
        help="seconds an upstream call may take; then 504 (default: %(default)s)",
    )
    parser.add_argument(
        "--record",
        type=Path,
        metavar="PATH",
        help="with --upstream: write the events the upstream accepted to PATH as a fixture file",
    )
    parser.add_argument(
        "--max-record-bytes",
        type=_positive,
        default=_DEFAULTS.max_record_bytes,
        metavar="N",
        help="the record file stops growing at this size (default: %(default)s)",
    )


def settings_from_args(args: argparse.Namespace) -> Settings:
    return Settings(
        host=args.host,
        port=args.port,
        fixtures=tuple(args.fixtures) if args.fixtures else None,
        api_keys=tuple(args.api_key),
        strict=args.strict,
        hash_ids=args.hash_ids,
        max_body_bytes=args.max_body_bytes,
        journal_size=args.journal_size,
        journal_bytes=args.journal_bytes,
        max_events=args.max_events,
        max_fixture_bytes=args.max_fixture_bytes,
        log_level=args.log_level,
        plans=tuple(args.plan),
        plan_mode=args.plan_mode,
        watch=args.watch,
        state_file=args.state_file,
        max_snapshots=args.max_snapshots,
        max_snapshot_events=args.max_snapshot_events,
        upstream=args.upstream,
        upstream_timeout=args.upstream_timeout,
        record=args.record,
        max_record_bytes=args.max_record_bytes,
        log_format=args.log_format,
        admin_token=args.admin_token,
        allowed_hosts=tuple(args.allowed_host),
        cors_origins=tuple(args.cors),
        read_timeout=args.read_timeout,
        keep_alive_timeout=args.keep_alive_timeout,
        max_connections=args.max_connections,
    )


def _fail(message: str, code: int = 1) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return code


def console_log(settings: Settings) -> RequestLog | None:
    """Log setup for a console: every record to stderr in the chosen format, and the
    request log's writer (``None`` below ``info``)."""
    stream = sys.stderr
    handler = logging.StreamHandler(stream)
    handler.setFormatter(LogFormatter(settings.log_format))
    logging.basicConfig(level=settings.log_level.upper(), handlers=[handler], force=True)
    level = logging.getLevelName(settings.log_level.upper())
    if level > logging.INFO:
        return None
    colour = settings.log_format == "text" and stream.isatty() and "NO_COLOR" not in os.environ
    return RequestLog(
        stream, log_format=settings.log_format, colour=colour, admin=level <= logging.DEBUG
    )


def open_admin_warning(settings: Settings) -> str | None:
    """What to warn about when ``/_mock`` is open to other machines, else ``None``.

    The mock's choice: warn rather than refuse, so containers keep working unchanged.
    """
    if is_loopback_host(settings.host) or settings.admin_token is not None:
        return None
    return (
        f"{settings.host} is reachable from other machines and /_mock is open to all of them "
        "(any caller can read calls, reset, or take over a key); "
        f"set --admin-token or {ADMIN_TOKEN_ENV}"
    )


def serve(settings: Settings) -> int:
    """Start the server, print the ready line, and wait for SIGINT or SIGTERM."""
    request_log = console_log(settings)
    seed = load_seed(settings.fixtures, max_bytes=settings.max_fixture_bytes)
    taken = {key for spec in seed.accounts or (default_account(),) for key in spec.keys}
    clash = next((n for n, key in enumerate(settings.api_keys, 1) if key in taken), None)
    if clash is not None:  # the key itself is never echoed
        raise UsageError(f"--api-key number {clash} is already the key of another account")
    app = create_app(settings, seed=seed, request_log=request_log)
    state = mock_state_of(app)
    if settings.state_file is not None:
        if not settings.state_file.parent.is_dir():
            raise StateFileError(f"{settings.state_file}: its folder does not exist")
        if settings.state_file.exists():
            load_state(settings.state_file, state.store, state.snapshots)
    settle_heap()
    with contextlib.ExitStack() as stack:
        if settings.watch:
            stack.enter_context(FixtureWatcher(state, settings.fixtures))
        try:
            code = _serve_until_signal(app, settings)
        finally:
            if request_log is not None:
                request_log.flush()  # the lines of the last moment
    if settings.state_file is not None:
        try:
            save_state(settings.state_file, state.store, state.snapshots)
        except OSError as exc:
            return _fail(f"cannot save the state to {settings.state_file}: {exc}")
    return code


def _serve_until_signal(app: Starlette, settings: Settings) -> int:
    server = ServerThread.for_settings(app, settings, log_config=None)
    warning = open_admin_warning(settings)
    if warning is not None:
        print(f"{PROG}: warning: {warning}", file=sys.stderr, flush=True)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    server.start()
    print(f"{PROG} listening on {server.url}", flush=True)
    while not stop.wait(0.5):
        if not server.running:
            server.stop()
            return _fail(f"the server stopped unexpectedly: {server.error!r}")
    server.stop()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in SUBCOMMANDS:
        command = importlib.import_module(SUBCOMMANDS[argv[0]][0])
        return int(command.main(argv[1:]))
    try:
        args = envflags.with_environment(build_parser, argv, os.environ)
        settings = settings_from_args(args)
    except (UsageError, ValueError) as exc:
        return _fail(f"{exc} (see --help)", 2)
    try:
        return serve(settings)
    except UsageError as exc:
        return _fail(f"{exc} (see --help)", 2)
    except SeedError as exc:
        return _fail(f"bad fixture: {exc}")
    except PlanError as exc:
        return _fail(f"bad plan: {exc}")
    except StateFileError as exc:
        return _fail(f"bad state file: {exc}")
    except ApiError as exc:
        return _fail(exc.message)
    except OSError as exc:
        where = f"{settings.host}:{settings.port}"
        if exc.errno == errno.EADDRINUSE:
            return _fail(f"cannot listen on {where}: the address is already in use")
        return _fail(f"cannot listen on {where}: {exc.strerror or exc}")
    except ServerError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 0
