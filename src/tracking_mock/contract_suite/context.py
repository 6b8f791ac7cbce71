"""What a check runs with: the probe, the run id tagging all it creates, scratch accounts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import expect
from .probe import Answer, Probe

EVENTS = "/tracking/events"
RUN_KEY = "contractRun"
CHECK_KEY = "contractCheck"


@dataclass(eq=False)
class Context:
    """One run against one target; ``target`` is ``"mock"`` or ``"real"``."""

    probe: Probe
    run_id: str
    target: str
    other_key: str | None = None
    """A second account's key, for the isolation check against the real API."""
    check: str = ""
    scratch_accounts: list[str] = field(default_factory=list)

    # Tags ---------------------------------------------------------------------------------

    def tags(self) -> dict[str, str]:
        """The metadata every event of this check carries: the run id and the check's name."""
        return {RUN_KEY: self.run_id, CHECK_KEY: self.check}

    def tag_filter(self) -> list[tuple[str, str]]:
        """Query parameters that select this check's events only."""
        return [(f"metadata.{RUN_KEY}", self.run_id), (f"metadata.{CHECK_KEY}", self.check)]

    def body(self, event_name: str, value: Any, **fields: Any) -> dict[str, Any]:
        """A create body whose metadata holds this check's tags (plus ``fields["metadata"]``)."""
        metadata = {**self.tags(), **fields.pop("metadata", {})}
        return {"eventName": event_name, "value": value, **fields, "metadata": metadata}

    # Calls --------------------------------------------------------------------------------

    def create(
        self, event_name: str, value: Any = 1, *, key: str | None = None, **fields: Any
    ) -> Answer:
        """POST a tagged event (with ``key``, default the run's key)."""
        body = self.body(event_name, value, **fields)
        if key is None:
            return self.probe.post(EVENTS, json_body=body)
        return self.probe.post(EVENTS, json_body=body, key=key)

    def created(self, event_name: str, value: Any = 1, **fields: Any) -> dict[str, Any]:
        """POST a tagged event that must be accepted; returns the stored Event."""
        return expect.event(self.create(event_name, value, **fields))

    def list(self, extra: list[tuple[str, str]] | None = None, *, key: str | None = None) -> Answer:
        """GET this check's events (more filters or paging in ``extra``)."""
        params = self.tag_filter() + (extra or [])
        if key is None:
            return self.probe.get(EVENTS, params=params)
        return self.probe.get(EVENTS, params=params, key=key)

    # Scratch accounts (mock only) ---------------------------------------------------------

    def new_account(self, **spec: Any) -> str:
        """Create a scratch account through ``/_mock/accounts``; returns its key."""
        name = f"contract-{self.run_id}-{len(self.scratch_accounts) + 1}"
        answer = self.probe.post("/_mock/accounts", json_body={"name": name, **spec}, key=None)
        if answer.status != 201 or not isinstance(answer.data, dict) or "key" not in answer.data:
            raise expect.Difference("201 from POST /_mock/accounts", answer.describe())
        self.scratch_accounts.append(name)
        return str(answer.data["key"])

    def cleanup(self) -> None:
        """Delete the scratch accounts (the mock forgets their events and calls too)."""
        while self.scratch_accounts:
            self.probe.delete(f"/_mock/accounts/{self.scratch_accounts.pop()}", key=None)
