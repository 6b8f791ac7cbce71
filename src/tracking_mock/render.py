"""The API's JSON shapes: the Event object and the success and error envelopes."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

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


def event_json(event: Event, *, hash_ids: bool = False, copy: bool = False) -> dict[str, Any]:
    """An event as the API returns it; fields never sent are null."""
    metadata: Any = event.metadata
    if copy and metadata is not None:
        metadata = {k: list(v) if isinstance(v, list) else v for k, v in metadata.items()}
    if hash_ids:
        transaction_id, user_id = _hashed(event.transaction_id), _hashed(event.user_id)
    else:
        transaction_id, user_id = event.transaction_id, event.user_id
    return {
        "id": event.id,
        "eventName": event.event_name,
        "value": event.value,
        "transactionId": transaction_id,
        "currency": event.currency,
        "userId": user_id,
        "campaignId": event.campaign_id,
        "metricId": event.metric_id,
        "coupon": event.coupon,
        "metadata": metadata,
        "createdAt": event.created_at,
    }


def success(data: Any) -> dict[str, Any]:
    return {"success": True, "data": data}


def page_json(page: Page, *, hash_ids: bool = False) -> dict[str, Any]:
    nodes = [event_json(event, hash_ids=hash_ids) for event in page.nodes]
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
