"""The server thread on a real socket: bounded start and stop, drops, and concurrent reads."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import httpx
import pytest

from tracking_mock import DEFAULT_API_KEY, Settings, create_app, mock_state_of
from tracking_mock.server import ServerThread, bind
from tracking_mock.state import MockState

from .helpers import EMPTY_SEED

AUTH = {"Authorization": f"Bearer {DEFAULT_API_KEY}"}


@pytest.fixture
def served() -> Iterator[tuple[str, MockState]]:
    app = create_app(Settings(), seed=EMPTY_SEED)
    with ServerThread(app, start_timeout=10, stop_timeout=5) as server:
        yield server.url, mock_state_of(app)


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
