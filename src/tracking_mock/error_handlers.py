"""Exception handlers: every error, whoever raised it, leaves in the API's envelope."""

from __future__ import annotations

import asyncio
import logging
from typing import cast

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from . import render
from .endpoints import mock_state
from .errors import ApiError
from .journal_middleware import call_context
from .responses import JSONResponse

logger = logging.getLogger("tracking_mock")

CONNECTION_SCOPE_KEY = "tracking_mock.connection"
"""Where the server puts the connection object, so a drop can close it (see server.py)."""

_MAX_PATH_IN_MESSAGE = 100


# Starlette types every handler as taking ``Exception``; each below is registered for one
# class only (see app.py), hence the casts.


async def api_error(request: Request, exc: Exception) -> Response:
    """Any ``ApiError``: its status, its message, its headers (``Retry-After``, ...)."""
    exc = cast(ApiError, exc)
    call = call_context(request.scope)
    if exc.reason is not None and call.reason is None:  # a refused key's is explained already
        call.reason = exc.reason
    return JSONResponse(render.error(exc.message), status_code=exc.status, headers=exc.headers)


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own 404 and 405, in the envelope instead of plain text."""
    exc = cast(HTTPException, exc)
    path = request.url.path
    if len(path) > _MAX_PATH_IN_MESSAGE:
        path = path[:_MAX_PATH_IN_MESSAGE] + "…"
    if exc.status_code == 404:
        message = f"not found: no route for {request.method} {path}"
    elif exc.status_code == 405:
        message = f"method {request.method} is not allowed on {path}"
    else:
        message = str(exc.detail)
    return JSONResponse(render.error(message), status_code=exc.status_code, headers=exc.headers)


async def server_error(request: Request, exc: Exception) -> Response:
    """A bug: logged and kept for the test that caused it; the client sees no traceback."""
    logger.error("unexpected error serving %s %s", request.method, request.url.path, exc_info=exc)
    mock_state(request).record_error(call_context(request.scope).account, exc)
    return JSONResponse(render.error("internal server error"), status_code=500)


class DroppedResponse(Response):
    """Closes the connection without answering (for ``drop_next``)."""

    def __init__(self) -> None:
        super().__init__(status_code=599)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        call_context(scope).finish()  # journaled before the client can notice the drop
        connection = scope.get(CONNECTION_SCOPE_KEY)
        transport = getattr(connection, "transport", None)
        if transport is not None:
            transport.close()
            for _ in range(100):  # let the server notice before the app returns
                if getattr(connection, "disconnected", True):
                    return
                await asyncio.sleep(0)
            return
        # Not under our server: start an answer and never finish it.
        await send({"type": "http.response.start", "status": 502, "headers": []})


async def connection_dropped(request: Request, exc: Exception) -> Response:
    return DroppedResponse()


CLIENT_CLOSED_REQUEST = 499
"""Journaled for a call whose client went away before it was answered (nginx's code)."""


async def client_gone(request: Request, exc: Exception) -> Response:
    """The client hung up (say, timed out on an injected delay): no bug, nobody to answer."""
    return Response(status_code=CLIENT_CLOSED_REQUEST)
