"""Bench-only launcher: one server (the mock or the bare app) or one memory measurement.

Run by ``bench_server.py`` in a process of its own. A server prints ``READY <url>`` once it
accepts connections, then serves until SIGTERM, until its parent dies, or until
``--max-seconds`` have passed, whichever comes first.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import signal
import sys
import threading
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, request_response
from starlette.testclient import TestClient
from starlette.types import ASGIApp

from tracking_mock.app import create_app, mock_state_of
from tracking_mock.cli import console_log
from tracking_mock.guard import AdminGuard
from tracking_mock.journal_middleware import JournalMiddleware
from tracking_mock.models import SeedEvent
from tracking_mock.seed import Seed, load_seed
from tracking_mock.server import ServerThread, settle_heap
from tracking_mock.settings import Settings
from tracking_mock.store import Store
from tracking_mock.validation import decode_json, validate_event
from workload import (
    ACCOUNT,
    API_KEY,
    POST_EXAMPLE,
    bench_account,
    event_body,
    query_shape,
    seed_events,
)

_UNAUTHORIZED = b'{"success":false,"error":"Unauthorized: unknown client key"}'


ABLATIONS = ("journal", "guard", "work")
"""Parts of the mock ``bench/ablation.py`` can take out: the journal middleware, the admin
guard middleware, and the API's own work (authenticate, query, render: the route answers with
fixed bytes instead)."""


def mock_app(
    events: int, log_level: str = Settings().log_level, without: Sequence[str] = ()
) -> ASGIApp:
    """The mock with default settings, its bench account preloaded with ``events`` events.

    Its log goes to stderr as the CLI's does (the bench sends stderr to a file). ``without``
    names parts to take out (``ABLATIONS``), to measure what each costs.
    """
    settings = Settings(port=0, log_level=log_level)
    seed = Seed(accounts=(bench_account(),), files=())
    app = create_app(settings, seed=seed, request_log=console_log(settings))
    store = mock_state_of(app).store
    store.merge_into(ACCOUNT, bench_account(tuple(seed_events(events))))
    if "work" in without:
        answers = {method: _sample(app, method) for method in ("GET", "POST")}

        async def fixed(request: Request) -> Response:
            await request.body()  # as the bare app reads it
            return Response(answers[request.method], media_type="application/json")

        for route in app.router.routes:
            if isinstance(route, Route) and route.path == "/tracking/events":
                route.app = request_response(fixed)
    dropped = {"journal": JournalMiddleware, "guard": AdminGuard}
    gone: set[object] = {dropped[part] for part in without if part in dropped}
    app.user_middleware = [m for m in app.user_middleware if m.cls not in gone]
    app.middleware_stack = None  # built again, from the list above, on the first call
    settle_heap()  # as the CLI does once fixtures are loaded
    return app


def _sample(app: ASGIApp, method: str) -> bytes:
    """The mock's own answer to the bench's first page (GET) or example create (POST)."""
    with TestClient(app, base_url="http://127.0.0.1") as client:
        response = client.request(
            method,
            "/tracking/events",
            headers={"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json"},
            content=POST_EXAMPLE if method == "POST" else None,
        )
    assert response.status_code == 200, response.text
    return response.content


def bare_app(bodies: dict[str, str]) -> ASGIApp:
    """Fixed answers keyed by method and query shape, behind the mock's kind of auth check.

    Each workload sends a different query on every request; its parameter names (the
    shape) pick the answer the mock gave to one request of that workload.
    """
    keys = {API_KEY: ACCOUNT}
    answers = {
        (method_shape.split(" ", 1)[0], method_shape.split(" ", 1)[1]): body
        for method_shape, body in ((k, v.encode()) for k, v in bodies.items())
    }

    async def events(request: Request) -> Response:
        header = request.headers.get("authorization")
        scheme, _, key = (header or "").strip().partition(" ")
        if scheme.lower() != "bearer" or keys.get(key.strip()) is None:
            return Response(_UNAUTHORIZED, 401, media_type="application/json")
        if request.method == "POST":
            await request.body()
        shape = query_shape(request.scope["query_string"].decode("latin-1"))
        body = answers[(request.method, shape)]
        return Response(body, media_type="application/json")

    return Starlette(routes=[Route("/tracking/events", events, methods=["GET", "POST"])])


def serve(app: ASGIApp, max_seconds: float) -> int:
    """Serve on 127.0.0.1 and a free port, the way the CLI does, until told to stop."""
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    parent = os.getppid()
    server = ServerThread(app, "127.0.0.1", 0, log_level="warning")
    server.start()
    print(f"READY {server.url}", flush=True)
    deadline = time.monotonic() + max_seconds
    while not stop.wait(0.5):
        if os.getppid() != parent or time.monotonic() > deadline or not server.running:
            break
    server.stop()
    return 0


def _rss_bytes() -> int:
    with Path("/proc/self/statm").open() as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


def measure_memory(count: int, use_tracemalloc: bool) -> dict[str, float]:
    """Bytes kept per stored event, for events that arrive as POST bodies do."""
    # Only the lists' own memory is created up front: each event is then parsed from its
    # own JSON text, so its strings are separate objects as they are in a server.
    raw = [json.dumps(event_body(i)).encode() for i in range(count)]
    app = create_app(Settings(port=0), seed=Seed(accounts=(bench_account(),), files=()))
    store = mock_state_of(app).store
    gc.collect()
    if use_tracemalloc:
        tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0] if use_tracemalloc else _rss_bytes()
    started = time.perf_counter()
    seeds = []
    base = time.time() - count / 1000
    for i, body in enumerate(raw):
        fields, _ = validate_event(decode_json(body))
        seeds.append(SeedEvent(fields, created_at=base + i / 1000))
    store.merge_into(ACCOUNT, bench_account(tuple(seeds)))
    del seeds
    gc.collect()
    elapsed = time.perf_counter() - started
    after = tracemalloc.get_traced_memory()[0] if use_tracemalloc else _rss_bytes()
    if use_tracemalloc:
        tracemalloc.stop()
    assert store.counts()[ACCOUNT] == count
    return {"events": count, "bytes": after - before, "seconds": elapsed}


def measure_load(path: Path) -> dict[str, float]:
    """Seconds (wall and CPU) and peak RSS to load a fixture file into a store."""
    started, cpu = time.perf_counter(), time.process_time()
    store = Store(load_seed([path]).accounts)
    count = sum(store.counts().values())
    return {
        "events": count,
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-seconds", type=float, default=900.0)
    modes = parser.add_subparsers(dest="mode", required=True)
    mock = modes.add_parser("mock", help="serve the mock preloaded with N events")
    mock.add_argument("--events", type=int, required=True)
    mock.add_argument("--log-level", default=Settings().log_level)
    mock.add_argument(
        "--without", action="append", default=[], choices=ABLATIONS, help="take out a part"
    )
    bare = modes.add_parser("bare", help="serve the bare app with fixed answers")
    bare.add_argument("--bodies", type=Path, required=True, help="JSON: 'METHOD query' -> body")
    memory = modes.add_parser("memory", help="print bytes kept for N stored events (JSON)")
    memory.add_argument("--events", type=int, required=True)
    memory.add_argument("--tracemalloc", action="store_true")
    load = modes.add_parser("load", help="print the time and peak RSS to load a fixture (JSON)")
    load.add_argument("--path", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.mode == "mock":
        return serve(mock_app(args.events, args.log_level, args.without), args.max_seconds)
    if args.mode == "bare":
        return serve(bare_app(json.loads(args.bodies.read_text())), args.max_seconds)
    if args.mode == "load":
        print(json.dumps(measure_load(args.path)), flush=True)
        return 0
    print(json.dumps(measure_memory(args.events, args.tracemalloc)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
