"""The OpenAPI 3.1 document of the emulated Tracking API (default, non-strict mode)."""

from __future__ import annotations

from .. import __version__, limits
from .inspector import index_path
from .schema import (
    Schema,
    _document_route,
    _error_responses,
    _errors,
    _json_response,
    _ref,
    _schemas,
    _tracking_operations,
)


def api_document() -> Schema:
    """The OpenAPI 3.1 document of the emulated Tracking API, as served at ``/openapi.json``."""
    legacy = _tracking_operations("Legacy", deprecated=True)
    for operation in legacy.values():
        operation["description"] = (
            "The older documented path [doc, older pages]; an alias of /tracking/events, "
            "flagged as a contract warning [decision]."
        )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Oppizi Tracking API (tracking-mock)",
            "version": __version__,
            "description": (
                "The Tracking API as the mock serves it. [doc] marks documented behaviour, "
                "[decision] the mock's own choice where the docs are silent. Faults injected "
                "through /_mock may answer any error status in the same error envelope."
            ),
        },
        # Relative, so "try it out" reaches this mock and never sends a key to the real API
        # (https://developer-api.oppizi.com).
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "paths": {
            "/tracking/events": _tracking_operations("", deprecated=False),
            "/events": legacy,
            "/client/campaigns/{campaign_id}/coupons": {
                "get": {
                    "operationId": "getCampaignCoupons",
                    "summary": "A campaign's coupon codes",
                    "parameters": [
                        {
                            "name": "campaign_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "minLength": 1},
                        },
                        {
                            "name": "first",
                            "in": "query",
                            "schema": {
                                "type": "integer",
                                "minimum": limits.COUPONS_FIRST_MIN,
                                "maximum": limits.COUPONS_FIRST_MAX,
                                "default": limits.COUPONS_FIRST_DEFAULT,
                            },
                        },
                        {
                            "name": "skip",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 0, "maximum": 999_999_999},
                        },
                    ],
                    "responses": {
                        "200": _json_response("A page of coupons.", _ref("CouponListEnvelope")),
                        **_errors(400, 401, 403, 429, 500),
                    },
                }
            },
            "/openapi.json": _document_route("getOpenApiDocument"),
            **index_path(),
        },
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Authorization: Bearer <client key>; one key per account.",
                }
            },
            "schemas": _schemas(),
            "responses": _error_responses(),
        },
    }
