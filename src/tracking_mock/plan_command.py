"""``tracking-mock plan``: check plan files, report a server's plan coverage, infer a plan."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

import httpx

from . import limits
from .errors import SeedError
from .plan import PlanError, format_report, load_plan
from .plan.infer import infer_plan, plan_yaml
from .plan.schema import event_body
from .seed import load_seed
from .settings import admin_headers

PROG = "tracking-mock plan"
DEFAULT_URL = "http://127.0.0.1:8080"
TIMEOUT = 10.0


class CommandError(Exception):
    """A failure the command reports in one line (exit 1)."""


class UsageError(Exception):
    """A bad command line (exit 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    """The ``plan`` subcommands and their options."""
    parser = _Parser(prog=PROG, description="Tracking plans: check, report coverage, infer.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser("check", help="load plan files and report the first error")
    check.add_argument("plans", nargs="+", type=Path, metavar="PLAN", help="plan files to check")
    report = commands.add_parser(
        "report", help="per planned event, valid and violating events a running server received"
    )
    report.add_argument(
        "--url", default=DEFAULT_URL, help="the tracking-mock server (default: %(default)s)"
    )
    report.add_argument("--account", help="one account's coverage (default: every account)")
    report.add_argument("--json", action="store_true", help="print the report as JSON")
    infer = commands.add_parser(
        "infer", help="write a starting plan from an account's events or from fixture files"
    )
    source = infer.add_mutually_exclusive_group(required=True)
    source.add_argument("--url", help="read the account's events from this tracking-mock server")
    source.add_argument(
        "--fixtures", type=Path, nargs="+", metavar="PATH", help="read events from fixture files"
    )
    infer.add_argument("--account", help="the account whose events to read (needed with --url)")
    infer.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write the plan here (default: stdout)"
    )
    return parser


def _get(url: str, path: str, **params: str) -> Any:
    """The ``data`` of a ``/_mock`` GET, or a one-line ``CommandError``."""
    try:
        response = httpx.get(
            f"{url.rstrip('/')}{path}",
            params=params,
            headers=admin_headers(os.environ),
            timeout=TIMEOUT,
        )
    except httpx.HTTPError as exc:
        raise CommandError(f"cannot reach {url}: {exc}") from None
    try:
        payload = response.json()
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        raise CommandError(f"{url}{path} answered {response.status_code}, not tracking-mock JSON")
    if not response.is_success:
        raise CommandError(f"{url}{path} answered {response.status_code}: {payload.get('error')}")
    return payload.get("data")


def _report(args: argparse.Namespace, out: TextIO) -> int:
    params = {"account": args.account} if args.account else {}
    report = _get(args.url, "/_mock/plan/coverage", **params)
    out.write(json.dumps(report, indent=2) if args.json else format_report(report))
    out.write("\n")
    return 0


def _infer(args: argparse.Namespace, out: TextIO) -> int:
    if args.url:
        if not args.account:
            raise UsageError("--url needs --account NAME")
        data = _get(
            args.url, "/_mock/events", account=args.account, limit=str(limits.ADMIN_EVENTS_MAX)
        )
        events = list(data["nodes"])
        source = f"account {args.account!r} at {args.url}"
    else:
        accounts = load_seed(args.fixtures).accounts
        if args.account:
            accounts = tuple(a for a in accounts if a.name == args.account)
            if not accounts:
                raise CommandError(f"no account named {args.account!r} in the fixtures")
        events = [event_body(seed.fields) for spec in accounts for seed in spec.events]
        source = ", ".join(str(path) for path in args.fixtures)
    if not events:
        raise CommandError(f"no events to infer a plan from in {source}")
    text = plan_yaml(infer_plan(events), source)
    if args.output is None:
        out.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
    return 0


def _check(args: argparse.Namespace, out: TextIO) -> int:
    plan = load_plan(args.plans)
    out.write(f"ok: {len(plan.events)} planned events in {', '.join(plan.sources)}\n")
    return 0


def main(argv: Sequence[str], out: TextIO | None = None) -> int:
    """Run ``tracking-mock plan ...``; returns the exit code."""
    out = out or sys.stdout
    commands = {"check": _check, "report": _report, "infer": _infer}
    try:
        args = build_parser().parse_args(list(argv))
        return commands[args.command](args, out)
    except UsageError as exc:
        print(f"{PROG}: error: {exc} (see --help)", file=sys.stderr)
        return 2
    except (CommandError, PlanError, SeedError, OSError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
