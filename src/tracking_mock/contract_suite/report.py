"""The parity report: one line per behaviour, expected and actual side by side where they differ."""

from __future__ import annotations

import json
import textwrap
from dataclasses import asdict
from itertools import zip_longest
from typing import Any

from .runner import Report

_COLUMN = 56
_LABELS = {"pass": "PASS", "differ": "DIFFER", "skip": "SKIP"}


def _side_by_side(expected: str, actual: str) -> list[str]:
    left = ["expected:", *textwrap.wrap(expected, _COLUMN)]
    right = ["actual:", *textwrap.wrap(actual, _COLUMN)]
    return [
        f"      {a:<{_COLUMN}} | {b}".rstrip() for a, b in zip_longest(left, right, fillvalue="")
    ]


def render_text(report: Report) -> str:
    """The report as text for a terminal or a CI log."""
    lines = [
        f"tracking-mock contract: {report.url} (target: {report.target}, run id: {report.run_id})",
        f"Events created by this run carry metadata.contractRun={report.run_id}.",
    ]
    if report.account is not None:
        lines.append(f"It worked in an account of its own, {report.account}, removed at the end.")
    lines.append("")
    width = max((len(o.name) for o in report.outcomes), default=10)
    for outcome in report.outcomes:
        source = f"[{outcome.source}]"
        lines.append(
            f"{_LABELS[outcome.status]:<6} {outcome.name:<{width}} {source:<10} {outcome.behaviour}"
        )
        if outcome.status == "differ":
            lines.extend(_side_by_side(outcome.expected, outcome.actual))
        elif outcome.status == "skip":
            lines.append(f"      skipped: {outcome.reason}")
    counts = {status: sum(o.status == status for o in report.outcomes) for status in _LABELS}
    lines += [
        "",
        f"{counts['pass']} pass, {counts['differ']} differ, {counts['skip']} skipped"
        + ("" if report.ok else " -- the target differs from the documented behaviour"),
    ]
    return "\n".join(lines) + "\n"


def render_json(report: Report) -> str:
    """The report as JSON (for CI artefacts)."""
    data: dict[str, Any] = {
        "url": report.url,
        "target": report.target,
        "runId": report.run_id,
        "ok": report.ok,
        "account": report.account,
        "outcomes": [asdict(outcome) for outcome in report.outcomes],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
