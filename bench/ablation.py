"""What each part of the mock costs per request: the mock with parts taken out, against bare.

``bench_server.py`` says how far the mock is from a bare Starlette app; this says why. Every
variant serves on the same stack (uvloop + httptools, ``ServerThread``) in its own process,
all up at once, and each round runs the same wrk load against every server in turn (the order
rotating). The variants:

- ``bare``: the bare app of ``bench_server.py`` (an auth check, the mock's answer replayed);
- ``mock``: the mock as the CLI serves it;
- ``mock without work``: the route answers the mock's own bytes at once (no authentication,
  query, validation, store or rendering), everything else kept;
- ``mock without work, journal``: also without the journal middleware;
- ``mock without work, journal, guard``: Starlette's stack and the route alone.

Each figure is wall-clock requests per second (the median of the rounds); beside it, the median
of the per-round ratios to bare with their range, and the microseconds a request costs beyond
bare (1/rps - 1/bare rps, median of the rounds).

    python bench/ablation.py --events 10000 --repeats 3 --duration 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bench_server import (
    BenchError,
    Run,
    Server,
    WrkOptions,
    run_wrk,
    sample_bodies,
    start_server,
    stop_server_process,
)
from tracking_mock.settings import Settings
from workload import FIRST_PAGE, POST_SCENARIO, example_target, lua_script, query_shape

VARIANTS: dict[str, list[str]] = {
    "mock": [],
    "mock without work": ["work"],
    "mock without work, journal": ["work", "journal"],
    "mock without work, journal, guard": ["work", "journal", "guard"],
}
WORKLOADS = (FIRST_PAGE, POST_SCENARIO)


def start_all(events: int, folder: Path, timeout: float, log_level: str) -> dict[str, Server]:
    """The bare app and every variant, serving."""
    servers: dict[str, Server] = {}
    try:
        for number, (name, parts) in enumerate(VARIANTS.items()):
            launch = ["mock", "--events", str(events), "--log-level", log_level]
            launch += [arg for part in parts for arg in ("--without", part)]
            servers[name] = start_server(f"variant-{number}", launch, folder, timeout)
        target = example_target(FIRST_PAGE, events)
        bodies = sample_bodies(servers["mock"], {FIRST_PAGE: target})
        replay = {
            f"GET {query_shape(target.partition('?')[2])}": bodies[FIRST_PAGE].decode(),
            "POST ": bodies[POST_SCENARIO].decode(),
        }
        bodies_file = folder / "bodies.json"
        bodies_file.write_text(json.dumps(replay))
        servers["bare"] = start_server(
            "bare", ["bare", "--bodies", str(bodies_file)], folder, timeout
        )
    except BaseException:
        for server in servers.values():
            stop_server_process(server.process)
        raise
    return servers


def rounds(
    options: WrkOptions,
    servers: dict[str, Server],
    workload: str,
    events: int,
    repeats: int,
    folder: Path,
) -> dict[str, list[Run]]:
    names = list(servers)
    runs: dict[str, list[Run]] = {name: [] for name in names}
    for number in range(repeats):
        shift = number % len(names)
        for index, name in enumerate(names[shift:] + names[:shift]):
            script = folder / f"run-{number}-{index}.lua"
            script.write_text(lua_script(workload, events, 1000 * number + index + 1))
            runs[name].append(run_wrk(options, servers[name], script))
    return runs


def report(workload: str, runs: dict[str, list[Run]]) -> list[str]:
    bare = runs["bare"]
    lines = [
        f"{workload}",
        f"  {'server':36} {'req/s':>8} {'/ bare':>7} {'(rounds)':>13} {'us beyond bare':>15}",
    ]
    for name, mine in runs.items():
        rps = statistics.median(r.wall_rps for r in mine)
        ratios = [m.wall_rps / b.wall_rps for m, b in zip(mine, bare, strict=True)]
        extra = statistics.median(
            1e6 / m.wall_rps - 1e6 / b.wall_rps for m, b in zip(mine, bare, strict=True)
        )
        spread = f"{min(ratios):.2f}-{max(ratios):.2f}"
        lines.append(
            f"  {name:36} {rps:8.0f} {statistics.median(ratios):7.3f} {spread:>13} {extra:15.1f}"
        )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--duration", type=float, default=3.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk", default="/usr/bin/wrk")
    parser.add_argument("--log-level", default=Settings().log_level)
    parser.add_argument("--ready-timeout", type=float, default=300.0)
    args = parser.parse_args(argv)
    options = WrkOptions(args.wrk, args.duration, args.connections, 1)
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="tracking-mock-ablation-") as tmp:
        folder = Path(tmp)
        try:
            servers = start_all(args.events, folder, args.ready_timeout, args.log_level)
        except BenchError as exc:
            print(f"ablation failed: {exc}", file=sys.stderr)
            return 1
        try:
            # GETs first: the POSTs add events.
            for workload in WORKLOADS:
                lines += report(
                    workload, rounds(options, servers, workload, args.events, args.repeats, folder)
                )
        finally:
            for server in servers.values():
                stop_server_process(server.process)
    print(f"{args.events:,} stored events, {args.repeats} rounds of {args.duration:g} s")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
