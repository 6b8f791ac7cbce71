"""Contract checks: create."""

from __future__ import annotations

import json
from typing import Any

from ...apispec import OPTIONAL_TEXT_FIELDS
from .. import expect
from ..context import EVENTS, Context
from ..expect import Difference
from .registry import check


@check(
    "create.minimal",
    "POST with eventName and value: 200, the Event in the success envelope, unsent fields null",
    "doc",
)
def _create_minimal(ctx: Context) -> None:
    event = ctx.created("ContractMinimal", 12.5)
    for field in OPTIONAL_TEXT_FIELDS:
        expect.equal(f"data.{field.name}", None, event[field.name])
    expect.equal("data.eventName", "ContractMinimal", event["eventName"])


@check("create.all-fields", "every documented field is stored and echoed", "doc")
def _create_all(ctx: Context) -> None:
    fields = {
        "transactionId": f"txn_{ctx.run_id}_all",
        "currency": "EUR",
        "userId": f"user_{ctx.run_id}",
        "coupon": f"CPN{ctx.run_id}",
    }
    answer = ctx.create("Purchases", 19.99, **fields, metadata={"orderId": "182394"})
    event = expect.event(answer, {"eventName": "Purchases", "value": 19.99, **fields})
    expect.equal("data.metadata.orderId", "182394", event["metadata"].get("orderId"))


def _rejected(ctx: Context, body: Any, status: int = 400) -> None:
    expect.error(ctx.probe.post(EVENTS, json_body=body), status)


@check("create.missing-event-name", "no eventName: 400", "doc")
def _missing_name(ctx: Context) -> None:
    body = ctx.body("x", 1)
    del body["eventName"]
    _rejected(ctx, body)


@check("create.missing-value", "no value: 400", "doc")
def _missing_value(ctx: Context) -> None:
    body = ctx.body("ContractNoValue", 1)
    del body["value"]
    _rejected(ctx, body)


@check("create.value-not-number", "a value that is a string: 400", "doc")
def _value_string(ctx: Context) -> None:
    _rejected(ctx, ctx.body("ContractValueText", "12"))


@check("create.malformed-json", "a body that is not valid JSON: 400", "decision")
def _malformed(ctx: Context) -> None:
    answer = ctx.probe.post(
        EVENTS, content=b'{"eventName": "x", ', headers={"Content-Type": "application/json"}
    )
    expect.error(answer, 400)


@check("create.non-object-body", "a JSON body that is not an object: 400", "decision")
def _non_object(ctx: Context) -> None:
    _rejected(ctx, [ctx.body("ContractArray", 1)])


@check("create.not-json", "a body declared as text/plain: 415", "decision")
def _not_json(ctx: Context) -> None:
    # A tagged JSON text, so that even an API that ignores Content-Type stores only our event.
    body = json.dumps(ctx.body("ContractPlainText", 1)).encode()
    answer = ctx.probe.post(EVENTS, content=body, headers={"Content-Type": "text/plain"})
    expect.error(answer, 415)


@check(
    "create.no-content-type",
    "a JSON body sent without Content-Type: 400 naming the header",
    "decision",
)
def _no_content_type(ctx: Context) -> None:
    body = json.dumps(ctx.body("ContractNoType", 1)).encode()
    answer = ctx.probe.post(EVENTS, content=body)
    expect.error(answer, 400)
    if "content-type" not in answer.body["error"].lower():
        raise Difference("an error naming the Content-Type header", answer.describe())


@check("create.unknown-field", "an unknown top-level field is ignored (200)", "decision")
def _unknown_field(ctx: Context) -> None:
    event = expect.event(ctx.probe.post(EVENTS, json_body={**ctx.body("ContractExtra", 1), "x": 1}))
    if "x" in event:
        raise Difference("the unknown field not echoed", f"data.x == {event['x']!r}")
