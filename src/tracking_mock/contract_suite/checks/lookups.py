"""Contract checks: lookups and coupons."""

from __future__ import annotations

from .. import expect
from ..context import Context
from .registry import NEEDS_SEEDED_TABLES, check


def _seeded(ctx: Context) -> str:
    return ctx.new_account(
        campaigns={"cmp_contract": {"coupons": ["C1", "C2", "C3"]}},
        metrics={"ContractMetric": "met_contract"},
    )


@check(
    "lookups.campaign-and-metric",
    "campaignId is resolved from coupon and metricId from eventName (else null)",
    "decision",
    mock_only=NEEDS_SEEDED_TABLES,
)
def _lookups(ctx: Context) -> None:
    key = _seeded(ctx)
    known = expect.event(ctx.create("ContractMetric", 1, key=key, coupon="C2"))
    expect.equal("data.campaignId", "cmp_contract", known["campaignId"])
    expect.equal("data.metricId", "met_contract", known["metricId"])
    unknown = expect.event(ctx.create("ContractOther", 1, key=key, coupon="NOPE"))
    expect.equal("data.campaignId", None, unknown["campaignId"])
    expect.equal("data.metricId", None, unknown["metricId"])


@check(
    "coupons.paging",
    "GET /client/campaigns/{id}/coupons pages with first (1..500) and skip; unknown id 404",
    "doc",
    mock_only=NEEDS_SEEDED_TABLES,
)
def _coupons(ctx: Context) -> None:
    key = _seeded(ctx)
    path = "/client/campaigns/cmp_contract/coupons"
    answer = ctx.probe.get(path, key=key, params={"first": "1", "skip": "1"})
    data = expect.success(answer)
    expect.equal(
        "data", {"nodes": [{"code": "C2", "campaignId": "cmp_contract"}], "totalCount": 3}, data
    )
    expect.error(ctx.probe.get(path, key=key, params={"first": "0"}), 400, "first=0")
    expect.error(ctx.probe.get("/client/campaigns/cmp_nothing/coupons", key=key), 404, "unknown id")


@check(
    "openapi.document",
    "the mock describes itself at /openapi.json (OpenAPI 3.1)",
    "decision",
    mock_only="the real API publishes no OpenAPI document at this path",
)
def _openapi(ctx: Context) -> None:
    answer = ctx.probe.get("/openapi.json", key=None)
    expect.status(answer, 200)
    version = answer.body.get("openapi") if isinstance(answer.body, dict) else None
    expect.equal("openapi", "3.1.0", version)
