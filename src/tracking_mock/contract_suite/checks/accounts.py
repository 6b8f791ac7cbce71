"""Contract checks: accounts."""

from __future__ import annotations

from .. import expect
from ..context import EVENTS, Context
from ..expect import Skip
from .registry import check


@check(
    "accounts.isolation",
    "a key never lists, counts, pages from or updates another account's events",
    "doc",
)
def _isolation(ctx: Context) -> None:
    if ctx.other_key is not None:
        other = ctx.other_key
    elif ctx.target == "mock":
        other = ctx.new_account()
    else:
        raise Skip("needs a second account's key: pass --other-key")
    theirs = expect.event(ctx.create("ContractIsolation", 1, key=other))
    mine = ctx.created("ContractIsolation", 1)
    nodes, total = expect.page(ctx.list())
    expect.equal("ids listed with my key", [mine["id"]], expect.ids(nodes))
    expect.equal("data.totalCount with my key", 1, total)
    expect.error(ctx.list([("startingAfter", theirs["id"])]), 400, "their id as my cursor")
    body = ctx.body("ContractIsolation", 9, id=theirs["id"])
    expect.error(ctx.probe.put(EVENTS, json_body=body), 404, "PUT of their id")
    their_nodes, _ = expect.page(ctx.list(key=other))
    expect.equal("their event after my update", [1], [n["value"] for n in their_nodes])
