"""Break each documented rule of the API, one at a time, and check that a test fails.

Each mutation edits the source in place (every edit must match exactly once), runs the fast
in-process tests with ``-x``, and restores the file whatever happens. A mutation is *caught*
when pytest fails. Prints a Markdown table for docs/fidelity.md and exits 1 if one survives.

    python scripts/mutation_check.py [--only RULE-PREFIX]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "tracking_mock"
TESTS = [
    "tests/test_api.py",
    "tests/test_validation.py",
    "tests/test_bad_input.py",
    "tests/test_recommended_events.py",
    "tests/test_jsnumber.py",
    "tests/test_faults_and_clock.py",
    "tests/conformance/test_contract_decisions.py",
    "tests/conformance/test_official_examples.py",
]
TIMEOUT = 120.0
_FAILED = re.compile(r"^FAILED (\S+)", re.MULTILINE)


@dataclass(frozen=True)
class Mutation:
    """One documented rule and the edits that break it."""

    rule: str
    page: str
    file: str
    edits: tuple[tuple[str, str], ...]


def m(rule: str, page: str, file: str, *edits: tuple[str, str]) -> Mutation:
    return Mutation(rule, page, file, edits)


TRACKING = "/tracking"
LIST_REF = "/docs/api-reference/tracking/listTrackingEvents"
UPDATE_REF = "/docs/api-reference/tracking/updateTrackingEvent"
COUPONS_REF = "/docs/api-reference/campaigns/getCampaignCoupons"
AUTH = "/docs/authentication"
RECOMMENDED = "/recommended"
ROOT_PAGE = "/ (API Endpoints)"

MUTATIONS = [
    # Paths
    m(
        "POST/GET/PUT /tracking/events",
        TRACKING,
        "app.py",
        ('Route("/tracking/events"', 'Route("/tracking/eventz"'),
    ),
    m(
        "/events (older pages) is the same collection",
        ROOT_PAGE,
        "app.py",
        ('Route("/events", endpoints.legacy', 'Route("/eventz", endpoints.legacy'),
    ),
    m(
        "coupons: first at most 500",
        COUPONS_REF,
        "limits.py",
        ("COUPONS_FIRST_MAX = 500", "COUPONS_FIRST_MAX = 501"),
    ),
    m(
        "coupons: first at least 1",
        COUPONS_REF,
        "limits.py",
        ("COUPONS_FIRST_MIN = 1", "COUPONS_FIRST_MIN = 0"),
    ),
    m(
        "coupons: first defaults to 50",
        COUPONS_REF,
        "limits.py",
        ("COUPONS_FIRST_DEFAULT = 50", "COUPONS_FIRST_DEFAULT = 49"),
    ),
    m(
        "coupons: skip defaults to 0",
        COUPONS_REF,
        "validation.py",
        ("    skip = 0\n", "    skip = 1\n"),
    ),
    m(
        "coupons: rows are snake_case {id, code, tag, item_type_id, ...}",
        COUPONS_REF,
        "render.py",
        ('"item_type_id": coupon.item_type_id', '"itemTypeId": coupon.item_type_id'),
    ),
    m(
        "coupons: a row carries its campaign_id",
        COUPONS_REF,
        "render.py",
        ('"campaign_id": campaign_id,', '"campaignId": campaign_id,'),
    ),
    m(
        "coupons: another client's campaign is an empty page",
        COUPONS_REF,
        "store.py",
        (
            "return account.spec.campaigns.get(campaign_id, ())",
            "return account.spec.campaigns[campaign_id]",
        ),
    ),
    # Authentication
    m(
        "no Authorization header: 401",
        AUTH,
        "endpoints.py",
        (
            'raise Unauthorized(UNAUTHORIZED, reason="missing Authorization header")',
            'raise Forbidden(FORBIDDEN, reason="missing Authorization header")',
        ),
    ),
    m(
        "Authorization not 'Bearer <key>': 401",
        AUTH,
        "endpoints.py",
        ('scheme.lower() != "bearer"', 'scheme.lower() not in ("bearer", "basic", "token")'),
    ),
    m(
        "a valid key that is not allowed: 403",
        AUTH,
        "endpoints.py",
        ("if account.spec.disabled:", "if False:"),
    ),
    m(
        '401 answers exactly "Unauthorized"',
        LIST_REF,
        "endpoints.py",
        ('UNAUTHORIZED = "Unauthorized"', 'UNAUTHORIZED = "Unauthorized: check your key"'),
    ),
    m(
        "rate limit exceeded: 429",
        AUTH,
        "faults.py",
        (
            'Verdict(delay, "rate-limit", 429, retry_after)',
            'Verdict(delay, "rate-limit", 503, retry_after)',
        ),
    ),
    m(
        "a key sees only its own account's events",
        AUTH,
        "endpoints.py",
        (
            "page = state.store.list_events(account, query)",
            "page = state.store.list_events(state.store.accounts()[0], query)",
        ),
    ),
    # Envelopes and the Event object
    m(
        'success envelope {"success": true, "data": ...}',
        UPDATE_REF,
        "render.py",
        ('return {"success": True, "data": data}', 'return {"ok": True, "data": data}'),
    ),
    m(
        'list data {"nodes": [...], "totalCount": N}',
        LIST_REF,
        "render.py",
        ('"totalCount": page.total_count', '"total": page.total_count'),
    ),
    m(
        'error envelope {"success": false, "error": ...}',
        LIST_REF,
        "render.py",
        (
            'return {"success": False, "error": message}',
            'return {"success": False, "message": message}',
        ),
    ),
    m(
        "Event has every documented field",
        LIST_REF,
        "render.py",
        ('        "metricId": event.metric_id,\n', ""),
    ),
    m(
        "createdAt is an ISO-8601 date-time",
        LIST_REF,
        "render.py",
        (
            'return f"{_iso_second(seconds)}.{fraction // 1000:03d}Z"',
            'return f"{seconds}.{fraction // 1000:03d}"',
        ),
    ),
    m(
        "Oppizi hashes userId and transactionId (--hash-ids)",
        RECOMMENDED,
        "render.py",
        ("else hashlib.sha256(value.encode()).hexdigest()", "else value"),
    ),
    # Create
    m(
        "eventName is required",
        TRACKING,
        "validation.py",
        ('if "eventName" not in body or body["eventName"] is None:', "if False:"),
        (
            'event_name = _optional_string(body, "eventName")',
            'event_name = _optional_string(body, "eventName") or "unnamed"',
        ),
    ),
    m(
        "value is required",
        TRACKING,
        "validation.py",
        ('if "value" not in body or body["value"] is None:', "if False:"),
        (
            'value=_check_number("value", body["value"]),',
            'value=_check_number("value", body.get("value") or 0),',
        ),
    ),
    m(
        "value is a number",
        UPDATE_REF,
        "validation.py",
        (
            "if isinstance(value, bool) or not isinstance(value, int | float):",
            "if isinstance(value, bool) or isinstance(value, dict):",
        ),
        (
            "    if isinstance(value, float) and not math.isfinite(value):",
            "    if isinstance(value, str):\n        return value  # type: ignore[return-value]\n"
            "    if isinstance(value, float) and not math.isfinite(value):",
        ),
    ),
    m(
        "transactionId is stored and echoed",
        UPDATE_REF,
        "store.py",
        ("transaction_id=fields.transaction_id,", "transaction_id=None,"),
    ),
    m(
        "userId is stored and echoed",
        UPDATE_REF,
        "store.py",
        ("user_id=fields.user_id,", "user_id=None,"),
    ),
    m(
        "currency is stored and echoed",
        UPDATE_REF,
        "store.py",
        ("currency=fields.currency,", "currency=None,"),
    ),
    m(
        "coupon is stored and echoed",
        UPDATE_REF,
        "store.py",
        ("            coupon=coupon,\n", "            coupon=None,\n"),
    ),
    m(
        "metadata values may be string[]",
        TRACKING,
        "validation.py",
        (
            "    if isinstance(value, list):\n        if len(value) >",
            "    if False:\n        if len(value) >",
        ),
    ),
    m(
        "metadata: at most 50 entries",
        TRACKING,
        "limits.py",
        ("METADATA_MAX_ENTRIES = 50", "METADATA_MAX_ENTRIES = 51"),
    ),
    m(
        "metadata keys: at most 40 characters",
        TRACKING,
        "limits.py",
        ("METADATA_KEY_MAX_CHARS = 40", "METADATA_KEY_MAX_CHARS = 41"),
    ),
    m(
        "metadata values: at most 256 characters",
        TRACKING,
        "limits.py",
        ("METADATA_VALUE_MAX_CHARS = 256", "METADATA_VALUE_MAX_CHARS = 257"),
    ),
    m(
        "the docs' examples (numbers in metadata) pass strict mode",
        TRACKING,
        "validation.py",
        ("                note=True,\n", ""),
    ),
    # Recommended events
    m(
        "signup recipe: userId",
        RECOMMENDED,
        "recipes.py",
        ('_missing(fields, {"userId": fields.user_id})', "_missing(fields, {})"),
    ),
    m(
        "conversion recipe: transactionId, currency, userId",
        RECOMMENDED,
        "recipes.py",
        ('                    "currency": fields.currency,\n', ""),
    ),
    m(
        "conversion recipe: currency is 3 letters",
        RECOMMENDED,
        "recipes.py",
        ('re.compile(r"[A-Za-z]{3}")', 're.compile(r"[A-Za-z]{3,4}")'),
    ),
    m(
        "conversion recipe: value has 2 decimals",
        RECOMMENDED,
        "recipes.py",
        ("if decimals(fields.value) > 2:", "if decimals(fields.value) > 3:"),
    ),
    m(
        "conversion recipe: type is one of the documented kinds",
        RECOMMENDED,
        "recipes.py",
        ("if isinstance(kind, str) and kind in CONVERSION_TYPES:", "if isinstance(kind, str):"),
    ),
    m(
        "conversion recipe: type is a known field",
        RECOMMENDED,
        "validation.py",
        (
            '{"eventName", "value", "metadata", "type", *_OPTIONAL_STRINGS}',
            '{"eventName", "value", "metadata", *_OPTIONAL_STRINGS}',
        ),
    ),
    # List
    m(
        "newest first",
        TRACKING,
        "pagination.py",
        (
            "return list(reversed(events[max(0, end - query.limit) : end]))",
            "return list(events[max(0, end - query.limit) : end])",
        ),
    ),
    m(
        "limit defaults to 20",
        TRACKING,
        "limits.py",
        ("LIST_LIMIT_DEFAULT = 20", "LIST_LIMIT_DEFAULT = 21"),
    ),
    m("limit at most 100", TRACKING, "limits.py", ("LIST_LIMIT_MAX = 100", "LIST_LIMIT_MAX = 101")),
    m("limit at least 1", TRACKING, "limits.py", ("LIST_LIMIT_MIN = 1", "LIST_LIMIT_MIN = 0")),
    m(
        "startingAfter continues after the previous page",
        TRACKING,
        "eventlog.py",
        ("before = cursor.order\n", "before = cursor.order + 1\n"),
    ),
    m(
        "eventName filter is exact and case-sensitive",
        LIST_REF,
        "validation.py",
        ("event_names.extend(values)", "event_names.extend(v.lower() for v in values)"),
    ),
    m(
        "value filter matches by number",
        LIST_REF,
        "pagination.py",
        (
            "if query.values and event.value not in query.values:",
            "if query.values and str(event.value) not in map(str, query.values):",
        ),
    ),
    m(
        "metadata.KEY=v matches a stored string equal to v",
        TRACKING,
        "pagination.py",
        ("                if value != wanted:", "                if not value.startswith(wanted):"),
    ),
    m(
        "filters are ANDed",
        TRACKING,
        "pagination.py",
        (
            "if query.values and event.value not in query.values:",
            "if query.values and not query.metadata and event.value not in query.values:",
        ),
    ),
    m(
        "several metadata keys are ANDed",
        TRACKING,
        "pagination.py",
        (
            "            if value is None:\n                return False\n",
            "            if value is None:\n                continue\n",
        ),
    ),
    m(
        "the GET example: Content-Type: application/json and no body is 200",
        TRACKING,
        "endpoints.py",
        (
            "    account = await admit(request, state, call)\n    query, warnings = list_query(",
            "    account = await admit(request, state, call)\n"
            '    if "content-type" in request.headers:\n'
            "        await read_json(request, state, call)\n"
            "    query, warnings = list_query(",
        ),
    ),
    # Update
    m(
        "update takes the create body and its validation",
        UPDATE_REF,
        "endpoints.py",
        (
            "validate_event(await read_json(request, state, call), update=True)",
            "validate_event({'value': 0, **(await read_json(request, state, call))}, update=True)",
        ),
    ),
]


def run_tests() -> tuple[bool, str]:
    """Run the fast tests; (caught, the first failing test or why)."""
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-x",
        "-q",
        "-n0",  # a handful of fast files: worker start-up would cost more than it saves
        "-p",
        "no:randomly",
        "-p",
        "no:cacheprovider",
        "-o",
        "timeout=30",  # a mutation that makes a walk loop forever fails in 30 s, not 120
        "--no-header",
        "-rf",
        *TESTS,
    ]
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return True, "timeout"
    if done.returncode == 0:
        return False, ""
    found = _FAILED.search(done.stdout)
    if found:
        return True, found.group(1)
    tail = (done.stdout + done.stderr).strip().splitlines()[-1:] or ["?"]
    return True, f"pytest exit {done.returncode}: {tail[0][:80]}"


def apply(mutation: Mutation) -> str:
    """Edit the file; returns the original text."""
    path = SRC / mutation.file
    original = path.read_text(encoding="utf-8")
    text = original
    for old, new in mutation.edits:
        count = text.count(old)
        if count != 1:
            raise SystemExit(f"{mutation.rule}: {old!r} occurs {count} times in {mutation.file}")
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return original


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="run the mutations whose rule starts so")
    args = parser.parse_args(argv)
    chosen = [mu for mu in MUTATIONS if mu.rule.startswith(args.only)]
    started = time.monotonic()
    rows = []
    caught_count = 0
    for mutation in chosen:
        original = apply(mutation)
        try:
            caught, by = run_tests()
        finally:
            (SRC / mutation.file).write_text(original, encoding="utf-8")
        caught_count += caught
        verdict = f"caught by `{by}`" if caught else "**survived**"
        rows.append(f"| {mutation.rule} | `{mutation.page}` | `{mutation.file}` | {verdict} |")
        print(rows[-1], flush=True)
    elapsed = time.monotonic() - started
    print(f"\n{caught_count} of {len(chosen)} mutations caught in {elapsed:.0f} s")
    return 0 if caught_count == len(chosen) else 1


if __name__ == "__main__":
    raise SystemExit(main())
