"""The API's handlers. Each reads: authenticate, admit, parse, validate, act, render."""

from __future__ import annotations

import asyncio
import math
import re
import time
from typing import Any, cast

from starlette.requests import Request
from starlette.responses import Response

from . import render
from .calls import CallContext, call_context
from .errors import (
    BadRequest,
    Forbidden,
    InjectedFault,
    NotFound,
    PayloadTooLarge,
    Unauthorized,
    UnsupportedMediaType,
)
from .faults import reason
from .models import ContractWarning
from .responses import JSONResponse
from .state import MockState
from .store import Account
from .validation import (
    decode_json,
    list_query,
    parse_coupon_page,
    validate_event,
)

_KEY_RE = re.compile(r"\S+")
LEGACY_PATH_WARNING = ContractWarning(
    "legacy-path", "/events is the older path; the API documents /tracking/events"
)


class ConnectionDropped(Exception):
    """Raised to close the connection without an answer (``drop_next``)."""


def mock_state(request: Request) -> MockState:
    return cast(MockState, request.app.state.mock)


def authenticate(request: Request, state: MockState, call: CallContext) -> Account:
    """The account of the request's ``Authorization: Bearer <key>``, or 401/403."""
    header = request.headers.get("authorization")
    if header is None:
        raise Unauthorized("Unauthorized: missing Authorization header")
    scheme, _, key = header.strip().partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or _KEY_RE.fullmatch(key) is None:
        raise Unauthorized("Unauthorized: the Authorization header must be 'Bearer <client key>'")
    account = state.store.account_for_key(key)
    if account is None:
        raise Unauthorized("Unauthorized: unknown client key")
    call.account = account.name
    if account.spec.disabled:
        raise Forbidden("Forbidden: this client key is not allowed")
    return account


async def _hold(seconds: float) -> None:
    """Wait at least ``seconds``: uvloop's timers step in milliseconds and may fire early."""
    deadline = time.perf_counter() + seconds
    while (left := deadline - time.perf_counter()) > 0:
        await asyncio.sleep(left)


async def admit(request: Request, state: MockState, call: CallContext) -> Account:
    """Authenticate, then apply the account's injected delays, failures and rate limit."""
    account = authenticate(request, state, call)
    if not account.faults.active:
        return account
    verdict = account.faults.judge(request.method, request.url.path)
    if verdict.delay:
        call.fault = "delay"
        try:
            await _hold(verdict.delay)
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


def flag(state: MockState, call: CallContext, warnings: list[ContractWarning]) -> None:
    """Record contract warnings; in strict mode refuse the call instead."""
    if not warnings:
        return
    call.warnings.extend(warnings)
    if state.settings.strict:
        raise BadRequest(
            "contract warning (strict mode): " + "; ".join(w.message for w in warnings)
        )


async def read_json(request: Request, state: MockState, call: CallContext) -> Any:
    """The body as JSON: 415 unless it is declared JSON, 413 past the size limit."""
    limit = state.settings.max_body_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"body is larger than {limit} bytes")
    media_type, _, params = request.headers.get("content-type", "").partition(";")
    media_type = media_type.strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise UnsupportedMediaType("Content-Type must be application/json")
    charset = params.strip().lower()
    if charset and charset.replace(" ", "") not in ("charset=utf-8", 'charset="utf-8"'):
        raise UnsupportedMediaType("the body must be UTF-8 JSON (charset=utf-8)")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"body is larger than {limit} bytes")
        chunks.append(chunk)
    call.body = raw = b"".join(chunks)
    return decode_json(raw)


async def _list(request: Request, legacy: bool) -> Response:
    state, call = mock_state(request), call_context(request.scope)
    account = await admit(request, state, call)
    query, warnings = list_query(
        request.scope["query_string"], max_params=state.settings.max_query_params
    )
    flag(state, call, [LEGACY_PATH_WARNING, *warnings] if legacy else warnings)
    page = state.store.list_events(account, query)
    return JSONResponse(render.page_json(page, hash_ids=state.settings.hash_ids))


async def _create(request: Request, legacy: bool) -> Response:
    state, call = mock_state(request), call_context(request.scope)
    account = await admit(request, state, call)
    fields, warnings = validate_event(await read_json(request, state, call))
    flag(state, call, [LEGACY_PATH_WARNING, *warnings] if legacy else warnings)
    event = state.store.create_event(account, fields)
    return JSONResponse(render.success(render.event_json(event, hash_ids=state.settings.hash_ids)))


async def _update(request: Request, legacy: bool) -> Response:
    state, call = mock_state(request), call_context(request.scope)
    account = await admit(request, state, call)
    fields, warnings = validate_event(await read_json(request, state, call), update=True)
    flag(state, call, [LEGACY_PATH_WARNING, *warnings] if legacy else warnings)
    event = state.store.update_event(account, fields)
    return JSONResponse(render.success(render.event_json(event, hash_ids=state.settings.hash_ids)))


_BY_METHOD = {"GET": _list, "HEAD": _list, "POST": _create, "PUT": _update}


async def tracking_events(request: Request) -> Response:
    """``/tracking/events``: GET lists, POST creates, PUT updates."""
    return await _BY_METHOD[request.method](request, False)


async def legacy_events(request: Request) -> Response:
    """``/events``: the older documented path, served as an alias and flagged."""
    return await _BY_METHOD[request.method](request, True)


async def campaign_coupons(request: Request) -> Response:
    """``GET /client/campaigns/{id}/coupons``: a seeded campaign's coupon codes."""
    state, call = mock_state(request), call_context(request.scope)
    account = await admit(request, state, call)
    first, skip = parse_coupon_page(request.query_params.multi_items())
    campaign_id = request.path_params["campaign_id"]
    coupons = state.store.coupons(account, campaign_id)
    if coupons is None:
        raise NotFound("no campaign with that id")
    nodes = [{"code": code, "campaignId": campaign_id} for code in coupons[skip : skip + first]]
    return JSONResponse(render.success({"nodes": nodes, "totalCount": len(coupons)}))
