"""The command line, run as a real subprocess on a free port."""

from __future__ import annotations

import argparse
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tracking_mock import Settings
from tracking_mock.cli import open_admin_warning
from tracking_mock.seed import default_fixtures

READY_TIMEOUT = 20.0
EXIT_TIMEOUT = 10.0
PYTHON_M = [sys.executable, "-m", "tracking_mock"]
SCRIPT = [str(Path(sys.executable).with_name("tracking-mock"))]


class Running:
    """A started ``tracking-mock`` process and the URL it announced."""

    def __init__(self, command: list[str], env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
        lines: queue.Queue[str] = queue.Queue()
        assert self.process.stdout is not None
        stdout = self.process.stdout

        def pump() -> None:
            for line in stdout:
                lines.put(line)

        threading.Thread(target=pump, daemon=True).start()
        try:
            self.ready_line = lines.get(timeout=READY_TIMEOUT).rstrip("\n")
        except queue.Empty:
            self.process.kill()
            raise AssertionError(f"no ready line within {READY_TIMEOUT} s") from None
        self.url = self.ready_line.rpartition(" ")[2]

    def stop(self, signum: int = signal.SIGTERM) -> tuple[int, str]:
        self.process.send_signal(signum)
        try:
            _, stderr = self.process.communicate(timeout=EXIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        return self.process.returncode, stderr


@pytest.fixture
def start() -> Iterator[type[Running]]:
    started: list[Running] = []

    class Tracked(Running):
        def __init__(self, command: list[str], env: dict[str, str] | None = None) -> None:
            super().__init__(command, env)
            started.append(self)

    yield Tracked
    for running in started:
        if running.process.poll() is None:
            running.process.kill()
            running.process.wait(EXIT_TIMEOUT)


def run(*args: str, timeout: float = 20.0) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PYTHON_M, *args], capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.mark.parametrize("command", [PYTHON_M, SCRIPT], ids=["python-m", "script"])
def test_serves_the_bundled_fixtures_and_exits_cleanly_on_sigterm(
    start: type[Running], command: list[str]
) -> None:
    server = start([*command, "--port", "0"])
    assert server.ready_line.startswith("tracking-mock listening on http://127.0.0.1:")
    response = httpx.get(
        f"{server.url}/tracking/events",
        headers={"Authorization": "Bearer sk_test_default"},
        timeout=5,
    )
    assert response.json()["data"]["totalCount"] == 2
    code, stderr = server.stop(signal.SIGTERM)
    assert code == 0
    assert "Traceback" not in stderr


def test_sigint_is_a_clean_exit(start: type[Running]) -> None:
    server = start([*PYTHON_M, "--port", "0"])
    code, stderr = server.stop(signal.SIGINT)
    assert code == 0
    assert "Traceback" not in stderr


def test_flags_configure_the_server(start: type[Running], tmp_path: Path) -> None:
    fixture = tmp_path / "acme.yaml"
    fixture.write_text("version: 1\naccounts:\n  acme: {keys: [sk_acme]}\n")
    server = start(
        [*PYTHON_M, "--port", "0", "--fixtures", str(fixture), "--api-key", "sk_extra", "--strict"]
    )
    with httpx.Client(base_url=server.url, timeout=5) as client:
        health = client.get("/_mock/health").json()["data"]
        assert [a["name"] for a in health["accounts"]] == ["acme", "api-key-1"]
        assert health["strict"] is True
        assert (
            client.get(
                "/tracking/events", headers={"Authorization": "Bearer sk_test_default"}
            ).status_code
            == 401
        )
        flagged = client.get("/tracking/events?x=1", headers={"Authorization": "Bearer sk_extra"})
        assert flagged.status_code == 400
    assert server.stop()[0] == 0


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--bogus"], 2, "tracking-mock: error: unrecognized arguments: --bogus (see --help)"),
        (["--port", "70000"], 2, "expected a port from 0 to 65535"),
        (["--journal-size", "0"], 2, "expected a positive integer"),
        (["--log-level", "loud"], 2, "invalid choice"),
        (["--fixtures", "/nonexistent.yaml"], 1, "bad fixture: /nonexistent.yaml: no such file"),
        (["--api-key", "sk_test_default"], 2, "--api-key number 1 is already the key of another"),
        (["--api-key", "k1", "--api-key", "k1"], 2, "API key number 2 is given twice"),
        (["--api-key", ""], 2, "API key number 1 must be 1-256 visible ASCII characters"),
        (["--api-key", "bad key"], 2, "API key number 1 must be 1-256 visible ASCII characters"),
        (["--admin-token", "a b"], 2, "the admin token must be 1-256 visible ASCII characters"),
        (["--read-timeout", "0"], 2, "expected seconds (more than 0, at most 3600)"),
        (["--keep-alive-timeout", "soon"], 2, "expected seconds"),
        (["--max-events", "0"], 2, "expected a positive integer"),
        (["--max-connections", "-1"], 2, "expected a positive integer"),
        (
            ["--max-fixture-bytes", "10", "--fixtures", str(default_fixtures())],
            1,
            "bytes is more than the 10 a fixture file may hold (--max-fixture-bytes)",
        ),
    ],
)
def test_bad_invocations_print_one_line_and_fail(args: list[str], code: int, message: str) -> None:
    result = run(*args)
    assert result.returncode == code
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_a_bad_fixture_names_file_line_and_rule(tmp_path: Path) -> None:
    fixture = tmp_path / "broken.yaml"
    fixture.write_text("version: 1\naccounts:\n  a:\n    events:\n      - {eventName: x}\n")
    result = run("--port", "0", "--fixtures", str(fixture))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"tracking-mock: error: bad fixture: {fixture}:line 5: event of 'a': value is required"
    )


def test_a_fixture_number_past_python_s_digit_limit_is_one_line(tmp_path: Path) -> None:
    fixture = tmp_path / "huge.yaml"
    event = f"{{eventName: x, value: {'9' * 5000}}}"
    fixture.write_text(f"version: 1\naccounts:\n  a:\n    events:\n      - {event}\n")
    result = run("--port", "0", "--fixtures", str(fixture))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"tracking-mock: error: bad fixture: {fixture}: cannot read: a number has too many digits"
    )


def test_keys_given_on_the_command_line_are_never_echoed() -> None:
    result = run("--api-key", "sk_secret_1", "--api-key", "sk_secret_1")
    assert result.returncode == 2
    assert "sk_secret_1" not in result.stderr


@pytest.mark.parametrize(
    ("settings", "warned"),
    [
        pytest.param(Settings(), False, id="loopback"),
        pytest.param(Settings(host="localhost"), False, id="localhost"),
        pytest.param(Settings(host="::1"), False, id="ipv6-loopback"),
        pytest.param(Settings(host="0.0.0.0"), True, id="wide"),
        pytest.param(Settings(host="192.168.1.5"), True, id="lan-address"),
        pytest.param(Settings(host="0.0.0.0", admin_token="t0ken"), False, id="wide-with-token"),
    ],
)
def test_an_open_admin_surface_on_the_network_is_warned_about(
    settings: Settings, warned: bool
) -> None:
    warning = open_admin_warning(settings)
    assert (warning is not None) is warned
    if warning is not None:
        assert "--admin-token" in warning
        assert "TRACKING_MOCK_ADMIN_TOKEN" in warning


def test_the_admin_token_comes_from_the_environment(start: type[Running]) -> None:
    server = start([*PYTHON_M, "--port", "0"], env={"TRACKING_MOCK_ADMIN_TOKEN": "env-t0ken"})
    with httpx.Client(base_url=server.url, timeout=5) as client:
        assert client.get("/_mock/health").status_code == 401
        headers = {"X-Admin-Token": "env-t0ken"}
        assert client.get("/_mock/health", headers=headers).status_code == 200
    assert server.stop()[0] == 0


def test_a_taken_port_is_one_clear_line() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = run("--port", str(port))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"tracking-mock: error: cannot listen on 127.0.0.1:{port}: the address is already in use"
    )


def test_version_and_help() -> None:
    assert run("--version").stdout.startswith("tracking-mock ")
    assert "sk_test_default" in run("--help").stdout


def test_help_lists_the_subcommands_with_a_line_each() -> None:
    from tracking_mock.cli import SUBCOMMANDS

    help_text = run("--help").stdout
    for name in SUBCOMMANDS:
        line = next(line for line in help_text.splitlines() if line.split()[:1] == [name])
        assert len(line.split()) > 3, line
    assert "contract" in SUBCOMMANDS
    assert run("contract", "--help").stdout.startswith("usage: tracking-mock contract ")


def _parsers() -> list[argparse.ArgumentParser]:
    from tracking_mock.cli import build_parser
    from tracking_mock.contract_suite.command import build_parser as build_contract_parser

    return [build_parser(), build_contract_parser()]


@pytest.mark.parametrize("parser", _parsers(), ids=["tracking-mock", "contract"])
def test_every_flag_has_a_one_line_help_text(parser: argparse.ArgumentParser) -> None:
    missing = [
        action.option_strings
        for action in parser._actions
        if not action.help or "\n" in action.help or action.help == argparse.SUPPRESS
    ]
    assert missing == []


def test_the_bundled_key_refused_after_fixtures_is_explained_in_the_log_and_journal(
    start: type[Running], tmp_path: Path
) -> None:
    fixture = tmp_path / "acme.yaml"
    fixture.write_text("version: 1\naccounts:\n  acme: {keys: [sk_acme]}\n")
    server = start([*PYTHON_M, "--port", "0", "--fixtures", str(fixture)])
    with httpx.Client(base_url=server.url, timeout=5) as client:
        refused = client.get(
            "/tracking/events", headers={"Authorization": "Bearer sk_test_default"}
        )
        (call,) = client.get("/_mock/calls").json()["data"]["nodes"]
    assert refused.status_code == 401
    assert "--fixtures" not in refused.text
    assert "the bundled accounts are replaced by --fixtures" in call["reason"]
    code, stderr = server.stop()
    assert code == 0
    (logged,) = [line for line in stderr.splitlines() if "refused with 401" in line]
    assert logged.startswith("WARNING tracking_mock: GET '/tracking/events' refused with 401: ")
    assert "the bundled accounts are replaced by --fixtures" in logged


def test_logs_a_line_per_api_call_at_the_default_level(start: type[Running]) -> None:
    server = start([*SCRIPT, "--port", "0"])
    auth = {"Authorization": "Bearer sk_test_default"}
    httpx.get(f"{server.url}/tracking/events?eventname=Purchase", headers=auth, timeout=5)
    httpx.get(f"{server.url}/_mock/health", timeout=5)
    code, stderr = server.stop()
    assert code == 0
    (line,) = stderr.splitlines()  # the admin call is logged at debug only
    _, *fields = line.split()
    assert fields[:3] == ["GET", "/tracking/events?eventname=Purchase", "200"]
    assert fields[4:] == ["default", "warnings=unknown-query-parameter"]
    assert "\x1b[" not in line  # no colour off a terminal


def test_log_format_json_writes_one_object_a_line(start: type[Running]) -> None:
    server = start([*SCRIPT, "--port", "0", "--log-format", "json", "--log-level", "debug"])
    httpx.get(f"{server.url}/tracking/events", headers={"Authorization": "Bearer nope"}, timeout=5)
    code, stderr = server.stop()
    assert code == 0
    entries = [json.loads(line) for line in stderr.splitlines()]  # every line is JSON
    (call,) = [e for e in entries if e.get("path") == "/tracking/events"]
    assert (call["status"], call["level"], call["account"]) == (401, "info", None)
    assert "nope" not in stderr


def test_log_level_warning_logs_no_calls(start: type[Running]) -> None:
    server = start([*SCRIPT, "--port", "0", "--log-level", "warning"])
    httpx.get(f"{server.url}/tracking/events", timeout=5)
    code, stderr = server.stop()
    assert (code, stderr) == (0, "")
