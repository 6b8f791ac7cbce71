"""The server thread on a real socket: bounded start and stop, drops, and concurrent reads."""

from __future__ import annotations

import asyncio
import gc
import socket
import threading
import weakref
from collections.abc import Iterator

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from tracking_mock import DEFAULT_API_KEY, Settings, cli, create_app, mock_state_of
from tracking_mock.error_handlers import CONNECTION_SCOPE_KEY
from tracking_mock.server import ServerThread, bind, settle_heap
from tracking_mock.state import MockState

from .helpers import EMPTY_SEED, wait_for

AUTH = {"Authorization": f"Bearer {DEFAULT_API_KEY}"}


STACKS = {"default": ("auto", "auto"), "pure-python": ("asyncio", "h11")}
"""The default (uvloop + httptools where installed) and the stack left where they are not."""


@pytest.fixture(params=list(STACKS))
def served(request: pytest.FixtureRequest) -> Iterator[tuple[str, MockState]]:
    app = create_app(Settings(), seed=EMPTY_SEED)
    loop, http = STACKS[request.param]
    with ServerThread(app, loop=loop, http=http, start_timeout=10, stop_timeout=5) as server:
        yield server.url, mock_state_of(app)


async def _stack_app(scope: Scope, receive: Receive, send: Send) -> None:
    """Answers with the class of the running loop and the module of uvicorn's protocol."""
    connection = scope[CONNECTION_SCOPE_KEY]
    loop = type(asyncio.get_running_loop())
    body = f"{loop.__module__}.{loop.__name__} {type(connection).__module__}".encode()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


@pytest.mark.parametrize(
    ("stack", "loop_class", "protocol_module"),
    [
        pytest.param("default", "uvloop.Loop", "uvicorn.protocols.http.httptools_impl"),
        pytest.param(
            "pure-python",
            "asyncio.unix_events._UnixSelectorEventLoop",
            "uvicorn.protocols.http.h11_impl",
        ),
    ],
)
def test_the_server_runs_on_the_loop_and_parser_it_names(
    stack: str, loop_class: str, protocol_module: str
) -> None:
    loop, http = STACKS[stack]
    with ServerThread(_stack_app, loop=loop, http=http, start_timeout=10, stop_timeout=5) as server:
        answer = httpx.get(server.url, timeout=5)
    assert answer.text == f"{loop_class} {protocol_module}"


def test_binds_loopback_on_a_free_port(served: tuple[str, MockState]) -> None:
    url, _ = served
    assert url.startswith("http://127.0.0.1:")
    assert not url.endswith(":0")
    assert httpx.get(f"{url}/_mock/health", timeout=5).status_code == 200


def test_stop_is_bounded_and_frees_the_port() -> None:
    server = ServerThread(create_app(Settings(), seed=EMPTY_SEED), stop_timeout=5)
    server.start()
    port = server.port
    server.stop()
    assert not server.running
    bind("127.0.0.1", port).close()  # the port is free again


def test_a_taken_port_fails_fast() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        server = ServerThread(create_app(Settings(), seed=EMPTY_SEED), port=holder.getsockname()[1])
        with pytest.raises(OSError, match="in use"):
            server.start()


def test_drop_closes_the_connection_without_a_response(served: tuple[str, MockState]) -> None:
    url, state = served
    state.store.account("default").faults.drop_next()
    with pytest.raises(httpx.TransportError):
        httpx.post(
            f"{url}/tracking/events", json={"eventName": "a", "value": 1}, headers=AUTH, timeout=5
        )
    ok = httpx.post(
        f"{url}/tracking/events", json={"eventName": "a", "value": 1}, headers=AUTH, timeout=5
    )
    assert ok.status_code == 200
    dropped, _stored = state.journal.records()
    assert (dropped.fault, dropped.status) == ("drop", 0)
    assert len(state.store.events("default")) == 1


def test_delay_holds_the_answer(served: tuple[str, MockState]) -> None:
    url, state = served
    state.store.account("default").faults.delay_next(0.2)
    response = httpx.get(f"{url}/tracking/events", headers=AUTH, timeout=5)
    assert response.status_code == 200
    (record,) = state.journal.records()
    assert record.fault == "delay"
    assert record.duration_ms >= 200


def test_the_test_thread_reads_while_the_server_writes(served: tuple[str, MockState]) -> None:
    url, state = served
    done = threading.Event()
    counts: list[int] = []

    def read() -> None:
        while not done.is_set():
            counts.append(len(state.store.events("default")))

    reader = threading.Thread(target=read)
    reader.start()
    with httpx.Client(base_url=url, headers=AUTH, timeout=5) as client:
        for i in range(100):
            assert (
                client.post("/tracking/events", json={"eventName": f"e{i}", "value": i}).status_code
                == 200
            )
    done.set()
    reader.join(5)
    assert not reader.is_alive()
    assert counts == sorted(counts)
    assert len(state.store.events("default")) == 100


def test_a_call_is_journaled_before_its_client_holds_the_answer(
    served: tuple[str, MockState],
) -> None:
    url, state = served
    with httpx.Client(base_url=url, headers=AUTH, timeout=5) as client:
        for count in range(1, 101):
            client.get("/tracking/events")
            assert len(state.journal.records()) == count


def test_a_client_that_gives_up_is_no_server_error(served: tuple[str, MockState]) -> None:
    url, state = served
    state.store.account("default").faults.delay_next(0.5)
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(
            f"{url}/tracking/events", json={"eventName": "a", "value": 1}, headers=AUTH, timeout=0.1
        )
    # Journaled on arrival as pending: wait for it to be completed in place.
    wait_for(
        lambda: [r.pending for r in state.journal.records()] == [False], "the completed record"
    )
    (record,) = state.journal.records()
    assert (record.status, record.fault) == (499, "delay")
    assert list(state.errors) == []
    assert state.store.events("default") == []


def test_stop_cuts_injected_delays_short() -> None:
    app = create_app(Settings(), seed=EMPTY_SEED)
    server = ServerThread(app, stop_timeout=3)
    server.start()
    mock_state_of(app).store.account("default").faults.delay_next(60)
    outcome: list[BaseException] = []

    def call() -> None:
        try:
            httpx.get(f"{server.url}/tracking/events", headers=AUTH, timeout=30)
        except httpx.TransportError as exc:
            outcome.append(exc)

    client = threading.Thread(target=call)
    client.start()
    wait_for(
        lambda: not mock_state_of(app).store.account("default").faults.active,
        "the call to enter its delay",
    )
    server.stop()  # raises ServerError if it needed more than its 2 x 3 s
    client.join(10)
    assert not client.is_alive()
    assert len(outcome) == 1


def test_settle_heap_collects_garbage_then_freezes_what_is_left() -> None:
    class Node:
        other: object = None

    kept, garbage = Node(), Node()
    garbage.other = garbage  # a cycle: only the collector frees it
    dead = weakref.ref(garbage)
    del garbage
    try:
        settle_heap()
        assert dead() is None
        assert gc.get_freeze_count() > 0
        assert not any(o is kept for o in gc.get_objects())  # frozen: out of the collector's rounds
    finally:
        gc.unfreeze()
    assert any(o is kept for o in gc.get_objects())


def test_the_cli_settles_the_heap_once_fixtures_are_loaded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    steps: list[str] = []
    monkeypatch.setattr(cli, "settle_heap", lambda: steps.append("settle"))

    def serve_until_signal(app: object, settings: Settings) -> int:
        steps.append("serve")
        return 0

    monkeypatch.setattr(cli, "_serve_until_signal", serve_until_signal)
    assert cli.serve(Settings(log_level="warning")) == 0
    assert steps == ["settle", "serve"]
