"""Accounts as fixture data (the shape ``accounts.py`` checks): export, snapshots, recording."""

from __future__ import annotations

from typing import Any

import yaml

from .accounts import FORMAT_VERSION
from .apispec import OPTIONAL_TEXT_FIELDS
from .models import AccountSpec, Coupon, SeedEvent
from .render import iso_timestamp


def timestamp_text(seconds: float) -> str:
    """``createdAt`` for a fixture: milliseconds as the API writes them, microseconds if any.

    The extra digits keep the order of events created within one millisecond.
    """
    microseconds = round(seconds * 1_000_000)
    text = iso_timestamp(microseconds)
    fraction = microseconds % 1_000_000
    return text if fraction % 1000 == 0 else f"{text[:-5]}.{fraction:06d}Z"


def event_body(event: SeedEvent) -> dict[str, Any]:
    """One seed event as a fixture writes it: fields sent, then ``id`` and ``createdAt``."""
    fields = event.fields
    body: dict[str, Any] = {}
    if event.id is not None:
        body["id"] = event.id
    body["eventName"] = fields.event_name
    body["value"] = fields.value
    for field in OPTIONAL_TEXT_FIELDS:
        value = getattr(fields, field.attr)
        if value is not None:
            body[field.name] = value
    if fields.metadata is not None:
        body["metadata"] = {
            key: list(value) if isinstance(value, list) else value
            for key, value in fields.metadata.items()
        }
    if event.created_at is not None:
        body["createdAt"] = timestamp_text(event.created_at)
    return body


def coupon_body(coupon: Coupon) -> dict[str, Any]:
    """A coupon as a fixture gives it: every field, so it loads back the same."""
    body: dict[str, Any] = {
        "code": coupon.code,
        "id": coupon.id,
        "created_at": coupon.created_at,
        "updated_at": coupon.updated_at,
    }
    if coupon.tag is not None:
        body["tag"] = coupon.tag
    if coupon.item_type_id is not None:
        body["item_type_id"] = coupon.item_type_id
    return body


def account_body(spec: AccountSpec, *, keys: bool) -> dict[str, Any]:
    """An account as a fixture file gives it; its keys only when ``keys`` is true."""
    body: dict[str, Any] = {}
    if keys:
        body["keys"] = list(spec.keys)
    if spec.disabled:
        body["disabled"] = True
    if spec.campaigns:
        body["campaigns"] = {
            campaign: {"coupons": [coupon_body(coupon) for coupon in coupons]}
            for campaign, coupons in spec.campaigns.items()
        }
    if spec.metrics:
        body["metrics"] = dict(spec.metrics)
    body["events"] = [event_body(event) for event in spec.events]
    return body


def fixture_yaml(specs: list[AccountSpec], *, keys: bool, header: str = "") -> str:
    """A whole fixture document (version 1) holding ``specs``."""
    document = {
        "version": FORMAT_VERSION,
        "accounts": {spec.name: account_body(spec, keys=keys) for spec in specs},
    }
    dumper = yaml.CSafeDumper if yaml.__with_libyaml__ else yaml.SafeDumper
    text = yaml.dump(document, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)
    return header + text
