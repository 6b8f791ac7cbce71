"""Connection hygiene uvicorn leaves to us: read deadlines, the cap's answer, calm errors.

uvicorn closes a keep-alive connection that stays idle after an answer, but a connection that
never finishes sending its request head or its body stays open forever; past
``limit_concurrency`` it answers a plain-text 503, not the API's envelope; and when the
process runs out of file descriptors asyncio logs one traceback per pending accept
(thousands a second).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from .limits import MIN_BODY_BYTES_PER_SECOND
from .render import error
from .responses import dumps
from .settings import Settings

ACCEPT_ERROR = "socket.accept() out of system resource"
"""asyncio's message when accepting fails for want of descriptors or memory."""
ACCEPT_ERROR_INTERVAL = 10.0
"""Seconds between two logged accept errors; the ones between are counted, not logged."""
OVER_CAPACITY_INTERVAL = 10.0
"""Seconds between two logged refusals past the connection cap."""

logger = logging.getLogger("tracking_mock")


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    """The connection bounds a server runs with (see ``Settings``)."""

    read_timeout: float
    keep_alive_timeout: float
    max_connections: int

    @classmethod
    def of(cls, settings: Settings) -> ConnectionLimits:
        return cls(settings.read_timeout, settings.keep_alive_timeout, settings.max_connections)


def with_read_deadline(protocol_class: type[asyncio.Protocol]) -> type[Any]:
    """``protocol_class`` (uvicorn's h11 or httptools protocol) noting when it waits for a request.

    The wait starts when the connection opens and again when an answer completes; ``sweep``
    closes connections that waited too long for a head, or for the next bytes of a body. Both
    uvicorn protocols keep the request in progress in ``self.cycle``, pause reading through
    ``self.flow`` and call ``on_response_complete``. Stamping costs an attribute write per
    read and two per answer, where a timer per request would cost microseconds.
    """
    base: Any = protocol_class

    class ReadDeadline(base):  # type: ignore[misc]
        waiting_since = 0.0
        waiting_after: object = None
        """The request answered last (``None`` at first): a new one in ``cycle`` has begun."""
        last_data = 0.0
        """When bytes last arrived: a body is late once they stop coming."""
        received = 0
        """Bytes received since the wait began: a body is late once they come too slowly."""

        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            super().connection_made(transport)
            self.waiting_since = self.loop.time()

        def data_received(self, data: bytes) -> None:
            self.last_data = self.loop.time()
            self.received += len(data)
            super().data_received(data)

        def on_response_complete(self) -> None:
            answered = self.cycle  # super() may start a pipelined request's cycle
            super().on_response_complete()
            self.waiting_since = self.loop.time()
            self.waiting_after = answered
            self.received = 0

        def too_slow(self, now: float, timeout: float) -> bool:
            """Whether the request head (in all), or its body, is late.

            A body may take longer than ``timeout`` (a seed of a million events streams for
            longer) as long as it keeps coming: no gap of ``timeout`` between two reads (as
            nginx's ``client_body_timeout``) and, past ``timeout``, at least
            ``MIN_BODY_BYTES_PER_SECOND`` on average.
            """
            if now - self.waiting_since <= timeout or self.transport.is_closing():
                return False
            cycle = self.cycle
            if cycle is self.waiting_after:
                return True  # no request head in time
            # A body still arriving, stalled or trickling; not when reading is paused because
            # the app is busy.
            if not cycle.more_body or cycle.response_complete or self.flow.read_paused:
                return False
            allowed = timeout + self.received / MIN_BODY_BYTES_PER_SECOND
            return now - self.last_data > timeout or now - self.waiting_since > allowed

    ReadDeadline.__name__ = ReadDeadline.__qualname__ = f"ReadDeadline{protocol_class.__name__}"
    return ReadDeadline


class ConnectionCap:
    """Outermost app: past ``--max-connections`` a request is answered 503 in the envelope.

    The count is uvicorn's own (connections open, calls in flight), taken from the server's
    state once it exists (``watch``); uvicorn itself runs without a limit, so that its
    plain-text 503 never answers. Refusals are logged at most once per interval.
    """

    def __init__(
        self, app: ASGIApp, limit: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.app = app
        self.limit = limit
        self.clock = clock
        self.connections: set[Any] = set()
        self.tasks: set[Any] = set()
        self.last_logged = -math.inf
        self.refused = 0
        self.body = dumps(
            error(
                f"too many connections: this server serves at most {limit} at once "
                "(--max-connections)"
            )
        )

    def watch(self, connections: set[Any], tasks: set[Any]) -> None:
        """Count the connections and calls of this server (``uvicorn.Server.server_state``)."""
        self.connections, self.tasks = connections, tasks

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The call's own connection and task are already counted (uvicorn adds both before
        # the app runs): ``limit`` of each are served.
        if scope["type"] != "http" or (
            len(self.connections) <= self.limit and len(self.tasks) <= self.limit
        ):
            await self.app(scope, receive, send)
            return
        self._log_refusal()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", b"%d" % len(self.body)),
            (b"connection", b"close"),
        ]
        await send({"type": "http.response.start", "status": 503, "headers": headers})
        await send({"type": "http.response.body", "body": self.body})

    def _log_refusal(self) -> None:
        self.refused += 1
        now = self.clock()
        if now - self.last_logged < OVER_CAPACITY_INTERVAL:
            return
        self.last_logged = now
        logger.warning(
            "%d request(s) answered 503: more than %d connections at once (--max-connections)",
            self.refused,
            self.limit,
        )
        self.refused = 0


async def sweep(connections: set[Any], timeout: float) -> None:
    """Close, every fraction of ``timeout``, the connections whose request is late."""
    loop = asyncio.get_running_loop()
    period = min(max(timeout / 4, 0.05), 1.0)
    while True:
        await asyncio.sleep(period)
        now = loop.time()
        for protocol in list(connections):
            too_slow = getattr(protocol, "too_slow", None)
            if too_slow is not None and too_slow(now, timeout):
                protocol.transport.close()


def _retried_accept(context: dict[str, Any]) -> bool:
    handle = context.get("handle")
    callback = getattr(handle, "_callback", None)
    return getattr(callback, "__name__", "") == "_start_serving" and isinstance(
        context.get("exception"), ValueError | OSError
    )


class AcceptErrorThrottle:
    """An event-loop exception handler logging accept errors at most once per interval."""

    def __init__(
        self, interval: float = ACCEPT_ERROR_INTERVAL, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.interval = interval
        self.clock = clock
        self.last = -math.inf
        self.suppressed = 0

    def __call__(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        message = str(context.get("message", ""))
        if _retried_accept(context):
            # asyncio queues one retry per failed accept; once the server closes, each of
            # them fails on the closed socket. Harmless, and part of the same storm.
            self.suppressed += 1
            return
        if message.startswith(ACCEPT_ERROR):
            now = self.clock()
            if now - self.last < self.interval:
                self.suppressed += 1
                return
            self.last = now
            if self.suppressed:
                message += f" ({self.suppressed} more since the last one logged)"
            self.suppressed = 0
            exc = context.get("exception")
            # One line, no traceback: the cause (EMFILE, ...) is all there is to say.
            logger.error("%s: %s; logged at most every %g s", message, exc, self.interval)
            return
        loop.default_exception_handler(context)
