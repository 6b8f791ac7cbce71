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
    "GET /client/campaigns/{id}/coupons pages with first (1..500) and skip",
    "doc",
    mock_only=NEEDS_SEEDED_TABLES,
)
def _coupons(ctx: Context) -> None:
    key = _seeded(ctx)
    path = "/client/campaigns/cmp_contract/coupons"
    nodes, total = expect.coupon_page(
        ctx.probe.get(path, key=key, params={"first": "1", "skip": "1"})
    )
    expect.equal("data.nodes[*].code", ["C2"], [node["code"] for node in nodes])
    expect.equal("data.totalCount", 3, total)
    expect.error(ctx.probe.get(path, key=key, params={"first": "0"}), 400, "first=0")


@check(
    "coupons.rows",
    "a coupon row is {id, code, tag, item_type_id, campaign_id, created_at, updated_at}",
    "doc",
    mock_only=NEEDS_SEEDED_TABLES,
)
def _coupon_rows(ctx: Context) -> None:
    given = {
        "code": "C9",
        "id": "cpn_contract",
        "tag": "spring",
        "item_type_id": "flyer",
        "created_at": "2019-08-24T14:15:22.000Z",
        "updated_at": "2019-08-24T14:15:22.000Z",
    }
    key = ctx.new_account(campaigns={"cmp_rows": {"coupons": [given, "C10"]}})
    nodes, total = expect.coupon_page(ctx.probe.get("/client/campaigns/cmp_rows/coupons", key=key))
    expect.equal("data.totalCount", 2, total)
    expect.equal("data.nodes[0]", {**given, "campaign_id": "cmp_rows"}, nodes[0])
    expect.equal("data.nodes[1].campaign_id", "cmp_rows", nodes[1]["campaign_id"])


@check(
    "coupons.foreign-campaign",
    "another client's campaign: 200 with an empty page, not 403/404",
    "doc",
    mock_only="needs a campaign of another account (seeded through /_mock)",
)
def _coupons_foreign(ctx: Context) -> None:
    _seeded(ctx)
    answer = ctx.probe.get("/client/campaigns/cmp_contract/coupons")
    expect.equal("data", {"nodes": [], "totalCount": 0}, expect.success(answer))


@check("coupons.unknown-campaign", "an unknown campaign: 200 with an empty page", "decision")
def _coupons_unknown(ctx: Context) -> None:
    answer = ctx.probe.get(f"/client/campaigns/cmp_unknown_{ctx.run_id}/coupons")
    expect.equal("data", {"nodes": [], "totalCount": 0}, expect.success(answer))


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
