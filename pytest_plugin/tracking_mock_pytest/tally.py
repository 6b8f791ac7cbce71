"""``--tracking-plan-coverage``: which planned events the session's tests sent, summed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

WORKER_OUTPUT_KEY = "tracking_plan_coverage"
"""Where an xdist worker leaves its counts for the controller's summary."""


class PlanTally:
    """Events sent per planned event name, over every test of the session (and its workers)."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def add_planned(self, names: Iterable[str]) -> None:
        """Count these planned names even if no test sends them."""
        for name in names:
            self.counts.setdefault(name, 0)

    def add_report(self, report: Mapping[str, Any]) -> None:
        """Add one account's coverage report (``GET /_mock/plan/coverage`` shape)."""
        for event in report.get("events", ()):
            name = str(event["eventName"])
            sent = int(event["valid"]) + int(event["violating"])
            self.counts[name] = self.counts.get(name, 0) + sent

    def merge(self, counts: Mapping[str, int]) -> None:
        """Add a worker's counts."""
        for name, sent in counts.items():
            self.counts[name] = self.counts.get(name, 0) + int(sent)

    def summary(self) -> list[str]:
        """The terminal summary's lines (none when no test had a plan)."""
        if not self.counts:
            return ["no tracking plan was in force"]
        never = [name for name, sent in self.counts.items() if not sent]
        lines = [
            f"{len(self.counts) - len(never)} of {len(self.counts)} planned events "
            "were sent by the tests"
        ]
        if never:
            lines.append(f"never sent: {', '.join(sorted(never))}")
        return lines
