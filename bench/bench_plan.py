"""What a tracking plan costs: POST throughput with a 50-event plan vs the same mock without one.

Two ``tracking-mock`` processes serve side by side, started the way users start them (the
CLI, 127.0.0.1, a free port): one with ``--plan`` (50 planned events, 4 metadata rules each,
plus value and field rules) and one without. wrk posts the same rotating mix of 500 bodies to
each in turn, the order alternating by round: 50 event names, varied metadata, about one in
ten events breaking the plan (a misspelt name, a value outside the enum, a missing key), as a
real integration's traffic would. Figures are ratios within a round (the machine is shared):
wall (requests per second, as wrk sees it) and CPU (requests per CPU-second of the server).

    python bench/bench_plan.py             # 5 rounds of 5 s per server (about a minute)
    python bench/bench_plan.py --quick     # 2 rounds of 2 s (a smoke run)
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import yaml

PLANNED_EVENTS = 50
BODIES = 500
VIOLATING_SHARE = 0.1
TARGET = 0.8
"""The issue's target: the check costs less than 20% of POST throughput."""
KEY = "sk_bench_plan_0123456789"
_REQUESTS_RE = re.compile(r"Requests/sec:\s+([0-9.]+)")
_LUA = """
local bodies = {}
for line in io.lines(os.getenv("BENCH_BODIES")) do bodies[#bodies + 1] = line end
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  n = n % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[n])
end
"""


def event_names() -> list[str]:
    return [f"Checkout Step {n:02d}" for n in range(PLANNED_EVENTS)]


def plan_document() -> dict[str, Any]:
    """50 planned events, each with value, field and four metadata rules."""
    rule = {
        "value": {"minimum": 0, "maximum": 100000, "decimals": 2},
        "fields": {"currency": "required", "coupon": "optional"},
        "metadata": {
            "orderId": {"required": True, "pattern": "^ord-[0-9]+$"},
            "plan": {"enum": ["free", "pro", "team"]},
            "tags": {"type": "string[]", "maxLength": 20},
            "source": {"maxLength": 32},
        },
    }
    return {"version": 1, "events": dict.fromkeys(event_names(), rule)}


def bodies(seed: int = 7) -> list[str]:
    """The rotating mix of request bodies, one JSON text each."""
    rng = random.Random(seed)
    names = event_names()
    out = []
    for index in range(BODIES):
        body: dict[str, Any] = {
            "eventName": rng.choice(names),
            "value": round(rng.uniform(1, 500), 2),
            "currency": "EUR",
            "metadata": {
                "orderId": f"ord-{index:06d}",
                "plan": rng.choice(["free", "pro", "team"]),
                "tags": rng.sample(["a", "b", "c", "d"], k=rng.randint(0, 3)),
                "source": rng.choice(["web", "ios", "android"]),
            },
        }
        if rng.random() < VIOLATING_SHARE:
            breakage = rng.randrange(3)
            if breakage == 0:
                body["eventName"] = body["eventName"].replace("Step", "Stp")
            elif breakage == 1:
                body["metadata"]["plan"] = "gold"
            else:
                del body["metadata"]["orderId"]
        out.append(json.dumps(body, separators=(",", ":")))
    return out


def start(name: str, args: list[str], folder: Path, timeout: float = 30.0) -> tuple[Any, str]:
    """Start ``tracking-mock`` with ``args``; return the process and its URL once it listens."""
    log = (folder / f"{name}.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "tracking_mock", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    stdout = process.stdout

    def pump() -> None:
        for line in stdout:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + timeout
    while (remaining := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=min(remaining, 0.5))
        except queue.Empty:
            if process.poll() is not None:
                break
            continue
        match = re.search(r"listening on (\S+)", line)
        if match:
            return process, match.group(1)
    stop(process)
    raise RuntimeError(f"{name} did not start: {(folder / f'{name}.log').read_text()[-500:]}")


def stop(process: Any) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_wrk(
    url: str, pid: int, script: Path, body_file: Path, seconds: float
) -> tuple[float, float]:
    """Requests per second and requests per CPU-second of the server, for one wrk run."""
    before = cpu_seconds(pid)
    result = subprocess.run(
        [
            "wrk",
            "-t1",
            "-c16",
            f"-d{seconds:g}s",
            "-s",
            str(script),
            "-H",
            f"Authorization: Bearer {KEY}",
            f"{url}/tracking/events",
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
        env={**os.environ, "BENCH_BODIES": str(body_file)},
        check=True,
    )
    cpu = cpu_seconds(pid) - before
    if "Non-2xx" in result.stdout:
        raise RuntimeError(f"non-2xx answers:\n{result.stdout}")
    match = _REQUESTS_RE.search(result.stdout)
    if match is None:
        raise RuntimeError(f"wrk printed no rate:\n{result.stdout}{result.stderr}")
    rate = float(match.group(1))
    return rate, rate * seconds / cpu if cpu else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 rounds of 2 s (a smoke run)")
    args = parser.parse_args()
    rounds, seconds = (2, 2.0) if args.quick else (5, 5.0)
    if shutil.which("wrk") is None:
        print("wrk is needed (Debian package wrk)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "plan.yaml").write_text(yaml.safe_dump(plan_document()), encoding="utf-8")
        (folder / "seed.yaml").write_text(
            f"version: 1\naccounts:\n  bench:\n    keys: [{KEY}]\n", encoding="utf-8"
        )
        (folder / "bodies.txt").write_text("\n".join(bodies()) + "\n", encoding="utf-8")
        (folder / "post.lua").write_text(_LUA, encoding="utf-8")
        common = ["--fixtures", str(folder / "seed.yaml"), "--journal-size", "1000"]
        servers = {
            "no plan": start("no-plan", common, folder),
            "50-event plan": start("plan", [*common, "--plan", str(folder / "plan.yaml")], folder),
        }
        try:
            for process, url in servers.values():  # warm up, and prove both answer
                run_wrk(url, process.pid, folder / "post.lua", folder / "bodies.txt", 1.0)
            wall, cpu = [], []
            for index in range(rounds):
                order = list(servers) if index % 2 == 0 else list(reversed(servers))
                results = {
                    name: run_wrk(
                        servers[name][1],
                        servers[name][0].pid,
                        folder / "post.lua",
                        folder / "bodies.txt",
                        seconds,
                    )
                    for name in order
                }
                plain, planned = results["no plan"], results["50-event plan"]
                wall.append(planned[0] / plain[0])
                cpu.append(planned[1] / plain[1] if plain[1] else 0.0)
                print(
                    f"round {index + 1}: no plan {plain[0]:.0f} req/s, "
                    f"50-event plan {planned[0]:.0f} req/s, wall ratio {wall[-1]:.3f}, "
                    f"cpu ratio {cpu[-1]:.3f}",
                    flush=True,
                )
        finally:
            for process, _ in servers.values():
                stop(process)
    print(
        f"POST with a 50-event plan / without: wall {statistics.median(wall):.3f} "
        f"(median of {rounds}), cpu {statistics.median(cpu):.3f}; target at least {TARGET}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
