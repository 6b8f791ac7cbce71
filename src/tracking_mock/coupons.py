"""Coupons as fixtures may give them: a plain code gets the fields the API lists, generated."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Mapping

from .models import Coupon
from .render import iso_timestamp

_COUPON_IDS = uuid.UUID("6f1d2c4e-8a4b-4f0e-9a57-0c0a7e1b2d3f")
"""Namespace of generated coupon ids: the same campaign and code always get the same id."""


def generated_id(campaign_id: str, code: str) -> str:
    """A stable id for a coupon given without one (the API's id format is not documented)."""
    return str(uuid.uuid5(_COUPON_IDS, f"{campaign_id}\0{code}"))


def now_text() -> str:
    """The current time as the API writes it: generated coupons were created "now"."""
    return iso_timestamp(round(time.time() * 1_000_000))


def coupons_of(
    campaign_id: str, codes: Iterable[str], *, created_at: str | None = None
) -> tuple[Coupon, ...]:
    """Coupons for plain codes, with generated ids and times (``tag``, ``item_type_id`` null)."""
    stamp = created_at or now_text()
    return tuple(
        Coupon(code=code, id=generated_id(campaign_id, code), created_at=stamp, updated_at=stamp)
        for code in codes
    )


def coupon_table(campaigns: Mapping[str, Iterable[Coupon]]) -> dict[str, str]:
    """Coupon code to campaign id."""
    return {c.code: campaign for campaign, coupons in campaigns.items() for c in coupons}


def coupon_fixture(coupon: Coupon) -> dict[str, str | None]:
    """A coupon in the fixture (and admin seed) shape, every field given."""
    return {
        "code": coupon.code,
        "id": coupon.id,
        "tag": coupon.tag,
        "item_type_id": coupon.item_type_id,
        "created_at": coupon.created_at,
        "updated_at": coupon.updated_at,
    }
