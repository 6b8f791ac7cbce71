"""Bad input: a clear 4xx in the envelope, nothing stored, and the server keeps serving."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from .helpers import AUTH, MakeClient, state_of

JSON = {"Content-Type": "application/json"}
SMALL_LIMIT = 256 * 1024


def chunks(padding: int, size: int) -> Iterator[bytes]:
    """A valid event body sent in chunks, padded with JSON whitespace."""
    yield b'{"eventName": "a", "value": 1'
    for _ in range(padding // size):
        yield b" " * size
    yield b"}"


BODY_CASES = [
    pytest.param(b"{", JSON, 400, "body is not valid JSON", id="truncated-json"),
    pytest.param(b"", JSON, 400, "body is not valid JSON", id="empty-body"),
    pytest.param(b"[]", JSON, 400, "body must be a JSON object, not an array", id="array"),
    pytest.param(b"42", JSON, 400, "body must be a JSON object, not a number", id="number"),
    pytest.param(b"null", JSON, 400, "body must be a JSON object, not null", id="null"),
    pytest.param(b'{"eventName": "a", "value": NaN}', JSON, 400, "not valid JSON", id="nan"),
    pytest.param(b'{"eventName": "a", "value": 1e999}', JSON, 400, "is infinity", id="overflow"),
    pytest.param(b'{"eventName": "a", "value": 1e20}', JSON, 400, "out of range", id="absurd"),
    pytest.param(b'{"eventName": "\xff", "value": 1}', JSON, 400, "not valid UTF-8", id="bad-utf8"),
    pytest.param(
        b'{"eventName": "\\ud83d", "value": 1}', JSON, 400, "no low surrogate", id="surrogate"
    ),
    pytest.param(b"[" * 50_000 + b"]" * 50_000, JSON, 400, "depth limit exceeded", id="deep"),
    pytest.param(
        b'{"eventName": "a", "value": 1, "x": ' + b"[" * 900 + b"]" * 900 + b"}",
        JSON,
        200,
        "",
        id="deep-but-allowed-unknown-field",
    ),
    pytest.param(
        b'{"eventName": "a", "value": 1}',
        {},
        400,
        "the Content-Type header is missing",
        id="no-type",
    ),
    pytest.param(
        b'{"eventName": "a", "value": 1}',
        {"Content-Type": ""},
        415,
        "Content-Type must be application/json",
        id="empty-type",
    ),
    pytest.param(
        b'{"eventName": "a", "value": 1}',
        {"Content-Type": "text/plain"},
        415,
        "Content-Type must be application/json",
        id="text-plain",
    ),
    pytest.param(
        b"eventName=a&value=1",
        {"Content-Type": "application/x-www-form-urlencoded"},
        415,
        "Content-Type must be application/json",
        id="form",
    ),
    pytest.param(
        b'{"eventName": "a", "value": 1}',
        {"Content-Type": "application/json; charset=latin-1"},
        415,
        "charset=utf-8",
        id="latin-1-charset",
    ),
    pytest.param(
        b'{"eventName": "a", "value": 1}',
        {"Content-Type": "application/json; charset=UTF-8"},
        200,
        "",
        id="utf-8-charset-ok",
    ),
    pytest.param(
        b'{"eventName": "a", "value": 1}',
        {"Content-Type": "application/vnd.api+json"},
        200,
        "",
        id="plus-json-ok",
    ),
    pytest.param(
        b'{"eventName": "a", "value": 1, "x": "' + b"x" * SMALL_LIMIT + b'"}',
        JSON,
        413,
        f"body is larger than {SMALL_LIMIT} bytes",
        id="declared-too-large",
    ),
]


@pytest.fixture
def small(make_client: MakeClient) -> TestClient:
    return make_client(max_body_bytes=SMALL_LIMIT)


def assert_still_serving_and_empty(client: TestClient, stored: int = 0) -> None:
    response = client.get("/tracking/events", headers=AUTH)
    assert response.status_code == 200
    assert response.json()["data"]["totalCount"] == stored
    ok = client.post("/tracking/events", json={"eventName": "ok", "value": 1}, headers=AUTH)
    assert ok.status_code == 200


@pytest.mark.parametrize(("content", "headers", "status", "message"), BODY_CASES)
@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_bad_bodies_are_refused_and_nothing_is_stored(
    small: TestClient,
    method: str,
    content: bytes,
    headers: dict[str, str],
    status: int,
    message: str,
) -> None:
    if method == "PUT" and status == 200:
        status, message = 400, "an update needs the event's id or its transactionId"
    response = small.request(
        method, "/tracking/events", content=content, headers={**AUTH, **headers}
    )
    assert response.status_code == status, response.text
    if status != 200:
        assert response.json() == {"success": False, "error": response.json()["error"]}
        assert message in response.json()["error"]
    assert_still_serving_and_empty(small, stored=1 if status == 200 else 0)


@pytest.mark.parametrize(
    ("extra", "status"),
    [
        pytest.param(SMALL_LIMIT - 4096, 200, id="chunked-under-limit"),
        pytest.param(SMALL_LIMIT * 4, 413, id="chunked-over-limit"),
    ],
)
def test_chunked_bodies_are_measured_as_they_arrive(
    small: TestClient, extra: int, status: int
) -> None:
    response = small.post("/tracking/events", content=chunks(extra, 4096), headers={**AUTH, **JSON})
    assert "content-length" not in response.request.headers
    assert response.status_code == status, response.text
    assert_still_serving_and_empty(small, stored=1 if status == 200 else 0)


def test_the_body_limit_boundary_is_exact(make_client: MakeClient) -> None:
    body = b'{"eventName": "a", "value": 1}'
    at_limit = make_client(max_body_bytes=len(body))
    assert (
        at_limit.post("/tracking/events", content=body, headers={**AUTH, **JSON}).status_code == 200
    )
    below = make_client(max_body_bytes=len(body) - 1)
    assert below.post("/tracking/events", content=body, headers={**AUTH, **JSON}).status_code == 413


QUERY_CASES = [
    ("limit=0", "limit must be an integer from 1 to 100"),
    ("limit=101", "limit must be an integer from 1 to 100"),
    ("limit=abc", "limit must be an integer from 1 to 100"),
    ("limit=%2B5", "limit must be an integer from 1 to 100"),
    ("limit=5.0", "limit must be an integer from 1 to 100"),
    ("limit=1&limit=2", "limit is given more than once"),
    ("startingAfter=", "startingAfter must not be empty"),
    ("startingAfter=evt_unknown", "startingAfter is not the id of one of your events"),
    ("value=abc", "value filter must be a number"),
    ("value=NaN", "value filter must be a number"),
    ("eventName=", "eventName must not be empty"),
    ("metadata.=x", "metadata filter needs a key"),
    ("metadata." + "k" * 41 + "=x", "is longer than 40 characters"),
    ("metadata.k=" + "v" * 257, "is longer than 256 characters"),
    ("eventName=%ED%A0%80", "query string is not valid UTF-8"),
    ("metadata.k=%FF", "query string is not valid UTF-8"),
    ("&".join(["eventName=a"] * 65), "too many query parameters (at most 64)"),
]


@pytest.mark.parametrize(("query", "message"), QUERY_CASES, ids=[q[:30] for q, _ in QUERY_CASES])
def test_malformed_query_values_are_400(client: TestClient, query: str, message: str) -> None:
    response = client.get(f"/tracking/events?{query}", headers=AUTH)
    assert response.status_code == 400, response.text
    assert message in response.json()["error"]
    assert_still_serving_and_empty(client)


def test_a_bug_is_a_500_in_the_envelope_without_traceback(
    make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = make_client()
    lenient = TestClient(client.app, raise_server_exceptions=False)
    state = state_of(client)

    def explode(*args: object) -> None:
        raise RuntimeError("boom: secret detail")

    monkeypatch.setattr(state.store, "create_event", explode)
    response = lenient.post("/tracking/events", json={"eventName": "a", "value": 1}, headers=AUTH)
    assert response.status_code == 500
    assert response.json() == {"success": False, "error": "internal server error"}
    assert "boom" not in response.text
    assert [(f.account, str(f.error)) for f in state.errors] == [("default", "boom: secret detail")]
    assert state.take_errors("other") == []
    assert [str(e) for e in state.take_errors("default")] == ["boom: secret detail"]
    assert list(state.errors) == []
    (record,) = state.journal.records()
    assert (record.status, record.response) == (500, response.json())
    monkeypatch.undo()
    assert_still_serving_and_empty(lenient)
