"""``--upstream``: forward each API call to a real server, answer with its answer, and journal
what the mock would have answered beside it, with the differences (live drift detection).

The mock runs every call too, so its state follows the traffic: a create the upstream accepted
is stored under the upstream's id and time, and later updates and cursors by that id work.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

import httpx
import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import render
from .drift import differences
from .error_handlers import CONNECTION_SCOPE_KEY
from .journal import Journal, UpstreamCall
from .journal_middleware import CALL_SCOPE_KEY, CallContext, call_context
from .models import ContractWarning
from .recorder import Recorder
from .responses import dumps
from .state import MockState

logger = logging.getLogger("tracking_mock.proxy")

DRIFT_WARNING = "upstream-drift"
MAX_UPSTREAM_RESPONSE_BYTES = 16 * 1_048_576
"""An upstream answer larger than this is refused with a 502 (a listing is far smaller)."""
_FORWARDED_HEADERS = ("authorization", "content-type", "accept", "user-agent")
_RETURNED_HEADERS = ("content-type", "retry-after")
_NOT_PROXIED = ("/_mock", "/openapi.json")


class _UpstreamFailed(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _json_or_none(raw: bytes) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None


class ProxyMiddleware:
    """Pure ASGI middleware, inside the journal: API calls go upstream and through the mock."""

    def __init__(self, app: ASGIApp, state: MockState, journal: Journal, upstream: str) -> None:
        self.app = app
        self.state = state
        self.journal = journal
        settings = state.settings
        self.base = upstream.rstrip("/")
        self.timeout = settings.upstream_timeout
        self.recorder = (
            Recorder(settings.record, settings.max_record_bytes) if settings.record else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(_NOT_PROXIED):
            await self.app(scope, receive, send)
            return
        body, complete = await self._read_body(receive)
        if not complete:  # over the size limit: the mock alone answers (413), nothing is sent
            await self.app(scope, _replay(body), send)
            return
        query = scope.get("query_string", b"").decode("latin-1")
        url = self.base + scope["path"] + (f"?{query}" if query else "")
        try:
            status, headers, answer = await self._forward(scope, url, body)
        except _UpstreamFailed as failed:
            status, headers = failed.status, [(b"content-type", b"application/json")]
            answer = dumps(render.error(failed.message))
        outer = call_context(scope)
        upstream_json = _json_or_none(answer)
        if scope["method"] == "POST" and 200 <= status < 300:
            outer.mirror = _created(upstream_json)
        mock_status, mock_answer = await self._run_mock(scope, outer, body)
        mock_json = _json_or_none(mock_answer)
        drift = differences(status, upstream_json, mock_status, mock_json)
        if drift:
            outer.warnings.append(ContractWarning(DRIFT_WARNING, "; ".join(drift)))
            logger.warning("upstream drift on %s %s: %s", scope["method"], scope["path"], drift)
        clipped, cut = self.journal.clip(mock_answer)
        outer.upstream = UpstreamCall(url, mock_status, clipped, cut, tuple(drift))
        if self.recorder is not None and 200 <= status < 300 and outer.account is not None:
            await self.recorder.accepted(outer.account, scope["method"], upstream_json)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": answer})

    async def _read_body(self, receive: Receive) -> tuple[bytes, bool]:
        limit = self.state.settings.max_body_bytes
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"".join(chunks), True
            chunk = message.get("body", b"")
            size += len(chunk)
            chunks.append(chunk)
            if size > limit:
                return b"".join(chunks), False
            if not message.get("more_body", False):
                return b"".join(chunks), True

    async def _forward(
        self, scope: Scope, url: str, body: bytes
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        headers = [
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, value in scope["headers"]
            if name.decode("latin-1").lower() in _FORWARDED_HEADERS
        ]
        try:
            # httpx's timeout bounds each phase (connect, each read); the deadline bounds the
            # whole answer, so an upstream that trickles its body cannot hold the call.
            async with (
                asyncio.timeout(self.timeout),
                httpx.AsyncClient(timeout=self.timeout) as client,
                client.stream(scope["method"], url, headers=headers, content=body) as answer,
            ):
                chunks: list[bytes] = []
                size = 0
                async for chunk in answer.aiter_bytes():  # decoded, as it is answered: plain
                    size += len(chunk)
                    if size > MAX_UPSTREAM_RESPONSE_BYTES:
                        raise _UpstreamFailed(
                            502, f"upstream answer larger than {MAX_UPSTREAM_RESPONSE_BYTES} bytes"
                        )
                    chunks.append(chunk)
        except (httpx.TimeoutException, TimeoutError):
            raise _UpstreamFailed(504, f"upstream did not answer within {self.timeout} s") from None
        except httpx.HTTPError as exc:
            kind = type(exc).__name__
            raise _UpstreamFailed(502, f"upstream unreachable ({kind}): {exc}") from None
        returned = [
            (name.encode("latin-1"), value.encode("latin-1"))
            for name, value in answer.headers.items()
            if name.lower() in _RETURNED_HEADERS
        ]
        return answer.status_code, returned, b"".join(chunks)

    async def _run_mock(self, scope: Scope, outer: CallContext, body: bytes) -> tuple[int, bytes]:
        """The mock's answer to the same call, kept out of the client's connection."""
        inner = CallContext(mirror=outer.mirror)
        inner_scope = {**scope, CALL_SCOPE_KEY: inner}
        inner_scope.pop(CONNECTION_SCOPE_KEY, None)  # a drop fault must not hang up on the client
        status = 0
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        try:
            await self.app(inner_scope, _replay(body), capture)
        except Exception as exc:  # a bug in the mock: kept like any other, the client unharmed
            self.state.record_error(inner.account, exc)
            status, chunks = 500, [dumps(render.error("internal server error"))]
        outer.account, outer.body, outer.fault = inner.account, inner.body, inner.fault
        outer.warnings.extend(inner.warnings)
        return status, b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _created(answer: Any) -> tuple[str, float] | None:
    """The id and time of the event an upstream create answered with, if it looks like one."""
    data = answer.get("data") if isinstance(answer, dict) else None
    if not isinstance(data, dict):
        return None
    event_id, created = data.get("id"), data.get("createdAt")
    if not isinstance(event_id, str) or not isinstance(created, str):
        return None
    try:
        return event_id, datetime.fromisoformat(created).timestamp()
    except ValueError:
        return None
