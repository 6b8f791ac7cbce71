"""Time and profile one scenario by calling the ASGI apps directly (no sockets, no uvicorn).

What is left is the app's own cost per request, which the wrk ratios dilute with the
server's. GET workloads cycle through 1,000 targets about random events, as the wrk scripts
do. ``--profile`` prints the cProfile functions with the most own time.

    python bench/profile_app.py --events 10000 --scenario "GET selective filter (random orderId)"
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import itertools
import pstats
import random
import sys
import time
from collections.abc import Sequence
from typing import Any

from starlette.types import ASGIApp, Message

from launch import bare_app, mock_app
from workload import API_KEY, FIRST_PAGE, POST_EXAMPLE, POST_SCENARIO, example_target, query_shape


async def call(app: ASGIApp, method: str, target: str, body: bytes) -> bytes:
    """One request through ``app``; returns the response body."""
    path, _, query = target.partition("?")
    headers = [(b"host", b"127.0.0.1"), (b"authorization", f"Bearer {API_KEY}".encode())]
    if body:
        headers += [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8080),
    }
    sent = False
    chunks: list[bytes] = []

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return b"".join(chunks)


async def per_request_us(
    app: ASGIApp, method: str, targets: Sequence[str], body: bytes, n: int
) -> float:
    started = time.perf_counter()
    for target in itertools.islice(itertools.cycle(targets), n):
        await call(app, method, target, body)
    return (time.perf_counter() - started) / n * 1e6


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--scenario", default=FIRST_PAGE)
    parser.add_argument("--requests", type=int, default=5_000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    post = args.scenario == POST_SCENARIO
    rng = random.Random(1)
    targets = (
        ["/tracking/events"]
        if post
        else [
            example_target(args.scenario, args.events, rng.randrange(args.events))
            for _ in range(1000)
        ]
    )
    method = "POST" if post else "GET"
    body = POST_EXAMPLE.encode() if post else b""
    mock = mock_app(args.events)
    sample = asyncio.run(call(mock, method, targets[0], body))
    bare = bare_app({f"{method} {query_shape(targets[0].partition('?')[2])}": sample.decode()})
    # Interleave, and keep the best of three: the machine is shared.
    figures: dict[str, list[float]] = {"mock": [], "bare": []}
    for _ in range(3):
        for name, app in (("mock", mock), ("bare", bare)):
            figures[name].append(
                asyncio.run(per_request_us(app, method, targets, body, args.requests))
            )
    mock_us, bare_us = min(figures["mock"]), min(figures["bare"])
    print(
        f"{args.scenario} at {args.events:,} events ({len(sample)} B): "
        f"mock {mock_us:.1f} us, bare {bare_us:.1f} us per request (app only)"
    )
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        asyncio.run(per_request_us(mock, method, targets, body, args.requests))
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
