"""The journal middleware: records every API call, rejected ones too, as it is answered."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .journal import CallRecord, Journal
from .models import ContractWarning
from .render import error

CALL_SCOPE_KEY = "tracking_mock.call"
_UNRECORDED_PREFIXES = ("/_mock", "/openapi.json")
_SERVER_ERROR_BODY = json.dumps(error("internal server error")).encode()


def _nothing() -> None:
    return None


@dataclass(slots=True)
class CallContext:
    """What a handler learns about a call that the journal should keep."""

    account: str | None = None
    warnings: list[ContractWarning] = field(default_factory=list)
    body: bytes | None = None
    fault: str | None = None
    reason: str | None = None
    """Why the call was refused, where the answer's text must stay the documented one."""
    finish: Callable[[], None] = _nothing
    """Records the call now; whoever ends a call without a full answer calls it first."""


def call_context(scope: Scope) -> CallContext:
    """The call being recorded (a throwaway one when the journal is not in the stack)."""
    context = scope.get(CALL_SCOPE_KEY)
    if context is None:
        context = scope[CALL_SCOPE_KEY] = CallContext()
    return context


class JournalMiddleware:
    """Pure ASGI middleware: keeps a ``CallRecord`` of each API call in the journal.

    The record is written before the last byte of the answer leaves, so a client that holds
    its response can always find its call in the journal.
    """

    def __init__(self, app: ASGIApp, journal: Journal) -> None:
        self.app = app
        self.journal = journal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(_UNRECORDED_PREFIXES):
            await self.app(scope, receive, send)
            return
        call = scope[CALL_SCOPE_KEY] = CallContext()
        started = time.perf_counter()
        status = 0
        limit = self.journal.body_bytes
        # Chunks are kept as sent and cut once at the end: a response is usually one chunk,
        # which then costs no copy. Chunks past the limit are not kept.
        chunks: list[bytes] = []
        response_size = 0
        recorded = False

        def finish(response: bytes | None = None) -> None:
            nonlocal recorded
            if recorded:
                return
            recorded = True
            if response is None:
                kept = chunks[0] if len(chunks) == 1 else b"".join(chunks)
                response = bytes(kept[:limit])
                size = response_size
            else:
                size = len(response)
            body, body_truncated = (
                (None, False) if call.body is None else self.journal.clip(call.body)
            )
            self.journal.add(
                CallRecord(
                    seq=self.journal.next_seq(),
                    time=time.time(),
                    method=scope["method"],
                    path=scope["path"],
                    query=scope.get("query_string", b"").decode("latin-1"),
                    raw_headers=tuple(scope["headers"]),
                    raw_body=body,
                    body_truncated=body_truncated,
                    status=0 if call.fault == "drop" else status,
                    raw_response=response,
                    response_truncated=size > len(response),
                    account=call.account,
                    warnings=tuple(call.warnings),
                    fault=call.fault,
                    reason=call.reason,
                    duration_ms=(time.perf_counter() - started) * 1000,
                )
            )

        call.finish = finish

        async def capture(message: Message) -> None:
            nonlocal status, response_size
            kind = message["type"]
            if kind == "http.response.body":
                chunk = message.get("body", b"")
                if response_size < limit:
                    chunks.append(chunk)
                response_size += len(chunk)
                if not message.get("more_body", False):
                    finish()
            elif kind == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        except Exception:
            # Starlette's outermost middleware answers with the 500 after this re-raise.
            status = 500
            finish(_SERVER_ERROR_BODY)
            raise
        finally:
            finish()
            # ``finish`` closes over the scope, which holds ``call``: break that cycle, or every
            # request's objects would wait for the garbage collector instead of being freed.
            call.finish = _nothing
