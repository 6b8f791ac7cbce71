"""The API's JSON shapes: the Event object and the success and error envelopes."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from .models import Event, Page

_EPOCH = datetime(1970, 1, 1)


def iso_timestamp(microseconds: int) -> str:
    """UTC ISO-8601 with milliseconds and a Z, as JavaScript's toISOString writes it."""
    moment = _EPOCH + timedelta(microseconds=microseconds)
    return moment.isoformat(timespec="milliseconds") + "Z"


def _hashed(value: str | None) -> str | None:
    return None if value is None else hashlib.sha256(value.encode()).hexdigest()


def event_json(event: Event, *, hash_ids: bool = False, copy: bool = False) -> dict[str, Any]:
    """An event as the API returns it; fields never sent are null."""
    metadata: Any = event.metadata
    if copy and metadata is not None:
        metadata = {k: list(v) if isinstance(v, list) else v for k, v in metadata.items()}
    return {
        "id": event.id,
        "eventName": event.event_name,
        "value": event.value,
        "transactionId": _hashed(event.transaction_id) if hash_ids else event.transaction_id,
        "currency": event.currency,
        "userId": _hashed(event.user_id) if hash_ids else event.user_id,
        "campaignId": event.campaign_id,
        "metricId": event.metric_id,
        "coupon": event.coupon,
        "metadata": metadata,
        "createdAt": iso_timestamp(event.created_us),
    }


def success(data: Any) -> dict[str, Any]:
    return {"success": True, "data": data}


def page_json(page: Page, *, hash_ids: bool = False) -> dict[str, Any]:
    nodes = [event_json(event, hash_ids=hash_ids) for event in page.nodes]
    return success({"nodes": nodes, "totalCount": page.total_count})


def error(message: str) -> dict[str, Any]:
    """The error envelope: exactly these two keys, whatever the status."""
    return {"success": False, "error": message}
