"""``tracking-mock``: serve the mock on a port until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import errno
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from . import __version__
from .app import create_app
from .errors import ApiError, SeedError
from .guard import is_loopback_host
from .seed import load_seed
from .server import ServerError, ServerThread
from .settings import ADMIN_TOKEN_ENV, DEFAULT_API_KEY, Settings
from .store import default_account

PROG = "tracking-mock"
_DEFAULTS = Settings()
_LOG_LEVELS = ("critical", "error", "warning", "info", "debug")


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
    parser = _Parser(
        prog=PROG,
        description="A local emulator of the Oppizi Tracking API.",
        epilog=f"With no fixtures defining accounts, the key {DEFAULT_API_KEY} works.",
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
        help="YAML files or folders; replace the bundled fixtures",
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
        "--max-body-bytes", type=_positive, default=_DEFAULTS.max_body_bytes, metavar="N"
    )
    parser.add_argument(
        "--journal-size", type=_positive, default=_DEFAULTS.journal_size, metavar="N"
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
        "--log-level", choices=_LOG_LEVELS, default=_DEFAULTS.log_level, type=str.lower
    )
    security = parser.add_argument_group("the admin surface and connections")
    security.add_argument(
        "--admin-token",
        default=os.environ.get(ADMIN_TOKEN_ENV) or None,
        metavar="TOKEN",
        help=f"/_mock then needs 'Authorization: Bearer TOKEN' or 'X-Admin-Token: TOKEN' "
        f"(default: ${ADMIN_TOKEN_ENV})",
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
    return parser


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
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s"
    )
    seed = load_seed(settings.fixtures, max_bytes=settings.max_fixture_bytes)
    taken = {key for spec in seed.accounts or (default_account(),) for key in spec.keys}
    clash = next((n for n, key in enumerate(settings.api_keys, 1) if key in taken), None)
    if clash is not None:  # the key itself is never echoed
        raise UsageError(f"--api-key number {clash} is already the key of another account")
    app = create_app(settings, seed=seed)
    server = ServerThread.for_settings(app, settings)
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
    if argv[:1] == ["contract"]:
        from .contract_suite.command import main as contract_main

        return contract_main(argv[1:])
    try:
        settings = settings_from_args(build_parser().parse_args(argv))
    except (UsageError, ValueError) as exc:
        return _fail(f"{exc} (see --help)", 2)
    try:
        return serve(settings)
    except UsageError as exc:
        return _fail(f"{exc} (see --help)", 2)
    except SeedError as exc:
        return _fail(f"bad fixture: {exc}")
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
