"""The journal middleware: records every API call, rejected ones too, as it is answered."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .journal import CallRecord, Journal, UpstreamCall
from .models import ContractWarning
from .render import error
from .requestlog import LOGGER_NAME, LoggedCall, RequestLog
from .wire import warnings_header

CALL_SCOPE_KEY = "tracking_mock.call"
_UNRECORDED_PREFIXES = ("/_mock", "/openapi.json")
_LOG = logging.getLogger(LOGGER_NAME)
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
    """Why the call was refused, in the mock's own words (see ``hints``): the answer's text
    stays the documented one."""
    finish: Callable[[], None] = _nothing
    """Records the call now; whoever ends a call without a full answer calls it first."""
    upstream: UpstreamCall | None = None
    """With ``--upstream``: the mock's own answer beside the upstream's, and their drift."""
    mirror: tuple[str, float] | None = None
    """With ``--upstream``: the id and time the upstream gave the event a create stores."""
    update: Callable[[], None] = _nothing
    """Shows the account and fault known so far on the pending record (before a delay)."""


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

    def __init__(
        self, app: ASGIApp, journal: Journal, request_log: RequestLog | None = None
    ) -> None:
        self.app = app
        self.journal = journal
        self.request_log = request_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if path == "/" or path.startswith(_UNRECORDED_PREFIXES):
            log = self.request_log
            if log.admin if log is not None else _LOG.isEnabledFor(logging.DEBUG):
                await self._log_admin_call(scope, receive, send)
            else:
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
        # Journaled on arrival as pending, then completed in place, so a call held by a delay
        # is already visible to tests and the inspector.
        # Records are built positionally, in field order: with 18 keywords a build costs
        # about twice as much, and two are built for every call.
        pending = CallRecord(
            self.journal.next_seq(),  # seq
            time.time(),  # time
            scope["method"],  # method
            path,  # path
            scope.get("query_string", b"").decode("latin-1"),  # query
            tuple(scope["headers"]),  # raw_headers
            None,  # raw_body
            False,  # body_truncated
            0,  # status
            b"",  # raw_response
            False,  # response_truncated
            None,  # account
            (),  # warnings
            None,  # fault
            0.0,  # duration_ms
            None,  # reason
            None,  # upstream
            True,  # pending
        )
        self.journal.add(pending)

        def update() -> None:
            if not recorded:  # the journal finds the record by its seq
                self.journal.complete(
                    pending, pending._replace(account=call.account, fault=call.fault)
                )

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
            # Built whole rather than by ``_replace``, positionally (see above). The head is the
            # pending record's own objects, so the journal need not bound it again.
            record = CallRecord(
                pending.seq,
                pending.time,
                pending.method,
                pending.path,
                pending.query,
                pending.raw_headers,
                body,  # raw_body
                body_truncated,
                0 if call.fault == "drop" else status,  # status
                response,  # raw_response
                size > len(response),  # response_truncated
                call.account,
                tuple(call.warnings),
                call.fault,
                (time.perf_counter() - started) * 1000,  # duration_ms
                call.reason,
                call.upstream,
                False,  # pending
            )
            self.journal.complete(pending, record)
            if self.request_log is not None:
                self.request_log(record)
            elif _LOG.isEnabledFor(logging.INFO):
                _LOG.info("%s", LoggedCall(record))

        call.finish = finish
        call.update = update

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
                if call.warnings:
                    headers = [*message.get("headers", ()), warnings_header(call.warnings)]
                    message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, capture)
        except Exception:
            # Starlette's outermost middleware answers with the 500 after this re-raise, unless
            # an answer had begun: then the client got that status, and the journal says so.
            if status == 0:
                status = 500
                finish(_SERVER_ERROR_BODY)
            raise
        finally:
            if not recorded:
                finish()
            # ``finish`` closes over the scope, which holds ``call``: break that cycle, or every
            # request's objects would wait for the garbage collector instead of being freed.
            call.finish = call.update = _nothing

    async def _log_admin_call(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve an admin or inspector call, then log it at DEBUG (it is not journaled)."""
        arrived, started = time.time(), time.perf_counter()
        status = 0

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            record = CallRecord(
                seq=0,
                time=arrived,
                method=scope["method"],
                path=scope["path"],
                query=scope.get("query_string", b"").decode("latin-1"),
                raw_headers=(),
                raw_body=None,
                body_truncated=False,
                status=status,
                raw_response=b"",
                response_truncated=False,
                account=None,
                warnings=(),
                fault=None,
                duration_ms=(time.perf_counter() - started) * 1000,
            )
            if self.request_log is not None:
                self.request_log(record, admin=True)
            else:
                _LOG.debug("%s", LoggedCall(record, admin=True))
