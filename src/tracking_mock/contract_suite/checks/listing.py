"""Contract checks: list."""

from __future__ import annotations

from .. import expect
from ..context import Context
from .registry import check


def _three(ctx: Context) -> list[str]:
    """Create three events of this check; their ids newest first."""
    return [ctx.created("ContractList", n)["id"] for n in (1, 2, 3)][::-1]


@check("list.newest-first", "GET lists your events newest first; totalCount counts them", "doc")
def _newest_first(ctx: Context) -> None:
    newest_first = _three(ctx)
    nodes, total = expect.page(ctx.list())
    expect.equal("ids in order", newest_first, expect.ids(nodes))
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
        walked.extend(expect.ids(nodes))
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
    expect.equal("ids", [wanted], expect.ids(nodes))
    expect.equal("data.totalCount", 1, total)


@check("list.filter-event-name-repeated", "eventName=A&eventName=B matches either", "decision")
def _filter_names(ctx: Context) -> None:
    a = ctx.created("ContractA", 1)["id"]
    b = ctx.created("ContractB", 1)["id"]
    ctx.created("ContractC", 1)
    nodes, _ = expect.page(ctx.list([("eventName", "ContractA"), ("eventName", "ContractB")]))
    expect.equal("ids", [b, a], expect.ids(nodes))


@check("list.filter-value", "value=250 matches a stored 250.0 (numeric equality)", "doc")
def _filter_value(ctx: Context) -> None:
    wanted = ctx.created("ContractValue", 250.0)["id"]
    ctx.created("ContractValue", 25)
    nodes, _ = expect.page(ctx.list([("value", "250")]))
    expect.equal("ids", [wanted], expect.ids(nodes))


@check("list.filter-value-not-number", "value=abc: 400", "decision")
def _filter_value_bad(ctx: Context) -> None:
    expect.error(ctx.list([("value", "abc")]), 400)


@check("list.filter-metadata", "metadata.KEY=v matches a stored string equal to v", "doc")
def _filter_metadata(ctx: Context) -> None:
    wanted = ctx.created("ContractMeta", 1, metadata={"amount": "100"})["id"]
    ctx.created("ContractMeta", 1, metadata={"amount": "1000"})
    nodes, total = expect.page(ctx.list([("metadata.amount", "100")]))
    expect.equal("ids", [wanted], expect.ids(nodes))
    expect.equal("data.totalCount", 1, total)


@check("list.filter-metadata-array", "metadata.KEY=v matches a string[] holding v", "decision")
def _filter_metadata_array(ctx: Context) -> None:
    wanted = ctx.created("ContractMeta", 1, metadata={"items": ["pizza", "soda"]})["id"]
    ctx.created("ContractMeta", 1, metadata={"items": ["tea"]})
    nodes, _ = expect.page(ctx.list([("metadata.items", "soda")]))
    expect.equal("ids", [wanted], expect.ids(nodes))


@check(
    "list.filter-metadata-number",
    "metadata.KEY=v matches a stored number whose JavaScript String(n) is v (100.0 is '100')",
    "decision",
)
def _filter_metadata_number(ctx: Context) -> None:
    whole = ctx.created("ContractMeta", 1, metadata={"amount": 100})["id"]
    point_zero = ctx.created("ContractMeta", 1, metadata={"amount": 100.0})["id"]
    half = ctx.created("ContractMeta", 1, metadata={"amount": 100.5})["id"]
    tiny = ctx.created("ContractMeta", 1, metadata={"amount": 1e-7})["id"]
    for text, wanted in (("100", [point_zero, whole]), ("100.5", [half]), ("1e-7", [tiny])):
        nodes, _ = expect.page(ctx.list([("metadata.amount", text)]))
        expect.equal(f"ids for metadata.amount={text}", wanted, expect.ids(nodes))


@check("list.filters-anded", "several filters must all match", "doc")
def _filters_anded(ctx: Context) -> None:
    wanted = ctx.created("ContractAnd", 5, metadata={"color": "red"})["id"]
    ctx.created("ContractAnd", 6, metadata={"color": "red"})
    ctx.created("ContractOther", 5, metadata={"color": "red"})
    params = [("eventName", "ContractAnd"), ("value", "5"), ("metadata.color", "red")]
    nodes, _ = expect.page(ctx.list(params))
    expect.equal("ids", [wanted], expect.ids(nodes))


@check("list.unknown-parameter", "an unknown query parameter is ignored (200)", "decision")
def _unknown_parameter(ctx: Context) -> None:
    expect.page(ctx.list([("colour", "red")]))
