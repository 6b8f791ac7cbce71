"""Per-account plan state: the plan and mode in force, and how each event name was received."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..settings import PLAN_MODES
from .rules import Plan

__all__ = [
    "MAX_UNPLANNED_NAMES",
    "PLAN_MODES",
    "Coverage",
    "PlanSlot",
    "coverage_report",
    "format_report",
]
MAX_UNPLANNED_NAMES = 200
"""Distinct unplanned event names counted one by one per account; the rest are summed."""


class Coverage:
    """Thread-safe counts of valid and violating events per event name."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, list[int]] = {}
        self._unplanned_names = 0
        self.other_unplanned = 0
        """Events whose unplanned name came after ``MAX_UNPLANNED_NAMES`` others."""

    def record(self, event_name: str, planned: bool, violating: bool) -> None:
        with self._lock:
            counts = self._counts.get(event_name)
            if counts is None:
                if not planned:
                    if self._unplanned_names >= MAX_UNPLANNED_NAMES:
                        self.other_unplanned += 1
                        return
                    self._unplanned_names += 1
                counts = self._counts[event_name] = [0, 0]
            counts[violating] += 1

    def snapshot(self) -> dict[str, tuple[int, int]]:
        """Event name to (valid, violating)."""
        with self._lock:
            return {name: (valid, bad) for name, (valid, bad) in self._counts.items()}

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()
            self._unplanned_names = self.other_unplanned = 0


@dataclass(eq=False)
class PlanSlot:
    """One account's plan settings; ``None`` means the server's own plan or mode."""

    plan: Plan | None = None
    mode: str | None = None
    coverage: Coverage = field(default_factory=Coverage)


def coverage_report(
    entries: Iterable[tuple[Plan | None, dict[str, tuple[int, int]]]],
) -> dict[str, Any]:
    """Per planned event, how many valid and violating events came; those never seen; the rest.

    ``entries`` holds each account's plan and counts; planned events of every plan are listed.
    """
    planned: dict[str, list[int]] = {}
    unplanned: dict[str, int] = {}
    for plan, counts in entries:
        names = plan.event_names if plan is not None else ()
        for name in names:
            planned.setdefault(name, [0, 0])
        for name, (valid, bad) in counts.items():
            if plan is not None and name in plan.events:
                total = planned[name]
                total[0] += valid
                total[1] += bad
            else:
                unplanned[name] = unplanned.get(name, 0) + valid + bad
    events = [
        {"eventName": name, "valid": valid, "violating": bad}
        for name, (valid, bad) in planned.items()
    ]
    return {
        "planned": len(planned),
        "seen": sum(1 for valid, bad in planned.values() if valid + bad),
        "events": events,
        "neverSeen": [name for name, (valid, bad) in planned.items() if not valid + bad],
        "unplanned": [
            {"eventName": name, "count": count}
            for name, count in sorted(unplanned.items(), key=lambda item: (-item[1], item[0]))
        ],
    }


def format_report(report: dict[str, Any]) -> str:
    """The coverage report as a text table (``tracking-mock plan report``)."""
    events = report["events"]
    width = max([len("event"), *(len(e["eventName"]) for e in events)])
    lines = [
        f"{report['seen']} of {report['planned']} planned events seen",
        f"{'event':<{width}}  {'valid':>7}  {'violating':>9}",
    ]
    for event in events:
        never = "  never seen" if not event["valid"] + event["violating"] else ""
        lines.append(
            f"{event['eventName']:<{width}}  {event['valid']:>7}  {event['violating']:>9}{never}"
        )
    for event in report["unplanned"]:
        lines.append(f"unplanned: {event['eventName']!r} x{event['count']}")
    return "\n".join(lines)
