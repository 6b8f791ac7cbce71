"""The API's JSON shapes: the Event object and the success and error envelopes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, cast

from .apispec import EVENT_FIELDS, HASHABLE_FIELDS
from .models import Coupon, Event, Page

_EPOCH = datetime(1970, 1, 1)


@lru_cache(maxsize=4096)
def _iso_second(seconds: int) -> str:
    return (_EPOCH + timedelta(seconds=seconds)).isoformat(timespec="seconds")


def iso_timestamp(microseconds: int) -> str:
    """UTC ISO-8601 with milliseconds and a Z, as JavaScript's toISOString writes it."""
    # Seeding formats many times that share their second: the date part is cached.
    seconds, fraction = divmod(microseconds, 1_000_000)
    return f"{_iso_second(seconds)}.{fraction // 1000:03d}Z"


def _hashed(value: str | None) -> str | None:
    return None if value is None else hashlib.sha256(value.encode()).hexdigest()


def _compile_fields() -> Callable[[Event], dict[str, Any]]:
    """``event -> {JSON name: attribute, ...}`` in the described order, as one dict literal.

    Built once with ``exec``, as ``dataclasses`` builds ``__init__``: every answer renders
    events, and a dict literal is three times faster than ``dict(zip(names, attrgetter(...)))``.
    The names come from ``apispec``, never from input.
    """
    if not all(field.attr.isidentifier() for field in EVENT_FIELDS):
        raise ValueError("an EventField.attr is not an identifier")
    items = ", ".join(f"{field.name!r}: event.{field.attr}" for field in EVENT_FIELDS)
    namespace: dict[str, Any] = {}
    exec(f"def event_fields(event):\n    return {{{items}}}\n", namespace)
    return cast(Callable[[Event], dict[str, Any]], namespace["event_fields"])


_event_fields = _compile_fields()


def event_json(event: Event, *, hash_ids: bool = False, copy: bool = False) -> dict[str, Any]:
    """An event as the API returns it; fields never sent are null."""
    data = _event_fields(event)
    if hash_ids or copy:
        if hash_ids:
            for name in HASHABLE_FIELDS:
                data[name] = _hashed(data[name])
        metadata = event.metadata
        if copy and metadata is not None:
            data["metadata"] = {
                k: list(v) if isinstance(v, list) else v for k, v in metadata.items()
            }
    return data


def success(data: Any) -> dict[str, Any]:
    return {"success": True, "data": data}


def page_json(page: Page, *, hash_ids: bool = False) -> dict[str, Any]:
    if hash_ids:
        nodes = [event_json(event, hash_ids=True) for event in page.nodes]
    else:  # every listing: the compiled fields alone, without a call of event_json per event
        nodes = list(map(_event_fields, page.nodes))
    return success({"nodes": nodes, "totalCount": page.total_count})


def coupon_json(campaign_id: str, coupon: Coupon) -> dict[str, Any]:
    """A coupon row as the API lists it: snake_case, unlike events."""
    return {
        "id": coupon.id,
        "code": coupon.code,
        "tag": coupon.tag,
        "item_type_id": coupon.item_type_id,
        "campaign_id": campaign_id,
        "created_at": coupon.created_at,
        "updated_at": coupon.updated_at,
    }


def error(message: str) -> dict[str, Any]:
    """The error envelope: exactly these two keys, whatever the status."""
    return {"success": False, "error": message}
