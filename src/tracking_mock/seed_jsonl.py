"""Load JSON Lines fixtures (``*.jsonl``): large data sets, one event a line.

A file holds one account. Its first line names it and gives its settings, as a YAML
account does: ``{"version": 1, "account": "acme", "keys": [...], "campaigns": {...},
"metrics": {...}}``. Every other line is one event in the fixture shape (the create body,
plus optional ``id`` and ``createdAt``). Blank lines are skipped. The same event lines, without
the header, are what ``POST /_mock/accounts/{name}/seed`` takes as ``application/x-ndjson``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson

from .accounts import FORMAT_VERSION, parse_account, seed_event
from .errors import SeedError
from .gcpause import gc_paused
from .models import AccountSpec, SeedEvent
from .seed_fast import plain_seed_event

NDJSON_MEDIA_TYPES = ("application/x-ndjson", "application/jsonl", "application/json-lines")
_HEADER_KEYS = {"version", "account"}


def load_jsonl(path: Path) -> AccountSpec:
    """The account a ``.jsonl`` fixture defines, with its events; errors name file and line."""
    with path.open("rb") as lines:
        return parse_jsonl(lines, str(path))


def parse_jsonl(lines: Iterable[bytes], source: str = "<jsonl>") -> AccountSpec:
    """Parse a header line and event lines into one account spec."""
    lines = iter(lines)
    numbered = enumerate(lines, start=1)
    header: Any = None
    for number, line in numbered:
        if line.strip():
            header = _json(line, source, number)
            break
    else:
        raise SeedError(f'{source}: the file is empty (expected {{"version": 1, "account": ...}})')
    where = f"{source}:line {number}: "
    if not isinstance(header, dict) or "eventName" in header:
        raise SeedError(f'{where}the first line must be {{"version": 1, "account": NAME, ...}}')
    version = header.get("version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise SeedError(f"{where}'\"version\": {FORMAT_VERSION}' is required")
    name = header.get("account")
    if not isinstance(name, str):
        raise SeedError(f'{where}"account" must name the account (a string)')
    if "events" in header:
        raise SeedError(f"{where}events go on the lines after the header, one a line")
    try:
        spec = parse_account(name, {k: v for k, v in header.items() if k not in _HEADER_KEYS})
    except SeedError as exc:
        raise SeedError(f"{where}{exc}") from None
    events = EventLines(name, source, first_line=number + 1)
    events.feed(lines)  # the lines after the header: ``numbered`` reads no further ahead
    return replace(spec, events=tuple(events.events))


class EventLines:
    """Event lines for one account, parsed as they arrive; errors name the source and line."""

    def __init__(
        self, account: str, source: str, *, first_line: int = 1, max_events: int | None = None
    ) -> None:
        self.account = account
        self.source = source
        self.max_events = max_events
        self.events: list[SeedEvent] = []
        self._ids: set[str] = set()
        self._number = first_line - 1

    def feed(self, lines: Iterable[bytes]) -> None:
        """Parse and validate the next lines (blank ones are skipped).

        The usual line takes ``plain_seed_event``'s fast path; any other, the full rules.
        """
        events, account, source, ids = self.events, self.account, self.source, self._ids
        append, loads, plain = events.append, orjson.loads, plain_seed_event
        room = -1 if self.max_events is None else self.max_events - len(events)
        number = self._number  # the last line read, kept for the next chunk's lines
        first = number + 1
        try:
            with gc_paused():
                for number, line in enumerate(lines, first):
                    if not line or line.isspace():
                        continue
                    try:
                        raw = loads(line)
                    except orjson.JSONDecodeError:
                        raw = _json(line, source, number)  # raises, naming the line
                    if room == 0:
                        raise SeedError(f"{source}: more than {self.max_events:,} events")
                    room -= 1
                    event = plain(raw, ids)
                    if event is None:
                        try:
                            event = seed_event(raw, account, ids)
                        except SeedError as exc:
                            raise SeedError(f"{source}:line {number}: {exc}") from None
                    append(event)
        finally:
            self._number = number  # the next chunk's lines go on from here


def _json(line: bytes, source: str, number: int) -> Any:
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise SeedError(f"{source}:line {number}: invalid JSON: {exc.msg}") from None


class LineSplitter:
    """Cuts a byte stream into lines as chunks arrive; no line may exceed ``max_line_bytes``.

    A line cut over many chunks is kept in pieces and joined once, so a body trickled a few
    bytes at a time costs no more than one sent whole.
    """

    def __init__(self, max_line_bytes: int) -> None:
        self._max = max_line_bytes
        self._pieces: list[bytes] = []
        self._size = 0

    def feed(self, chunk: bytes) -> list[bytes]:
        """The lines completed by ``chunk``."""
        first, newline, rest = chunk.partition(b"\n")
        self._size += len(first)
        if self._size > self._max:
            raise SeedError(f"a line is longer than {self._max} bytes")
        self._pieces.append(first)
        if not newline:
            return []
        lines = [b"".join(self._pieces), *rest.split(b"\n")]
        last = lines.pop()
        if len(last) > self._max or any(len(line) > self._max for line in lines):
            raise SeedError(f"a line is longer than {self._max} bytes")
        self._pieces, self._size = [last], len(last)
        return lines

    def close(self) -> list[bytes]:
        """The last line, if the stream did not end with a newline."""
        rest = b"".join(self._pieces)
        self._pieces, self._size = [], 0
        return [rest] if rest else []
