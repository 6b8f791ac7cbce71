"""``GET /``, ``/_mock`` and ``/_mock/``: where things are, instead of a 404.

The real API's root is undocumented; the mock answers with a short JSON index of its own
surface (a browser asking for HTML is sent to the inspector instead).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from . import __version__, render
from .openapi import admin_document, api_document
from .responses import JSONResponse

INSPECTOR_PATH = "/_mock/ui"


def _operations(document: dict[str, Any]) -> list[str]:
    return [
        f"{method.upper()} {path}: {operation['summary']}"
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if isinstance(operation, dict) and "summary" in operation
    ]


@cache
def _index(admin: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "tracking-mock",
        "version": __version__,
        "inspector": INSPECTOR_PATH,
        "admin": "/_mock/",
        "openapi": {"api": "/openapi.json", "admin": "/_mock/openapi.json"},
    }
    data["operations"] = _operations(admin_document() if admin else api_document())
    return render.success(data)


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept


async def root(request: Request) -> Response:
    """The API's operations and where the admin surface and the inspector are."""
    if _wants_html(request):
        return RedirectResponse(INSPECTOR_PATH, status_code=307)
    return JSONResponse(_index(admin=False))


async def admin_root(request: Request) -> Response:
    """The admin surface's operations and where the inspector is."""
    if _wants_html(request):
        return RedirectResponse(INSPECTOR_PATH, status_code=307)
    return JSONResponse(_index(admin=True))
