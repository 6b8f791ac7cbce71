"""Connection hygiene on real sockets: read deadlines, idle timeouts, the connection cap."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from tracking_mock import DEFAULT_API_KEY, Settings, create_app, mock_state_of
from tracking_mock.connections import (
    ACCEPT_ERROR,
    OVER_CAPACITY_INTERVAL,
    AcceptErrorThrottle,
    ConnectionCap,
    with_read_deadline,
)
from tracking_mock.server import ServerThread
from tracking_mock.state import MockState

from .helpers import EMPTY_SEED, wait_for

AUTH = {"Authorization": f"Bearer {DEFAULT_API_KEY}"}
DEADLINE = 10.0
SHORT = 0.3


@contextlib.contextmanager
def serving(**settings: Any) -> Iterator[tuple[ServerThread, MockState]]:
    app = create_app(Settings(port=0, **settings), seed=EMPTY_SEED)
    server = ServerThread.for_settings(app, mock_state_of(app).settings)
    with server:
        yield server, mock_state_of(app)


def connect(server: ServerThread) -> socket.socket:
    return socket.create_connection((server.host, server.port), timeout=DEADLINE)


def closed_by_server(sock: socket.socket) -> bool:
    """Whether the server closes ``sock`` before the deadline (whatever it sent first)."""
    deadline = time.monotonic() + DEADLINE
    with sock:
        while time.monotonic() < deadline:
            try:
                if sock.recv(65536) == b"":
                    return True
            except ConnectionResetError:
                return True
    return False


@pytest.mark.parametrize(
    "sent",
    [
        pytest.param(b"", id="nothing"),
        pytest.param(b"GET /tracking/events HTTP/1.1\r\nHost: x\r\n", id="half-a-head"),
        pytest.param(
            b"POST /tracking/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Authorization: Bearer " + DEFAULT_API_KEY.encode() + b"\r\n"
            b'Content-Length: 100\r\n\r\n{"eventName":',
            id="short-body",
        ),
    ],
)
def test_slow_requests_are_closed_after_the_read_timeout(sent: bytes) -> None:
    with serving(read_timeout=SHORT) as (server, state):
        sock = connect(server)
        sock.sendall(sent)
        assert closed_by_server(sock)
        assert state.store.counts()["default"] == 0
        assert httpx.get(f"{server.url}/_mock/health", timeout=5).status_code == 200
        if sent.startswith(b"POST"):
            wait_for(lambda: len(state.journal.records()) == 1, "the call's record")
            assert state.journal.records()[0].status == 499


def test_idle_keep_alive_connections_are_closed() -> None:
    with serving(keep_alive_timeout=SHORT, read_timeout=DEADLINE) as (server, _):
        sock = connect(server)
        sock.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert closed_by_server(sock)


def test_a_slow_answer_is_not_a_slow_request() -> None:
    with serving(read_timeout=SHORT) as (server, state):
        state.store.account("default").faults.delay_next(SHORT * 4)
        response = httpx.post(
            f"{server.url}/tracking/events",
            json={"eventName": "a", "value": 1},
            headers=AUTH,
            timeout=DEADLINE,
        )
        assert response.status_code == 200


def test_past_the_connection_cap_requests_get_503_then_recover() -> None:
    with serving(max_connections=3, read_timeout=DEADLINE) as (server, _):
        idle = [connect(server) for _ in range(2)]
        wait_for(lambda: len(server._server.server_state.connections) >= 2, "2 connections")
        served = httpx.get(f"{server.url}/_mock/health", timeout=DEADLINE)
        assert served.status_code == 200  # the third connection: at the cap, not past it
        idle.append(connect(server))
        wait_for(lambda: len(server._server.server_state.connections) >= 3, "3 connections")
        refused = httpx.get(f"{server.url}/_mock/health", timeout=DEADLINE)
        assert refused.status_code == 503
        assert refused.headers["content-type"] == "application/json"
        assert refused.json() == {
            "success": False,
            "error": "too many connections: this server serves at most 3 at once "
            "(--max-connections)",
        }
        for sock in idle:
            sock.close()
        wait_for(
            lambda: httpx.get(f"{server.url}/_mock/health", timeout=DEADLINE).status_code == 200,
            "the server to serve again",
        )


def test_a_get_abandoned_during_a_delay_is_journaled_499() -> None:
    with serving() as (server, state):
        state.store.account("default").faults.delay_next(DEADLINE)
        with pytest.raises(httpx.ReadTimeout):
            httpx.get(f"{server.url}/tracking/events", headers=AUTH, timeout=SHORT)
        wait_for(
            lambda: [r.pending for r in state.journal.records()] == [False],
            "the call's completed record",
        )
        record = state.journal.records()[0]
        assert (record.status, record.fault) == (499, "delay")
        assert record.duration_ms < DEADLINE * 1000 / 2


def _start_serving() -> None:
    """Named like the asyncio callback that retries accepting after an accept error."""


class FakeLoop:
    def __init__(self) -> None:
        self.passed: list[dict[str, Any]] = []

    def default_exception_handler(self, context: dict[str, Any]) -> None:
        self.passed.append(context)


def test_accept_errors_are_logged_once_per_interval(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    throttle = AcceptErrorThrottle(interval=10, clock=lambda: now[0])
    loop = FakeLoop()
    error = {"message": ACCEPT_ERROR, "exception": OSError(24, "Too many open files")}
    for step in range(3000):
        now[0] = step / 100  # 30 s of a flood
        throttle(loop, error)  # type: ignore[arg-type]
    retry = SimpleNamespace(_callback=_start_serving)
    throttle(loop, {"message": "in callback", "handle": retry, "exception": ValueError("fd -1")})  # type: ignore[arg-type]
    throttle(loop, {"message": "something else"})  # type: ignore[arg-type]
    logged = [r.getMessage() for r in caplog.records if ACCEPT_ERROR in r.getMessage()]
    assert len(logged) == 3
    assert "999 more since the last one logged" in logged[1]
    assert "Too many open files" in logged[0]
    assert loop.passed == [{"message": "something else"}]


SERVE_WITH_FEW_FILES = """
import resource, sys
resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
from tracking_mock.cli import main
sys.exit(main(["--port", "0", "--read-timeout", "1", "--fixtures", sys.argv[1]]))
"""


@pytest.mark.skipif(sys.platform != "linux", reason="descriptor limits as on Linux")
def test_out_of_descriptors_the_log_stays_calm_and_serving_resumes(tmp_path: Any) -> None:
    fixture = tmp_path / "empty.yaml"
    fixture.write_text("version: 1\naccounts: {}\n")
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE_WITH_FEW_FILES, str(fixture)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        url = line.removeprefix("tracking-mock listening on ").strip()
        assert url.startswith("http://127.0.0.1:"), line
        host, port = url.removeprefix("http://").split(":")
        # More idle connections than the server has descriptors for.
        flood = [socket.create_connection((host, int(port)), timeout=DEADLINE) for _ in range(80)]
        try:
            wait_for(
                lambda: _answers(url),
                "the server to close idle connections and answer again",
            )
        finally:
            for sock in flood:
                sock.close()
        process.terminate()
        _, stderr = process.communicate(timeout=DEADLINE)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=DEADLINE)
    # asyncio reports each failed accept (throttled to a line per interval); uvloop, the
    # default stack, retries in silence. Either way the log stays calm.
    assert stderr.count(ACCEPT_ERROR) <= 3, stderr[:2000]
    assert "Traceback" not in stderr, stderr[:5000]
    assert len(stderr) < 5000


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/_mock/health", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def test_refusals_past_the_cap_are_logged_at_most_once_an_interval(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [0.0]
    cap = ConnectionCap(_never_called, limit=1, clock=lambda: now[0])
    cap.watch(connections={"a", "b"}, tasks=set())
    sent: list[dict[str, Any]] = []

    async def send(message: Any) -> None:
        sent.append(message)

    async def refuse_three() -> None:
        for _ in range(3):
            await cap({"type": "http"}, _never_received, send)
        now[0] += OVER_CAPACITY_INTERVAL
        await cap({"type": "http"}, _never_received, send)

    with caplog.at_level("WARNING", logger="tracking_mock"):
        asyncio.run(refuse_three())
    assert [m["status"] for m in sent if m["type"] == "http.response.start"] == [503] * 4
    assert [r.getMessage() for r in caplog.records] == [
        "1 request(s) answered 503: more than 1 connections at once (--max-connections)",
        "3 request(s) answered 503: more than 1 connections at once (--max-connections)",
    ]


async def _never_called(scope: Any, receive: Any, send: Any) -> None:
    raise AssertionError("the cap let a call through")


async def _never_received() -> Any:
    raise AssertionError("the cap read the request")


class _FakeProtocol:
    """What ``with_read_deadline`` reads of uvicorn's protocols, with a clock of our own."""

    def __init__(self) -> None:
        self.now = 0.0
        self.loop = SimpleNamespace(time=lambda: self.now)
        self.transport = SimpleNamespace(is_closing=lambda: False)
        self.flow = SimpleNamespace(read_paused=False)
        self.cycle: Any = None

    def connection_made(self, transport: Any) -> None:
        pass

    def data_received(self, data: bytes) -> None:
        pass


@pytest.mark.parametrize(
    ("last_bytes_at", "late"),
    [
        pytest.param(9.8, False, id="a body still coming"),
        pytest.param(9.0, True, id="a body that stalled"),
    ],
)
def test_a_body_is_late_only_once_its_bytes_stop_coming(last_bytes_at: float, late: bool) -> None:
    protocol = with_read_deadline(_FakeProtocol)()  # type: ignore[arg-type]
    protocol.connection_made(None)  # waiting since 0.0
    protocol.cycle = SimpleNamespace(more_body=True, response_complete=False)
    protocol.now = last_bytes_at
    protocol.data_received(b"x" * 65536)  # 64 KiB in 10 s: fast enough on average
    assert protocol.too_slow(now=10.0, timeout=0.5) is late


@pytest.mark.parametrize(
    ("received", "late"),
    [
        pytest.param(1024 * 1024, False, id="a big body coming fast enough"),
        pytest.param(100, True, id="a few bytes trickling just often enough"),
    ],
)
def test_a_body_is_late_once_it_comes_too_slowly_on_average(received: int, late: bool) -> None:
    protocol = with_read_deadline(_FakeProtocol)()  # type: ignore[arg-type]
    protocol.connection_made(None)  # waiting since 0.0
    protocol.cycle = SimpleNamespace(more_body=True, response_complete=False)
    protocol.now = 9.9  # the last read a moment ago
    protocol.data_received(b"x" * received)
    assert protocol.too_slow(now=10.0, timeout=0.5) is late


def test_a_head_is_late_in_all_however_its_bytes_trickle() -> None:
    protocol = with_read_deadline(_FakeProtocol)()  # type: ignore[arg-type]
    protocol.connection_made(None)
    protocol.now = 9.9
    protocol.data_received(b"GET / HT")  # no head yet: no cycle beyond the one answered last
    assert protocol.too_slow(now=10.0, timeout=0.5) is True
