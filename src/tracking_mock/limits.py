"""The API's documented limits and the mock's own bounds, named once."""

from __future__ import annotations

# Documented by the real API.
METADATA_MAX_ENTRIES = 50
METADATA_KEY_MAX_CHARS = 40
METADATA_VALUE_MAX_CHARS = 256
LIST_LIMIT_MIN = 1
LIST_LIMIT_MAX = 100
LIST_LIMIT_DEFAULT = 20
COUPONS_FIRST_MIN = 1
COUPONS_FIRST_MAX = 500
COUPONS_FIRST_DEFAULT = 50

# The mock's own choices (the real API documents none of these).
STRING_FIELD_MAX_CHARS = 256
"""eventName, transactionId, currency, userId, coupon and id."""
METADATA_LIST_MAX_ITEMS = 100
"""Elements of one string[] metadata value."""
ADMIN_EVENTS_MAX = 100_000
"""Events ``GET /_mock/events`` lists at most (its ``limit``)."""
ADMIN_EVENTS_DEFAULT = 1000
MAX_SAFE_NUMBER = 2**53 - 1
"""Numbers beyond JavaScript's safe integer range are refused as absurd."""
SEED_LINES_MAX = 5_000_000
"""Events one JSON Lines seed request may add."""
VALUE_FILTER_MAX_CHARS = 64
"""Characters of one ``value`` filter of ``GET /tracking/events``."""
TOKEN_MAX_CHARS = 256
"""Keys, account names, campaign and coupon ids and seeded event ids: visible ASCII."""
COUPON_TEXT_MAX_CHARS = 256
"""A coupon's ``code``, ``tag`` and ``item_type_id``."""
MIN_BODY_BYTES_PER_SECOND = 1024
"""A request body slower than this on average, past ``--read-timeout``, is closed: bytes that
trickle in just often enough cannot hold a connection for days."""
