"""The ``/_mock`` admin surface: health, reset, the call journal, accounts, faults and clocks.

Who may call it is decided before these handlers run (``guard``: token, Host, JSON only);
every answer is JSON and every error uses the API's envelope.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from . import __version__, limits, render
from .accounts import parse_account
from .call_filter import WHOLE_NUMBER, CallMatch
from .endpoints import hash_ids_for, mock_state, read_json
from .errors import BadRequest, NotFound, SeedError
from .fault_spec import FaultSpec
from .gcpause import gc_paused
from .journal_middleware import call_context
from .models import AccountSpec
from .responses import JSONResponse
from .seed_jsonl import NDJSON_MEDIA_TYPES, EventLines, LineSplitter
from .state import MockState
from .store import Account


def _query_int(request: Request, name: str, default: int, maximum: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if WHOLE_NUMBER.fullmatch(raw) is None or not 1 <= int(raw) <= maximum:
        raise BadRequest(f"{name} must be a whole number from 1 to {maximum}")
    return int(raw)


def _account(state: MockState, name: str) -> Account:
    try:
        return state.store.account(name)
    except KeyError:
        raise NotFound(f"no account named {name!r}") from None


def _ok(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(render.success(data), status_code=status)


async def _body(request: Request, state: MockState) -> dict[str, Any]:
    """The JSON object sent, ``{}`` at least; the API's size and type rules apply.

    Insisting on ``Content-Type: application/json`` (415) keeps web pages out: a browser
    cannot send it cross-origin without a preflight, which ``/_mock`` never approves.
    """
    body = await read_json(request, state, call_context(request.scope))
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object ({} will do)")
    return body


def _server_settings(state: MockState) -> dict[str, Any]:
    """The server-wide settings a client (the pytest plugin) compares its wishes with.

    ``strict`` and ``hashIds`` are the defaults an account's own options override.
    """
    settings = state.settings
    return {
        "strict": settings.strict,
        "hashIds": settings.hash_ids,
        "maxBodyBytes": settings.max_body_bytes,
        "journalSize": settings.journal_size,
        "journalBodyBytes": settings.journal_body_bytes,
        "maxQueryParams": settings.max_query_params,
        "maxAccounts": settings.max_accounts,
        "watch": settings.watch,
        "stateFile": None if settings.state_file is None else str(settings.state_file),
        "maxSnapshots": settings.max_snapshots,
        "maxSnapshotEvents": settings.max_snapshot_events,
        "upstream": settings.upstream,
        "upstreamTimeout": settings.upstream_timeout,
        "record": None if settings.record is None else str(settings.record),
        "maxRecordBytes": settings.max_record_bytes,
        "journalBytes": settings.journal_bytes,
        "maxEvents": settings.max_events,
        "maxFixtureBytes": settings.max_fixture_bytes,
        "readTimeout": settings.read_timeout,
        "keepAliveTimeout": settings.keep_alive_timeout,
        "maxConnections": settings.max_connections,
        "allowedHosts": list(settings.allowed_hosts),
        "cors": list(settings.cors_origins),
    }


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").partition(";")[0].strip().lower()


async def _event_lines(request: Request, state: MockState, name: str) -> AccountSpec:
    """A JSON Lines body as an account spec of events; each line within the body limit."""
    splitter = LineSplitter(state.settings.max_body_bytes)
    events = EventLines(name, "body", max_events=limits.SEED_LINES_MAX)
    call = call_context(request.scope)
    async for chunk in request.stream():
        if call.body is None:
            call.body = chunk  # the journal keeps the start of it
        events.feed(splitter.feed(chunk))
    events.feed(splitter.close())
    return AccountSpec(name, (), {}, {}, tuple(events.events))


async def health(request: Request) -> Response:
    """Status, version, accounts with their event counts, and the fixture files loaded."""
    state = mock_state(request)
    counts = state.store.counts()
    return _ok(
        {
            "status": "ok",
            "version": __version__,
            "strict": state.settings.strict,
            "settings": _server_settings(state),
            "fixtures": list(state.seed.files),
            "accounts": [{"name": name, "events": count} for name, count in counts.items()],
            "events": sum(counts.values()),
            "calls": len(state.journal.records()),
            "errors": len(state.errors),
        }
    )


async def reset(request: Request) -> Response:
    """Back to the loaded fixtures (or one account back to its own), journal emptied."""
    state = mock_state(request)
    await _body(request, state)
    name = request.query_params.get("account")
    if name is None:
        state.store.reset()
    else:
        _account(state, name)
        state.store.reset(name)
    state.journal.clear(name)
    return _ok({"reset": name or "all"})


async def calls(request: Request) -> Response:
    """GET: the journal, oldest first (``account``, ``method``, ``path``, ``status`` filter it).

    DELETE: empty it (or one account's part).
    """
    state = mock_state(request)
    account = request.query_params.get("account")
    if request.method == "DELETE":
        state.journal.clear(account)
        return _ok({"cleared": account or "all"})
    try:
        keep = CallMatch.from_query(request.query_params)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    records = [r.to_json() for r in state.journal.records(account) if keep(r)]
    return _ok({"nodes": records, "totalCount": len(records)})


async def events(request: Request) -> Response:
    """An account's events, newest first (``?account=NAME``, optional ``limit``)."""
    state = mock_state(request)
    name = request.query_params.get("account")
    if name is None:
        raise BadRequest("account is required: /_mock/events?account=NAME")
    hash_ids = hash_ids_for(state, _account(state, name))
    limit = _query_int(request, "limit", limits.ADMIN_EVENTS_DEFAULT, limits.ADMIN_EVENTS_MAX)
    stored = state.store.events(name)
    nodes = [render.event_json(e, hash_ids=hash_ids) for e in stored[:limit]]
    return _ok({"nodes": nodes, "totalCount": len(stored)})


async def create_account(request: Request) -> Response:
    """Create an empty account; ``{"name"?, "key"?}``. A generated key is returned once."""
    state = mock_state(request)
    body = await _body(request, state)
    name = body.get("name")
    if name is None:
        name = f"acct_{secrets.token_hex(6)}"
    key = body.get("key")
    generated = key is None
    if generated:
        key = f"sk_test_{secrets.token_hex(12)}"
    if not isinstance(name, str) or not isinstance(key, str):
        raise BadRequest("name and key must be strings")
    spec_body = {k: v for k, v in body.items() if k not in ("name", "key")}
    spec_body["keys"] = [key]
    try:
        spec = parse_account(name, spec_body)
    except SeedError as exc:
        raise BadRequest(str(exc)) from None
    try:
        state.store.add_account(spec)  # a taken name or key is a Conflict (409)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    data = {"name": spec.name, "key": key} if generated else {"name": spec.name}
    return _ok(data, status=201)


async def account(request: Request) -> Response:
    """DELETE ``/_mock/accounts/{name}``: forget the account, its keys, events and calls."""
    state = mock_state(request)
    name = request.path_params["name"]
    _account(state, name)
    state.store.remove_account(name)
    state.journal.clear(name)
    return _ok({"deleted": name})


async def seed_account(request: Request) -> Response:
    """POST ``/_mock/accounts/{name}/seed``: add campaigns, metrics and events (fixture shape).

    As ``application/x-ndjson``, the body is event lines, read and checked as they arrive.
    """
    state = mock_state(request)
    name = request.path_params["name"]
    _account(state, name)
    # The collector is paused around each piece of work on millions of events (each chunk of
    # lines, the parse, the store's build), never across an await: other calls go on.
    try:
        if _media_type(request) in NDJSON_MEDIA_TYPES:
            spec: AccountSpec = await _event_lines(request, state, name)
        else:
            body = await _body(request, state)
            with gc_paused():
                spec = parse_account(name, body)
    except SeedError as exc:
        raise BadRequest(str(exc)) from None
    state.store.merge_into(name, spec)  # an event id taken already is a Conflict (409)
    return _ok({"account": name, "added": len(spec.events)})


async def faults(request: Request) -> Response:
    """POST queues a fault: ``{"action": "fail"|"delay"|"drop"|"rate_limit", ...}``.

    DELETE clears them all.
    """
    state = mock_state(request)
    target = _account(state, request.path_params["name"])
    if request.method == "DELETE":
        target.faults.clear()
        return _ok({"cleared": target.name})
    try:
        spec = FaultSpec.from_json(await _body(request, state))
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    try:
        spec.apply(target.faults)
    except ValueError as exc:
        raise BadRequest(f"bad {spec.action} fault: {exc}") from None
    return _ok({"account": target.name, "action": spec.action})


def _moment(value: object) -> datetime | None:
    """``freeze``'s value: ``true`` (now) or an ISO-8601 date-time with a time zone."""
    if value is True:
        return None
    if not isinstance(value, str):
        raise ValueError("freeze takes true or an ISO-8601 date-time such as 2030-01-01T00:00:00Z")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"freeze: {value[:40]!r} is not an ISO-8601 date-time") from None
    if moment.tzinfo is None:
        raise ValueError("freeze needs a time zone, such as a trailing Z")
    return moment


async def clock(request: Request) -> Response:
    """POST ``{"freeze": ISO-8601 | true}``, ``{"advance": seconds}`` or ``{"unfreeze": true}``."""
    state = mock_state(request)
    target = _account(state, request.path_params["name"])
    body = await _body(request, state)
    unknown = sorted(set(body) - {"freeze", "advance", "unfreeze"})
    if unknown:
        raise BadRequest(f"bad clock change: unknown field {unknown[0]!r}")
    try:
        if "freeze" in body:
            target.clock.freeze(_moment(body["freeze"]))
        if "advance" in body:
            seconds = body["advance"]
            if isinstance(seconds, bool) or not isinstance(seconds, int | float):
                raise ValueError("advance takes a number of seconds")
            target.clock.advance(seconds)
        if "unfreeze" in body:
            if body["unfreeze"] is not True:
                raise ValueError("unfreeze takes true")
            target.clock.unfreeze()
    except ValueError as exc:
        raise BadRequest(f"bad clock change: {exc}") from None
    return _ok({"account": target.name, "now": target.clock.now(), "frozen": target.clock.frozen})
