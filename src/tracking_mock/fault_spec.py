"""One fault as every client names it: the admin JSON, the pytest plugin and its remote client.

``Faults`` (``faults.py``) checks the values and judges calls; this module only says which
fields each action takes, under which JSON name, and carries them from one side to the other.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .faults import MAX_SECONDS, Faults

ACTIONS = ("fail", "delay", "drop", "rate_limit")

FIELDS: dict[str, dict[str, str]] = {
    "fail": {
        "status": "status",
        "times": "times",
        "path": "path",
        "method": "method",
        "retryAfter": "retry_after",
    },
    "delay": {"seconds": "seconds", "times": "times", "path": "path", "method": "method"},
    "drop": {"times": "times", "path": "path", "method": "method"},
    "rate_limit": {"requests": "requests", "perSeconds": "per_seconds"},
}
"""Each action's fields: the JSON name, and the ``FaultSpec`` attribute (``Faults`` keyword)."""

_REQUIRED = {"fail": ("status",), "delay": ("seconds",), "rate_limit": ("perSeconds", "requests")}
"""The fields an action cannot do without, in the order a missing one is reported."""

SCHEMAS: dict[str, dict[str, Any]] = {
    "status": {"type": "integer", "minimum": 400, "maximum": 599},
    "times": {"type": "integer", "minimum": 1},
    "seconds": {"type": "number", "minimum": 0, "maximum": MAX_SECONDS},
    "path": {"type": "string"},
    "method": {"type": "string"},
    "retryAfter": {"type": "number"},
    "requests": {"type": "integer", "minimum": 1},
    "perSeconds": {"type": "number", "exclusiveMinimum": 0},
}
"""The JSON fields as the admin OpenAPI document describes them."""


@dataclass(frozen=True, slots=True)
class FaultSpec:
    """One fault to queue: an action and its options, values unchecked until applied."""

    action: str
    status: Any = None
    seconds: Any = None
    times: Any = 1
    path: Any = None
    method: Any = None
    retry_after: Any = None
    requests: Any = None
    per_seconds: Any = None

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> FaultSpec:
        """The fault an admin ``POST .../faults`` body asks for (``ValueError``: what is wrong)."""
        action = body.get("action")
        if not isinstance(action, str) or action not in FIELDS:
            raise ValueError(f"action must be one of {', '.join(ACTIONS)}")
        fields = FIELDS[action]
        given = {name: value for name, value in body.items() if name != "action"}
        unknown = sorted(set(given) - set(fields))
        if unknown:
            raise ValueError(
                f"bad {action} fault: unknown field {unknown[0]!r} (it takes {', '.join(fields)})"
            )
        missing = [name for name in _REQUIRED.get(action, ()) if name not in given]
        if missing:
            raise ValueError(f"bad {action} fault: {missing[0]} is required")
        retry_after = given.get("retryAfter")
        if retry_after is not None and (type(retry_after) is not int or retry_after < 0):
            # Over HTTP it is the header's own form: whole seconds (the plugin rounds up).
            raise ValueError(
                "bad fail fault: retryAfter must be a whole number of seconds, 0 or more"
            )
        return cls(action, **{fields[name]: value for name, value in given.items()})

    def to_json(self) -> dict[str, Any]:
        """The admin body for this fault (options left unset are left out)."""
        body: dict[str, Any] = {"action": self.action}
        for name, attribute in FIELDS[self.action].items():
            value = getattr(self, attribute)
            if name == "retryAfter" and isinstance(value, float):
                value = math.ceil(value)  # whole seconds, as the header has them: round up
            if value is not None:
                body[name] = value
        return body

    def apply(self, faults: Faults) -> None:
        """Queue this fault on ``faults`` (``ValueError`` when a value is out of range)."""
        options = {
            attribute: getattr(self, attribute) for attribute in FIELDS[self.action].values()
        }
        if self.action == "fail":
            faults.fail_next(**options)
        elif self.action == "delay":
            faults.delay_next(**options)
        elif self.action == "drop":
            faults.drop_next(**options)
        else:
            faults.rate_limit(**options)
