"""The inspector's HTTP side: its static page, its JSON reads and its server-sent events.

The page is three hand-written files shipped in the package (no build step, nothing from
the internet). Its reads are paged, so the journal never travels whole. Its buttons use the
admin API itself (``/_mock/reset``, ``/_mock/calls``, ``/_mock/accounts/{name}/faults``).
"""

from __future__ import annotations

import asyncio
from functools import cache
from importlib.resources import files
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from .. import render
from ..endpoints import mock_state
from ..errors import BadRequest, NotFound
from ..journal import CallRecord
from ..responses import JSONResponse, dumps
from ..validation import list_query
from .call_pages import PAGE_DEFAULT, PAGE_MAX, CallFilter, page

_ASSETS = {
    "index.html": "text/html; charset=utf-8",
    "inspector.js": "text/javascript; charset=utf-8",
    "inspector.css": "text/css; charset=utf-8",
}
_PAGE_HEADERS = {
    # Whatever a client sent is shown as text; this stops any script but the page's own.
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
STREAM_TICK = 0.25
"""Seconds between looks at the journal: a change reaches the page within this."""
STREAM_KEEPALIVE = 15.0
MAX_STREAMS = 16
"""Open event streams at once; more get a 503 (each is a long-lived connection)."""


@cache
def _asset(name: str) -> bytes:
    return files(__package__).joinpath("static", name).read_bytes()


def _serve(name: str) -> Response:
    return Response(_asset(name), media_type=_ASSETS[name], headers=_PAGE_HEADERS)


async def ui_page(request: Request) -> Response:
    """``GET /_mock/ui``: the inspector (it reveals nothing until it reads the admin API)."""
    return _serve("index.html")


async def ui_asset(request: Request) -> Response:
    """``GET /_mock/ui/{name}``: the page's script and style sheet."""
    name = request.path_params["name"]
    if name not in _ASSETS:
        raise NotFound(f"no inspector file named {name!r}")
    return _serve(name)


def _int_param(request: Request, name: str, maximum: int) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise BadRequest(f"{name} must be an integer from 1 to {maximum}")
    return int(raw)


async def calls(request: Request) -> Response:
    """A page of calls, newest first: filters, ``limit`` and the ``before`` seq cursor."""
    state = mock_state(request)
    wanted = CallFilter.from_params(request.query_params)
    limit = _int_param(request, "limit", PAGE_MAX) or PAGE_DEFAULT
    before = _int_param(request, "before", 2**62)
    data = page(state.journal.records(), wanted, limit, before)
    data["version"] = state.journal.version
    return JSONResponse(render.success(data))


def _detail(record: CallRecord) -> dict[str, Any]:
    return record.to_json()  # its headers have every credential redacted (``recording``)


async def call(request: Request) -> Response:
    """One call in full: headers (credentials redacted), bodies, warnings, timing, fault."""
    state = mock_state(request)
    seq = request.path_params["seq"]
    for record in reversed(state.journal.records()):
        if str(record.seq) == seq:
            return JSONResponse(render.success(_detail(record)))
    raise NotFound(f"no call #{seq} in the journal")


async def accounts(request: Request) -> Response:
    """Every account with its event and call counts, queued faults and clock."""
    state = mock_state(request)
    counts = state.store.counts()
    calls_of: dict[str | None, int] = {}
    for record in state.journal.records():
        calls_of[record.account] = calls_of.get(record.account, 0) + 1
    nodes = []
    for account in state.store.accounts():
        now = account.clock.now()
        nodes.append(
            {
                "name": account.name,
                "disabled": account.spec.disabled,
                "events": counts.get(account.name, 0),
                "calls": calls_of.get(account.name, 0),
                "faults": account.faults.describe(),
                "clock": {
                    "now": render.iso_timestamp(int(now * 1_000_000)),
                    "frozen": account.clock.frozen,
                },
            }
        )
    return JSONResponse(render.success({"nodes": nodes, "unknownCalls": calls_of.get(None, 0)}))


async def events(request: Request) -> Response:
    """An account's events through the API's own listing: its filters, limit and cursor."""
    state = mock_state(request)
    name = request.query_params.get("account")
    if not name:
        raise BadRequest("account is required")
    try:
        account = state.store.account(name)
    except KeyError:
        raise NotFound(f"no account named {name!r}") from None
    rest = [(k, v) for k, v in request.query_params.multi_items() if k != "account"]
    query, warnings = list_query(
        urlencode(rest).encode(), max_params=state.settings.max_query_params
    )
    body = render.page_json(
        state.store.list_events(account, query), hash_ids=state.settings.hash_ids
    )
    body["data"]["warnings"] = [{"code": w.code, "message": w.message} for w in warnings]
    return JSONResponse(body)


class EventStream:
    """``GET /_mock/ui/stream``: server-sent events, one ``journal`` event per change.

    Each event carries the journal's version, its latest seq and its size; the page then
    reads what it shows. The first event goes out at once, so a page that reconnects after
    a restart refreshes. A comment line every ``STREAM_KEEPALIVE`` seconds keeps proxies open.
    """

    def __init__(self) -> None:
        self.open = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.open >= MAX_STREAMS:
            response = JSONResponse(
                render.error(f"at most {MAX_STREAMS} inspector streams at once"), status_code=503
            )
            await response(scope, receive, send)
            return
        self.open += 1
        try:
            await self._stream(Request(scope, receive), send)
        finally:
            self.open -= 1

    async def _stream(self, request: Request, send: Send) -> None:
        journal = mock_state(request).journal
        gone = asyncio.Event()

        async def watch() -> None:
            while (await request.receive())["type"] != "http.disconnect":
                pass
            gone.set()

        watcher = asyncio.create_task(watch())
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"text/event-stream; charset=utf-8"),
                    (b"cache-control", b"no-store"),
                    (b"x-accel-buffering", b"no"),
                ],
            }
        )
        shown, quiet = -1, 0.0
        try:
            while not gone.is_set():
                version = journal.version
                if version != shown:
                    shown, quiet = version, 0.0
                    records = journal.records()
                    data = {
                        "version": version,
                        "latestSeq": records[-1].seq if records else 0,
                        "calls": len(records),
                    }
                    chunk = b"event: journal\ndata: " + dumps(data) + b"\n\n"
                elif quiet >= STREAM_KEEPALIVE:
                    chunk, quiet = b": keep-alive\n\n", 0.0
                else:
                    chunk = b""
                if chunk:
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
                try:
                    await asyncio.wait_for(gone.wait(), STREAM_TICK)
                except TimeoutError:
                    quiet += STREAM_TICK
        except OSError:  # the client went away between two looks
            pass
        finally:
            watcher.cancel()


def routes() -> list[BaseRoute]:
    """The inspector's routes, to mount under ``/_mock``."""
    return [
        Route("/ui", ui_page, methods=["GET"]),
        Route("/ui/", ui_page, methods=["GET"]),
        Route("/ui/api/calls", calls, methods=["GET"]),
        Route("/ui/api/calls/{seq}", call, methods=["GET"]),
        Route("/ui/api/accounts", accounts, methods=["GET"]),
        Route("/ui/api/events", events, methods=["GET"]),
        Route("/ui/api/stream", EventStream(), methods=["GET"]),
        Route("/ui/{name}", ui_asset, methods=["GET"]),
    ]
