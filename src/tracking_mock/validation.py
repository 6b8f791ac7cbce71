"""Turn untrusted request input into validated records, or raise ``BadRequest``.

Pure: no HTTP, no state. Everything that the API accepts but flags is returned as a
``ContractWarning`` instead of raised; see ``recipes.py`` for the recommended-event rules.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl

import orjson

from . import apispec, limits
from .errors import BadRequest
from .jsnumber import js_string
from .models import ContractWarning, EventFields, ListQuery, MetadataValue
from .recipes import conversion_type_warnings, missing_value_message, recommended_event_warnings

_CREATE_FIELDS = frozenset(apispec.CREATE_FIELDS + apispec.UNSTORED_INPUT)
_UPDATE_FIELDS = frozenset(apispec.UPDATE_FIELDS + apispec.UNSTORED_INPUT)
_MAX_CHARS = {f.name: apispec.max_chars(f) for f in apispec.OPTIONAL_TEXT_FIELDS}
_EVENT_NAME_MAX_CHARS = apispec.max_chars(apispec.FIELDS["eventName"])
_ID_MAX_CHARS = apispec.max_chars(apispec.FIELDS["id"])
_CURSOR_MAX_CHARS = apispec.max_chars(apispec.LIST_PARAMETER["startingAfter"])
_NAME_FILTER_MAX_CHARS = apispec.max_chars(apispec.LIST_PARAMETER["eventName"])
_VALUE_FILTER_MAX_CHARS = apispec.max_chars(apispec.LIST_PARAMETER["value"])
_SPELLINGS = {name.lower(): name for name in _UPDATE_FIELDS}
"""A documented field by its spelling with case, ``_`` and ``-`` ignored (``event_name``)."""
_LIMIT_RE = re.compile(r"[0-9]{1,9}")
_NUMBER_RE = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_METADATA_PREFIX = apispec.METADATA_FILTER_PREFIX


def decode_json(raw: bytes) -> Any:
    """Parse a request body as UTF-8 JSON, refusing NaN, Infinity and nesting past 1024 levels."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        problem = exc.msg
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"body is not valid UTF-8 (byte {exc.start})") from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raise BadRequest("body is not valid JSON: it starts with a byte order mark")
    raise BadRequest(f"body is not valid JSON: {problem}")


def _check_text(field: str, value: str, max_chars: int) -> str:
    if len(value) > max_chars:
        raise BadRequest(f"{field} is longer than {max_chars} characters")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise BadRequest(f"{field} contains an unpaired surrogate") from None
    return value


def _check_number(field: str, value: object) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadRequest(f"{field} must be a number, not {_json_type(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise BadRequest(f"{field} must be a finite number")
    if abs(value) > limits.MAX_SAFE_NUMBER:
        raise BadRequest(f"{field} is out of range (at most {limits.MAX_SAFE_NUMBER} in size)")
    return value


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _short(key: str) -> str:
    return key if len(key) <= 20 else key[:20] + "…"


def _metadata(raw: object, warnings: list[ContractWarning]) -> dict[str, MetadataValue] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise BadRequest(f"metadata must be an object, not {_json_type(raw)}")
    if len(raw) > limits.METADATA_MAX_ENTRIES:
        raise BadRequest(f"metadata has more than {limits.METADATA_MAX_ENTRIES} entries")
    clean: dict[str, MetadataValue] = {}
    for key, value in raw.items():
        if not key:
            raise BadRequest("metadata keys must not be empty")
        if len(key) > limits.METADATA_KEY_MAX_CHARS:
            raise BadRequest(
                f"metadata key '{_short(key)}' is longer than "
                f"{limits.METADATA_KEY_MAX_CHARS} characters"
            )
        key = sys.intern(_check_text("metadata key", key, limits.METADATA_KEY_MAX_CHARS))
        clean[key] = _metadata_value(key, value, warnings)
    return clean


def _metadata_value(key: str, value: object, warnings: list[ContractWarning]) -> MetadataValue:
    max_chars = limits.METADATA_VALUE_MAX_CHARS
    if isinstance(value, str):  # the common case: checked inline, named only on failure
        if len(value) <= max_chars and value.isascii():
            return value
        return _check_text(f"metadata value '{_short(key)}'", value, max_chars)
    field = f"metadata value '{_short(key)}'"
    if isinstance(value, list):
        if len(value) > limits.METADATA_LIST_MAX_ITEMS:
            raise BadRequest(f"{field} has more than {limits.METADATA_LIST_MAX_ITEMS} elements")
        for item in value:
            if not isinstance(item, str):
                raise BadRequest(f"{field} must hold only strings, not {_json_type(item)}")
            _check_text(f"an element of {field}", item, max_chars)
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = _check_number(field, value)
        if len(js_string(number)) > max_chars:
            raise BadRequest(f"{field} is longer than {max_chars} characters")
        # The docs' own examples send numbers (and their response samples store them as
        # numbers), while the schema says string or string[]: a note strict mode never refuses.
        warnings.append(
            ContractWarning(
                "metadata-number",
                f"metadata value '{_short(key)}' is a number; the API documents strings",
                note=True,
            )
        )
        return number
    raise BadRequest(f"{field} must be a string or an array of strings, not {_json_type(value)}")


def _optional_string(body: dict[str, Any], name: str, max_chars: int) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRequest(f"{name} must be a string, not {_json_type(value)}")
    return _check_text(name, value, max_chars)


def documented_field(name: str, known: frozenset[str] = _UPDATE_FIELDS) -> str | None:
    """The documented field that ``name`` misspells by case, ``_`` or ``-`` (``event_name``).

    ``None`` when ``name`` is documented itself or resembles none of ``known``.
    """
    if name in known:
        return None
    match = _SPELLINGS.get(name.replace("_", "").replace("-", "").lower())
    return match if match in known else None


def _spelling_hint(body: dict[str, Any], field: str, known: frozenset[str]) -> str:
    """`` (the body has event_name; fields are camelCase)`` when the body misspells ``field``."""
    for name in body:
        if documented_field(name, known) == field:
            camel = "_" in name or "-" in name
            why = "fields are camelCase" if camel else "names are case-sensitive"
            return f" (the body has {_short(name)}; {why})"
    return ""


def _require(body: dict[str, Any], field: str, message: str, known: frozenset[str]) -> None:
    if body.get(field) is None:
        # The hint adds to the mock's own message; the status and envelope stay the API's.
        raise BadRequest(f"{message}{_spelling_hint(body, field, known)}")


def _unknown_field(name: str, known: frozenset[str]) -> ContractWarning:
    meant = documented_field(name, known)
    hint = f" (did you mean {meant}?)" if meant is not None else ""
    return ContractWarning("unknown-field", f"unknown field '{_short(name)}' was ignored{hint}")


def validate_event(
    body: object, *, update: bool = False
) -> tuple[EventFields, list[ContractWarning]]:
    """Check a create (or, with ``update``, an update) body and return it with its warnings."""
    if not isinstance(body, dict):
        raise BadRequest(f"body must be a JSON object, not {_json_type(body)}")
    warnings: list[ContractWarning] = []
    known = _UPDATE_FIELDS if update else _CREATE_FIELDS
    _require(body, "eventName", "eventName is required", known)
    _require(body, "value", missing_value_message(body.get("eventName")), known)
    event_name = _optional_string(body, "eventName", _EVENT_NAME_MAX_CHARS)
    if not event_name:
        raise BadRequest("eventName must not be empty")
    # The optional fields spelled out, not looped over apispec.OPTIONAL_TEXT_FIELDS: the loop
    # costs a fifth of this call. tests/test_apispec.py fails for a described field missed here.
    fields = EventFields(
        event_name=sys.intern(event_name),
        value=_check_number("value", body["value"]),
        metadata=_metadata(body.get("metadata"), warnings),
        transaction_id=_optional_string(body, "transactionId", _MAX_CHARS["transactionId"]),
        currency=_optional_string(body, "currency", _MAX_CHARS["currency"]),
        user_id=_optional_string(body, "userId", _MAX_CHARS["userId"]),
        coupon=_optional_string(body, "coupon", _MAX_CHARS["coupon"]),
        id=_optional_string(body, "id", _ID_MAX_CHARS) if update else None,
    )
    warnings.extend(_unknown_field(name, known) for name in body if name not in known)
    if "type" in body:
        warnings.extend(conversion_type_warnings(body["type"]))
    warnings.extend(recommended_event_warnings(fields))
    return fields, warnings


_DEFAULT_QUERY = ListQuery()


def list_query(raw: bytes, *, max_params: int) -> tuple[ListQuery, list[ContractWarning]]:
    """Parse a raw ``GET /tracking/events`` query string (none: the defaults)."""
    if not raw:
        return _DEFAULT_QUERY, []
    return parse_list_query(decode_query(raw), max_params=max_params)


def decode_query(raw: bytes) -> list[tuple[str, str]]:
    """Split a raw query string into pairs, refusing percent-escapes that are not UTF-8."""
    text = raw.decode("latin-1")
    if b"%" not in raw and b"+" not in raw:
        # Nothing to unescape, as in most queries: the pairs ``parse_qsl`` would give, at a
        # quarter of its cost (empty parts dropped, a missing ``=`` an empty value).
        return [
            (name, value)
            for name, _, value in (part.partition("=") for part in text.split("&") if part)
        ]
    try:
        return parse_qsl(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise BadRequest("query string is not valid UTF-8") from None


def _single(name: str, values: list[str]) -> str:
    if len(values) > 1:
        raise BadRequest(f"{name} is given more than once")
    return values[0]


def parse_list_query(
    items: Iterable[tuple[str, str]], *, max_params: int
) -> tuple[ListQuery, list[ContractWarning]]:
    """Parse the query string of ``GET /tracking/events``."""
    grouped: dict[str, list[str]] = {}
    for count, (name, value) in enumerate(items, start=1):
        if count > max_params:
            raise BadRequest(f"too many query parameters (at most {max_params})")
        grouped.setdefault(name, []).append(value)

    warnings: list[ContractWarning] = []
    limit = limits.LIST_LIMIT_DEFAULT
    starting_after: str | None = None
    event_names: list[str] = []
    numbers: list[float] = []
    metadata: list[tuple[str, str]] = []
    for name, values in grouped.items():
        if name == "limit":
            limit = _parse_limit(_single(name, values))
        elif name == "startingAfter":
            starting_after = _single(name, values)
            if not starting_after:
                raise BadRequest("startingAfter must not be empty")
            _check_text(name, starting_after, _CURSOR_MAX_CHARS)
        elif name == "eventName":
            for value in values:
                if not value:
                    raise BadRequest("eventName must not be empty")
                _check_text("eventName", value, _NAME_FILTER_MAX_CHARS)
            event_names.extend(values)
        elif name == "value":
            numbers.extend(_parse_value_filter(value) for value in values)
        elif name.startswith(_METADATA_PREFIX):
            key = name[len(_METADATA_PREFIX) :]
            _check_filter_key(key)
            for value in values:
                _check_text(
                    f"metadata filter '{_short(key)}'", value, limits.METADATA_VALUE_MAX_CHARS
                )
                metadata.append((key, value))
        else:
            warnings.append(
                ContractWarning(
                    "unknown-query-parameter",
                    f"unknown query parameter '{_short(name)}' was ignored",
                )
            )
    query = ListQuery(
        limit=limit,
        starting_after=starting_after,
        event_names=tuple(dict.fromkeys(event_names)),
        values=tuple(dict.fromkeys(numbers)),
        metadata=tuple(dict.fromkeys(metadata)),
    )
    return query, warnings


def _parse_limit(raw: str) -> int:
    # Only plain digits: "+5", " 5", "5.0", "1e1" and "0x5" are all refused.
    if _LIMIT_RE.fullmatch(raw) is None or not (
        limits.LIST_LIMIT_MIN <= int(raw) <= limits.LIST_LIMIT_MAX
    ):
        raise BadRequest(
            f"limit must be an integer from {limits.LIST_LIMIT_MIN} to {limits.LIST_LIMIT_MAX}"
        )
    return int(raw)


def _parse_value_filter(raw: str) -> float:
    if len(raw) > _VALUE_FILTER_MAX_CHARS or _NUMBER_RE.fullmatch(raw) is None:
        raise BadRequest("value filter must be a number")
    number = float(raw)
    if not math.isfinite(number):
        raise BadRequest("value filter must be a finite number")
    # The same range as an event's value: a filter outside it could never match.
    if abs(number) > limits.MAX_SAFE_NUMBER:
        raise BadRequest(f"value filter is out of range (at most {limits.MAX_SAFE_NUMBER} in size)")
    return number


def _check_filter_key(key: str) -> None:
    if not key:
        raise BadRequest("metadata filter needs a key: metadata.KEY=value")
    if len(key) > limits.METADATA_KEY_MAX_CHARS:
        raise BadRequest(
            f"metadata filter key '{_short(key)}' is longer than "
            f"{limits.METADATA_KEY_MAX_CHARS} characters"
        )
    _check_text("metadata filter key", key, limits.METADATA_KEY_MAX_CHARS)


def parse_coupon_page(items: Iterable[tuple[str, str]]) -> tuple[int, int]:
    """Parse ``first`` (1..500, default 50) and ``skip`` (>= 0, default 0) for the coupons list."""
    grouped: dict[str, list[str]] = {}
    for name, value in items:
        grouped.setdefault(name, []).append(value)
    first = limits.COUPONS_FIRST_DEFAULT
    skip = 0
    if "first" in grouped:
        raw = _single("first", grouped["first"])
        if _LIMIT_RE.fullmatch(raw) is None or not (
            limits.COUPONS_FIRST_MIN <= int(raw) <= limits.COUPONS_FIRST_MAX
        ):
            raise BadRequest(
                f"first must be an integer from {limits.COUPONS_FIRST_MIN} "
                f"to {limits.COUPONS_FIRST_MAX}"
            )
        first = int(raw)
    if "skip" in grouped:
        raw = _single("skip", grouped["skip"])
        if _LIMIT_RE.fullmatch(raw) is None:
            raise BadRequest("skip must be a non-negative integer")
        skip = int(raw)
    return first, skip
