"""A ``tracking-mock`` process on a free port, started with an environment, stopped in time."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping

READY_TIMEOUT = 20.0
EXIT_TIMEOUT = 10.0
COMMAND = [sys.executable, "-m", "tracking_mock"]


class Live:
    """A started mock: its announced URL, and its stderr lines as they come."""

    def __init__(self, args: list[str], env: Mapping[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [*COMMAND, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
        self.stderr: list[str] = []
        lines: queue.Queue[str] = queue.Queue()
        stdout, stderr = self.process.stdout, self.process.stderr
        assert stdout is not None
        assert stderr is not None

        def pump_out() -> None:
            for line in stdout:
                lines.put(line)

        def pump_err() -> None:
            for line in stderr:
                self.stderr.append(line)

        self._pumps = [
            threading.Thread(target=pump_out, daemon=True),
            threading.Thread(target=pump_err, daemon=True),
        ]
        for pump in self._pumps:
            pump.start()
        try:
            self.url = lines.get(timeout=READY_TIMEOUT).rstrip("\n").rpartition(" ")[2]
        except queue.Empty:
            self.kill()
            raise AssertionError(f"no ready line within {READY_TIMEOUT} s: {self.stderr}") from None

    def stop(self, signum: int = signal.SIGTERM) -> int:
        """Signal the process and wait for it; returns the exit code."""
        self.process.send_signal(signum)
        try:
            code = self.process.wait(EXIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            raise
        self._close()
        return code

    def kill(self) -> None:
        """Kill it if it still runs (a test's cleanup)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(EXIT_TIMEOUT)
        self._close()

    def _close(self) -> None:
        for pump in self._pumps:
            pump.join(EXIT_TIMEOUT)  # they end at the pipes' end, once the process is gone
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
