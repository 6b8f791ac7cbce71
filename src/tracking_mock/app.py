"""The app factory: the whole HTTP surface of the mock, declared in one place."""

from __future__ import annotations

from typing import cast

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect
from starlette.routing import Mount, Route, Router

from . import admin, admin_plan, admin_state, endpoints, error_handlers, index, inspector, openapi
from .errors import ApiError
from .guard import AdminGuard, ApiCors
from .journal_middleware import JournalMiddleware
from .proxy import ProxyMiddleware
from .requestlog import RequestLog
from .seed import Seed, load_seed
from .settings import Settings
from .state import MockState

API_METHODS = ["GET", "POST", "PUT"]


def create_app(
    settings: Settings | None = None,
    *,
    seed: Seed | None = None,
    request_log: RequestLog | None = None,
) -> Starlette:
    """Build a mock server app; its state is reachable through ``mock_state_of(app)``.

    Calls are logged through ``request_log`` when given (the CLI's console), else on the
    ``tracking_mock.requests`` logger.
    """
    settings = settings or Settings()
    if seed is None:
        seed = load_seed(settings.fixtures, max_bytes=settings.max_fixture_bytes)
    state = MockState.build(settings, seed)
    # The router tries routes in order: the API's own come first, as nearly every call is one.
    routes = [
        Route("/tracking/events", endpoints.tracking_events, methods=API_METHODS),
        Route("/events", endpoints.legacy_events, methods=API_METHODS),
        Route("/", index.root, methods=["GET"]),
        Route(
            "/client/campaigns/{campaign_id}/coupons", endpoints.campaign_coupons, methods=["GET"]
        ),
        Route("/openapi.json", openapi.serve_api_document, methods=["GET"]),
        Route("/_mock", index.admin_root, methods=["GET"]),
        Mount(
            "/_mock",
            routes=[
                Route("/", index.admin_root, methods=["GET"]),
                Route("/openapi.json", openapi.serve_admin_document, methods=["GET"]),
                Route("/health", admin.health, methods=["GET"]),
                Route("/reset", admin.reset, methods=["POST"]),
                Route("/calls", admin.calls, methods=["GET", "DELETE"]),
                Route("/events", admin.events, methods=["GET"]),
                Route("/accounts", admin.create_account, methods=["POST"]),
                Route("/accounts/{name}", admin.account, methods=["DELETE"]),
                Route("/accounts/{name}/seed", admin.seed_account, methods=["POST"]),
                Route("/accounts/{name}/faults", admin.faults, methods=["POST", "DELETE"]),
                Route("/accounts/{name}/clock", admin.clock, methods=["POST"]),
                Route("/accounts/{name}/plan", admin_plan.account_plan, methods=["GET", "POST"]),
                Route("/plan/coverage", admin_plan.coverage, methods=["GET"]),
                Route("/accounts/{name}/export", admin_state.export, methods=["GET"]),
                Route("/snapshots", admin_state.snapshots, methods=["GET", "POST"]),
                Route("/snapshots/{name}", admin_state.snapshot, methods=["DELETE"]),
                Route("/snapshots/{name}/restore", admin_state.restore, methods=["POST"]),
                *inspector.routes(),
            ],
        ),
    ]
    cors = [Middleware(ApiCors, origins=settings.cors_origins)] if settings.cors_origins else []
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(AdminGuard, settings=settings),
            *cors,
            Middleware(JournalMiddleware, journal=state.journal, request_log=request_log),
            *(
                [
                    Middleware(
                        ProxyMiddleware,
                        state=state,
                        journal=state.journal,
                        upstream=settings.upstream,
                    )
                ]
                if settings.upstream
                else []
            ),
        ],
        exception_handlers={
            ApiError: error_handlers.api_error,
            HTTPException: error_handlers.http_error,
            endpoints.ConnectionDropped: error_handlers.connection_dropped,
            ClientDisconnect: error_handlers.client_gone,
            Exception: error_handlers.server_error,
        },
    )
    # `/tracking/events/` is a 404 in the envelope, not a redirect built from the Host header
    # (Starlette() and Mount() take no such argument).
    for router in (app.router, *(r.app for r in routes if isinstance(r, Mount))):
        if isinstance(router, Router):
            router.redirect_slashes = False
    app.state.mock = state
    return app


def mock_state_of(app: Starlette) -> MockState:
    """The store, journal and settings behind an app made by ``create_app``."""
    return cast(MockState, app.state.mock)
