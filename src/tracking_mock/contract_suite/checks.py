"""The behaviours the contract suite checks, one function each, in report order.

A check either returns (the target behaves as documented, or as the mock decided where the
docs are silent) or raises ``Difference``. Checks marked ``mock_only`` need ``/_mock`` or
would act on data that is not the run's own; they are skipped on the real API, with the
reason printed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import expect
from .context import EVENTS, Context
from .expect import Difference, Skip

_NEEDS_SEEDED_TABLES = "needs a campaign and metric table the run controls (seeded through /_mock)"


@dataclass(frozen=True, slots=True)
class Check:
    """One checked behaviour of the API."""

    name: str
    behaviour: str
    source: str
    """``"doc"`` (stated by the public docs) or ``"decision"`` (the mock's own choice)."""
    run: Callable[[Context], None]
    mock_only: str | None = None
    """Why the check is not run against the real API (``None``: it is safe there)."""


CHECKS: list[Check] = []


def check(
    name: str, behaviour: str, source: str, *, mock_only: str | None = None
) -> Callable[[Callable[[Context], None]], Callable[[Context], None]]:
    """Register a check function under ``name``."""

    def register(run: Callable[[Context], None]) -> Callable[[Context], None]:
        CHECKS.append(Check(name, behaviour, source, run, mock_only))
        return run

    return register


# Authentication -----------------------------------------------------------------------


@check("auth.missing-header", "no Authorization header: 401 in the error envelope", "doc")
def _auth_missing(ctx: Context) -> None:
    expect.error(ctx.probe.get(EVENTS, key=None), 401)


@check("auth.malformed-header", "Authorization that is not 'Bearer <key>': 401", "doc")
def _auth_malformed(ctx: Context) -> None:
    answer = ctx.probe.get(EVENTS, key=None, headers={"Authorization": f"Token {ctx.probe.key}"})
    expect.error(answer, 401)


@check("auth.unknown-key", "a well-formed but unknown key: 401", "decision")
def _auth_unknown(ctx: Context) -> None:
    expect.error(ctx.probe.get(EVENTS, key=f"sk_unknown_{ctx.run_id}"), 401)


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


# Create -------------------------------------------------------------------------------


@check(
    "create.minimal",
    "POST with eventName and value: 200, the Event in the success envelope, unsent fields null",
    "doc",
)
def _create_minimal(ctx: Context) -> None:
    event = ctx.created("ContractMinimal", 12.5)
    for name in ("transactionId", "currency", "userId", "coupon"):
        expect.equal(f"data.{name}", None, event[name])
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


@check("create.unknown-field", "an unknown top-level field is ignored (200)", "decision")
def _unknown_field(ctx: Context) -> None:
    event = expect.event(ctx.probe.post(EVENTS, json_body={**ctx.body("ContractExtra", 1), "x": 1}))
    if "x" in event:
        raise Difference("the unknown field not echoed", f"data.x == {event['x']!r}")


# Metadata limits ----------------------------------------------------------------------


def _with_metadata(ctx: Context, extra: dict[str, Any]) -> Any:
    return ctx.create("ContractMetadata", 1, metadata=extra)


@check("metadata.max-entries", "50 metadata entries: 200; 51: 400", "doc")
def _max_entries(ctx: Context) -> None:
    room = 50 - len(ctx.tags())
    expect.event(_with_metadata(ctx, {f"k{i}": "v" for i in range(room)}))
    expect.error(_with_metadata(ctx, {f"k{i}": "v" for i in range(room + 1)}), 400, "51 entries")


@check("metadata.key-length", "a 40-character key: 200; 41: 400", "doc")
def _key_length(ctx: Context) -> None:
    expect.event(_with_metadata(ctx, {"k" * 40: "v"}))
    expect.error(_with_metadata(ctx, {"k" * 41: "v"}), 400, "a 41-character key")


@check("metadata.value-length", "a 256-character value: 200; 257: 400", "doc")
def _value_length(ctx: Context) -> None:
    expect.event(_with_metadata(ctx, {"note": "v" * 256}))
    expect.error(_with_metadata(ctx, {"note": "v" * 257}), 400, "a 257-character value")


@check("metadata.code-points", "lengths count Unicode code points, not bytes", "decision")
def _code_points(ctx: Context) -> None:
    expect.event(_with_metadata(ctx, {"é" * 40: "€" * 256}))


@check("metadata.string-array", "a string[] value is stored and echoed", "doc")
def _string_array(ctx: Context) -> None:
    event = expect.event(_with_metadata(ctx, {"items": ["pizza", "soda"]}))
    expect.equal("data.metadata.items", ["pizza", "soda"], event["metadata"].get("items"))


@check("metadata.array-element-length", "a string[] element of 257 characters: 400", "decision")
def _element_length(ctx: Context) -> None:
    expect.error(_with_metadata(ctx, {"items": ["ok", "v" * 257]}), 400)


@check("metadata.number", "a number value (as the docs' examples send) is kept as sent", "decision")
def _number_value(ctx: Context) -> None:
    event = expect.event(_with_metadata(ctx, {"orderId": 182394}))
    expect.equal("data.metadata.orderId", 182394, event["metadata"].get("orderId"))


@check("metadata.boolean", "a boolean value: 400", "decision")
def _boolean_value(ctx: Context) -> None:
    expect.error(_with_metadata(ctx, {"gift": True}), 400)


@check("metadata.nested-object", "a nested object value: 400", "decision")
def _nested_value(ctx: Context) -> None:
    expect.error(_with_metadata(ctx, {"order": {"id": "1"}}), 400)


# List ---------------------------------------------------------------------------------


def _ids(nodes: list[dict[str, Any]]) -> list[str]:
    return [node["id"] for node in nodes]


def _three(ctx: Context) -> list[str]:
    """Create three events of this check; their ids newest first."""
    return [ctx.created("ContractList", n)["id"] for n in (1, 2, 3)][::-1]


@check("list.newest-first", "GET lists your events newest first; totalCount counts them", "doc")
def _newest_first(ctx: Context) -> None:
    newest_first = _three(ctx)
    nodes, total = expect.page(ctx.list())
    expect.equal("ids in order", newest_first, _ids(nodes))
    expect.equal("data.totalCount", 3, total)


@check("list.default-limit", "without limit a page holds 20 events", "doc")
def _default_limit(ctx: Context) -> None:
    for n in range(21):
        ctx.created("ContractDefaultLimit", n)
    nodes, total = expect.page(ctx.list())
    expect.equal("len(data.nodes)", 20, len(nodes))
    expect.equal("data.totalCount", 21, total)


@check("list.limit-range", "limit 1 and 100 are accepted; 0, 101 and 'ten': 400", "decision")
def _limit_range(ctx: Context) -> None:
    for good in ("1", "100"):
        expect.page(ctx.list([("limit", good)]))
    for bad in ("0", "101", "ten"):
        expect.error(ctx.list([("limit", bad)]), 400, f"limit={bad}")


@check(
    "list.cursor-walk",
    "startingAfter=<last id of a page> walks every event once, newest first",
    "decision",
)
def _cursor_walk(ctx: Context) -> None:
    newest_first = _three(ctx)
    walked: list[str] = []
    cursor: list[tuple[str, str]] = []
    for _ in range(5):
        nodes, total = expect.page(ctx.list([("limit", "1"), *cursor]))
        expect.equal("data.totalCount on every page", 3, total)
        if not nodes:
            break
        walked.extend(_ids(nodes))
        cursor = [("startingAfter", nodes[-1]["id"])]
    expect.equal("ids walked", newest_first, walked)


@check("list.cursor-unknown", "startingAfter that is no event id: 400", "decision")
def _cursor_unknown(ctx: Context) -> None:
    expect.error(ctx.list([("startingAfter", f"evt_unknown_{ctx.run_id}")]), 400)


@check("list.filter-event-name", "eventName matches exactly and case-sensitively", "doc")
def _filter_name(ctx: Context) -> None:
    wanted = ctx.created("ContractName", 1)["id"]
    ctx.created("contractname", 1)
    ctx.created("ContractNameLonger", 1)
    nodes, total = expect.page(ctx.list([("eventName", "ContractName")]))
    expect.equal("ids", [wanted], _ids(nodes))
    expect.equal("data.totalCount", 1, total)


@check("list.filter-event-name-repeated", "eventName=A&eventName=B matches either", "decision")
def _filter_names(ctx: Context) -> None:
    a = ctx.created("ContractA", 1)["id"]
    b = ctx.created("ContractB", 1)["id"]
    ctx.created("ContractC", 1)
    nodes, _ = expect.page(ctx.list([("eventName", "ContractA"), ("eventName", "ContractB")]))
    expect.equal("ids", [b, a], _ids(nodes))


@check("list.filter-value", "value=250 matches a stored 250.0 (numeric equality)", "doc")
def _filter_value(ctx: Context) -> None:
    wanted = ctx.created("ContractValue", 250.0)["id"]
    ctx.created("ContractValue", 25)
    nodes, _ = expect.page(ctx.list([("value", "250")]))
    expect.equal("ids", [wanted], _ids(nodes))


@check("list.filter-value-not-number", "value=abc: 400", "decision")
def _filter_value_bad(ctx: Context) -> None:
    expect.error(ctx.list([("value", "abc")]), 400)


@check("list.filter-metadata", "metadata.KEY=v matches a stored string equal to v", "doc")
def _filter_metadata(ctx: Context) -> None:
    wanted = ctx.created("ContractMeta", 1, metadata={"amount": "100"})["id"]
    ctx.created("ContractMeta", 1, metadata={"amount": "1000"})
    nodes, total = expect.page(ctx.list([("metadata.amount", "100")]))
    expect.equal("ids", [wanted], _ids(nodes))
    expect.equal("data.totalCount", 1, total)


@check("list.filter-metadata-array", "metadata.KEY=v matches a string[] holding v", "decision")
def _filter_metadata_array(ctx: Context) -> None:
    wanted = ctx.created("ContractMeta", 1, metadata={"items": ["pizza", "soda"]})["id"]
    ctx.created("ContractMeta", 1, metadata={"items": ["tea"]})
    nodes, _ = expect.page(ctx.list([("metadata.items", "soda")]))
    expect.equal("ids", [wanted], _ids(nodes))


@check("list.filter-metadata-number", "metadata.KEY=100 matches a stored number 100", "decision")
def _filter_metadata_number(ctx: Context) -> None:
    wanted = ctx.created("ContractMeta", 1, metadata={"amount": 100})["id"]
    ctx.created("ContractMeta", 1, metadata={"amount": 100.5})
    nodes, _ = expect.page(ctx.list([("metadata.amount", "100")]))
    expect.equal("ids", [wanted], _ids(nodes))


@check("list.filters-anded", "several filters must all match", "doc")
def _filters_anded(ctx: Context) -> None:
    wanted = ctx.created("ContractAnd", 5, metadata={"color": "red"})["id"]
    ctx.created("ContractAnd", 6, metadata={"color": "red"})
    ctx.created("ContractOther", 5, metadata={"color": "red"})
    params = [("eventName", "ContractAnd"), ("value", "5"), ("metadata.color", "red")]
    nodes, _ = expect.page(ctx.list(params))
    expect.equal("ids", [wanted], _ids(nodes))


@check("list.unknown-parameter", "an unknown query parameter is ignored (200)", "decision")
def _unknown_parameter(ctx: Context) -> None:
    expect.page(ctx.list([("colour", "red")]))


# Update -------------------------------------------------------------------------------


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


# Accounts -----------------------------------------------------------------------------


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
    expect.equal("ids listed with my key", [mine["id"]], _ids(nodes))
    expect.equal("data.totalCount with my key", 1, total)
    expect.error(ctx.list([("startingAfter", theirs["id"])]), 400, "their id as my cursor")
    body = ctx.body("ContractIsolation", 9, id=theirs["id"])
    expect.error(ctx.probe.put(EVENTS, json_body=body), 404, "PUT of their id")
    their_nodes, _ = expect.page(ctx.list(key=other))
    expect.equal("their event after my update", [1], [n["value"] for n in their_nodes])


# Paths --------------------------------------------------------------------------------


@check("paths.legacy-events", "/events (older pages) answers like /tracking/events", "doc")
def _legacy(ctx: Context) -> None:
    created = expect.event(ctx.probe.post("/events", json_body=ctx.body("ContractLegacy", 1)))
    legacy, _ = expect.page(ctx.probe.get("/events", params=ctx.tag_filter()))
    canonical, _ = expect.page(ctx.list())
    expect.equal("ids from /events", [created["id"]], _ids(legacy))
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


# Lookups and coupons ------------------------------------------------------------------


def _seeded(ctx: Context) -> str:
    return ctx.new_account(
        campaigns={"cmp_contract": {"coupons": ["C1", "C2", "C3"]}},
        metrics={"ContractMetric": "met_contract"},
    )


@check(
    "lookups.campaign-and-metric",
    "campaignId is resolved from coupon and metricId from eventName (else null)",
    "decision",
    mock_only=_NEEDS_SEEDED_TABLES,
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
    mock_only=_NEEDS_SEEDED_TABLES,
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
