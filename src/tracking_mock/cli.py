"""``tracking-mock``: serve the mock on a port until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import errno
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from . import __version__
from .app import create_app
from .errors import SeedError
from .seed import load_seed
from .server import ServerError, ServerThread
from .settings import DEFAULT_API_KEY, Settings

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
        help="YAML or JSON Lines files, or folders; replace the bundled fixtures",
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
        "--log-level", choices=_LOG_LEVELS, default=_DEFAULTS.log_level, type=str.lower
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
        log_level=args.log_level,
    )


def _fail(message: str, code: int = 1) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return code


def serve(settings: Settings) -> int:
    """Start the server, print the ready line, and wait for SIGINT or SIGTERM."""
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s"
    )
    app = create_app(settings, seed=load_seed(settings.fixtures))
    server = ServerThread(
        app,
        settings.host,
        settings.port,
        log_level=settings.log_level,
        start_timeout=settings.server_start_timeout,
        stop_timeout=settings.server_stop_timeout,
    )
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
    except SeedError as exc:
        return _fail(f"bad fixture: {exc}")
    except OSError as exc:
        where = f"{settings.host}:{settings.port}"
        if exc.errno == errno.EADDRINUSE:
            return _fail(f"cannot listen on {where}: the address is already in use")
        return _fail(f"cannot listen on {where}: {exc.strerror or exc}")
    except ServerError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 0
