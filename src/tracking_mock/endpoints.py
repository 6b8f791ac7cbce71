"""The API's handlers. Each reads: authenticate, admit, parse, validate, act, render."""

from __future__ import annotations

import asyncio
import logging
import math
import re
import time
from typing import Any, cast

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from . import render
from .errors import (
    BadRequest,
    Forbidden,
    InjectedFault,
    PayloadTooLarge,
    Unauthorized,
    UnsupportedMediaType,
)
from .faults import reason
from .hints import FIXTURES_REPLACED, refused_key_note
from .journal_middleware import CallContext, call_context
from .models import ContractWarning, EventFields
from .plan.rules import plan_violation_message
from .responses import JSONResponse
from .state import MockState
from .store import Account
from .validation import (
    decode_json,
    list_query,
    parse_coupon_page,
    validate_event,
)

logger = logging.getLogger("tracking_mock")
_KEY_RE = re.compile(r"\S+")
UNAUTHORIZED = "Unauthorized"
"""The documented 401 text, exactly."""
FORBIDDEN = "Forbidden"
"""The 403 text: the mock's choice, in the same style."""
LEGACY_PATH_WARNING = ContractWarning(
    "legacy-path", "/events is the older path; the API documents /tracking/events"
)


class ConnectionDropped(Exception):
    """Raised to close the connection without an answer (``drop_next``)."""


def mock_state(request: Request) -> MockState:
    return cast(MockState, request.app.state.mock)


def header(request: Request, name: bytes) -> str | None:
    """The first value of the request header ``name`` (lower-case), as ``Headers.get`` gives it.

    A scan of the raw ASGI list: building Starlette's ``Headers`` and looking up through it
    costs several times more, on every API call.
    """
    for key, value in request.scope["headers"]:
        if key == name:
            return cast(bytes, value).decode("latin-1")
    return None


def authenticate(request: Request, state: MockState, call: CallContext) -> Account:
    """The account of the request's ``Authorization: Bearer <key>``, or 401/403."""
    # The texts are the documented ones; the precise reason goes to the journal only.
    given = header(request, b"authorization")
    if given is None:
        raise Unauthorized(UNAUTHORIZED, reason="missing Authorization header")
    scheme, _, key = given.strip().partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or _KEY_RE.fullmatch(key) is None:
        raise Unauthorized(
            UNAUTHORIZED, reason="the Authorization header is not 'Bearer <client key>'"
        )
    account = state.store.account_for_key(key)
    if account is None:
        raise Unauthorized(UNAUTHORIZED, reason="unknown client key")
    call.account = account.name
    if account.spec.disabled:
        raise Forbidden(FORBIDDEN, reason="the client key's account is disabled")
    return account


async def _hold(request: Request, seconds: float) -> None:
    """Wait out an injected delay; a bodiless call whose client hangs up meanwhile ends (499).

    It waits at least ``seconds``: uvloop's timers step in milliseconds and may fire early.
    Only a call without a body can listen for the hang-up: listening reads the body.
    """
    deadline = time.perf_counter() + seconds
    listen = request.method in ("GET", "HEAD")
    while (left := deadline - time.perf_counter()) > 0:
        if not listen:
            await asyncio.sleep(left)
            continue
        try:
            async with asyncio.timeout(left):
                while (await request.receive())["type"] != "http.disconnect":
                    pass
        except TimeoutError:
            continue
        raise ClientDisconnect


async def admit(request: Request, state: MockState, call: CallContext) -> Account:
    """Authenticate, then apply the account's injected delays, failures and rate limit."""
    try:
        account = authenticate(request, state, call)
    except (Unauthorized, Forbidden) as refused:
        _explain_refusal(request, state, call, refused.status)
        raise
    if not account.faults.active:
        return account
    verdict = account.faults.judge(request.method, request.url.path)
    if verdict.delay:
        call.fault = "delay"
        call.update()  # the held call shows its account while it waits
        try:
            await _hold(request, verdict.delay)
        except asyncio.CancelledError:
            # Only a stopping server cancels a call: hang up rather than answer with a 500.
            task = asyncio.current_task()
            if task is not None:
                task.uncancel()
            call.fault = "drop"
            raise ConnectionDropped from None
    if verdict.fault == "drop":
        call.fault = "drop"
        raise ConnectionDropped
    if verdict.fail_status is not None:
        call.fault = verdict.fault
        headers = (
            {"Retry-After": str(math.ceil(verdict.retry_after))}
            if verdict.retry_after is not None
            else None
        )
        raise InjectedFault(verdict.fail_status, reason(verdict.fail_status), headers=headers)
    return account


def _explain_refusal(request: Request, state: MockState, call: CallContext, status: int) -> None:
    """Put why the key was refused on the call's journal record (and in the log)."""
    given = header(request, b"authorization")
    disabled = call.account if status == Forbidden.status else None
    call.reason = note = refused_key_note(given, state.settings, disabled)
    # The request log shows the note; the one a new user trips on unawares is worth a warning
    # too, which shows even where calls are not logged. The path is the client's (a campaign
    # id may be anything): quoted and cut, one line.
    if FIXTURES_REPLACED in note:
        logger.warning(
            "%s %.100r refused with %d: %s", request.method, request.url.path, status, note
        )


def strict_for(state: MockState, account: Account) -> bool:
    """The account's own strict mode when it has one, else the server's."""
    own = account.spec.strict
    return state.settings.strict if own is None else own


def hash_ids_for(state: MockState, account: Account) -> bool:
    """The account's own ``hashIds`` when it has one, else the server's ``--hash-ids``."""
    own = account.spec.hash_ids
    return state.settings.hash_ids if own is None else own


def flag(
    state: MockState, call: CallContext, account: Account, warnings: list[ContractWarning]
) -> None:
    """Record contract warnings; in strict mode refuse the call instead (notes never)."""
    if not warnings:
        return
    call.warnings.extend(warnings)
    refused = [w.message for w in warnings if not w.note]
    if refused and strict_for(state, account):
        raise BadRequest("contract warning (strict mode): " + "; ".join(refused))


def check_plan(state: MockState, account: Account, call: CallContext, fields: EventFields) -> None:
    """Check a valid event against the account's tracking plan; in enforce mode refuse it."""
    slot = account.plan
    plan = slot.plan if slot.plan is not None else state.plan
    mode = slot.mode or state.settings.plan_mode
    if plan is None or mode == "off":
        return
    violations = plan.check(fields)
    slot.coverage.record(fields.event_name, fields.event_name in plan.events, bool(violations))
    if not violations:
        return
    call.warnings.extend(violations)
    if mode == "enforce":
        raise BadRequest(plan_violation_message(violations))


async def read_json(request: Request, state: MockState, call: CallContext) -> Any:
    """The body as JSON: 400 without a Content-Type, 415 for another type, 413 past the limit."""
    limit = state.settings.max_body_bytes
    declared = header(request, b"content-length") or ""
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"body is larger than {limit} bytes")
    content_type = header(request, b"content-type")
    if content_type is None:
        # The API's backend most likely reads no body without the header and fails its usual
        # validation (400); 415 stays for a type that is declared and is not JSON.
        raise BadRequest("the Content-Type header is missing: send Content-Type: application/json")
    media_type, _, params = content_type.partition(";")
    media_type = media_type.strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise UnsupportedMediaType("Content-Type must be application/json")
    charset = params.strip().lower()
    if charset and charset.replace(" ", "") not in ("charset=utf-8", 'charset="utf-8"'):
        raise UnsupportedMediaType("the body must be UTF-8 JSON (charset=utf-8)")
    # Read from ``receive`` as ``Request.stream`` does, without its async generator (a cost on
    # every write): chunks until one says no more body follows; a hang-up ends the call.
    receive = request.receive
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        kind = message["type"]
        if kind == "http.disconnect":
            raise ClientDisconnect
        if kind != "http.request":
            continue
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"body is larger than {limit} bytes")
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    call.body = raw = b"".join(chunks)
    return decode_json(raw)


async def _list(request: Request, legacy: bool) -> Response:
    state, call = mock_state(request), call_context(request.scope)
    account = await admit(request, state, call)
    query, warnings = list_query(
        request.scope["query_string"], max_params=state.settings.max_query_params
    )
    flag(state, call, account, [LEGACY_PATH_WARNING, *warnings] if legacy else warnings)
    page = state.store.list_events(account, query)
    return JSONResponse(render.page_json(page, hash_ids=hash_ids_for(state, account)))


async def _create(request: Request, legacy: bool) -> Response:
    state, call = mock_state(request), call_context(request.scope)
    account = await admit(request, state, call)
    fields, warnings = validate_event(await read_json(request, state, call))
    flag(state, call, account, [LEGACY_PATH_WARNING, *warnings] if legacy else warnings)
    check_plan(state, account, call, fields)
    if call.mirror is None:
        event = state.store.create_event(account, fields)
    else:  # a proxied create keeps the id and time the upstream gave it
        event_id, created_at = call.mirror
        event = state.store.create_event(account, fields, event_id=event_id, created_at=created_at)
    return JSONResponse(
        render.success(render.event_json(event, hash_ids=hash_ids_for(state, account)))
    )


async def _update(request: Request, legacy: bool) -> Response:
    state, call = mock_state(request), call_context(request.scope)
    account = await admit(request, state, call)
    fields, warnings = validate_event(await read_json(request, state, call), update=True)
    flag(state, call, account, [LEGACY_PATH_WARNING, *warnings] if legacy else warnings)
    check_plan(state, account, call, fields)
    event = state.store.update_event(account, fields)
    return JSONResponse(
        render.success(render.event_json(event, hash_ids=hash_ids_for(state, account)))
    )


_BY_METHOD = {"GET": _list, "HEAD": _list, "POST": _create, "PUT": _update}


async def tracking_events(request: Request) -> Response:
    """``/tracking/events``: GET lists, POST creates, PUT updates."""
    return await _BY_METHOD[request.method](request, False)


async def legacy_events(request: Request) -> Response:
    """``/events``: the older documented path, served as an alias and flagged."""
    return await _BY_METHOD[request.method](request, True)


async def campaign_coupons(request: Request) -> Response:
    """``GET /client/campaigns/{id}/coupons``: a campaign's coupons, an empty page if not yours."""
    state, call = mock_state(request), call_context(request.scope)
    account = await admit(request, state, call)
    first, skip = parse_coupon_page(request.query_params.multi_items())
    campaign_id = request.path_params["campaign_id"]
    # Documented: another client's campaign is an empty page. Decided: so is an unknown one.
    coupons = state.store.coupons(account, campaign_id)
    nodes = [render.coupon_json(campaign_id, c) for c in coupons[skip : skip + first]]
    return JSONResponse(render.success({"nodes": nodes, "totalCount": len(coupons)}))
