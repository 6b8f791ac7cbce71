"""Contract checks: the docs' own examples and the recommended-event recipes.

The examples are sent as the docs write them, plus this run's tags in ``metadata`` so that an
event created on the real API can be told apart.
"""

from __future__ import annotations

from .. import expect
from ..context import EVENTS, Context
from ..expect import Difference
from .registry import check

DOC_HEADERS = {"Content-Type": "application/json"}


@check(
    "examples.create-request-body",
    "the docs' request body (metadata orderId: 182394, a number): 200, kept as a number",
    "doc",
)
def _request_body(ctx: Context) -> None:
    event = expect.event(ctx.create("Purchase", 250, metadata={"orderId": 182394}))
    expect.equal("data.metadata.orderId", 182394, event["metadata"].get("orderId"))


@check(
    "examples.create-fetch",
    "the docs' fetch example (metadata amount: 250, a number): 200",
    "doc",
)
def _fetch_example(ctx: Context) -> None:
    event = expect.event(ctx.create("Purchase", 250, metadata={"amount": 250}))
    expect.equal("data.value", 250, event["value"])


@check(
    "examples.list-fetch",
    "the docs' GET example (Content-Type: application/json, no body, "
    "eventName=Purchase&metadata.amount=100): 200",
    "doc",
)
def _list_example(ctx: Context) -> None:
    wanted = ctx.created("Purchase", 250, metadata={"amount": 100})["id"]
    params = [("eventName", "Purchase"), ("metadata.amount", "100")]
    answer = ctx.probe.get(EVENTS, params=params, headers=DOC_HEADERS)
    nodes, _ = expect.page(answer)
    if wanted not in expect.ids(nodes[:20]):
        raise Difference(f"the event {wanted} on the first page", answer.describe())


@check(
    "recipes.signup-needs-value",
    "the signup recipe's example has no value; the create endpoint requires one: 400",
    "decision",
)
def _signup_without_value(ctx: Context) -> None:
    body = ctx.body("Signups", None, userId=f"user_{ctx.run_id}", coupon="SALE234")
    del body["value"]
    expect.error(ctx.probe.post(EVENTS, json_body=body), 400)


@check(
    "recipes.conversion-type",
    "a conversion's type (one of the documented kinds) is accepted and not echoed",
    "doc",
)
def _conversion_type(ctx: Context) -> None:
    fields = {
        "type": "Orders",
        "transactionId": f"txn_{ctx.run_id}_type",
        "currency": "EUR",
        "userId": f"user_{ctx.run_id}",
    }
    event = expect.event(ctx.create("Orders", 123.45, **fields))
    if "type" in event:
        raise Difference("no type in the Event", f"data.type == {event['type']!r}")
