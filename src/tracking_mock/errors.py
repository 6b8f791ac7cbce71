"""The errors the API answers with; one handler renders each in the error envelope."""

from __future__ import annotations


class ApiError(Exception):
    """An error the API reports as ``{"success": false, "error": message}``.

    ``reason`` is the precise cause where the answer's text must stay the documented one
    ("Unauthorized"): the journal keeps it, the client never sees it.
    """

    status = 400

    def __init__(
        self, message: str, *, headers: dict[str, str] | None = None, reason: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}
        self.reason = reason


class BadRequest(ApiError):
    status = 400


class Unauthorized(ApiError):
    status = 401

    def __init__(
        self, message: str, *, headers: dict[str, str] | None = None, reason: str | None = None
    ) -> None:
        super().__init__(
            message, headers={"WWW-Authenticate": "Bearer", **(headers or {})}, reason=reason
        )


class Forbidden(ApiError):
    status = 403


class NotFound(ApiError):
    status = 404


class Conflict(ApiError):
    """An admin request that clashes with what exists (an account name, a key, an event id)."""

    status = 409


class AccountGone(Conflict):
    """A call whose account was reset or deleted while it was in flight: nothing is stored."""


class InsufficientStorage(ApiError):
    """An account at its ``max_events`` cap (the mock's own bound; the API documents none)."""

    status = 507


class PayloadTooLarge(ApiError):
    status = 413


class UnsupportedMediaType(ApiError):
    status = 415


class InjectedFault(ApiError):
    """A failure the test asked for (``fail_next``, ``rate_limit``); any status."""

    def __init__(self, status: int, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message, headers=headers)
        self.status = status


class SeedError(Exception):
    """A fixture file that cannot be loaded; the message names the file, line and rule."""


class PlanError(Exception):
    """A tracking plan that cannot be loaded; the message names the file, line and rule."""
