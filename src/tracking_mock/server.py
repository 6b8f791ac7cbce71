"""Run an ASGI app under uvicorn in a background thread, with bounded start and stop."""

from __future__ import annotations

import asyncio
import math
import socket
import threading
import time

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

from .handlers import CONNECTION_SCOPE_KEY

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
        loop: str = "auto",
        http: str = "auto",
        start_timeout: float = 10.0,
        stop_timeout: float = 10.0,
    ) -> None:
        self.host = host
        self.port = port
        self._start_timeout = start_timeout
        self._stop_timeout = stop_timeout
        config = uvicorn.Config(
            _ExposeConnection(app),
            log_level=log_level,
            # "auto" is uvloop and httptools where installed (the package depends on both
            # where they build), else asyncio and the pure-Python h11.
            loop=loop,
            http=http,
            access_log=False,
            lifespan="off",
            ws="none",
            timeout_graceful_shutdown=min(SHUTDOWN_GRACE, math.ceil(stop_timeout)),
        )
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.error: BaseException | None = None

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
                runner.run(self._server.serve(sockets=[sock]))
        except BaseException as exc:  # kept for the caller; a thread cannot raise to it
            self.error = exc

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
