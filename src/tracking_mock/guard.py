"""Who may use ``/_mock``: the admin token and the Host check; CORS for the API only.

A local tool is reachable by anything on the network when bound wide, and by every web page
the user's browser opens. So the admin surface refuses a Host that is neither the bound
address nor a loopback name (DNS rebinding) and, given a token, wants it on every call.
Its state-changing POSTs read their body with the API's rules (``admin._body``): only
``application/json`` with a JSON object, which a page cannot send without a CORS preflight,
and ``/_mock`` approves none. The API itself may allow chosen browser origins (``--cors``).
"""

from __future__ import annotations

import ipaddress
import secrets

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from . import render
from .responses import JSONResponse
from .settings import Settings

ADMIN_PREFIX = "/_mock"
LOOPBACK_NAMES = frozenset({"localhost", "localhost."})
"""Names that always reach this machine."""
IN_PROCESS = ("testserver", "testclient")
"""Starlette's in-process client: the Host it sends, and the client address it gives. A real
connection never has that client address, so a page at a host named ``testserver`` is refused."""
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::"})
INSPECTOR_PREFIX = ADMIN_PREFIX + "/ui"


def is_admin(scope: Scope) -> bool:
    """Whether a request is for the ``/_mock`` admin surface."""
    path: str = scope["path"]
    return path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/")


def _host_name(header: str) -> str:
    """The name part of a ``Host`` header, lower-cased, without port or IPv6 brackets."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def _ip(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        return None


def is_loopback_host(host: str) -> bool:
    """Whether binding ``host`` keeps the server on this machine."""
    address = _ip(host)
    return host.lower() in LOOPBACK_NAMES or (address is not None and address.is_loopback)


class AdminGuard:
    """Pure ASGI middleware in front of everything; only ``/_mock`` calls are checked."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.token = settings.admin_token.encode() if settings.admin_token else None
        self.bound = settings.host.lower()
        self.any_host = "*" in settings.allowed_hosts
        self.names = LOOPBACK_NAMES | {self.bound} | {h.lower() for h in settings.allowed_hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_admin(scope):
            await self.app(scope, receive, send)
            return
        refusal = self.refusal(scope)
        if refusal is None:
            await self.app(scope, receive, send)
            return
        status, message = refusal
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        response = JSONResponse(render.error(message), status_code=status, headers=headers)
        await response(scope, receive, send)

    def refusal(self, scope: Scope) -> tuple[int, str] | None:
        """Why this admin call is refused (status, message), or ``None``."""
        headers = dict(scope["headers"])
        host = headers.get(b"host")
        name = None if host is None else _host_name(host.decode("latin-1"))
        if name is not None and not (self.host_allowed(name) or _in_process(scope, name)):
            return 403, (
                "the Host header names neither this server's address nor a loopback name; "
                "start the server with --allowed-host NAME to allow it"
            )
        if self.token is not None and not _static(scope) and not token_given(headers, self.token):
            return 401, (
                "the admin surface needs its token: send 'Authorization: Bearer TOKEN' "
                "or 'X-Admin-Token: TOKEN'"
            )
        return None

    def host_allowed(self, name: str) -> bool:
        """Whether ``/_mock`` answers a request whose ``Host`` names ``name``."""
        if self.any_host or name in self.names:
            return True
        address = _ip(name)
        if address is None:
            return False  # a DNS name nobody allowed: possibly a rebinding page
        # An address literal cannot be rebound; bound wide, any of this machine's may be used.
        return address.is_loopback or self.bound in WILDCARD_HOSTS


def _in_process(scope: Scope, host: str) -> bool:
    client = scope.get("client")
    return (host, client[0] if client else None) == IN_PROCESS


def _static(scope: Scope) -> bool:
    """The inspector's page and files: they hold no state, and the page asks for the token."""
    path: str = scope["path"]
    if scope["method"] != "GET" or not (
        path == INSPECTOR_PREFIX or path.startswith(INSPECTOR_PREFIX + "/")
    ):
        return False
    return path != INSPECTOR_PREFIX + "/api" and not path.startswith(INSPECTOR_PREFIX + "/api/")


def token_given(headers: dict[bytes, bytes], token: bytes) -> bool:
    """Whether ``X-Admin-Token`` or ``Authorization: Bearer`` carries ``token``."""
    given = headers.get(b"x-admin-token")
    if given is None:
        scheme, _, rest = headers.get(b"authorization", b"").strip().partition(b" ")
        given = rest.strip() if scheme.lower() == b"bearer" else None
    return given is not None and secrets.compare_digest(given, token)


class ApiCors:
    """Starlette's CORS middleware for the API's paths only: ``/_mock`` never gets CORS."""

    def __init__(self, app: ASGIApp, origins: tuple[str, ...]) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=list(origins),
            allow_methods=["GET", "POST", "PUT"],
            allow_headers=["Authorization", "Content-Type"],
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not is_admin(scope):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
