"""Contract checks: paths."""

from __future__ import annotations

from .. import expect
from ..context import EVENTS, Context
from .registry import check


@check("paths.legacy-events", "/events (older pages) answers like /tracking/events", "doc")
def _legacy(ctx: Context) -> None:
    created = expect.event(ctx.probe.post("/events", json_body=ctx.body("ContractLegacy", 1)))
    legacy, _ = expect.page(ctx.probe.get("/events", params=ctx.tag_filter()))
    canonical, _ = expect.page(ctx.list())
    expect.equal("ids from /events", [created["id"]], expect.ids(legacy))
    expect.equal("/events == /tracking/events", canonical, legacy)


@check("paths.unknown", "an unknown path: 404 in the error envelope", "decision")
def _unknown_path(ctx: Context) -> None:
    expect.error(ctx.probe.get(f"/tracking/nothing-{ctx.run_id}"), 404)


@check(
    "paths.method-not-allowed",
    "an undocumented method on a known path: 405 in the error envelope",
    "decision",
    mock_only="sends DELETE to /tracking/events, which the real API might act on",
)
def _method_not_allowed(ctx: Context) -> None:
    expect.error(ctx.probe.delete(EVENTS), 405)
