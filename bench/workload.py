"""The benchmark's data: one account, events of a typical shape, and the requests sent."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from tracking_mock.models import AccountSpec, EventFields, SeedEvent

ACCOUNT = "bench"
API_KEY = "sk_bench_0123456789"
NAMES = ("Purchase", "AddToCart", "PageView", "Signup")
"""Four names, none of them a recommended event, so no contract warning is raised."""
PLANS = ("free", "pro", "team")
CURSOR_FRACTION = 0.9
"""The cursor scenario starts after the event this far down the newest-first list."""

POST_BODY = json.dumps(
    {
        "eventName": "Purchase",
        "value": 42.5,
        "metadata": {"orderId": "ord-post-000001", "plan": "pro"},
    },
    separators=(",", ":"),
)


def event_id(index: int) -> str:
    """A seeded event's id, as long as the store's own (``evt_`` + 20 hex digits)."""
    return f"evt_{index:020x}"


def event_body(index: int) -> dict[str, Any]:
    """The JSON body of the ``index``-th typical event: a name, a value, 2 metadata keys."""
    return {
        "eventName": NAMES[index % len(NAMES)],
        "value": (index % 100_000) / 100,
        "metadata": {"orderId": f"ord-{index:08d}", "plan": PLANS[index % len(PLANS)]},
    }


def seed_events(count: int) -> list[SeedEvent]:
    """``count`` typical events, oldest first, one millisecond apart, ending now."""
    start = time.time() - count / 1000
    return [
        SeedEvent(
            EventFields(
                event_name=NAMES[i % len(NAMES)],
                value=(i % 100_000) / 100,
                metadata={"orderId": f"ord-{i:08d}", "plan": PLANS[i % len(PLANS)]},
            ),
            id=event_id(i),
            created_at=start + i / 1000,
        )
        for i in range(count)
    ]


def bench_account(events: tuple[SeedEvent, ...] = ()) -> AccountSpec:
    return AccountSpec(ACCOUNT, (API_KEY,), {}, {}, events)


def cursor_id(count: int) -> str:
    """The id of the event ``CURSOR_FRACTION`` of the way down the newest-first list."""
    return event_id(max(0, count - 1 - int(count * CURSOR_FRACTION)))


def get_scenarios(count: int) -> dict[str, str]:
    """Scenario name to the path and query of a GET on ``count`` stored events."""
    cursor = cursor_id(count)
    return {
        "GET first page": "/tracking/events",
        "GET eventName+metadata filter": "/tracking/events?eventName=Purchase&metadata.plan=pro",
        "GET deep cursor": f"/tracking/events?startingAfter={cursor}",
        "GET filter + deep cursor": (
            f"/tracking/events?eventName=Purchase&metadata.plan=pro&startingAfter={cursor}"
        ),
    }


def fixture_yaml(count: int) -> str:
    """A version 1 fixture file holding ``count`` typical events with explicit times."""
    lines = ["version: 1", "accounts:", f"  {ACCOUNT}:", f"    keys: [{API_KEY}]", "    events:"]
    for i in range(count):
        body = event_body(i)
        meta = body["metadata"]
        seconds = i % 86_400
        lines += [
            f"      - eventName: {body['eventName']}",
            f"        value: {body['value']}",
            f'        metadata: {{orderId: "{meta["orderId"]}", plan: {meta["plan"]}}}',
            f'        createdAt: "2026-01-01T{seconds // 3600:02d}:{seconds // 60 % 60:02d}:'
            f'{seconds % 60:02d}Z"',
        ]
    return "\n".join(lines) + "\n"


def write_fixture(folder: Path, count: int) -> Path:
    path = folder / f"bench-{count}.yaml"
    path.write_text(fixture_yaml(count), encoding="utf-8")
    return path
