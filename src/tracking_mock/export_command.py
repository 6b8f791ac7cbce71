"""``tracking-mock export``: a running mock's account, written as a fixture file."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

import httpx

from .atomic import write_atomically
from .settings import admin_headers

PROG = "tracking-mock export"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Write one account of a running mock as a fixture file."
    )
    parser.add_argument("--url", required=True, help="the mock's base URL")
    parser.add_argument("--account", required=True, help="the account to export")
    parser.add_argument(
        "--output", "-o", type=Path, metavar="PATH", help="the file to write (default: stdout)"
    )
    parser.add_argument(
        "--keys", action="store_true", help="include the account's keys (left out by default)"
    )
    parser.add_argument(
        "--timeout", type=float, default=30.0, metavar="S", help="seconds (default: %(default)s)"
    )
    return parser


def main(argv: Sequence[str]) -> int:
    """Run the export command; returns the exit code."""
    args = build_parser().parse_args(list(argv))
    url = f"{args.url.rstrip('/')}/_mock/accounts/{quote(args.account, safe='')}/export"
    try:
        answer = httpx.get(
            url,
            params={"keys": "true" if args.keys else "false"},
            headers=admin_headers(os.environ),
            timeout=args.timeout,
        )
    except httpx.HTTPError as exc:
        print(f"{PROG}: error: cannot reach {args.url}: {exc}", file=sys.stderr)
        return 1
    if answer.status_code != 200:
        try:
            message = answer.json()["error"]
        except (ValueError, KeyError, TypeError):
            message = f"HTTP {answer.status_code}"
        print(f"{PROG}: error: {message}", file=sys.stderr)
        return 1
    if args.output is None:
        sys.stdout.write(answer.text)
    else:
        write_atomically(args.output, answer.content)
    return 0
