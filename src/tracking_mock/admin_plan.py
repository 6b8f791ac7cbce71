"""The admin surface of tracking plans: coverage, and an account's own plan and mode."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .admin import _account, _body, _ok
from .endpoints import mock_state
from .errors import BadRequest, PlanError
from .plan import PLAN_MODES, coverage_report
from .state import MockState
from .store import Account


def _effective(state: MockState, account: Account) -> dict[str, Any]:
    slot = account.plan
    plan = slot.plan if slot.plan is not None else state.plan
    return {
        "account": account.name,
        "mode": slot.mode or state.settings.plan_mode,
        "ownPlan": slot.plan is not None,
        "plan": None if plan is None else plan.document,
    }


async def coverage(request: Request) -> Response:
    """Per planned event, valid and violating events received; planned events never seen."""
    state = mock_state(request)
    name = request.query_params.get("account")
    accounts = [_account(state, name)] if name is not None else state.store.accounts()
    report = coverage_report(
        (a.plan.plan if a.plan.plan is not None else state.plan, a.plan.coverage.snapshot())
        for a in accounts
    )
    return _ok({"account": name, **report})


async def account_plan(request: Request) -> Response:
    """GET: an account's plan and mode. POST ``{"mode"?, "plan"?}`` sets them (null: default)."""
    state = mock_state(request)
    target = _account(state, request.path_params["name"])
    if request.method == "POST":
        body = await _body(request, state)
        unknown = sorted(set(body) - {"mode", "plan"})
        if unknown or not body:
            raise BadRequest('send {"mode": "off"|"warn"|"enforce"} and/or {"plan": <plan>|null}')
        mode = body.get("mode", target.plan.mode)
        if mode is not None and mode not in PLAN_MODES:
            raise BadRequest(f"mode must be one of {', '.join(PLAN_MODES)}")
        plan = target.plan.plan
        if "plan" in body:
            from .plan import parse_plan_document  # loads jsonschema: only when needed

            try:
                plan = None if body["plan"] is None else parse_plan_document(body["plan"])
            except PlanError as exc:
                raise BadRequest(f"bad plan: {exc}") from None
        if plan is not target.plan.plan:
            target.plan.coverage.clear()
        target.plan.plan, target.plan.mode = plan, mode
    return _ok(_effective(state, target))
