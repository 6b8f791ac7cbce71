"""Contract checks: metadata limits."""

from __future__ import annotations

from typing import Any

from .. import expect
from ..context import Context
from .registry import check


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
