"""The fixture format's account rules: what a document, an account and a seeded event may hold.

Pure checks on already-loaded data (no file or YAML handling, see ``seed.py``): YAML fixtures,
JSON Lines headers, the admin JSON API, snapshots and recordings all build accounts here. Each
rule raises ``SeedError`` with one message; where the data came from a ``LineMap``, the message
starts with the line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from . import limits
from .coupons import coupons_of, generated_id, now_text
from .errors import ApiError, SeedError
from .linemap import at_line
from .models import AccountSpec, Coupon, SeedEvent
from .render import iso_timestamp
from .validation import validate_event

FORMAT_VERSION = 1
_NAME_RE = re.compile(r"[A-Za-z0-9_.-]{1,64}")
_TOKEN_RE = re.compile(rf"[\x21-\x7e]{{1,{limits.TOKEN_MAX_CHARS}}}")
_ID_RE = re.compile(rf"(?s:.{{1,{limits.STRING_FIELD_MAX_CHARS}}})")
"""Coupon codes, event names and metric ids: the API's string-field limit."""
_TOP_KEYS = {"version", "accounts"}
_ACCOUNT_KEYS = {"keys", "campaigns", "metrics", "events", "disabled", "strict", "hashIds"}
_SEED_ONLY_EVENT_KEYS = {"id", "createdAt"}
_COUPON_KEYS = {"code", "id", "tag", "item_type_id", "created_at", "updated_at"}
_TOKEN_RULE = f"1-{limits.TOKEN_MAX_CHARS} visible ASCII characters"
_COUPON_TEXT_MAX = limits.COUPON_TEXT_MAX_CHARS


def _mapping(value: object, where: str, allowed: set[str] | None = None) -> dict[Any, Any]:
    if not isinstance(value, dict):
        raise SeedError(f"{where} must be a mapping")
    if allowed is not None:
        for key in value:
            if key not in allowed:
                raise SeedError(
                    f"{at_line(value, key)}unknown key {key!r} in {where.split(': ')[-1]} "
                    f"(allowed: {', '.join(sorted(allowed))})"
                )
    return value


def parse_document(document: object) -> Iterator[AccountSpec]:
    """The accounts of one fixture document (``version: 1`` and ``accounts``), checked."""
    top = _mapping(document, "the document", _TOP_KEYS)
    if top.get("version") != FORMAT_VERSION or isinstance(top.get("version"), bool):
        raise SeedError(f"{at_line(top, 'version')}'version: {FORMAT_VERSION}' is required")
    accounts = top.get("accounts") or {}
    accounts = _mapping(accounts, f"{at_line(top, 'accounts')}accounts")
    ids: set[str] = set()
    for name, body in accounts.items():
        where = at_line(accounts, name)
        if not isinstance(name, str) or _NAME_RE.fullmatch(name) is None:
            raise SeedError(
                f"{where}account name {name!r} must be 1-64 letters, digits, '_', '.' or '-'"
            )
        yield _account(name, _mapping(body, f"{where}account {name!r}", _ACCOUNT_KEYS), ids)


def _strings(
    value: object,
    where: str,
    pattern: re.Pattern[str] | None = None,
    rule: str = _TOKEN_RULE,
) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise SeedError(f"{where} must be a list of strings")
    if pattern is not None:
        for item in value:
            if pattern.fullmatch(item) is None:
                raise SeedError(f"{where} holds a value that is not {rule}")
    return tuple(value)


def parse_account(name: str, body: object, ids: set[str] | None = None) -> AccountSpec:
    """Validate one account body as a fixture gives it (also used for JSON from the admin API)."""
    if _NAME_RE.fullmatch(name) is None:
        raise SeedError(f"account name {name!r} must be 1-64 letters, digits, '_', '.' or '-'")
    return _account(
        name, _mapping(body, f"account {name!r}", _ACCOUNT_KEYS), set() if ids is None else ids
    )


def _account(name: str, body: dict[str, Any], ids: set[str]) -> AccountSpec:
    keys = _strings(body.get("keys", []), f"{at_line(body, 'keys')}keys of {name!r}", _TOKEN_RE)
    if len(set(keys)) != len(keys):
        raise SeedError(f"{at_line(body, 'keys')}account {name!r} lists a key twice")
    disabled = body.get("disabled", False)
    if not isinstance(disabled, bool):
        raise SeedError(f"{at_line(body, 'disabled')}disabled must be true or false")
    # Per-account overrides of --strict and --hash-ids (absent or null: the server's).
    options = {name: body.get(name) for name in ("strict", "hashIds")}
    for option, value in options.items():
        if value is not None and not isinstance(value, bool):
            raise SeedError(f"{at_line(body, option)}{option} must be true, false or null")

    campaigns: dict[str, tuple[Coupon, ...]] = {}
    coupon_owner: dict[str, str] = {}
    loaded = now_text()
    raw_campaigns = _mapping(body.get("campaigns") or {}, f"{at_line(body, 'campaigns')}campaigns")
    for campaign, spec in raw_campaigns.items():
        where = at_line(raw_campaigns, campaign)
        if not isinstance(campaign, str) or _TOKEN_RE.fullmatch(campaign) is None:
            raise SeedError(f"{where}campaign id {campaign!r} must be {_TOKEN_RULE}")
        spec = _mapping(spec, f"{where}campaign {campaign!r}", {"coupons"})
        coupons = _coupons(campaign, spec.get("coupons", []), where, loaded)
        for coupon in coupons:
            if coupon.code in coupon_owner:
                raise SeedError(f"{where}coupon {coupon.code!r} belongs to two campaigns")
            coupon_owner[coupon.code] = campaign
        campaigns[campaign] = coupons

    metrics: dict[str, str] = {}
    raw_metrics = _mapping(body.get("metrics") or {}, f"{at_line(body, 'metrics')}metrics")
    for event_name, metric in raw_metrics.items():
        if not isinstance(event_name, str) or not isinstance(metric, str) or not metric:
            raise SeedError(
                f"{at_line(raw_metrics, event_name)}metrics map event names to metric ids (strings)"
            )
        if _ID_RE.fullmatch(metric) is None or _ID_RE.fullmatch(event_name) is None:
            raise SeedError(
                f"{at_line(raw_metrics, event_name)}event names and metric ids must be 1-"
                f"{limits.STRING_FIELD_MAX_CHARS} characters"
            )
        metrics[event_name] = metric

    raw_events = body.get("events", [])
    if not isinstance(raw_events, list):
        raise SeedError(f"{at_line(body, 'events')}events of {name!r} must be a list")
    events = tuple(_event(raw, name, ids, at_line(body, "events")) for raw in raw_events)
    return AccountSpec(
        name,
        keys,
        campaigns,
        metrics,
        events,
        disabled,
        strict=options["strict"],
        hash_ids=options["hashIds"],
    )


def _coupons(campaign: str, raw: object, where: str, loaded: str) -> tuple[Coupon, ...]:
    """A campaign's coupons: plain codes, or mappings with the fields the API lists."""
    if not isinstance(raw, list):
        raise SeedError(f"{where}coupons of {campaign!r} must be a list")
    coupons: list[Coupon] = []
    for item in raw:
        if isinstance(item, str):
            coupons.extend(coupons_of(campaign, [_code(item, campaign, where)], created_at=loaded))
        elif isinstance(item, dict):
            coupons.append(
                _coupon(campaign, _mapping(item, f"a coupon of {campaign!r}", _COUPON_KEYS), loaded)
            )
        else:
            raise SeedError(
                f"{at_line(item) or where}a coupon of {campaign!r} must be a code or a mapping"
            )
    return tuple(coupons)


def _code(code: str, campaign: str, where: str) -> str:
    """A coupon code within the API's string-field limit (an event sends it as ``coupon``)."""
    if _ID_RE.fullmatch(code) is None:
        raise SeedError(
            f"{where}coupon codes of {campaign!r} must be 1-{limits.STRING_FIELD_MAX_CHARS} "
            "characters"
        )
    return code


def _coupon(campaign: str, raw: dict[str, Any], loaded: str) -> Coupon:
    code = raw.get("code")
    if not isinstance(code, str) or not code:
        raise SeedError(f"{at_line(raw)}a coupon of {campaign!r} needs a code (a string)")
    _code(code, campaign, at_line(raw, "code"))
    coupon_id = raw.get("id")
    if coupon_id is None:
        coupon_id = generated_id(campaign, code)
    elif not isinstance(coupon_id, str) or _TOKEN_RE.fullmatch(coupon_id) is None:
        raise SeedError(f"{at_line(raw, 'id')}coupon id must be {_TOKEN_RULE}")
    texts: dict[str, str | None] = {}
    for name in ("tag", "item_type_id"):
        value = raw.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > _COUPON_TEXT_MAX):
            raise SeedError(
                f"{at_line(raw, name)}coupon {name} must be a string of at most "
                f"{_COUPON_TEXT_MAX} characters"
            )
        texts[name] = value
    created = _coupon_time(raw, "created_at", loaded)
    return Coupon(
        code=code,
        id=coupon_id,
        created_at=created,
        updated_at=_coupon_time(raw, "updated_at", created),
        tag=texts["tag"],
        item_type_id=texts["item_type_id"],
    )


def _coupon_time(raw: dict[str, Any], name: str, default: str) -> str:
    value = raw.get(name)
    if value is None:
        return default
    seconds = _timestamp(value, at_line(raw, name), name)
    return iso_timestamp(round(seconds * 1_000_000))


def _event(raw: object, account: str, ids: set[str], fallback: str) -> SeedEvent:
    where = at_line(raw) or fallback
    if not isinstance(raw, dict):
        raise SeedError(f"{where}each event of {account!r} must be a mapping")
    body = {k: v for k, v in raw.items() if k not in _SEED_ONLY_EVENT_KEYS}
    try:
        fields, warnings = validate_event(body)
    except ApiError as exc:
        raise SeedError(f"{where}event of {account!r}: {exc.message}") from None
    for warning in warnings:
        if warning.code == "unknown-field":
            raise SeedError(
                f"{where}event of {account!r}: {warning.message.replace(' was ignored', '')}"
            )
    event_id = raw.get("id")
    if event_id is not None:
        if not isinstance(event_id, str) or _TOKEN_RE.fullmatch(event_id) is None:
            raise SeedError(f"{at_line(raw, 'id')}event id must be {_TOKEN_RULE}")
        if event_id in ids:
            raise SeedError(f"{at_line(raw, 'id')}duplicate event id {event_id!r}")
        ids.add(event_id)
    created = raw.get("createdAt")
    return SeedEvent(
        fields,
        event_id,
        None if created is None else _timestamp(created, at_line(raw, "createdAt")),
    )


def _timestamp(value: object, where: str, name: str = "createdAt") -> float:
    if not isinstance(value, str):
        raise SeedError(f"{where}{name} must be an ISO-8601 date-time string")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise SeedError(f"{where}{name} {value!r} is not an ISO-8601 date-time") from None
    if moment.tzinfo is None:
        raise SeedError(f"{where}{name} {value!r} needs a time zone, e.g. a trailing Z")
    if not 1970 <= moment.year <= 9999:
        raise SeedError(f"{where}{name} must fall between 1970 and 9999")
    return moment.timestamp()


def seed_event(raw: object, account: str, ids: set[str]) -> SeedEvent:
    """Validate one event as a fixture gives it (also used for JSON Lines fixtures)."""
    return _event(raw, account, ids, "")
