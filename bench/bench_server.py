"""Benchmark the mock against a bare Starlette app under the same wrk load; print ratios.

For each stored-event count two processes serve, each with uvicorn on 127.0.0.1 the way
``tracking-mock`` does (uvloop and httptools, the package's default stack): the mock,
preloaded with that many typical events, and a bare Starlette app answering with the mock's
own response bytes behind the same kind of auth check. All servers are up at once; each
round runs one workload's wrk load against every server in turn (the order rotating), and
every figure is a ratio within one round. Every workload but the first page sends a
different query (or body) on each request, drawn at random by a wrk Lua script.

The headline ratio is wall-clock requests per second (what wrk sees), mock / bare. The
requests per CPU-second of each server process are printed beside it.

Also measured: memory kept per stored event, the time and peak RSS to load 1M events from a
JSON Lines fixture and through the admin seed endpoint, and a YAML fixture's load time.

    python bench/bench_server.py            # full run (about 10 minutes here)
    python bench/bench_server.py --quick    # smoke run (about a minute)
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from tracking_mock.settings import Settings
from workload import (
    ACCOUNT,
    API_KEY,
    FILTERED,
    FIRST_PAGE,
    POST_EXAMPLE,
    POST_SCENARIO,
    SCENARIOS,
    example_target,
    jsonl_lines,
    lua_script,
    query_shape,
    write_fixture,
    write_jsonl,
)

HERE = Path(__file__).resolve().parent
LAUNCHER = HERE / "launch.py"
RATIO_TARGET = 0.7
RATIO_SCENARIOS = (POST_SCENARIO, FIRST_PAGE)
FILTERED_TARGET = 0.5
SCALING_TARGET = 0.8
MEMORY_TARGET = 1024
LOAD_SECONDS_TARGET = 15.0
LOAD_RSS_TARGET = 1.5e9


class BenchError(RuntimeError):
    """A server would not start or answer as expected."""


@dataclass
class Server:
    """A server process started by ``start_server``."""

    name: str
    process: subprocess.Popen[str]
    url: str
    log: Path

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])


@dataclass(frozen=True)
class Run:
    """One wrk run against one server."""

    requests: int
    seconds: float
    cpu_seconds: float
    """CPU time the server process used during the run."""

    @property
    def wall_rps(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_rps(self) -> float:
        """Requests per second of server CPU: the throughput of the server on a core of its own."""
        return self.requests / self.cpu_seconds


@dataclass
class Scenario:
    """Per-round runs of one scenario at one stored-event count."""

    events: int
    name: str
    body_bytes: int
    mock: list[Run] = field(default_factory=list)
    bare: list[Run] = field(default_factory=list)

    @property
    def cpu_ratios(self) -> list[float]:
        return [m.cpu_rps / b.cpu_rps for m, b in zip(self.mock, self.bare, strict=True)]

    @property
    def wall_ratios(self) -> list[float]:
        return [m.wall_rps / b.wall_rps for m, b in zip(self.mock, self.bare, strict=True)]

    def summary(self) -> dict[str, Any]:
        return {
            "events": self.events,
            "scenario": self.name,
            "body_bytes": self.body_bytes,
            "mock_wall_rps": statistics.median(r.wall_rps for r in self.mock),
            "bare_wall_rps": statistics.median(r.wall_rps for r in self.bare),
            "ratio": statistics.median(self.wall_ratios),
            "mock_cpu_rps": statistics.median(r.cpu_rps for r in self.mock),
            "bare_cpu_rps": statistics.median(r.cpu_rps for r in self.bare),
            "cpu_ratio": statistics.median(self.cpu_ratios),
            "cpu_ratios": [round(r, 3) for r in self.cpu_ratios],
            "wall_ratios": [round(r, 3) for r in self.wall_ratios],
        }


def _read_lines(stream: IO[str], lines: queue.Queue[str]) -> None:
    for line in stream:
        lines.put(line)


def start_server(name: str, args: Sequence[str], folder: Path, timeout: float) -> Server:
    """Start ``launch.py ARGS`` and wait (at most ``timeout`` s) for its ``READY`` line."""
    log = folder / f"{name}.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, str(LAUNCHER), *args],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            cwd=HERE,
        )
    assert process.stdout is not None
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_read_lines, args=(process.stdout, lines), daemon=True).start()
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        try:
            line = lines.get(timeout=max(0.0, min(remaining, 0.5)))
        except queue.Empty:
            if process.poll() is not None or remaining <= 0:
                stop_server_process(process)
                tail = log.read_text()[-2000:]
                raise BenchError(
                    f"{name} did not become ready within {timeout} s:\n{tail}"
                ) from None
            continue
        if line.startswith("READY "):
            return Server(name, process, line.split()[1], log)


def stop_server_process(process: subprocess.Popen[str], timeout: float = 15.0) -> None:
    """SIGTERM, then SIGKILL if the process is still there after ``timeout`` s."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def request(server: Server, method: str, target: str, body: str | None = None) -> tuple[int, bytes]:
    """One request to ``server`` (127.0.0.1 only), with the bench account's key."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    headers = {"Authorization": f"Bearer {API_KEY}"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    try:
        connection.request(method, target, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process, all its threads included."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _status_bytes(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) * 1024
    return 0


def rss_bytes(pid: int) -> int:
    return _status_bytes(pid, "VmRSS:")


def peak_rss_bytes(pid: int) -> int:
    return _status_bytes(pid, "VmHWM:")


@dataclass(frozen=True)
class WrkOptions:
    wrk: str
    duration: float
    connections: int
    threads: int


_REQUESTS_RE = re.compile(r"(\d+) requests in ([0-9.]+)(us|ms|s|m)\b")
_NON_2XX_RE = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET_ERRORS_RE = re.compile(r"Socket errors:(.*)")
_UNIT_SECONDS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def run_wrk(options: WrkOptions, server: Server, script: Path) -> Run:
    """One wrk run of ``script``; a non-2xx answer is fatal, socket errors are reported."""
    command = [
        options.wrk,
        f"-t{options.threads}",
        f"-c{options.connections}",
        f"-d{options.duration:g}s",
        "-H",
        f"Authorization: Bearer {API_KEY}",
    ]
    command += ["-s", str(script), server.url]
    cpu_before = cpu_seconds(server.process.pid)
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=options.duration + 30,
        check=False,
    )
    cpu = cpu_seconds(server.process.pid) - cpu_before
    output = result.stdout
    match = _REQUESTS_RE.search(output)
    if result.returncode != 0 or match is None:
        raise BenchError(f"wrk failed ({result.returncode}): {output}{result.stderr}")
    bad = _NON_2XX_RE.search(output)
    if bad is not None:
        raise BenchError(f"{server.name} answered {bad.group(1)} non-2xx responses to {script}")
    errors = _SOCKET_ERRORS_RE.search(output)
    if errors is not None:
        print(f"    note: wrk socket errors against {server.name}:{errors.group(1)}")
    seconds = float(match.group(2)) * _UNIT_SECONDS[match.group(3)]
    return Run(int(match.group(1)), seconds, cpu)


def health(server: Server) -> dict[str, Any]:
    status, body = request(server, "GET", "/_mock/health")
    if status != 200:
        raise BenchError(f"/_mock/health answered {status}")
    data: dict[str, Any] = json.loads(body)["data"]
    return data


def sample_bodies(mock: Server, targets: dict[str, str]) -> dict[str, bytes]:
    """The mock's answer to each scenario (checked to be a 200), to replay from the bare app."""
    bodies: dict[str, bytes] = {}
    for name, target in targets.items():
        status, body = request(mock, "GET", target)
        if status != 200 or not json.loads(body)["data"]["nodes"]:
            raise BenchError(f"{name}: the mock answered {status} {body[:300]!r}")
        bodies[name] = body
    status, body = request(mock, "POST", "/tracking/events", POST_EXAMPLE)
    if status != 200:
        raise BenchError(f"POST: the mock answered {status} {body[:300]!r}")
    bodies[POST_SCENARIO] = body
    return bodies


@dataclass
class Pair:
    """The mock holding ``events`` events and the bare app replaying its answers."""

    events: int
    mock: Server
    bare: Server
    targets: dict[str, str]
    bodies: dict[str, bytes]


def start_pair(events: int, folder: Path, ready_timeout: float, log_level: str) -> Pair:
    """Start the mock preloaded with ``events`` events, sample its answers, start the bare app."""
    started = time.perf_counter()
    launch = ["mock", "--events", str(events), "--log-level", log_level]
    mock = start_server(f"mock-{events}", launch, folder, ready_timeout)
    try:
        print(
            f"  mock with {events:,} events ready in {time.perf_counter() - started:.1f} s "
            f"at {mock.url}",
            flush=True,
        )
        targets = {name: example_target(name, events) for name in SCENARIOS[:-1]}
        bodies = sample_bodies(mock, targets)
        replay = {
            f"GET {query_shape(target.partition('?')[2])}": bodies[name]
            for name, target in targets.items()
        }
        replay["POST "] = bodies[POST_SCENARIO]
        bodies_file = folder / f"bodies-{events}.json"
        bodies_file.write_text(json.dumps({k: v.decode() for k, v in replay.items()}))
        bare = start_server(
            f"bare-{events}", ["bare", "--bodies", str(bodies_file)], folder, ready_timeout
        )
    except BaseException:
        stop_server_process(mock.process)
        raise
    targets[POST_SCENARIO] = "/tracking/events"
    return Pair(events, mock, bare, targets, bodies)


def run_rounds(
    options: WrkOptions, repeats: int, pairs: list[Pair], name: str, folder: Path
) -> list[Scenario]:
    """``repeats`` rounds of one scenario on every server, the order rotating each round."""
    scenarios = [Scenario(p.events, name, len(p.bodies[name])) for p in pairs]
    runs = [(index, role) for index in range(len(pairs)) for role in ("mock", "bare")]
    for round_number in range(repeats):
        shift = round_number % len(runs)
        figures: dict[tuple[int, str], Run] = {}
        for index, role in runs[shift:] + runs[:shift]:
            pair = pairs[index]
            server = pair.mock if role == "mock" else pair.bare
            # A fresh random seed per run: no run replays another's queries or orderIds.
            seed = len(figures) + 1000 * round_number + 1
            script = folder / f"run-{pair.events}-{role}-{seed}.lua"
            script.write_text(lua_script(name, pair.events, seed))
            figures[(index, role)] = run_wrk(options, server, script)
        cells = []
        for index, scenario in enumerate(scenarios):
            mock, bare = figures[(index, "mock")], figures[(index, "bare")]
            scenario.mock.append(mock)
            scenario.bare.append(bare)
            cells.append(
                f"{scenario.events:>9,}: wall {scenario.wall_ratios[-1]:.3f}"
                f" ({mock.wall_rps:.0f}/{bare.wall_rps:.0f}) cpu {scenario.cpu_ratios[-1]:.3f}"
            )
        print(f"    {name:46} round {round_number + 1}  " + "  ".join(cells), flush=True)
    return scenarios


def post_memory(pair: Pair, before: dict[str, Any], rss_before: int) -> dict[str, Any]:
    """How much the mock grew while it was answering POSTs (it keeps what is posted)."""
    after = health(pair.mock)
    added = after["events"] - before["events"]
    growth = rss_bytes(pair.mock.process.pid) - rss_before
    figures = {
        "events": pair.events,
        "posted": added,
        "rss_growth_bytes": growth,
        "rss_growth_per_posted_event": growth / added if added else 0.0,
        "journal_calls": after.get("calls"),
    }
    print(
        f"  mock with {pair.events:,}: the POSTs stored {added:,} events, RSS grew "
        f"{growth / 2**20:.1f} MiB ({figures['rss_growth_per_posted_event']:.0f} B per event), "
        f"the journal holds {after.get('calls')} calls",
        flush=True,
    )
    return figures


def bench_servers(
    sizes: Sequence[int],
    options: WrkOptions,
    repeats: int,
    folder: Path,
    ready_timeout: float,
    only: str | None = None,
    log_level: str = Settings().log_level,
) -> tuple[list[Scenario], list[dict[str, Any]]]:
    """Every scenario at every size, all servers up at once so that rounds interleave them."""
    print(f"\n== servers: the mock at {', '.join(f'{n:,}' for n in sizes)} events", flush=True)
    pairs: list[Pair] = []
    try:
        for events in sizes:
            pairs.append(start_pair(events, folder, ready_timeout, log_level))
        names = [name for name in pairs[0].targets if only is None or only in name]
        results: list[Scenario] = []
        # GETs first: POSTs add events, and the GET figures are for exactly the stored counts.
        for name in names:
            if name != POST_SCENARIO:
                results += run_rounds(options, repeats, pairs, name, folder)
        posts: list[dict[str, Any]] = []
        if POST_SCENARIO in names:
            before = [(health(p.mock), rss_bytes(p.mock.process.pid)) for p in pairs]
            results += run_rounds(options, repeats, pairs, POST_SCENARIO, folder)
            posts = [post_memory(p, *b) for p, b in zip(pairs, before, strict=True)]
        return results, posts
    finally:
        for pair in pairs:
            stop_server_process(pair.bare.process)
            stop_server_process(pair.mock.process)


def measure_memory(events: int, folder: Path, timeout: float) -> dict[str, Any]:
    """Bytes kept per stored event, by tracemalloc and by RSS, each in a fresh process."""
    figures: dict[str, Any] = {"events": events}
    for label, extra in (("tracemalloc", ["--tracemalloc"]), ("rss", [])):
        result = subprocess.run(
            [sys.executable, str(LAUNCHER), "memory", "--events", str(events), *extra],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=HERE,
            check=False,
        )
        if result.returncode != 0:
            raise BenchError(f"memory measurement failed: {result.stderr[-2000:]}")
        data = json.loads(result.stdout.strip().splitlines()[-1])
        figures[f"{label}_bytes_per_event"] = data["bytes"] / events
    print(
        f"\n== memory per stored event ({events:,} typical events): "
        f"{figures['tracemalloc_bytes_per_event']:.0f} B (tracemalloc), "
        f"{figures['rss_bytes_per_event']:.0f} B (RSS delta)",
        flush=True,
    )
    return figures


def _launch_json(args: Sequence[str], timeout: float) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, str(LAUNCHER), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=HERE,
        check=False,
    )
    if result.returncode != 0:
        raise BenchError(f"launch.py {args[0]} failed: {result.stderr[-2000:]}")
    data: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def measure_loads(
    jsonl_events: int, yaml_events: int, folder: Path, ready_timeout: float
) -> dict[str, Any]:
    """Load times and peak RSS: a JSON Lines fixture, the admin seed endpoint, a YAML fixture."""
    figures: dict[str, Any] = {
        "jsonl": _load_fixture("\n== JSON Lines", write_jsonl(folder, jsonl_events))
    }
    body = folder / "seed-body.jsonl"
    with body.open("w", encoding="utf-8") as out:
        for line in jsonl_lines(jsonl_events):
            out.write(line + "\n")
    # With the default --read-timeout: a body is late only once its bytes stop coming.
    mock = start_server("mock-seed", ["mock", "--events", "0"], folder, ready_timeout)
    try:
        cpu_before = cpu_seconds(mock.process.pid)
        connection = http.client.HTTPConnection("127.0.0.1", mock.port, timeout=900)
        started = time.perf_counter()
        with body.open("rb") as stream:
            connection.request(
                "POST",
                f"/_mock/accounts/{ACCOUNT}/seed",
                body=stream,
                headers={"Content-Type": "application/x-ndjson", "Transfer-Encoding": "chunked"},
                encode_chunked=True,
            )
            answer = connection.getresponse()
            answer_body = answer.read()
        seconds = time.perf_counter() - started
        connection.close()
        if answer.status != 200:
            raise BenchError(f"admin seed answered {answer.status} {answer_body[:300]!r}")
        figures["admin_seed"] = {
            "events": json.loads(answer_body)["data"]["added"],
            "body_bytes": body.stat().st_size,
            "seconds": seconds,
            "cpu_seconds": cpu_seconds(mock.process.pid) - cpu_before,
            "peak_rss_bytes": peak_rss_bytes(mock.process.pid),
        }
    finally:
        stop_server_process(mock.process)
    row = figures["admin_seed"]
    print(
        f"== admin seed endpoint, {row['events']:,} events as one JSON Lines body:"
        f" {row['seconds']:.1f} s ({row['cpu_seconds']:.1f} CPU-s),"
        f" server peak RSS {row['peak_rss_bytes'] / 2**20:.0f} MiB",
        flush=True,
    )
    figures["yaml"] = _load_fixture("== YAML", write_fixture(folder, yaml_events))
    return figures


def _load_fixture(label: str, path: Path) -> dict[str, Any]:
    """Time loading the fixture at ``path`` in a process of its own, and print the figures."""
    row = {**_launch_json(["load", "--path", str(path)], 900), "file_bytes": path.stat().st_size}
    print(
        f"{label} fixture, {row['events']:,} events ({row['file_bytes'] / 2**20:.0f} MiB):"
        f" {row['seconds']:.1f} s ({row['cpu_seconds']:.1f} CPU-s),"
        f" peak RSS {row['peak_rss_bytes'] / 2**20:.0f} MiB",
        flush=True,
    )
    return row


def report(
    scenarios: list[Scenario], memory: dict[str, Any] | None, loads: dict[str, Any] | None
) -> list[str]:
    """The table of figures and a verdict per target."""
    lines = [
        "",
        "wall-clock req/s (the headline ratio), then req/s per CPU-second of the server process",
        f"{'workload':46} {'events':>9} {'bytes':>5} {'mock':>6} {'bare':>6} {'ratio':>5}"
        f" | {'mock':>6} {'bare':>6} {'ratio':>5}",
    ]
    for s in scenarios:
        row = s.summary()
        lines.append(
            f"{s.name:46} {s.events:>9,} {s.body_bytes:>5} {row['mock_wall_rps']:>6.0f} "
            f"{row['bare_wall_rps']:>6.0f} {row['ratio']:>5.3f} | {row['mock_cpu_rps']:>6.0f} "
            f"{row['bare_cpu_rps']:>6.0f} {row['cpu_ratio']:>5.3f}"
        )
    lines.append("")
    sizes = sorted({s.events for s in scenarios})
    found = {(s.events, s.name): s for s in scenarios}

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    for name in RATIO_SCENARIOS:
        for size in sizes:
            if (size, name) in found:
                row = found[(size, name)].summary()
                lines.append(
                    f"target {name} >= {RATIO_TARGET} of bare at {size:,}: {row['ratio']:.3f} "
                    f"(cpu {row['cpu_ratio']:.3f}) {verdict(row['ratio'] >= RATIO_TARGET)}"
                )
    small, large = (sizes[0], sizes[-1]) if sizes else (0, 0)  # none: only the extras ran
    for name in FILTERED:
        if (large, name) in found:
            row = found[(large, name)].summary()
            lines.append(
                f"target {name} >= {FILTERED_TARGET} of bare at {large:,}: {row['ratio']:.3f} "
                f"(cpu {row['cpu_ratio']:.3f}) {verdict(row['ratio'] >= FILTERED_TARGET)}"
            )
        if large != small and (small, name) in found and (large, name) in found:
            # Both sizes ran in the same rounds: compare them round by round.
            low, high = found[(small, name)], found[(large, name)]
            pairs = list(zip(high.mock, low.mock, strict=True))
            wall = statistics.median(h.wall_rps / lo.wall_rps for h, lo in pairs)
            cpu = statistics.median(h.cpu_rps / lo.cpu_rps for h, lo in pairs)
            lines.append(
                f"target {name} at {large:,} >= {SCALING_TARGET} of at {small:,}: "
                f"{wall:.3f} (cpu {cpu:.3f}) {verdict(wall >= SCALING_TARGET)}"
            )
    if memory is not None:
        per_event = memory["tracemalloc_bytes_per_event"]
        lines.append(
            f"target memory < {MEMORY_TARGET} B per event: {per_event:.0f} B "
            f"(RSS {memory['rss_bytes_per_event']:.0f} B) {verdict(per_event < MEMORY_TARGET)}"
        )
    if loads is not None:
        for label in ("jsonl", "admin_seed"):
            row = loads[label]
            ok = row["seconds"] < LOAD_SECONDS_TARGET and row["peak_rss_bytes"] < LOAD_RSS_TARGET
            lines.append(
                f"target {label} load of {row['events']:,} events < {LOAD_SECONDS_TARGET:g} s and "
                f"< 1.5 GB: {row['seconds']:.1f} s ({row['cpu_seconds']:.1f} CPU-s), "
                f"{row['peak_rss_bytes'] / 1e9:.2f} GB {verdict(ok)}"
            )
    return lines


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1k events, 1 s runs, 1 round")
    parser.add_argument("--sizes", type=int, nargs="+", help="stored-event counts to bench")
    parser.add_argument("--duration", type=float, help="seconds per wrk run")
    parser.add_argument("--repeats", type=int, help="interleaved rounds per scenario")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--memory-events", type=int, help="events stored to measure memory")
    parser.add_argument("--load-events", type=int, help="events loaded by JSON Lines and seed")
    parser.add_argument("--yaml-events", type=int, help="events in the timed YAML fixture")
    parser.add_argument("--wrk", default=shutil.which("wrk") or "/usr/bin/wrk")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--ready-timeout", type=float, default=300.0)
    parser.add_argument("--only", help="run only the scenarios whose name contains this")
    parser.add_argument(
        "--log-level",
        default=Settings().log_level,
        help="the mock's log level; the default logs a line per call, as the CLI does",
    )
    parser.add_argument(
        "--skip-extras", action="store_true", help="skip the memory and fixture measurements"
    )
    args = parser.parse_args(argv)
    quick = args.quick
    args.sizes = args.sizes or ([1_000] if quick else [10_000, 1_000_000])
    args.duration = args.duration or (1.0 if quick else 3.0)
    args.repeats = args.repeats or (1 if quick else 3)
    args.memory_events = args.memory_events or (10_000 if quick else 1_000_000)
    args.load_events = args.load_events or (10_000 if quick else 1_000_000)
    args.yaml_events = args.yaml_events or (1_000 if quick else 50_000)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if not Path(args.wrk).exists():
        print(f"wrk not found at {args.wrk} (apt-get install -y wrk)", file=sys.stderr)
        return 2
    options = WrkOptions(args.wrk, args.duration, args.connections, args.threads)
    print(
        f"wrk -t{options.threads} -c{options.connections} -d{options.duration:g}s, "
        f"{args.repeats} interleaved round(s); sizes {args.sizes}; Python {sys.version.split()[0]}",
        flush=True,
    )
    memory: dict[str, Any] | None = None
    loads: dict[str, Any] | None = None
    with tempfile.TemporaryDirectory(prefix="tracking-mock-bench-") as tmp:
        folder = Path(tmp)
        try:
            scenarios, posts = bench_servers(
                args.sizes,
                options,
                args.repeats,
                folder,
                args.ready_timeout,
                args.only,
                args.log_level,
            )
            if not args.skip_extras:
                memory = measure_memory(args.memory_events, folder, timeout=900)
                loads = measure_loads(
                    args.load_events, args.yaml_events, folder, args.ready_timeout
                )
        except BenchError as exc:
            print(f"bench failed: {exc}", file=sys.stderr)
            return 1
    lines = report(scenarios, memory, loads)
    print("\n".join(lines))
    if args.json is not None:
        args.json.write_text(
            json.dumps(
                {
                    "options": {k: v for k, v in vars(args).items() if k != "json"},
                    "scenarios": [s.summary() for s in scenarios],
                    "posts": posts,
                    "memory": memory,
                    "loads": loads,
                    "verdicts": [line for line in lines if line.startswith("target")],
                },
                indent=2,
                default=str,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
