"""The benchmark's data: one account, events of a typical shape, and the requests sent.

Every field of the ``i``-th event derives from ``i``, so the wrk scripts can draw a random
existing ``orderId``, ``(source, value)`` pair or cursor id on each request without a list.
"""

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
SOURCES = 30
"""Distinct ``metadata.source`` texts."""
VALUES = 100
"""Distinct values; with the sources, about 3,000 (source, value) combinations."""
_MIX = 2654435761
"""Knuth's multiplicative hash spreads an index over the fields (wrk's Lua repeats it)."""


def mix(index: int) -> int:
    return (index * _MIX) % 2**32


def event_id(index: int) -> str:
    """A seeded event's id, as long as the store's own (``evt_`` + 20 hex digits)."""
    return f"evt_{index:020x}"


def event_body(index: int) -> dict[str, Any]:
    """The JSON body of the ``index``-th typical event: a name, a value, 3 metadata keys."""
    h = mix(index)
    return {
        "eventName": NAMES[h % len(NAMES)],
        "value": (h >> 2) % VALUES,
        "metadata": {
            "orderId": f"ord-{index:08d}",
            "plan": PLANS[(h >> 9) % len(PLANS)],
            "source": f"src-{(h >> 13) % SOURCES:02d}",
        },
    }


def seed_events(count: int) -> list[SeedEvent]:
    """``count`` typical events, oldest first, one millisecond apart, ending now."""
    start = time.time() - count / 1000
    events = []
    for i in range(count):
        body = event_body(i)
        fields = EventFields(body["eventName"], body["value"], body["metadata"])
        events.append(SeedEvent(fields, id=event_id(i), created_at=start + i / 1000))
    return events


def bench_account(events: tuple[SeedEvent, ...] = ()) -> AccountSpec:
    return AccountSpec(ACCOUNT, (API_KEY,), {}, {}, events)


def _iso(index: int) -> str:
    seconds = index // 1000
    return (
        f"2026-01-{1 + seconds // 86_400:02d}T{seconds // 3600 % 24:02d}:"
        f"{seconds // 60 % 60:02d}:{seconds % 60:02d}.{index % 1000:03d}Z"
    )


def jsonl_lines(count: int) -> list[str]:
    """``count`` typical events as JSON Lines fixture lines (ids and times given)."""
    return [
        json.dumps(
            {**event_body(i), "id": event_id(i), "createdAt": _iso(i)}, separators=(",", ":")
        )
        for i in range(count)
    ]


def write_jsonl(folder: Path, count: int) -> Path:
    """A ``.jsonl`` fixture of the bench account with ``count`` events."""
    path = folder / f"bench-{count}.jsonl"
    header = json.dumps({"version": 1, "account": ACCOUNT, "keys": [API_KEY]})
    with path.open("w", encoding="utf-8") as out:
        out.write(header + "\n")
        for line in jsonl_lines(count):
            out.write(line + "\n")
    return path


def fixture_yaml(count: int) -> str:
    """A version 1 YAML fixture holding ``count`` typical events with explicit times."""
    lines = ["version: 1", "accounts:", f"  {ACCOUNT}:", f"    keys: [{API_KEY}]", "    events:"]
    for i in range(count):
        body = event_body(i)
        meta = body["metadata"]
        lines += [
            f"      - eventName: {body['eventName']}",
            f"        value: {body['value']}",
            f'        metadata: {{orderId: "{meta["orderId"]}", plan: {meta["plan"]}, '
            f"source: {meta['source']}}}",
            f'        createdAt: "{_iso(i)}"',
        ]
    return "\n".join(lines) + "\n"


def write_fixture(folder: Path, count: int) -> Path:
    path = folder / f"bench-{count}.yaml"
    path.write_text(fixture_yaml(count), encoding="utf-8")
    return path


POST_SCENARIO = "POST (a new orderId each)"
FIRST_PAGE = "GET first page (one query, repeated by design)"
SELECTIVE = "GET selective filter (random orderId)"
BROAD = "GET broad filter (random source + value)"
CURSOR = "GET deep cursor (random depth)"
FILTER_CURSOR = "GET filter + cursor (random both)"
SCENARIOS = (FIRST_PAGE, SELECTIVE, BROAD, CURSOR, FILTER_CURSOR, POST_SCENARIO)
FILTERED = (SELECTIVE, BROAD, CURSOR, FILTER_CURSOR)
"""The filtered and cursor workloads: at least 0.5 of bare at 1M and within 20% of 10k."""

# Lua expressions (wrk's LuaJIT) for one random pick each; ``n`` is the stored-event count.
_LUA_PREAMBLE = """
local n = {count}
local names = {{"Purchase", "AddToCart", "PageView", "Signup"}}
local plans = {{"free", "pro", "team"}}
local posted = 0
math.randomseed({seed})
"""
_LUA_GET = {
    FIRST_PAGE: '""',
    SELECTIVE: (
        "(function() local i = math.random(0, n - 1) return string.format("
        '"?eventName=%s&metadata.orderId=ord-%08d", names[i % 4 + 1], i) end)()'
    ),
    BROAD: (
        'string.format("?metadata.source=src-%02d&value=%d", '
        f"math.random(0, {SOURCES - 1}), math.random(0, {VALUES - 1}))"
    ),
    CURSOR: 'string.format("?startingAfter=evt_%020x", math.random(0, n - 1))',
    FILTER_CURSOR: (
        'string.format("?eventName=%s&metadata.plan=%s&startingAfter=evt_%020x", '
        "names[math.random(1, 4)], plans[math.random(1, 3)], math.random(0, n - 1))"
    ),
}
_LUA_POST = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  posted = posted + 1
  local body = string.format(
    '{{"eventName":"Purchase","value":42.5,"metadata":{{"orderId":"post-%d-%d","plan":"pro"}}}}',
    {seed}, posted)
  return wrk.format(nil, "/tracking/events", nil, body)
end
"""


def lua_script(name: str, count: int, seed: int) -> str:
    """The wrk script of workload ``name`` on ``count`` stored events."""
    preamble = _LUA_PREAMBLE.format(count=count, seed=seed)
    if name == POST_SCENARIO:
        return preamble + _LUA_POST.format(seed=seed)
    query = _LUA_GET[name]
    return preamble + (
        f'request = function()\n  return wrk.format(nil, "/tracking/events" .. {query})\nend\n'
    )


def example_target(name: str, count: int, index: int | None = None) -> str:
    """One request of workload ``name``, about event ``index`` (default: the middle one)."""
    i = count // 2 if index is None else index
    h = mix(i)
    if name == FIRST_PAGE:
        return "/tracking/events"
    if name == SELECTIVE:
        return f"/tracking/events?eventName={NAMES[i % 4]}&metadata.orderId=ord-{i:08d}"
    if name == BROAD:
        source, value = (h >> 13) % SOURCES, (h >> 2) % VALUES
        return f"/tracking/events?metadata.source=src-{source:02d}&value={value}"
    if name == CURSOR:
        return f"/tracking/events?startingAfter={event_id(i)}"
    if name == FILTER_CURSOR:
        return f"/tracking/events?eventName=Purchase&metadata.plan=pro&startingAfter={event_id(i)}"
    raise ValueError(name)


def query_shape(query: str) -> str:
    """The parameter names of a query string: one key per workload for the bare app."""
    return "&".join(sorted(part.partition("=")[0] for part in query.split("&") if part))


POST_EXAMPLE = json.dumps(
    {"eventName": "Purchase", "value": 42.5, "metadata": {"orderId": "post-0-0", "plan": "pro"}},
    separators=(",", ":"),
)
