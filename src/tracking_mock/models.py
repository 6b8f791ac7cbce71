"""The records the core passes around: events, validated input, list queries, warnings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .limits import LIST_LIMIT_DEFAULT

MetadataValue = str | int | float | list[str]
Metadata = Mapping[str, MetadataValue]

SEQ_BITS = 32
"""An event's ``order`` packs its creation time (microseconds) above a per-store sequence."""


@dataclass(frozen=True, slots=True)
class ContractWarning:
    """Something the API accepts but the contract flags (strict mode turns it into a 400).

    A ``note`` is only recorded and shown: strict mode never refuses it (the docs' own examples
    do what it describes).
    """

    code: str
    message: str
    path: str | None = None
    """The JSON path of the field concerned (``$.metadata.plan``), where there is one."""
    note: bool = False


@dataclass(frozen=True, slots=True)
class EventFields:
    """A validated create or update body."""

    event_name: str
    value: int | float
    metadata: Metadata | None = None
    transaction_id: str | None = None
    currency: str | None = None
    user_id: str | None = None
    coupon: str | None = None
    id: str | None = None
    """Only meaningful for updates: the event to change."""


@dataclass(frozen=True, slots=True)
class Event:
    """A stored event. ``order`` sorts events oldest to newest, ties broken by insertion."""

    id: str
    order: int
    created_at: str
    """``createdAt`` as the API writes it, formatted once: it never changes."""
    event_name: str
    value: int | float
    metadata: Metadata | None
    transaction_id: str | None
    currency: str | None
    user_id: str | None
    coupon: str | None
    campaign_id: str | None
    metric_id: str | None

    @property
    def created_us(self) -> int:
        """Creation time in microseconds since the epoch (UTC)."""
        return self.order >> SEQ_BITS


@dataclass(frozen=True, slots=True)
class ListQuery:
    """A parsed ``GET /tracking/events``: filters are ANDed; repeated names or values are ORed."""

    limit: int = LIST_LIMIT_DEFAULT
    starting_after: str | None = None
    event_names: tuple[str, ...] = ()
    values: tuple[float, ...] = ()
    metadata: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a listing and how many events match its filters in all."""

    nodes: list[Event]
    total_count: int


@dataclass(frozen=True, slots=True)
class SeedEvent:
    """An event as a fixture file gives it: validated fields, maybe an id and a creation time."""

    fields: EventFields
    id: str | None = None
    created_at: float | None = None
    """Seconds since the epoch; ``None`` means the time the fixtures are loaded."""


@dataclass(frozen=True, slots=True)
class Coupon:
    """One coupon of a campaign, as ``GET /client/campaigns/{id}/coupons`` lists it."""

    code: str
    """What an event sends as ``coupon``."""
    id: str
    created_at: str
    updated_at: str
    tag: str | None = None
    item_type_id: str | None = None


@dataclass(frozen=True, slots=True)
class AccountSpec:
    """One account as configured: its keys, lookup tables and seed events."""

    name: str
    keys: tuple[str, ...]
    campaigns: Mapping[str, tuple[Coupon, ...]]
    """Campaign id to its coupons."""
    metrics: Mapping[str, str]
    """Event name to metric id."""
    events: tuple[SeedEvent, ...] = ()
    disabled: bool = False
    """A disabled account's keys are recognised but refused with 403."""
    strict: bool | None = None
    """This account's own strict mode; ``None`` follows the server's ``strict``."""
    hash_ids: bool | None = None
    """This account's own ``hashIds``; ``None`` follows the server's ``hash_ids``."""
