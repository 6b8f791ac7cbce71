"""Properties no OpenAPI schema can state: filters, cursor walks, counts and account isolation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient
from tests.budgets import examples

from tracking_mock import create_app
from tracking_mock.models import AccountSpec, ListQuery
from tracking_mock.seed import Seed
from tracking_mock.store import Account, Store
from tracking_mock.validation import validate_event

PROPERTIES = settings(
    max_examples=examples(200),
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
HTTP_PROPERTIES = settings(PROPERTIES, max_examples=examples(80))

KEYS = {"a": "sk_test_a", "b": "sk_test_b"}
TWO_ACCOUNTS = Seed(
    accounts=tuple(AccountSpec(name, (key,), {}, {}) for name, key in KEYS.items()),
    files=(),
)

# Small pools make collisions (and so matches) likely; the free text keeps them honest.
metadata_keys = st.one_of(
    st.sampled_from(["a", "B", "ключ", "k.e=y&x", "%20", "a b", "+"]),
    st.text(min_size=1, max_size=40),
)
# What JavaScript's String(n) prints for each float the tests store (read off a JS console).
JS_TEXT: dict[float, str] = {
    100.0: "100",
    100.5: "100.5",
    -1.0: "-1",
    0.0: "0",
    1e-07: "1e-7",
    1e-06: "0.000001",
    1e15: "1000000000000000",
    1e-21: "1e-21",
    2.5e-8: "2.5e-8",
    123456.789: "123456.789",
}
metadata_strings = st.one_of(
    st.sampled_from(["", "x", "X", "100", "100.5", "a&b=c", "é", " x "]),
    st.text(max_size=12),
)
metadata_values = st.one_of(
    metadata_strings,
    st.lists(metadata_strings, max_size=4),
    st.sampled_from(list(JS_TEXT)),
    st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1),
)
metadata = st.dictionaries(metadata_keys, metadata_values, max_size=5)
event_names = st.sampled_from(["Orders", "Signups", "orders", "Custom Event"])
values = st.sampled_from([0, 1, 250, 250.0, 2.5, -3])


def _matches_text(stored: Any, wanted: str) -> bool:
    """The documented rule: as a string; a string[] by any element; a number by ``String(n)``."""
    if isinstance(stored, str):
        return stored == wanted
    if isinstance(stored, list):
        return wanted in stored
    return _js_text(stored) == wanted


def _js_text(number: float) -> str:
    return JS_TEXT[number] if isinstance(number, float) else str(number)


def _matching(
    events: list[dict[str, Any]],
    filters: list[tuple[str, str]],
    names: list[str] | None = None,
    numbers: list[float] | None = None,
) -> list[dict[str, Any]]:
    """The reference: events (oldest first) passing every filter, newest first."""
    kept = []
    for event in events:
        stored = event.get("metadata") or {}
        if names and event["eventName"] not in names:
            continue
        if numbers and not any(float(event["value"]) == n for n in numbers):
            continue
        if all(key in stored and _matches_text(stored[key], v) for key, v in filters):
            kept.append(event)
    return kept[::-1]


def _store() -> tuple[Store, Account]:
    store = Store([AccountSpec("a", ("sk_a",), {}, {})])
    return store, store.account("a")


def _create(store: Store, account: Account, body: dict[str, Any]) -> dict[str, Any]:
    fields, _ = validate_event(body)
    event = store.create_event(account, fields)
    return {**body, "id": event.id}


@st.composite
def stored_events_and_filters(
    draw: st.DrawFn,
) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """Events with random metadata, and one or two metadata filters often hitting them."""
    bodies: list[dict[str, Any]] = draw(
        st.lists(
            st.fixed_dictionaries(
                {"eventName": event_names, "value": values, "metadata": metadata}
            ),
            max_size=12,
        )
    )
    candidates = [
        (key, text)
        for body in bodies
        for key, value in body["metadata"].items()
        for text in (value if isinstance(value, list) else [value])
        if isinstance(text, str)
    ] + [
        (key, _js_text(value))
        for body in bodies
        for key, value in body["metadata"].items()
        if isinstance(value, int | float)
    ]
    pair = st.tuples(metadata_keys, metadata_strings)
    filters = draw(
        st.lists(st.sampled_from(candidates) | pair if candidates else pair, min_size=1, max_size=2)
    )
    return bodies, filters


@PROPERTIES
@given(case=stored_events_and_filters())
def test_metadata_filters_match_any_key_and_value(
    case: tuple[list[dict[str, Any]], list[tuple[str, str]]],
) -> None:
    bodies, filters = case
    store, account = _store()
    created = [_create(store, account, body) for body in bodies]
    page = store.list_events(account, ListQuery(limit=100, metadata=tuple(filters)))
    expected = _matching(created, filters)
    assert [event.id for event in page.nodes] == [event["id"] for event in expected]
    assert page.total_count == len(expected)


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    """One app with two empty accounts; each example starts from a reset."""
    with TestClient(create_app(seed=TWO_ACCOUNTS)) as test_client:
        yield test_client


def _auth(account: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {KEYS[account]}"}


def _post(client: TestClient, account: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/tracking/events", json=body, headers=_auth(account))
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def _reset(client: TestClient) -> None:
    assert client.post("/_mock/reset", json={}).status_code == 200


@HTTP_PROPERTIES
@given(case=stored_events_and_filters())
def test_metadata_filters_survive_url_encoding(
    client: TestClient, case: tuple[list[dict[str, Any]], list[tuple[str, str]]]
) -> None:
    """Keys and values with '&', '=', '%', '+', spaces and non-ASCII reach the filter intact."""
    bodies, filters = case
    _reset(client)
    created = [_post(client, "a", body) for body in bodies]
    params = (*[(f"metadata.{key}", value) for key, value in filters], ("limit", "100"))
    response = client.get("/tracking/events", params=params, headers=_auth("a"))
    assert response.status_code == 200, response.text
    expected = _matching(created, filters)
    data = response.json()["data"]
    assert [node["id"] for node in data["nodes"]] == [event["id"] for event in expected]
    assert data["totalCount"] == len(expected)


@PROPERTIES
@given(
    elements=st.lists(metadata_strings, min_size=1, max_size=5),
    other=st.lists(metadata_strings, max_size=5),
)
def test_string_array_metadata_matches_each_element_and_nothing_else(
    elements: list[str], other: list[str]
) -> None:
    store, account = _store()
    event = _create(store, account, {"eventName": "x", "value": 1, "metadata": {"k": elements}})
    stored = store.list_events(account, ListQuery())
    assert stored.nodes[0].metadata == {"k": elements}
    for text in {*elements, *other}:
        page = store.list_events(account, ListQuery(metadata=(("k", text),)))
        expected = [event["id"]] if text in elements else []
        assert [e.id for e in page.nodes] == expected, text


# Cursor walks ---------------------------------------------------------------------------

colors = st.sampled_from(["red", "blue"])
operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("create"), event_names, colors, st.sampled_from([0.0, 0.0, 1e-6, 0.5, 3.0])
        ),
        st.tuples(st.just("page"), st.just(""), st.just(""), st.just(0.0)),
    ),
    max_size=40,
)


@PROPERTIES
@given(
    seeded=st.lists(st.tuples(event_names, colors), max_size=15),
    interleaved=operations,
    limit=st.integers(min_value=1, max_value=4),
    names=st.lists(event_names, max_size=2, unique=True),
    color=st.none() | colors,
    frozen=st.booleans(),
)
def test_a_cursor_walk_returns_each_matching_event_once_newest_first(
    seeded: list[tuple[str, str]],
    interleaved: list[tuple[str, str, str, float]],
    limit: int,
    names: list[str],
    color: str | None,
    frozen: bool,
) -> None:
    """Under any interleaving of creates and page reads; totalCount always counts every match."""
    store, account = _store()
    if frozen:  # many events then share a createdAt: only insertion order separates them
        account.clock.freeze(1_767_225_600.0)
    filters = [] if color is None else [("color", color)]
    created: list[dict[str, Any]] = []

    def create(name: str, shade: str, tick: float) -> None:
        if frozen:
            account.clock.advance(tick)
        body = {"eventName": name, "value": 1, "metadata": {"color": shade}}
        created.append(_create(store, account, body))

    for name, shade in seeded:
        create(name, shade, 0.0)
    walked: list[str] = []
    cursor: str | None = None
    expected: list[str] | None = None
    done = False

    def read_page() -> None:
        nonlocal cursor, expected, done
        query = ListQuery(
            limit=limit,
            starting_after=cursor,
            event_names=tuple(names),
            metadata=tuple(filters),
        )
        page = store.list_events(account, query)
        matching_now = [event["id"] for event in _matching(created, filters, names)]
        assert page.total_count == len(matching_now)
        if expected is None:  # the walk holds what matched when it began
            expected = matching_now
        walked.extend(event.id for event in page.nodes)
        if len(page.nodes) < limit:
            done = True
        else:
            cursor = page.nodes[-1].id

    for kind, name, shade, tick in interleaved:
        if kind == "create":
            create(name, shade, tick)
        elif not done:
            read_page()
    for _ in range(len(created) + 1):  # a walk that repeats itself must not loop forever
        if done:
            break
        read_page()
    assert done, f"the walk did not end: {walked}"
    assert walked == expected
    assert len(set(walked)) == len(walked)


# Accounts -------------------------------------------------------------------------------


@HTTP_PROPERTIES
@given(
    creates=st.lists(
        st.tuples(st.sampled_from(["a", "b"]), event_names, st.sampled_from(["t1", "t2", None])),
        max_size=12,
    ),
    limit=st.integers(min_value=1, max_value=3),
)
def test_two_accounts_never_see_each_other(
    client: TestClient, creates: list[tuple[str, str, str | None]], limit: int
) -> None:
    _reset(client)
    owned: dict[str, list[dict[str, Any]]] = {"a": [], "b": []}
    for account, name, txn in creates:
        body = {"eventName": name, "value": 1, "transactionId": txn}
        owned[account].append(_post(client, account, body))
    for me, other in (("a", "b"), ("b", "a")):
        walked = _walk(client, me, limit)
        assert walked == [event["id"] for event in owned[me][::-1]]
        for theirs in owned[other]:
            response = client.get(
                "/tracking/events", params={"startingAfter": theirs["id"]}, headers=_auth(me)
            )
            assert response.status_code == 400
            update = {"eventName": "x", "value": 2, "id": theirs["id"]}
            assert client.put("/tracking/events", json=update, headers=_auth(me)).status_code == 404
        mine_txns = {event["transactionId"] for event in owned[me]}
        for txn in {event["transactionId"] for event in owned[other]} - mine_txns - {None}:
            update = {"eventName": "x", "value": 2, "transactionId": txn}
            assert client.put("/tracking/events", json=update, headers=_auth(me)).status_code == 404
    # Nothing above changed the other account's events.
    for account, events in owned.items():
        listed = client.get("/tracking/events?limit=100", headers=_auth(account)).json()["data"]
        assert [node["value"] for node in listed["nodes"]] == [1] * len(events)


def _walk(client: TestClient, account: str, limit: int) -> list[str]:
    """Every id a cursor walk yields; asserts totalCount equals the walk's length."""
    walked: list[str] = []
    totals: set[int] = set()
    params: dict[str, str | int] = {"limit": limit}
    for _ in range(1000):  # a walk that repeats itself must not loop forever
        response = client.get("/tracking/events", params=params, headers=_auth(account))
        assert response.status_code == 200, response.text
        data = response.json()["data"]
        totals.add(data["totalCount"])
        walked.extend(node["id"] for node in data["nodes"])
        if len(data["nodes"]) < limit:
            break
        params = {"limit": limit, "startingAfter": data["nodes"][-1]["id"]}
    else:
        pytest.fail(f"the walk did not end: {walked[:20]}...")
    assert totals == {len(walked)}
    return walked
