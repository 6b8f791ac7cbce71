"""Contract warnings for the recommended events (developer.oppizi.com/recommended).

The create endpoint keeps its own rules; these checks only flag what the recipes ask for.
"""

from __future__ import annotations

import re
from decimal import Decimal

from .models import ContractWarning, EventFields

SIGNUP_EVENT = "Signups"
CONVERSION_EVENTS = frozenset(
    {
        "Orders",
        "First Order",
        "Purchases",
        "First Purchase",
        "Redeems",
        "First Redeem",
        "Eaters",
        "First Eater",
    }
)
CONVERSION_TYPES = frozenset({SIGNUP_EVENT, *CONVERSION_EVENTS})
"""The kinds the conversion recipe documents for its ``type`` field."""
_CURRENCY_RE = re.compile(r"[A-Za-z]{3}")


def missing_value_message(event_name: object) -> str:
    """Why a body without ``value`` is refused; a signup is told about its recipe's example."""
    if event_name == SIGNUP_EVENT:
        # The recipe's example has no value; the create endpoint it is sent to requires one.
        # The mock keeps the endpoint's rule and says so.
        return (
            "value is required: the signup recipe's example leaves it out, but the create "
            "endpoint requires it (send 0, or what a signup is worth to you)"
        )
    return "value is required"


def conversion_type_warnings(kind: object) -> list[ContractWarning]:
    """A conversion's ``type`` (accepted, not stored): flagged unless it is a documented kind."""
    if isinstance(kind, str) and kind in CONVERSION_TYPES:
        return []
    shown = repr(kind[:40]) if isinstance(kind, str) else "not a string"
    return [
        ContractWarning(
            "conversion-type",
            f"type {shown} is not a conversion kind the recipe documents "
            f"({', '.join(sorted(CONVERSION_TYPES))})",
        )
    ]


def decimals(value: int | float) -> int:
    """How many digits a number has after the decimal point, as its shortest JSON text shows."""
    if isinstance(value, int):
        return 0
    exponent = Decimal(repr(value)).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _missing(fields: EventFields, names: dict[str, str | None]) -> list[ContractWarning]:
    return [
        ContractWarning(
            "recommended-field-missing",
            f"recommended event '{fields.event_name}' should carry {name}",
        )
        for name, value in names.items()
        if value is None
    ]


def recommended_event_warnings(fields: EventFields) -> list[ContractWarning]:
    """What the recommended-event recipes and the currency rule flag in a valid event."""
    warnings: list[ContractWarning] = []
    if fields.currency is not None and _CURRENCY_RE.fullmatch(fields.currency) is None:
        warnings.append(
            ContractWarning("currency-format", "currency should be a 3-letter code such as EUR")
        )
    if fields.event_name == SIGNUP_EVENT:
        # The recipe asks for a coupon only "when a promotional code was used", which the
        # mock cannot know, so only userId is flagged.
        warnings.extend(_missing(fields, {"userId": fields.user_id}))
    elif fields.event_name in CONVERSION_EVENTS:
        warnings.extend(
            _missing(
                fields,
                {
                    "transactionId": fields.transaction_id,
                    "currency": fields.currency,
                    "userId": fields.user_id,
                },
            )
        )
        if decimals(fields.value) > 2:
            warnings.append(
                ContractWarning(
                    "value-decimals",
                    f"value of a '{fields.event_name}' event is monetary: at most 2 decimals",
                )
            )
    return warnings
