"""The OpenAPI 3.1 documents of the emulated API and of the ``/_mock`` admin surface.

Written in one place (this package), from the limits in ``limits.py``. Each is encoded once
and served as it is.
"""

from __future__ import annotations

from functools import cache

from starlette.requests import Request
from starlette.responses import Response

from ..responses import dumps
from .admin import admin_document
from .api import api_document

__all__ = ["admin_document", "api_document", "serve_admin_document", "serve_api_document"]


@cache
def _encoded(name: str) -> bytes:
    return dumps(api_document() if name == "api" else admin_document())


async def serve_api_document(request: Request) -> Response:
    """``GET /openapi.json``."""
    return Response(_encoded("api"), media_type="application/json")


async def serve_admin_document(request: Request) -> Response:
    """``GET /_mock/openapi.json``."""
    return Response(_encoded("admin"), media_type="application/json")
