"""All accounts and their events, behind one lock: the server thread writes, tests read."""

from __future__ import annotations

import itertools
import random
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .clock import Clock, ClockState
from .coupons import coupon_table
from .errors import AccountGone, BadRequest, Conflict, InsufficientStorage, NotFound
from .eventlog import EventLog
from .faults import Faults
from .gcpause import gc_paused
from .models import (
    SEQ_BITS,
    AccountSpec,
    Coupon,
    Event,
    EventFields,
    ListQuery,
    Page,
    SeedEvent,
)
from .plan.coverage import PlanSlot
from .records import builder
from .render import iso_timestamp
from .settings import DEFAULT_ACCOUNT, DEFAULT_API_KEY

build_event = builder(Event)
"""``Event(...)`` with every field by keyword, at half the cost (see ``records``)."""
_ids = random.Random()  # seeded from the OS; ids need to be unique, not secret


def new_event_id() -> str:
    """A fresh opaque event id (the format is the mock's own; the API documents none)."""
    return f"evt_{_ids.getrandbits(80):020x}"


@dataclass(eq=False)
class Account:
    """One client account: keys, lookup tables, events, clock, injected faults and plan."""

    spec: AccountSpec
    events: EventLog = field(default_factory=EventLog)
    clock: Clock = field(default_factory=Clock)
    faults: Faults = field(init=False)
    plan: PlanSlot = field(default_factory=PlanSlot)
    """The tracking plan and mode this account's events meet, and what they covered."""
    coupon_campaigns: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.faults = Faults(self.clock)
        self.coupon_campaigns = coupon_table(self.spec.campaigns)

    @property
    def name(self) -> str:
        return self.spec.name


@dataclass(frozen=True, slots=True)
class AccountState:
    """An account as data: its spec with every event (oldest first), its clock and faults."""

    spec: AccountSpec
    clock: ClockState
    faults: dict[str, Any]


def _fields_of(event: Event) -> EventFields:
    return EventFields(
        event_name=event.event_name,
        value=event.value,
        metadata=event.metadata,
        transaction_id=event.transaction_id,
        currency=event.currency,
        user_id=event.user_id,
        coupon=event.coupon,
    )


def default_account() -> AccountSpec:
    """The account that exists when no fixture defines one, reachable with ``sk_test_default``."""
    return AccountSpec(name=DEFAULT_ACCOUNT, keys=(DEFAULT_API_KEY,), campaigns={}, metrics={})


class Store:
    """Thread-safe state of one mock server, rebuilt from its account specs on ``reset``.

    An ``Account`` object is live while the store maps its name to it. ``reset``, account
    removal (and anything else that replaces accounts) make the old objects dead, and a write
    through a dead account, from a call that authenticated before the change, is refused with
    ``AccountGone`` under the same lock: an acknowledged event is never lost.
    """

    def __init__(
        self,
        specs: Iterable[AccountSpec],
        *,
        max_accounts: int = 100_000,
        max_events: int | None = None,
    ) -> None:
        self._specs = tuple(specs)
        self._max_accounts = max_accounts
        self._max_events = max_events
        self._lock = threading.RLock()
        self._sequence = itertools.count(1)
        self._accounts: dict[str, Account] = {}
        self._keys: dict[str, Account] = {}
        self.reset()

    # Accounts -------------------------------------------------------------------------

    def reset(self, name: str | None = None) -> None:
        """Back to the configured specs: all accounts, or only the one called ``name``."""
        with self._lock:
            if name is None:
                self._accounts.clear()
                self._keys.clear()
                for spec in self._specs:
                    self._install(spec)
                return
            account = self.account(name)
            configured = next((s for s in self._specs if s.name == name), None)
            self._replace(configured or replace(account.spec, campaigns={}, metrics={}, events=()))

    def reconfigure(self, specs: Iterable[AccountSpec], changed: Iterable[str]) -> None:
        """New configured specs (reloaded fixtures): reset the ``changed`` accounts to them.

        A changed name no longer configured is removed. Nothing changes unless all succeed.
        """
        with self._lock:
            specs = tuple(specs)
            by_name = {spec.name: spec for spec in specs}
            saved = (self._specs, dict(self._accounts), dict(self._keys))
            changed = list(changed)
            try:
                # All out, then all in: a key may move from one changed account to another.
                for name in changed:
                    if name in self._accounts:
                        self.remove_account(name)
                for name in changed:
                    if name in by_name:
                        self._install(by_name[name])
            except Exception:
                self._specs, self._accounts, self._keys = saved
                raise
            self._specs = specs

    def account_state(self, name: str) -> AccountState:
        """Everything an account holds, as data: spec, events (ids, times), clock, faults."""
        with self._lock:
            account = self.account(name)
            events = tuple(
                SeedEvent(_fields_of(event), event.id, event.created_us / 1_000_000)
                for event in reversed(account.events.newest_first())
            )
            return AccountState(
                replace(account.spec, events=events),
                account.clock.state(),
                account.faults.state(),
            )

    def account_states(self, name: str | None = None) -> list[AccountState]:
        """``account_state`` of every account, or of the one called ``name``, all at one moment."""
        with self._lock:
            names = list(self._accounts) if name is None else [name]
            return [self.account_state(n) for n in names]

    def restore(self, states: Iterable[AccountState], *, everything: bool) -> None:
        """Put accounts back as ``account_state`` saw them; ``everything`` drops all others.

        Accounts are rebuilt through the path ``reset`` takes, so every index is rebuilt too.
        Nothing changes unless all succeed (a key taken by another account is a ``Conflict``).
        """
        with self._lock:
            saved = (dict(self._accounts), dict(self._keys))
            try:
                if everything:
                    self._accounts.clear()
                    self._keys.clear()
                for state in states:
                    account = self._replace(state.spec)
                    account.clock.restore(state.clock)
                    account.faults.restore(state.faults)
            except Exception:
                self._accounts, self._keys = saved
                raise

    def add_account(self, spec: AccountSpec) -> Account:
        """Create an empty account (then seed it with ``spec.events``)."""
        with self._lock:
            if len(self._accounts) >= self._max_accounts:
                raise ValueError(f"at most {self._max_accounts} accounts")
            return self._install(spec)

    def merge_into(self, name: str, spec: AccountSpec) -> None:
        """Add ``spec``'s campaigns, metrics and events to account ``name`` (not its keys)."""
        with self._lock:
            account = self.account(name)
            self._check_room(name, len(account.events), len(spec.events))
            for seed in spec.events:
                if seed.id is not None and seed.id in account.events:
                    raise Conflict(f"event id {seed.id!r} exists already in {name!r}")
            campaigns = {**account.spec.campaigns, **spec.campaigns}
            merged = replace(
                account.spec,
                campaigns=campaigns,
                metrics={**account.spec.metrics, **spec.metrics},
                strict=account.spec.strict if spec.strict is None else spec.strict,
                hash_ids=account.spec.hash_ids if spec.hash_ids is None else spec.hash_ids,
            )
            account.spec = merged
            account.coupon_campaigns = coupon_table(campaigns)
            self._seed(account, spec.events)

    def remove_account(self, name: str) -> None:
        """Forget an account, its keys and its events."""
        with self._lock:
            account = self.account(name)
            del self._accounts[name]
            for key in account.spec.keys:
                self._keys.pop(key, None)

    def _replace(self, spec: AccountSpec) -> Account:
        """A fresh account for ``spec`` in place of the one of that name, if any.

        The one path that reset, restore and reload share.
        """
        old = self._accounts.get(spec.name)
        if any(self._keys.get(key) not in (None, old) for key in spec.keys):
            raise Conflict(f"account {spec.name!r} reuses a key of another account")
        if old is not None:
            del self._accounts[spec.name]
            for key in old.spec.keys:
                del self._keys[key]
        return self._install(spec)

    def account(self, name: str) -> Account:
        with self._lock:
            try:
                return self._accounts[name]
            except KeyError:
                raise KeyError(f"no account named {name!r}") from None

    def accounts(self) -> list[Account]:
        with self._lock:
            return list(self._accounts.values())

    def account_for_key(self, key: str) -> Account | None:
        return self._keys.get(key)

    def _install(self, spec: AccountSpec) -> Account:
        if spec.name in self._accounts:
            raise Conflict(f"an account named {spec.name!r} exists already")
        self._check_room(spec.name, 0, len(spec.events))
        taken = [key for key in spec.keys if key in self._keys]
        if taken:
            # Whose key it is stays unsaid; the admin token is what keeps out key guessers.
            raise Conflict("that key is already in use; choose another")
        account = Account(spec)
        self._accounts[spec.name] = account
        for key in spec.keys:
            self._keys[key] = account
        self._seed(account, spec.events)
        return account

    def _check_live(self, account: Account) -> None:
        if self._accounts.get(account.name) is not account:
            raise AccountGone(
                "the account was reset or deleted while this call was in flight; nothing was stored"
            )

    def _check_room(self, name: str, holding: int, adding: int) -> None:
        cap = self._max_events
        if cap is not None and holding + adding > cap:
            raise InsufficientStorage(
                f"account {name!r} may hold at most {cap} events (--max-events)"
            )

    def _seed(self, account: Account, events: Iterable[SeedEvent]) -> None:
        """Store seed events, the collector paused: they come by the million."""
        now = account.clock.now()
        with gc_paused():
            built = [
                self._build(
                    account,
                    seed.fields,
                    seed.id or self._fresh_id(account),
                    self._order(now if seed.created_at is None else seed.created_at),
                )
                for seed in events
            ]
            account.events.add_many(built)

    # Events ---------------------------------------------------------------------------

    def create_event(
        self,
        account: Account,
        fields: EventFields,
        *,
        event_id: str | None = None,
        created_at: float | None = None,
    ) -> Event:
        """Store a new event stamped with the account's clock (or the id and time given)."""
        with self._lock:
            self._check_live(account)
            self._check_room(account.name, len(account.events), 1)
            if event_id is None or event_id in account.events:
                event_id = self._fresh_id(account)
            moment = account.clock.now() if created_at is None else created_at
            event = self._build(account, fields, event_id, self._order(moment))
            account.events.add(event)
            return event

    def update_event(self, account: Account, fields: EventFields) -> Event:
        """Replace the event named by ``fields.id`` (else the newest with its transactionId)."""
        with self._lock:
            self._check_live(account)
            if fields.id is not None:
                target = account.events.get(fields.id)
                missing = "no event with that id"
            elif fields.transaction_id is not None:
                target = account.events.newest_with_transaction(fields.transaction_id)
                missing = "no event with that transactionId"
            else:
                raise BadRequest("an update needs the event's id or its transactionId")
            if target is None:
                raise NotFound(missing)
            updated = self._build(account, fields, target.id, target.order)
            account.events.replace(target, updated)
            return updated

    def list_events(self, account: Account, query: ListQuery) -> Page:
        with self._lock:
            return account.events.query(query)

    def events(self, name: str) -> list[Event]:
        """All events of an account, newest first."""
        with self._lock:
            return self.account(name).events.newest_first()

    def coupons(self, account: Account, campaign_id: str) -> tuple[Coupon, ...]:
        """A campaign's coupons; none for a campaign the account does not have."""
        return account.spec.campaigns.get(campaign_id, ())

    def counts(self) -> Mapping[str, int]:
        with self._lock:
            return {name: len(account.events) for name, account in self._accounts.items()}

    def _fresh_id(self, account: Account) -> str:
        event_id = new_event_id()
        while event_id in account.events:
            event_id = new_event_id()
        return event_id

    def _order(self, created: float) -> int:
        return (round(created * 1_000_000) << SEQ_BITS) | next(self._sequence)

    @staticmethod
    def _build(account: Account, fields: EventFields, event_id: str, order: int) -> Event:
        coupon = fields.coupon
        return build_event(  # an Event, at half the cost of its __init__ (see records)
            id=event_id,
            order=order,
            created_at=iso_timestamp(order >> SEQ_BITS),
            event_name=fields.event_name,
            value=fields.value,
            metadata=fields.metadata,
            transaction_id=fields.transaction_id,
            currency=fields.currency,
            user_id=fields.user_id,
            coupon=coupon,
            campaign_id=account.coupon_campaigns.get(coupon) if coupon is not None else None,
            metric_id=account.spec.metrics.get(fields.event_name),
        )
