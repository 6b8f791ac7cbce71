"""How much the ``tracking_server`` fixture costs, next to pytest-httpserver's ``httpserver``.

Runs suites of N trivial tests in fresh pytest processes (no fixture, ``tracking_server``
untouched and with its account made, ``httpserver``), several times each, and prints, from
the best run of each:

- session start: the first test's setup (the session server starts there, lazily);
- per-test overhead: the mean time per test from the second test's start to the last
  test's start, minus the same for the suite without a fixture.

Usage: ``python bench/bench_plugin.py [--tests 1000] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

TIMING_CONFTEST = """
import json, os, time
import pytest

_marks = {"starts": [], "ends": []}

@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _marks["starts"].append(time.perf_counter())
    try:
        return (yield)
    finally:
        _marks["ends"].append(time.perf_counter())

@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    if "first_call" not in _marks:
        _marks["first_call"] = time.perf_counter()
    return (yield)

def pytest_sessionfinish(session):
    with open(os.environ["BENCH_OUT"], "w") as out:
        json.dump(_marks, out)
"""

SUITES = {
    "no fixture": "def test_{n}():\n    pass\n",
    "tracking_server": "def test_{n}(tracking_server):\n    pass\n",
    # The account is made on first use: this suite pays for making and removing one.
    "tracking_server+key": "def test_{n}(tracking_server):\n    assert tracking_server.api_key\n",
    "httpserver": "def test_{n}(httpserver):\n    pass\n",
}
RUN_TIMEOUT = 600


@dataclass(frozen=True)
class Timing:
    """One suite run: the first test's setup, and the median and mean time of the others."""

    first_setup_ms: float
    per_test_ms: float
    mean_ms: float


def run_suite(folder: Path, body: str, tests: int) -> Timing:
    """Run one suite in a fresh pytest process and read its timings."""
    folder.mkdir()
    (folder / "conftest.py").write_text(TIMING_CONFTEST)
    (folder / "test_suite.py").write_text("\n".join(body.format(n=n) for n in range(tests)))
    out = folder / "timings.json"
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"],
        cwd=folder,
        env={**_environ(), "BENCH_OUT": str(out)},
        check=True,
        capture_output=True,
        timeout=RUN_TIMEOUT,
    )
    marks = json.loads(out.read_text())
    starts = marks["starts"]
    # Test i costs starts[i + 1] - starts[i]; from the second test to the one before the
    # last, so neither the session start (first setup) nor its end (last teardown) counts.
    # The median resists the bursts of a busy machine; the mean is what a suite pays.
    gaps = [(b - a) * 1000 for a, b in itertools.pairwise(starts[1:])]
    return Timing(
        first_setup_ms=(marks["first_call"] - starts[0]) * 1000,
        per_test_ms=statistics.median(gaps),
        mean_ms=statistics.fmean(gaps),
    )


def _environ() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}


def main(argv: list[str] | None = None) -> int:
    """Measure every suite ``--repeat`` times and print the best figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    best: dict[str, Timing] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(args.repeat):
            for name, body in SUITES.items():
                folder = Path(tmp) / f"{name.replace(' ', '_')}_{round_}"
                timing = run_suite(folder, body, args.tests)
                old = best.get(name, timing)
                best[name] = Timing(
                    min(timing.first_setup_ms, old.first_setup_ms),
                    min(timing.per_test_ms, old.per_test_ms),
                    min(timing.mean_ms, old.mean_ms),
                )
    base = best["no fixture"]
    print(f"{args.tests} trivial tests per suite, best of {args.repeat} runs")
    print(
        f"{'suite':<20}{'first test setup':>18}{'median/test':>14}{'overhead':>11}"
        f"{'mean/test':>12}{'overhead':>11}"
    )
    for name, t in best.items():
        print(
            f"{name:<20}{t.first_setup_ms:>15.1f} ms{t.per_test_ms * 1000:>11.0f} us"
            f"{(t.per_test_ms - base.per_test_ms) * 1000:>8.0f} us"
            f"{t.mean_ms * 1000:>9.0f} us{(t.mean_ms - base.mean_ms) * 1000:>8.0f} us"
        )
    for label, attr in (("median", "per_test_ms"), ("mean", "mean_ms")):
        ours = getattr(best["tracking_server"], attr) - getattr(base, attr)
        theirs = getattr(best["httpserver"], attr) - getattr(base, attr)
        print(f"tracking_server / httpserver overhead ({label}): {ours / theirs:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
