"""Run an ASGI app under uvicorn in a background thread, with bounded start and stop."""

from __future__ import annotations

import asyncio
import gc
import math
import socket
import threading
import time
from typing import Any

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

from .connections import (
    AcceptErrorThrottle,
    ConnectionCap,
    ConnectionLimits,
    sweep,
    with_read_deadline,
)
from .error_handlers import CONNECTION_SCOPE_KEY
from .settings import Settings

SHUTDOWN_GRACE = 1
"""Seconds calls in flight get to finish on stop; an injected delay is cut short after it."""


class ServerError(RuntimeError):
    """The server could not start or stop in time, or died."""


class _ExposeConnection:
    """Hands the app uvicorn's per-request connection object, so ``drop_next`` can close it.

    ASGI has no way to close a connection without answering; uvicorn's ``send`` is a bound
    method of an object holding the transport. Without it, a drop degrades to an answer
    that is started and never finished.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope[CONNECTION_SCOPE_KEY] = getattr(send, "__self__", None)
        await self.app(scope, receive, send)


def settle_heap() -> None:
    """Take what startup loaded out of the garbage collector's rounds (``gc.freeze``).

    Seeded events live as long as the server, yet every full collection walks them all: at
    1M events one took 337 ms here, and the journal's turnover sets one off every few tens of
    thousands of calls. Collected first, so that no garbage is frozen. The objects stay freed
    by reference counting as usual (events hold no cycles).
    """
    gc.collect()
    gc.freeze()


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0 picks a free one); raises ``OSError``."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    return sock


class ServerThread:
    """One uvicorn server for ``app`` on a thread of its own.

    ``log_config=None`` leaves uvicorn's loggers to the caller's logging setup (the CLI's).
    ``loop`` and ``http`` take uvicorn's names: "auto", or "asyncio"/"uvloop" and
    "h11"/"httptools".
    """

    def __init__(
        self,
        app: ASGIApp,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        log_level: str = "warning",
        log_config: dict[str, Any] | None = uvicorn.config.LOGGING_CONFIG,
        loop: str = "auto",
        http: str = "auto",
        start_timeout: float = 10.0,
        stop_timeout: float = 10.0,
        limits: ConnectionLimits | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self._start_timeout = start_timeout
        self._stop_timeout = stop_timeout
        limits = limits or ConnectionLimits.of(Settings())
        cap = ConnectionCap(_ExposeConnection(app), limits.max_connections)
        config = uvicorn.Config(
            cap,
            # uvicorn's own info lines (process started, running on ...) repeat the ready line.
            log_level="warning" if log_level == "info" else log_level,
            log_config=log_config,
            # "auto" is uvloop and httptools where installed (the package depends on both
            # where they build), else asyncio and the pure-Python h11.
            loop=loop,
            http=http,
            access_log=False,
            lifespan="off",
            ws="none",
            timeout_graceful_shutdown=min(SHUTDOWN_GRACE, math.ceil(stop_timeout)),
            # uvicorn types it as int, but hands it to call_later: fractions work.
            timeout_keep_alive=limits.keep_alive_timeout,  # type: ignore[arg-type]
            limit_concurrency=None,  # the cap answers instead, in the API's envelope
        )
        config.load()
        config.http_protocol_class = with_read_deadline(config.http_protocol_class)
        self._read_timeout = limits.read_timeout
        self._server = uvicorn.Server(config)
        cap.watch(self._server.server_state.connections, self._server.server_state.tasks)
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.error: BaseException | None = None

    @classmethod
    def for_settings(
        cls,
        app: ASGIApp,
        settings: Settings,
        *,
        log_config: dict[str, Any] | None = uvicorn.config.LOGGING_CONFIG,
    ) -> ServerThread:
        """A server for ``app`` on ``settings``' host and port, timeouts and bounds."""
        return cls(
            app,
            settings.host,
            settings.port,
            log_level=settings.log_level,
            log_config=log_config,
            start_timeout=settings.server_start_timeout,
            stop_timeout=settings.server_stop_timeout,
            limits=ConnectionLimits.of(settings),
        )

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> str:
        """Bind, serve, and return the URL once the server accepts connections."""
        self._socket = bind(self.host, self.port)
        self.port = self._socket.getsockname()[1]
        self._thread = threading.Thread(
            target=self._run, args=(self._socket,), name="tracking-mock", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + self._start_timeout
        while not self._server.started:
            if not self._thread.is_alive():
                raise ServerError(f"the server stopped while starting: {self.error!r}")
            if time.monotonic() > deadline:
                self.stop()
                raise ServerError(f"the server did not start within {self._start_timeout} s")
            self._thread.join(0.005)
        return self.url

    def _run(self, sock: socket.socket) -> None:
        try:
            # Not asyncio.run: it would always make a default asyncio loop, never uvloop.
            factory = self._server.config.get_loop_factory()
            with asyncio.Runner(loop_factory=factory) as runner:
                runner.run(self._serve(sock))
        except BaseException as exc:  # kept for the caller; a thread cannot raise to it
            self.error = exc

    async def _serve(self, sock: socket.socket) -> None:
        asyncio.get_running_loop().set_exception_handler(AcceptErrorThrottle())
        sweeper = asyncio.create_task(
            sweep(self._server.server_state.connections, self._read_timeout)
        )
        try:
            await self._server.serve(sockets=[sock])
        finally:
            sweeper.cancel()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def stop(self) -> None:
        """Ask the server to finish, then wait at most ``stop_timeout`` for it."""
        thread = self._thread
        self._server.should_exit = True
        if thread is not None:
            thread.join(self._stop_timeout)
            if thread.is_alive():
                self._server.force_exit = True
                thread.join(self._stop_timeout)
            if thread.is_alive():
                raise ServerError(f"the server did not stop within {2 * self._stop_timeout} s")
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    def __enter__(self) -> ServerThread:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
