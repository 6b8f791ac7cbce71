"""``--record``: the events an upstream accepted, written as a fixture file (keys never)."""

from __future__ import annotations

import asyncio
import logging
import threading
from pathlib import Path
from typing import Any

from .accounts import parse_account
from .apispec import CREATE_FIELDS
from .atomic import write_atomically
from .errors import SeedError
from .fixture_writer import fixture_yaml
from .models import AccountSpec, SeedEvent

logger = logging.getLogger("tracking_mock.record")


def _fixture_event(data: Any) -> dict[str, Any] | None:
    if not isinstance(data, dict):
        return None
    event = {key: data[key] for key in CREATE_FIELDS if data.get(key) is not None}
    for key in ("id", "createdAt"):
        if key in data:
            event[key] = data[key]
    return event


class Recorder:
    """Keeps each account's accepted events by id (an update replaces) and rewrites the file."""

    def __init__(self, path: Path, max_bytes: int) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self._events: dict[str, dict[str, SeedEvent]] = {}
        self._lock = threading.Lock()
        self.full = False
        """Set once the file reached ``max_bytes``; nothing more is recorded."""

    async def accepted(self, account: str, method: str, answer: Any) -> None:
        """Record the event in an upstream's 2xx answer to a create or an update."""
        if method not in ("POST", "PUT") or self.full or not isinstance(answer, dict):
            return
        body = _fixture_event(answer.get("data"))
        if body is None or "id" not in body:
            return
        try:
            (event,) = parse_account(account, {"events": [body]}).events
        except (SeedError, ValueError) as exc:
            logger.warning("not recorded (the mock would not load it back): %s", exc)
            return
        await asyncio.to_thread(self._write, account, body["id"], event)

    def _write(self, account: str, event_id: str, event: SeedEvent) -> None:
        with self._lock:
            events = self._events.setdefault(account, {})
            previous = events.get(event_id)
            events[event_id] = event
            specs = [
                AccountSpec(name, (), {}, {}, tuple(by_id.values()))
                for name, by_id in self._events.items()
            ]
            header = "# Recorded by tracking-mock --record: what the upstream accepted.\n"
            data = fixture_yaml(specs, keys=False, header=header).encode()
            if len(data) > self.max_bytes:
                if previous is None:
                    del events[event_id]
                else:
                    events[event_id] = previous
                self.full = True
                logger.warning(
                    "record file %s reached %d bytes (--max-record-bytes): recording stops",
                    self.path,
                    self.max_bytes,
                )
                return
            write_atomically(self.path, data)
