"""Contract checks: update."""

from __future__ import annotations

from .. import expect
from ..context import EVENTS, Context
from .registry import check


@check("update.by-id", "PUT with the event's id replaces its fields, keeps id and createdAt", "doc")
def _update_by_id(ctx: Context) -> None:
    old = ctx.created("ContractUpdate", 1, currency="EUR")
    body = ctx.body("ContractUpdated", 2, id=old["id"], currency="USD")
    new = expect.event(
        ctx.probe.put(EVENTS, json_body=body),
        {"id": old["id"], "createdAt": old["createdAt"], "eventName": "ContractUpdated"},
    )
    expect.equal("data.value", 2, new["value"])
    nodes, _ = expect.page(ctx.list())
    expect.equal("listed currency", ["USD"], [node["currency"] for node in nodes])


@check(
    "update.by-transaction-id",
    "PUT without id updates the event with that transactionId",
    "decision",
)
def _update_by_transaction(ctx: Context) -> None:
    txn = f"txn_{ctx.run_id}_update"
    old = ctx.created("ContractUpdate", 1, transactionId=txn)
    body = ctx.body("ContractUpdate", 7, transactionId=txn)
    expect.event(ctx.probe.put(EVENTS, json_body=body), {"id": old["id"], "value": 7})


@check("update.unknown-id", "PUT naming no event of yours: 404", "decision")
def _update_unknown(ctx: Context) -> None:
    body = ctx.body("ContractUpdate", 1, id=f"evt_unknown_{ctx.run_id}")
    expect.error(ctx.probe.put(EVENTS, json_body=body), 404)


@check("update.validation", "PUT validates like create: no value is 400", "doc")
def _update_validation(ctx: Context) -> None:
    old = ctx.created("ContractUpdate", 1)
    body = ctx.body("ContractUpdate", 1, id=old["id"])
    del body["value"]
    expect.error(ctx.probe.put(EVENTS, json_body=body), 400)
