"""Whatever a client sends, the journal, health and the plugin's views of it keep working."""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest
from starlette.testclient import TestClient

from tracking_mock.recording import MAX_JSON_DEPTH, readable
from tracking_mock_pytest.calls import Call, Calls
from tracking_mock_pytest.forensics import format_calls

from .helpers import AUTH, MakeClient, state_of

JSON = {"Content-Type": "application/json"}
DEEP_VALID = b'{"eventName":"a","value":1,"x":' + b"[" * 200 + b"]" * 200 + b"}"

# (body, status, events stored): each is sent as a POST to /tracking/events.
HOSTILE_BODIES = [
    pytest.param(b'{"eventName":"\\ud800","value":1}', 400, 0, id="lone-surrogate-escape"),
    pytest.param(b'{"eventName":"a","value":1,"m":"\\udfff\\ud800"}', 400, 0, id="reversed-pair"),
    pytest.param(
        b'{"eventName":"a","value":1,"x":123456789012345678901234567890}', 200, 1, id="huge-int"
    ),
    pytest.param(b'{"eventName":"a","value":1,"x":1e400}', 400, 0, id="float-overflow"),
    pytest.param(b"[" * 300, 400, 0, id="300-open-brackets"),
    pytest.param(b"[" * 1000, 400, 0, id="1000-open-brackets"),
    pytest.param(b"[" * 1000 + b"]" * 1000, 400, 0, id="1000-deep-valid"),
    pytest.param(DEEP_VALID, 200, 1, id="200-deep-unknown-field"),
    pytest.param(b'{"eventName":"a","value":1,"x":NaN}', 400, 0, id="nan"),
    pytest.param(b'{"eventName":"\xff\xfe","value":1}', 400, 0, id="invalid-utf8"),
    pytest.param(b'{"eventName":"\xed\xa0\x80","value":1}', 400, 0, id="utf8-encoded-surrogate"),
    pytest.param(b'{"eventName":"a\\u0000b","value":1}', 200, 1, id="nul-in-name"),
    pytest.param(b'{"eventName":"a","value":1,"m":"' + b"x" * 50_000 + b'"}', 200, 1, id="50kb"),
    pytest.param(b"\x00" * 64, 400, 0, id="nul-bytes"),
    pytest.param(b'"just a string"', 400, 0, id="a-string"),
    pytest.param(b'{"eventName":"a","value":1,"a":{"a":{"a":{"a":1}}}}', 200, 1, id="small-nest"),
]


def assert_everything_still_answers(client: TestClient, stored: int) -> None:
    """The journal, health, the listing and the plugin's renderings all work."""
    calls = client.get("/_mock/calls")
    assert calls.status_code == 200, calls.text
    nodes = calls.json()["data"]["nodes"]
    assert nodes[-1]["path"] == "/tracking/events"
    health = client.get("/_mock/health")
    assert health.status_code == 200
    assert health.json()["data"]["events"] == stored
    listed = client.get("/tracking/events", headers=AUTH)
    assert listed.json()["data"]["totalCount"] == stored
    state = state_of(client)
    local = [Call.from_record(r) for r in state.journal.records()]
    remote = [Call.from_json(node) for node in nodes]
    for records in (local, remote):
        view = Calls(records.copy, set())
        assert view.filter(method="POST", path="/tracking/events").called
        json.dumps(view.last.body)  # must not raise
        assert "POST /tracking/events" in format_calls(view, "default")
        assert repr(view.last)


@pytest.mark.parametrize(("body", "status", "stored"), HOSTILE_BODIES)
def test_hostile_bodies_leave_the_journal_and_plugin_readable(
    make_client: MakeClient, body: bytes, status: int, stored: int
) -> None:
    client = make_client(max_body_bytes=200_000, journal_body_bytes=100_000)
    response = client.post("/tracking/events", content=body, headers={**AUTH, **JSON})
    assert response.status_code == status, response.text
    envelope = response.json()
    if status == 200:
        assert envelope["success"] is True
    else:
        assert envelope == {"success": False, "error": envelope["error"]}
        assert isinstance(envelope["error"], str)
    assert_everything_still_answers(client, stored)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        pytest.param(b'{"a":"\\ud800"}', '{"a":"\\ud800"}', id="surrogate-as-text"),
        pytest.param(b'{"n":123456789012345678901234567890}', None, id="huge-int-as-text"),
        pytest.param(b'{"n":1e400}', '{"n":1e400}', id="overflow-as-text"),
        pytest.param(b"[" * 40 + b"]" * 40, None, id="deep-as-text"),
        pytest.param(b'{"a":[1,2,{"b":null}]}', {"a": [1, 2, {"b": None}]}, id="json-kept"),
        pytest.param(b"\xff{", "\ufffd{", id="bad-utf8-replaced"),
        pytest.param(b"", None, id="empty"),
    ],
)
def test_journal_bodies_are_json_only_when_it_re_encodes_faithfully(raw: bytes, shown: Any) -> None:
    value = readable(raw, truncated=False)
    if shown is None and raw:
        shown = raw.decode()
    assert value == shown
    orjson.dumps(value)  # every reader can encode it


def test_json_deeper_than_the_limit_is_text_and_at_the_limit_is_json() -> None:
    at_limit = b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH
    assert isinstance(readable(at_limit, truncated=False), list)
    deeper = b"[" + at_limit + b"]"
    assert readable(deeper, truncated=False) == deeper.decode()


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("Authorization", "Bearer sk_live_x", "Bearer [redacted]"),
        ("Authorization", "bearer  sk_live_x", "bearer [redacted]"),
        ("Authorization", "sk_live_x y", "[redacted]"),
        ("Authorization", "sk_live_x", "[redacted]"),
        ("Authorization", "Basic dXNlcjpwYXNz", "Basic [redacted]"),
        ("Proxy-Authorization", "Basic dXNlcjpwYXNz", "Basic [redacted]"),
        ("X-Api-Key", "sk_live_x", "[redacted]"),
        ("Cookie", "session=sk_live_x", "[redacted]"),
        ("X-Admin-Token", "secret-token", "[redacted]"),
        ("X-Auth-Token", "Bearer abc", "Bearer [redacted]"),
        ("X-Client-Secret", "abc", "[redacted]"),
    ],
)
def test_every_credential_header_is_redacted_whatever_its_shape(
    client: TestClient, name: str, value: str, shown: str
) -> None:
    headers = {**AUTH, name: value} if name != "Authorization" else {name: value}
    client.get("/tracking/events", headers=headers)
    recorded = client.get("/_mock/calls").json()["data"]["nodes"][-1]["headers"]
    assert recorded[name.lower()] == shown
    assert "sk_live_x" not in json.dumps(recorded)


def test_journal_fields_are_cut_to_the_field_budget(make_client: MakeClient) -> None:
    client = make_client(journal_body_bytes=1024)
    big = "v" * 50_000
    client.get(f"/tracking/events?limit=5&x={big}", headers={**AUTH, "X-Big": big, "X-More": "1"})
    record = state_of(client).journal.records()[-1]
    assert len(record.query) <= 1024 + 1
    assert sum(len(n) + len(v) for n, v in record.raw_headers) <= 1024 + 64
    shown = client.get("/_mock/calls").json()["data"]["nodes"][-1]
    assert shown["headers"]["tracking-mock-cut"].endswith("more headers")
    assert shown["headers"]["authorization"] == "Bearer [redacted]"


def test_journal_is_bounded_in_total_bytes(make_client: MakeClient) -> None:
    client = make_client(journal_size=1000, journal_body_bytes=4096, journal_bytes=64 * 1024)
    for _ in range(100):
        client.get("/tracking/events", headers={**AUTH, "X-Pad": "p" * 4000})
    journal = state_of(client).journal
    assert journal.bytes <= 64 * 1024
    kept = journal.records()
    assert 5 < len(kept) < 100
    assert kept[-1].seq == 100  # the newest calls are the ones kept
    journal.clear()
    assert journal.bytes == 0


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        pytest.param("/tracking/events?x=%ED%A0%80&y=%FF", {}, id="query-bad-utf8"),
        pytest.param("/tracking/events?" + "a=1&" * 2000, {}, id="query-huge"),
        pytest.param("/tracking/%ED%A0%80", {}, id="path-bad-utf8"),
        pytest.param("/" + "p" * 20_000, {}, id="path-huge"),
        pytest.param("/tracking/events", {"X-Bin": b"\x7f\xff\xfe"}, id="header-latin1"),
        pytest.param(
            "/tracking/events", {f"X-{n}": "v" * 500 for n in range(60)}, id="headers-30kb"
        ),
    ],
)
def test_hostile_paths_queries_and_headers_leave_the_journal_readable(
    client: TestClient, path: str, headers: dict[str, str | bytes]
) -> None:
    raw = [(k.encode(), v if isinstance(v, bytes) else v.encode()) for k, v in headers.items()]
    response = client.get(
        path, headers=[*((k.encode(), v.encode()) for k, v in AUTH.items()), *raw]
    )
    assert response.status_code in (200, 400, 404)
    nodes = client.get("/_mock/calls").json()["data"]["nodes"]
    assert len(nodes) == 1
    assert len(orjson.dumps(nodes[0])) < 4 * 4096 + 2048  # every field within its budget
    assert client.get("/_mock/health").status_code == 200
    call = Call.from_record(state_of(client).journal.records()[0])
    assert format_calls([call], "default")
