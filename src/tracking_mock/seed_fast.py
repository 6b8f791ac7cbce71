"""The usual seeded event, checked in one pass: the fast path of bulk loads.

A JSON Lines fixture or seed body of a million events spent most of its time in the rules
``accounts.seed_event`` applies to each one (the checks of a POST, the contract warnings a seed
drops, the line lookups a YAML mapping needs). Nearly every line has the same plain shape:
known fields, text within the limits, metadata of strings, string lists or numbers, an id and
an ISO-8601 time. ``plain_seed_event`` accepts exactly that shape and builds the ``SeedEvent``
the full rules would. Anything else (another type, a long text, a lone surrogate, an unknown
field, a taken id, a bad time) makes it return ``None``, and the full rules give the result or
the error. tests/test_seed_fast.py holds the two paths to the same answers.
"""

from __future__ import annotations

import math
import sys
from datetime import datetime
from typing import Any

from . import apispec, limits
from .models import EventFields, MetadataValue, SeedEvent
from .records import builder

_EVENT_NAME_MAX = apispec.max_chars(apispec.FIELDS["eventName"])
_TRANSACTION_MAX, _CURRENCY_MAX, _USER_MAX, _COUPON_MAX = (
    apispec.max_chars(apispec.FIELDS[name])
    for name in ("transactionId", "currency", "userId", "coupon")
)
PLAIN_KEYS = frozenset(
    ("eventName", "value", "metadata", "transactionId", "currency", "userId", "coupon", "type")
).union(("id", "createdAt"))
"""The fields the fast path takes: the create fields (``type`` only ever warns, and a seed drops
warnings) and the seed's own two."""
_METADATA_MAX = limits.METADATA_MAX_ENTRIES
_KEY_MAX = limits.METADATA_KEY_MAX_CHARS
_TEXT_MAX = limits.METADATA_VALUE_MAX_CHARS
_LIST_MAX = limits.METADATA_LIST_MAX_ITEMS
_NUMBER_MAX = limits.MAX_SAFE_NUMBER
_ID_MAX = limits.TOKEN_MAX_CHARS
_intern = sys.intern
_event_fields = builder(EventFields)
_seed_event = builder(SeedEvent)


def _utf8(text: str) -> bool:
    """Whether UTF-8 can hold ``text`` (no lone surrogate): checked only for non-ASCII text."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _text(value: object, max_chars: int) -> bool:
    """Text within ``max_chars`` (an absent field is checked before the call)."""
    return type(value) is str and len(value) <= max_chars and (value.isascii() or _utf8(value))


def plain_seed_event(raw: Any, ids: set[str]) -> SeedEvent | None:
    """The seed event ``raw`` is when it has the plain shape (its id added to ``ids``), else None.

    ``None`` changes nothing: the caller applies the full rules, which say what is wrong.
    """
    if type(raw) is not dict or not PLAIN_KEYS.issuperset(raw):
        return None
    get = raw.get
    name = get("eventName")
    value = get("value")
    transaction, currency, user, coupon = (
        get("transactionId"),
        get("currency"),
        get("userId"),
        get("coupon"),
    )
    if not (
        type(name) is str
        and 0 < len(name) <= _EVENT_NAME_MAX
        and (name.isascii() or _utf8(name))
        and (type(value) is int or (type(value) is float and math.isfinite(value)))
        and -_NUMBER_MAX <= value <= _NUMBER_MAX
        and (transaction is None or _text(transaction, _TRANSACTION_MAX))
        and (currency is None or _text(currency, _CURRENCY_MAX))
        and (user is None or _text(user, _USER_MAX))
        and (coupon is None or _text(coupon, _COUPON_MAX))
    ):
        return None
    metadata: dict[str, MetadataValue] | None = None
    raw_metadata = get("metadata")
    if raw_metadata is not None:
        if type(raw_metadata) is not dict or len(raw_metadata) > _METADATA_MAX:
            return None
        metadata = {}
        for key, text in raw_metadata.items():
            if not (
                type(key) is str and 0 < len(key) <= _KEY_MAX and (key.isascii() or _utf8(key))
            ):
                return None
            if type(text) is str:  # the usual value, checked inline
                if len(text) > _TEXT_MAX or not (text.isascii() or _utf8(text)):
                    return None
            elif type(text) is list:
                if len(text) > _LIST_MAX or not all(_text(item, _TEXT_MAX) for item in text):
                    return None
            elif type(text) is int or type(text) is float:
                # Its String(n) always fits the text limit (a test checks); NaN and infinities
                # fail the range check.
                if not -_NUMBER_MAX <= text <= _NUMBER_MAX:
                    return None
            else:
                return None
            metadata[_intern(key)] = text
    event_id = get("id")
    if event_id is not None and not (
        type(event_id) is str
        and 0 < len(event_id) <= _ID_MAX
        and event_id.isascii()
        and event_id.isprintable()
        and " " not in event_id
        and event_id not in ids
    ):
        return None
    created = get("createdAt")
    seconds: float | None = None
    if created is not None:
        if type(created) is not str:
            return None
        try:
            moment = datetime.fromisoformat(created)
        except ValueError:
            return None
        if moment.tzinfo is None or not 1970 <= moment.year <= 9999:
            return None
        seconds = moment.timestamp()
    if event_id is not None:
        ids.add(event_id)
    fields = _event_fields(
        event_name=_intern(name),
        value=value,
        metadata=metadata,
        transaction_id=transaction,
        currency=currency,
        user_id=user,
        coupon=coupon,
        id=None,
    )
    return _seed_event(fields=fields, id=event_id, created_at=seconds)
