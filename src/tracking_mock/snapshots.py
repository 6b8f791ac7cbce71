"""Named copies of the store's state, bounded, and the state file that outlives the process.

A snapshot is built from ``Store.account_state`` and put back with ``Store.restore``: events
keep their ids and creation times, so a listing after a restore is the listing at snapshot time.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from .accounts import parse_account
from .atomic import write_atomically
from .clock import ClockState
from .errors import BadRequest, Conflict, NotFound, PayloadTooLarge, SeedError
from .fixture_writer import account_body, timestamp_text
from .store import AccountState, Store

_NAME_RE = re.compile(r"[A-Za-z0-9_.-]{1,64}")
STATE_FORMAT = "tracking-mock-state"
STATE_VERSION = 1


class StateFileError(Exception):
    """A state file that cannot be loaded; nothing was changed."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The state of every account (``account`` is ``None``) or of one, at ``created``."""

    name: str
    created: float
    account: str | None
    accounts: tuple[AccountState, ...]

    @property
    def events(self) -> int:
        return sum(len(state.spec.events) for state in self.accounts)

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "createdAt": timestamp_text(self.created),
            "account": self.account,
            "accounts": [state.spec.name for state in self.accounts],
            "events": self.events,
        }


class Snapshots:
    """At most ``max_count`` snapshots of at most ``max_events`` events each, by name."""

    def __init__(self, max_count: int, max_events: int) -> None:
        self.max_count = max_count
        self.max_events = max_events
        self._snapshots: dict[str, Snapshot] = {}
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()

    def take(self, store: Store, name: str | None = None, account: str | None = None) -> Snapshot:
        """Copy every account, or only ``account``; ``name`` defaults to ``snap-N``."""
        if name is not None and (not isinstance(name, str) or _NAME_RE.fullmatch(name) is None):
            raise BadRequest("a snapshot name must be 1-64 letters, digits, '_', '.' or '-'")
        counts = store.counts()
        if account is not None and account not in counts:
            raise NotFound(f"no account named {account!r}")
        size = counts[account] if account is not None else sum(counts.values())
        if size > self.max_events:
            raise PayloadTooLarge(
                f"a snapshot would hold {size} events; at most {self.max_events} "
                "(--max-snapshot-events)"
            )
        with self._lock:
            if len(self._snapshots) >= self.max_count:
                raise Conflict(
                    f"at most {self.max_count} snapshots (--max-snapshots); delete one first"
                )
            if name is None:
                name = next(n for n in (f"snap-{i}" for i in self._numbers) if n not in self)
            if name in self._snapshots:
                raise Conflict(f"a snapshot named {name!r} exists already")
            try:
                states = tuple(store.account_states(account))
            except KeyError:
                raise NotFound(f"no account named {account!r}") from None
            snapshot = Snapshot(name, time.time(), account, states)
            self._snapshots[name] = snapshot
            return snapshot

    def __contains__(self, name: object) -> bool:
        return name in self._snapshots

    def all(self) -> list[Snapshot]:
        with self._lock:
            return list(self._snapshots.values())

    def get(self, name: str) -> Snapshot:
        with self._lock:
            try:
                return self._snapshots[name]
            except KeyError:
                raise NotFound(f"no snapshot named {name!r}") from None

    def delete(self, name: str) -> None:
        with self._lock:
            if self._snapshots.pop(name, None) is None:
                raise NotFound(f"no snapshot named {name!r}")

    def restore(self, store: Store, name: str) -> Snapshot:
        """Put the snapshot's accounts back; one of all accounts also drops accounts made since."""
        snapshot = self.get(name)
        store.restore(snapshot.accounts, everything=snapshot.account is None)
        return snapshot

    def replace_all(self, snapshots: list[Snapshot]) -> None:
        with self._lock:
            self._snapshots = {s.name: s for s in snapshots[-self.max_count :]}


# The state file ------------------------------------------------------------------------


def _account_json(state: AccountState) -> dict[str, Any]:
    return {
        "name": state.spec.name,
        **account_body(state.spec, keys=True),
        "clock": {"frozenAt": state.clock.frozen_at, "offset": state.clock.offset},
        "faults": state.faults,
    }


def _account_from_json(data: object) -> AccountState:
    if not isinstance(data, Mapping) or not isinstance(data.get("name"), str):
        raise SeedError("each account must be an object with a name")
    body = {k: v for k, v in data.items() if k not in ("name", "clock", "faults")}
    clock = data.get("clock") or {}
    faults = data.get("faults") or {}
    frozen_at, offset = clock.get("frozenAt"), clock.get("offset", 0.0)
    if not isinstance(faults, dict) or not isinstance(offset, int | float):
        raise SeedError(f"account {data['name']!r}: bad clock or faults")
    if frozen_at is not None and not isinstance(frozen_at, int | float):
        raise SeedError(f"account {data['name']!r}: bad clock")
    spec = parse_account(data["name"], body)
    return AccountState(spec, ClockState(frozen_at, float(offset)), faults)


def state_json(store: Store, snapshots: Snapshots) -> bytes:
    """Every account and every snapshot, as the state file holds them."""
    return orjson.dumps(
        {
            "format": STATE_FORMAT,
            "version": STATE_VERSION,
            "accounts": [_account_json(state) for state in store.account_states()],
            "snapshots": [
                {
                    "name": s.name,
                    "created": s.created,
                    "account": s.account,
                    "accounts": [_account_json(state) for state in s.accounts],
                }
                for s in snapshots.all()
            ],
        }
    )


def save_state(path: Path, store: Store, snapshots: Snapshots) -> None:
    """Write the whole state to ``path`` atomically: the previous file survives any crash."""
    write_atomically(path, state_json(store, snapshots))


def load_state(path: Path, store: Store, snapshots: Snapshots) -> None:
    """Replace every account and snapshot with those in ``path``; else ``StateFileError``."""
    try:
        document = orjson.loads(path.read_bytes())
        if not isinstance(document, dict) or document.get("format") != STATE_FORMAT:
            raise StateFileError(f"{path}: not a {STATE_FORMAT} file")
        if document.get("version") != STATE_VERSION:
            raise StateFileError(f"{path}: unknown state file version {document.get('version')!r}")
        accounts = [_account_from_json(a) for a in document.get("accounts", [])]
        saved = [
            Snapshot(
                s["name"],
                float(s["created"]),
                s.get("account"),
                tuple(_account_from_json(a) for a in s["accounts"]),
            )
            for s in document.get("snapshots", [])
        ]
        store.restore(accounts, everything=True)
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise StateFileError(f"{path}: not a usable state file: {exc}") from None
    except OSError as exc:
        raise StateFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (SeedError, Conflict) as exc:
        raise StateFileError(f"{path}: {exc}") from None
    snapshots.replace_all(saved)
