"""Contract checks: authentication."""

from __future__ import annotations

from .. import expect
from ..context import EVENTS, Context
from ..expect import Difference
from .registry import check


@check(
    "auth.missing-header",
    'no Authorization header: 401 {"success": false, "error": "Unauthorized"}',
    "doc",
)
def _auth_missing(ctx: Context) -> None:
    expect.error_text(ctx.probe.get(EVENTS, key=None), 401, "Unauthorized")


@check(
    "auth.malformed-header",
    "Authorization that is not 'Bearer <key>': 401 \"Unauthorized\"",
    "doc",
)
def _auth_malformed(ctx: Context) -> None:
    answer = ctx.probe.get(EVENTS, key=None, headers={"Authorization": f"Token {ctx.probe.key}"})
    expect.error_text(answer, 401, "Unauthorized")


@check("auth.unknown-key", 'a well-formed but unknown key: 401 "Unauthorized"', "decision")
def _auth_unknown(ctx: Context) -> None:
    expect.error_text(ctx.probe.get(EVENTS, key=f"sk_unknown_{ctx.run_id}"), 401, "Unauthorized")


@check(
    "auth.disabled-key",
    "a valid key that is not allowed: 403",
    "doc",
    mock_only="needs a key the API knows but refuses (a disabled account, made through /_mock)",
)
def _auth_disabled(ctx: Context) -> None:
    key = ctx.new_account(disabled=True)
    expect.error(ctx.probe.get(EVENTS, key=key), 403)


@check(
    "auth.forbidden-text",
    'a 403 says exactly "Forbidden", the reason kept out of the text',
    "decision",
    mock_only="needs a key the API knows but refuses (a disabled account, made through /_mock)",
)
def _auth_forbidden_text(ctx: Context) -> None:
    key = ctx.new_account(disabled=True)
    expect.error_text(ctx.probe.get(EVENTS, key=key), 403, "Forbidden")


@check(
    "auth.rate-limit",
    "past the rate limit: 429 in the error envelope, with Retry-After",
    "doc",
    mock_only="would have to exceed the real rate limit (its numbers are not documented)",
)
def _rate_limit(ctx: Context) -> None:
    key = ctx.new_account()
    name = ctx.scratch_accounts[-1]
    answer = ctx.probe.post(
        f"/_mock/accounts/{name}/faults",
        json_body={"action": "rate_limit", "requests": 1, "perSeconds": 3600},
        key=None,
    )
    expect.status(answer, 200)
    expect.success(ctx.probe.get(EVENTS, key=key))
    limited = ctx.probe.get(EVENTS, key=key)
    expect.error(limited, 429)
    if not limited.headers.get("retry-after", "").isdigit():
        raise Difference(
            "a Retry-After header in seconds", repr(limited.headers.get("retry-after"))
        )
