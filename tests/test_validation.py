"""The input rules of shared/tracking-api.md, tested on the pure validation functions."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracking_mock import limits
from tracking_mock.errors import BadRequest
from tracking_mock.models import ListQuery
from tracking_mock.validation import (
    decode_json,
    decode_query,
    parse_coupon_page,
    parse_list_query,
    validate_event,
)

from .budgets import examples

BASE: dict[str, Any] = {"eventName": "Purchase", "value": 250}


def body(**changes: Any) -> dict[str, Any]:
    return {**BASE, **changes}


def codes(raw: object, *, update: bool = False) -> list[str]:
    return [w.code for w in validate_event(raw, update=update)[1]]


def test_minimal_event_has_name_and_value_and_nulls() -> None:
    fields, warnings = validate_event(body())
    assert (fields.event_name, fields.value, fields.metadata, fields.coupon) == (
        "Purchase",
        250,
        None,
        None,
    )
    assert warnings == []


def test_every_documented_field_is_kept() -> None:
    fields, _ = validate_event(
        body(transactionId="t1", currency="EUR", userId="u1", coupon="C1", metadata={"a": "b"})
    )
    assert (fields.transaction_id, fields.currency, fields.user_id, fields.coupon) == (
        "t1",
        "EUR",
        "u1",
        "C1",
    )
    assert fields.metadata == {"a": "b"}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param([], "body must be a JSON object, not an array", id="array-body"),
        pytest.param("x", "body must be a JSON object, not a string", id="string-body"),
        pytest.param(None, "body must be a JSON object, not null", id="null-body"),
        pytest.param({"value": 1}, "eventName is required", id="missing-eventName"),
        pytest.param({"eventName": "a"}, "value is required", id="missing-value"),
        pytest.param(body(eventName=None), "eventName is required", id="null-eventName"),
        pytest.param(body(value=None), "value is required", id="null-value"),
        pytest.param(body(eventName=""), "eventName must not be empty", id="empty-eventName"),
        pytest.param(
            body(eventName=5), "eventName must be a string, not a number", id="number-name"
        ),
        pytest.param(body(value="250"), "value must be a number, not a string", id="string-value"),
        pytest.param(body(value=True), "value must be a number, not a boolean", id="bool-value"),
        pytest.param(body(value=[1]), "value must be a number, not an array", id="array-value"),
        pytest.param(body(value=float("inf")), "value must be a finite number", id="inf-value"),
        pytest.param(body(value=float("nan")), "value must be a finite number", id="nan-value"),
        pytest.param(body(value=2**53), "value is out of range", id="huge-value"),
        pytest.param(body(value=-1e300), "value is out of range", id="huge-negative-value"),
        pytest.param(body(currency=3), "currency must be a string", id="number-currency"),
        pytest.param(body(userId={}), "userId must be a string, not an object", id="object-userId"),
        pytest.param(body(transactionId=False), "transactionId must be a string", id="bool-txn"),
        pytest.param(
            body(coupon=["a"]), "coupon must be a string, not an array", id="array-coupon"
        ),
        pytest.param(body(metadata=[]), "metadata must be an object, not an array", id="array-md"),
        pytest.param(body(metadata="x"), "metadata must be an object", id="string-metadata"),
        pytest.param(body(metadata={"": "x"}), "metadata keys must not be empty", id="empty-key"),
        pytest.param(body(metadata={"k": True}), "must be a string or an array", id="bool-md"),
        pytest.param(body(metadata={"k": None}), "must be a string or an array", id="null-md"),
        pytest.param(body(metadata={"k": {"a": "b"}}), "must be a string or an array", id="nested"),
        pytest.param(body(metadata={"k": ["a", 1]}), "must hold only strings", id="mixed-list"),
        pytest.param(body(metadata={"k": [["a"]]}), "must hold only strings", id="nested-list"),
        pytest.param(
            body(eventName="\ud800"), "eventName contains an unpaired surrogate", id="lone"
        ),
        pytest.param(body(metadata={"\udfff": "x"}), "unpaired surrogate", id="lone-key"),
        pytest.param(body(metadata={"k": "\ud800"}), "unpaired surrogate", id="lone-value"),
    ],
)
def test_invalid_bodies_are_refused_with_a_precise_message(raw: object, message: str) -> None:
    with pytest.raises(BadRequest, match=message.replace("(", r"\(").replace(")", r"\)")):
        validate_event(raw)


def _entries(count: int) -> dict[str, str]:
    return {f"k{i}": "v" for i in range(count)}


@pytest.mark.parametrize(
    ("metadata", "ok"),
    [
        # The documented numbers are written out: a test must not move with the code's limits.
        pytest.param(_entries(50), True, id="50-entries"),
        pytest.param(_entries(51), False, id="51-entries"),
        pytest.param({"k" * 40: "v"}, True, id="key-40"),
        pytest.param({"k" * 41: "v"}, False, id="key-41"),
        pytest.param({"é" * 40: "v"}, True, id="key-40-code-points"),
        pytest.param({"😀" * 41: "v"}, False, id="key-41-code-points"),
        pytest.param({"k": "v" * 256}, True, id="value-256"),
        pytest.param({"k": "v" * 257}, False, id="value-257"),
        pytest.param({"k": "😀" * 256}, True, id="value-256-code-points"),
        pytest.param({"k": ["v" * 256, "w"]}, True, id="list-element-256"),
        pytest.param({"k": ["w", "v" * 257]}, False, id="list-element-257"),
        pytest.param({"k": []}, True, id="empty-list"),
        pytest.param({"k": ["v"] * limits.METADATA_LIST_MAX_ITEMS}, True, id="list-100"),
        pytest.param({"k": ["v"] * (limits.METADATA_LIST_MAX_ITEMS + 1)}, False, id="list-101"),
        pytest.param({"k": 10**200}, False, id="number-too-long"),
    ],
)
def test_metadata_limits_hold_on_both_sides_of_each_boundary(
    metadata: dict[str, Any], ok: bool
) -> None:
    if ok:
        assert validate_event(body(metadata=metadata))[0].metadata == metadata
    else:
        with pytest.raises(BadRequest):
            validate_event(body(metadata=metadata))


@pytest.mark.parametrize("field", ["eventName", "transactionId", "currency", "userId", "coupon"])
def test_string_fields_are_capped_at_256_characters(field: str) -> None:
    validate_event(body(**{field: "x" * limits.STRING_FIELD_MAX_CHARS}))
    with pytest.raises(BadRequest, match=f"{field} is longer than 256"):
        validate_event(body(**{field: "x" * (limits.STRING_FIELD_MAX_CHARS + 1)}))


@pytest.mark.parametrize("value", [0, -5, 1.5, 2**53 - 1, -(2**53 - 1), 1e-300])
def test_any_finite_number_in_range_is_a_value(value: float) -> None:
    assert validate_event(body(value=value))[0].value == value


def test_optional_fields_sent_as_null_count_as_not_sent() -> None:
    fields, warnings = validate_event(body(metadata=None, coupon=None, userId=None))
    assert (fields.metadata, fields.coupon, fields.user_id) == (None, None, None)
    assert warnings == []


def test_numbers_in_metadata_are_kept_and_flagged() -> None:
    fields, warnings = validate_event(body(metadata={"orderId": 182394, "amount": 100.5}))
    assert fields.metadata == {"orderId": 182394, "amount": 100.5}
    assert [w.code for w in warnings] == ["metadata-number", "metadata-number"]
    assert "orderId" in warnings[0].message


def test_unknown_fields_are_ignored_and_flagged() -> None:
    fields, warnings = validate_event(body(colour="red", id="evt_x"))
    assert fields.id is None
    assert [w.message for w in warnings] == [
        "unknown field 'colour' was ignored",
        "unknown field 'id' was ignored",
    ]


def test_an_update_body_may_name_the_event_id() -> None:
    fields, warnings = validate_event(body(id="evt_1"), update=True)
    assert fields.id == "evt_1"
    assert warnings == []


def test_long_keys_are_shortened_in_messages() -> None:
    with pytest.raises(BadRequest) as caught:
        validate_event(body(metadata={"x" * 41: "v"}))
    assert caught.value.message == (
        "metadata key 'xxxxxxxxxxxxxxxxxxxx…' is longer than 40 characters"
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param(b"{", "body is not valid JSON", id="truncated"),
        pytest.param(b"", "body is not valid JSON", id="empty"),
        pytest.param(b"\xff\xfe{}", "body is not valid UTF-8", id="latin-1"),
        pytest.param(b'{"a": "\xc3"}', "body is not valid UTF-8", id="cut-utf8"),
        pytest.param(b"\xef\xbb\xbf{}", "byte order mark", id="bom"),
        pytest.param(b'{"value": NaN}', "body is not valid JSON: unexpected character", id="nan"),
        pytest.param(b'{"value": Infinity}', "body is not valid JSON: unexpected", id="infinity"),
        pytest.param(b'{"value": -Infinity}', "body is not valid JSON: ", id="minus-infinity"),
        pytest.param(b'{"value": 1e400}', "number is infinity", id="huge-exponent"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, "depth limit exceeded", id="deep"),
        pytest.param(b'{"value": ' + b"9" * 5000 + b"}", "body is not valid JSON", id="long-int"),
    ],
)
def test_bad_json_is_refused(raw: bytes, message: str) -> None:
    with pytest.raises(BadRequest, match=message):
        decode_json(raw)


def test_integers_past_64_bits_parse_as_floats_and_are_refused_as_values() -> None:
    with pytest.raises(BadRequest, match="value is out of range"):
        validate_event(decode_json(b'{"eventName": "a", "value": 99999999999999999999999}'))


def test_lone_surrogate_escapes_are_not_valid_json() -> None:
    with pytest.raises(BadRequest, match="body is not valid JSON: no low surrogate"):
        decode_json(b'{"eventName": "\\ud83d"}')


def query(*items: tuple[str, str]) -> ListQuery:
    return parse_list_query(items, max_params=64)[0]


def test_list_query_defaults() -> None:
    assert query() == ListQuery(limit=20)


@pytest.mark.parametrize("raw", ["1", "20", "100", "007"])
def test_limit_accepts_plain_digits_in_range(raw: str) -> None:
    assert query(("limit", raw)).limit == int(raw)


@pytest.mark.parametrize(
    "raw", ["0", "101", "-1", "+5", " 5", "5 ", "5.0", "1e1", "0x5", "", "abc", "\u0665", "9" * 30]
)
def test_limit_in_any_other_form_is_refused(raw: str) -> None:
    with pytest.raises(BadRequest, match="limit must be an integer from 1 to 100"):
        query(("limit", raw))


def test_single_valued_parameters_may_not_repeat() -> None:
    with pytest.raises(BadRequest, match="limit is given more than once"):
        query(("limit", "5"), ("limit", "6"))
    with pytest.raises(BadRequest, match="startingAfter is given more than once"):
        query(("startingAfter", "a"), ("startingAfter", "b"))


def test_event_names_and_values_repeat_and_deduplicate() -> None:
    parsed = query(("eventName", "A"), ("eventName", "B"), ("eventName", "A"), ("value", "250"))
    assert parsed.event_names == ("A", "B")
    assert parsed.values == (250.0,)


@pytest.mark.parametrize("raw", ["abc", "1,5", "NaN", "inf", "1e999", "", " 1", "0x10", "1_000"])
def test_value_filter_must_be_a_number(raw: str) -> None:
    with pytest.raises(BadRequest, match="value filter must be a"):
        query(("value", raw))


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("metadata.amount", "amount"),
        ("metadata.a.b", "a.b"),
        ("metadata.[0]", "[0]"),
        ("metadata.__proto__", "__proto__"),
        ("metadata.$where", "$where"),
        ("metadata. spaced ", " spaced "),
    ],
)
def test_metadata_filter_keys_are_taken_literally(name: str, key: str) -> None:
    assert query((name, "v")).metadata == ((key, "v"),)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("metadata.", "metadata filter needs a key"),
        ("metadata." + "k" * 41, "is longer than 40 characters"),
    ],
)
def test_bad_metadata_filter_keys_are_refused(name: str, message: str) -> None:
    with pytest.raises(BadRequest, match=message):
        query((name, "v"))


def test_unknown_query_parameters_are_ignored_and_flagged() -> None:
    parsed, warnings = parse_list_query([("sort", "asc"), ("metadata", "x")], max_params=64)
    assert parsed == ListQuery()
    assert [w.code for w in warnings] == ["unknown-query-parameter"] * 2


def test_query_parameter_count_is_bounded() -> None:
    parse_list_query([("eventName", "a")] * 64, max_params=64)
    with pytest.raises(BadRequest, match="too many query parameters"):
        parse_list_query([("eventName", "a")] * 65, max_params=64)


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([], (50, 0)),
        ([("first", "1"), ("skip", "0")], (1, 0)),
        ([("first", "500"), ("skip", "7")], (500, 7)),
    ],
)
def test_coupon_paging(items: list[tuple[str, str]], expected: tuple[int, int]) -> None:
    assert parse_coupon_page(items) == expected


@pytest.mark.parametrize(
    "items", [[("first", "0")], [("first", "501")], [("skip", "-1")], [("first", "x")]]
)
def test_coupon_paging_out_of_range_is_refused(items: list[tuple[str, str]]) -> None:
    with pytest.raises(BadRequest):
        parse_coupon_page(items)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param(
            {"event_name": "a", "value": 1},
            "eventName is required (the body has event_name; fields are camelCase)",
            id="snake_case",
        ),
        pytest.param(
            {"EventName": "a", "value": 1},
            "eventName is required (the body has EventName; names are case-sensitive)",
            id="case-variant",
        ),
        pytest.param(
            {"event-name": "a", "value": 1},
            "eventName is required (the body has event-name; fields are camelCase)",
            id="kebab-case",
        ),
        pytest.param(
            {"eventName": "a", "VALUE": 1},
            "value is required (the body has VALUE; names are case-sensitive)",
            id="upper-case-value",
        ),
        pytest.param(
            {"name": "a", "value": 1}, "eventName is required", id="no-look-alike-no-hint"
        ),
    ],
)
def test_a_missing_field_names_its_misspelling_in_the_400(raw: object, message: str) -> None:
    with pytest.raises(BadRequest) as caught:
        validate_event(raw)
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("field", "update", "meant"),
    [
        pytest.param("transaction_id", False, "transactionId", id="snake-optional"),
        pytest.param("USERID", False, "userId", id="upper-optional"),
        pytest.param("ID", True, "id", id="update-id"),
        pytest.param("ID", False, None, id="id-is-not-a-create-field"),
        pytest.param("colour", False, None, id="unrelated"),
    ],
)
def test_an_unknown_field_that_misspells_a_documented_one_says_which(
    field: str, update: bool, meant: str | None
) -> None:
    _, warnings = validate_event(body(**{field: "x"}), update=update)
    hint = f" (did you mean {meant}?)" if meant else ""
    assert [w.message for w in warnings] == [f"unknown field '{field}' was ignored{hint}"]


@settings(max_examples=examples(300), deadline=None)
@given(st.text(alphabet="ab=&;. é\u00ff[]", max_size=30))
def test_a_query_without_escapes_splits_as_parse_qsl_does(text: str) -> None:
    raw = text.encode("latin-1")
    assert decode_query(raw) == parse_qsl(text, keep_blank_values=True, errors="strict")
