"""Contract warnings for the recommended events, the currency rule and monetary decimals."""

from __future__ import annotations

from typing import Any

import pytest

from tracking_mock.recipes import CONVERSION_EVENTS, decimals
from tracking_mock.validation import validate_event

COMPLETE_CONVERSION: dict[str, Any] = {
    "value": 12.5,
    "transactionId": "t1",
    "currency": "EUR",
    "userId": "u1",
}


def warnings_of(raw: dict[str, Any]) -> list[str]:
    return [w.message for w in validate_event(raw)[1]]


@pytest.mark.parametrize("name", sorted(CONVERSION_EVENTS))
def test_a_complete_conversion_event_has_no_warning(name: str) -> None:
    assert warnings_of({"eventName": name, **COMPLETE_CONVERSION}) == []


@pytest.mark.parametrize("missing", ["transactionId", "currency", "userId"])
def test_a_conversion_event_missing_a_recommended_field_is_flagged(missing: str) -> None:
    raw = {"eventName": "Orders", **COMPLETE_CONVERSION}
    del raw[missing]
    assert warnings_of(raw) == [f"recommended event 'Orders' should carry {missing}"]


def test_a_signup_without_user_is_flagged_but_not_without_coupon() -> None:
    assert warnings_of({"eventName": "Signups", "value": 0}) == [
        "recommended event 'Signups' should carry userId"
    ]
    assert warnings_of({"eventName": "Signups", "value": 0, "userId": "u"}) == []


def test_other_event_names_follow_no_recipe() -> None:
    assert warnings_of({"eventName": "page_view", "value": 0.333}) == []
    assert warnings_of({"eventName": "orders", "value": 1}) == []  # names are case-sensitive


@pytest.mark.parametrize(
    ("currency", "flagged"),
    [("EUR", False), ("usd", False), ("EURO", True), ("E1R", True), ("", True), ("€", True)],
)
def test_currency_must_be_three_letters(currency: str, flagged: bool) -> None:
    raw = {"eventName": "page_view", "value": 1, "currency": currency}
    expected = ["currency should be a 3-letter code such as EUR"] if flagged else []
    assert warnings_of(raw) == expected


@pytest.mark.parametrize(
    ("value", "places"), [(1, 0), (1.5, 1), (1.25, 2), (9.999, 3), (1e-05, 5), (100.0, 0)]
)
def test_decimals_counts_digits_after_the_point(value: float, places: int) -> None:
    assert decimals(value) == places


def test_a_monetary_value_with_more_than_two_decimals_is_flagged() -> None:
    raw = {"eventName": "Purchases", **COMPLETE_CONVERSION, "value": 9.999}
    assert warnings_of(raw) == ["value of a 'Purchases' event is monetary: at most 2 decimals"]


@pytest.mark.parametrize(
    ("kind", "flagged"),
    [("Orders", False), ("First Eater", False), ("orders", True), ("Refunds", True), (3, True)],
)
def test_a_conversion_type_is_known_and_flagged_only_outside_the_documented_kinds(
    kind: object, flagged: bool
) -> None:
    fields, warnings = validate_event({"eventName": "Orders", **COMPLETE_CONVERSION, "type": kind})
    assert [w.code for w in warnings] == (["conversion-type"] if flagged else [])
    assert not hasattr(fields, "type")
