"""``tracking-mock contract``: run the contract suite against a URL and print the parity report."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn, TextIO

import httpx

from ..settings import ADMIN_TOKEN_ENV
from .checks import CHECKS
from .report import render_json, render_text
from .runner import KeyRefused, run_contract

PROG = "tracking-mock contract"


class UsageError(Exception):
    """A bad command line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _timeout(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 600:
        raise argparse.ArgumentTypeError(f"expected seconds between 0 and 600, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The options of the ``contract`` subcommand."""
    parser = _Parser(
        prog=PROG,
        description=(
            "Check that a Tracking API (the mock or the real one) behaves as documented. "
            "Against the real API only checks that touch the run's own events run."
        ),
        epilog="Exit code: 0 no difference, 1 a difference (or an unreachable URL), "
        "2 a bad command line or a refused key (checked first, before any check runs). "
        "Against a mock the run works in an account of its own, removed at the end.",
    )
    parser.add_argument("--url", required=True, help="base URL, e.g. http://127.0.0.1:8080")
    parser.add_argument("--key", required=True, help="the client key to authenticate with")
    parser.add_argument(
        "--target",
        choices=("mock", "real", "auto"),
        default="auto",
        help="mock runs everything (and may use /_mock); real runs only what is safe "
        "there; auto asks /_mock/health (default: %(default)s)",
    )
    parser.add_argument(
        "--other-key",
        metavar="KEY",
        help="a second account's key: lets the isolation check run against the real API",
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="PREFIX",
        help="run only the checks whose name starts with PREFIX (repeatable)",
    )
    parser.add_argument(
        "--admin-token",
        default=os.environ.get(ADMIN_TOKEN_ENV) or None,
        metavar="TOKEN",
        help=f"a mock's admin token, for its /_mock calls (default: ${ADMIN_TOKEN_ENV})",
    )
    parser.add_argument("--timeout", type=_timeout, default=10.0, help="seconds per request")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--list", action="store_true", help="list the checks and exit")
    return parser


def main(argv: Sequence[str], out: TextIO | None = None) -> int:
    """Run the subcommand; returns the exit code."""
    out = out or sys.stdout
    if "--list" in argv:
        for check in CHECKS:
            where = "mock only" if check.mock_only else "mock and real"
            print(f"{check.name:<32} [{check.source}] ({where}) {check.behaviour}", file=out)
        return 0
    try:
        args = build_parser().parse_args(argv)
    except UsageError as exc:
        print(f"{PROG}: error: {exc} (see --help)", file=sys.stderr)
        return 2
    try:
        report = run_contract(
            args.url,
            args.key,
            target=args.target,
            only=args.only,
            timeout=args.timeout,
            other_key=args.other_key,
            admin_token=args.admin_token,
        )
    except KeyRefused as exc:
        print(f"{PROG}: error: {args.url}: {exc}; check --key", file=sys.stderr)
        return 2
    except (httpx.HTTPError, ValueError) as exc:
        print(f"{PROG}: error: cannot reach {args.url}: {exc}", file=sys.stderr)
        return 1
    out.write(render_json(report) if args.json else render_text(report))
    return 0 if report.ok else 1
