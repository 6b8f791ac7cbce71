"""JSON Lines fixtures and the admin seed endpoint's JSON Lines body."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tracking_mock.errors import SeedError
from tracking_mock.models import ListQuery
from tracking_mock.seed import load_seed
from tracking_mock.seed_jsonl import LineSplitter
from tracking_mock.store import Store

from .helpers import AUTH, MakeClient

HEADER = '{"version": 1, "account": "shop", "keys": ["sk_shop"], "metrics": {"Buy": "met_1"}}'
BUY = '{"eventName": "Buy", "value": 3, "metadata": {"plan": "pro"}}'
NDJSON = {"Content-Type": "application/x-ndjson"}


def write(folder: Path, name: str, *lines: str) -> Path:
    path = folder / name
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_a_jsonl_fixture_defines_an_account_and_its_events(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "shop.jsonl",
        HEADER,
        BUY,
        "",
        '{"eventName": "Buy", "value": 5, "id": "evt_1", "createdAt": "2026-01-01T00:00:00Z"}',
    )
    store = Store(load_seed([path]).accounts)
    shop = store.account("shop")
    assert shop.spec.keys == ("sk_shop",)
    events = store.events("shop")
    assert [(e.value, e.metric_id) for e in events] == [(3, "met_1"), (5, "met_1")]
    assert events[1].id == "evt_1"
    assert events[1].created_at == "2026-01-01T00:00:00.000Z"
    assert store.list_events(shop, ListQuery(metadata=(("plan", "pro"),))).total_count == 1


def test_a_folder_loads_yaml_and_jsonl_fixtures_in_name_order(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "version: 1", "accounts:", "  first: {keys: [sk_first]}")
    write(tmp_path, "b.jsonl", HEADER, BUY)
    seed = load_seed([tmp_path])
    assert [spec.name for spec in seed.accounts] == ["first", "shop"]
    assert seed.files == (str(tmp_path / "a.yaml"), str(tmp_path / "b.jsonl"))


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        pytest.param((), "the file is empty", id="empty"),
        pytest.param((BUY,), "line 1: the first line must be", id="no-header"),
        pytest.param(
            ('{"account": "shop"}',), "line 1: '\"version\": 1' is required", id="version"
        ),
        pytest.param(('{"version": 1}',), '"account" must name the account', id="no-account"),
        pytest.param(
            ('{"version": 1, "account": "shop", "events": []}',),
            "events go on the lines after the header",
            id="events-in-header",
        ),
        pytest.param((HEADER, "", "{oops"), "line 3: invalid JSON", id="bad-json"),
        pytest.param(
            (HEADER, BUY, '{"eventName": "Buy"}'),
            "line 3: event of 'shop': value is required",
            id="bad-event",
        ),
        pytest.param(
            (HEADER, '{"eventName": "Buy", "value": 1, "colour": "red"}'),
            "line 2: event of 'shop': unknown field 'colour'",
            id="unknown-field",
        ),
        pytest.param(
            (
                HEADER,
                '{"eventName": "A", "value": 1, "id": "x"}',
                '{"eventName": "A", "value": 1, "id": "x"}',
            ),
            "line 3: duplicate event id 'x'",
            id="duplicate-id",
        ),
    ],
)
def test_bad_jsonl_fixtures_fail_naming_file_and_line(
    tmp_path: Path, lines: tuple[str, ...], message: str
) -> None:
    path = write(tmp_path, "shop.jsonl", *lines)
    with pytest.raises(SeedError) as failure:
        load_seed([path])
    assert str(failure.value).startswith(str(path))
    assert message in str(failure.value)


@pytest.mark.parametrize(
    "chunks",
    [
        pytest.param([b"a\nbb\n", b"c"], id="whole-lines"),
        pytest.param([b"a", b"\nb", b"b\nc"], id="split-lines"),
        pytest.param([b"a\n", b"", b"bb\nc"], id="empty-chunk"),
        pytest.param([bytes([byte]) for byte in b"a\nbb\nc"], id="byte-by-byte"),
    ],
)
def test_line_splitter_joins_lines_across_chunks(chunks: list[bytes]) -> None:
    splitter = LineSplitter(max_line_bytes=2)
    lines = [line for chunk in chunks for line in splitter.feed(chunk)] + splitter.close()
    assert lines == [b"a", b"bb", b"c"]


@pytest.mark.parametrize(
    "chunks",
    [
        pytest.param([b"12345"], id="one-chunk"),
        pytest.param([b"12", b"34", b"5"], id="trickled"),
        pytest.param([b"1\n12345\n"], id="a-middle-line"),
    ],
)
def test_line_splitter_refuses_a_line_past_its_limit(chunks: list[bytes]) -> None:
    splitter = LineSplitter(max_line_bytes=4)
    for chunk in chunks[:-1]:
        splitter.feed(chunk)
    with pytest.raises(SeedError, match="longer than 4 bytes"):
        splitter.feed(chunks[-1])


def _stream(*lines: str) -> Iterator[bytes]:
    """The body in small chunks that cut lines in the middle."""
    data = "".join(line + "\n" for line in lines).encode()
    for start in range(0, len(data), 7):
        yield data[start : start + 7]


def test_admin_seed_takes_event_lines(make_client: MakeClient) -> None:
    client = make_client()
    assert (
        client.post("/_mock/accounts", json={"name": "shop", "key": "sk_shop"}).status_code == 201
    )
    answer = client.post("/_mock/accounts/shop/seed", content=_stream(BUY, BUY, ""), headers=NDJSON)
    assert answer.status_code == 200
    assert answer.json()["data"] == {"account": "shop", "added": 2}
    listed = client.get(
        "/tracking/events?metadata.plan=pro", headers={"Authorization": "Bearer sk_shop"}
    )
    assert listed.json()["data"]["totalCount"] == 2


@pytest.mark.parametrize(
    ("lines", "max_body_bytes", "message"),
    [
        pytest.param((BUY, "[1"), 1_048_576, "body:line 2: invalid JSON", id="bad-json"),
        pytest.param((BUY, '{"value": 1}'), 1_048_576, "body:line 2: event of", id="bad-event"),
        pytest.param((BUY, BUY), 40, "a line is longer than 40 bytes", id="long-line"),
    ],
)
def test_admin_seed_refuses_bad_event_lines_and_stores_none(
    make_client: MakeClient, lines: tuple[str, ...], max_body_bytes: int, message: str
) -> None:
    client = make_client(max_body_bytes=max_body_bytes)
    client.post("/_mock/accounts", json={"name": "shop", "key": "sk_shop"})
    answer = client.post("/_mock/accounts/shop/seed", content=_stream(*lines), headers=NDJSON)
    assert answer.status_code == 400
    assert answer.json()["success"] is False
    assert message in answer.json()["error"]
    health = client.get("/_mock/health").json()["data"]
    assert {"name": "shop", "events": 0} in health["accounts"]
    assert client.get("/tracking/events", headers=AUTH).status_code in (200, 401)
