"""``tracking-mock contract`` end to end: against a mock on a free port, and a divergent one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tracking_mock import DEFAULT_API_KEY, create_app, limits, mock_state_of
from tracking_mock.cli import main
from tracking_mock.contract_suite import CHECKS, Check, run_contract
from tracking_mock.models import AccountSpec
from tracking_mock.server import ServerThread
from tracking_mock.store import Store

START_TIMEOUT = 20.0
RUN_TIMEOUT = 90.0


@pytest.fixture(scope="module")
def mock_app() -> Starlette:
    """The app behind ``mock_url``."""
    return create_app()


@pytest.fixture(scope="module")
def mock_url(mock_app: Starlette) -> Iterator[str]:
    """A mock with the bundled fixtures on a free port, for the whole module."""
    server = ServerThread(mock_app, port=0, start_timeout=START_TIMEOUT, stop_timeout=10)
    yield server.start()
    server.stop()


def test_contract_passes_against_the_mock(
    mock_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["contract", "--url", mock_url, "--key", DEFAULT_API_KEY])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "(target: mock," in out
    assert f"{len(CHECKS)} pass, 0 differ, 0 skipped" in out


@pytest.mark.parametrize("check", CHECKS, ids=[check.name for check in CHECKS])
def test_contract_check_passes_against_the_mock(mock_url: str, check: Check) -> None:
    """One test id per behaviour, for docs/fidelity.md to point at."""
    report = run_contract(mock_url, DEFAULT_API_KEY, target="mock", checks=[check])
    (outcome,) = report.outcomes
    assert outcome.status == "pass", f"expected {outcome.expected}, got {outcome.actual}"


def test_contract_runs_only_safe_checks_against_a_real_target(mock_url: str) -> None:
    report = run_contract(mock_url, DEFAULT_API_KEY, target="real")
    skipped = {o.name: o.reason for o in report.outcomes if o.status == "skip"}
    assert report.ok
    assert report.target == "real"
    assert set(skipped) == {c.name for c in CHECKS if c.mock_only} | {"accounts.isolation"}
    assert all(skipped.values()), "every skip says why"
    assert skipped["accounts.isolation"] == "needs a second account's key: pass --other-key"


def test_contract_touches_only_events_tagged_with_its_run_id(
    mock_url: str, mock_app: Starlette
) -> None:
    store = mock_state_of(mock_app).store
    before = {event.id: event for event in store.events("default")}
    report = run_contract(mock_url, DEFAULT_API_KEY, target="real", run_id="crtagged01")
    after = store.events("default")
    created = [event for event in after if event.id not in before]
    assert report.ok
    assert len(created) > 20
    assert {(e.metadata or {}).get("contractRun") for e in created} == {"crtagged01"}
    assert [e for e in after if e.id in before] == list(before.values()), "others untouched"


def test_contract_reports_a_divergent_server_and_exits_non_zero(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # One rule changed: metadata keys may be 41 characters long.
    monkeypatch.setattr(limits, "METADATA_KEY_MAX_CHARS", 41)
    with ServerThread(create_app(), port=0, start_timeout=START_TIMEOUT) as server:
        code = main(["contract", "--url", server.url, "--key", DEFAULT_API_KEY])
    out = capsys.readouterr().out
    assert code == 1
    differing = [line for line in out.splitlines() if line.startswith("DIFFER")]
    assert len(differing) == 1, out
    assert "metadata.key-length" in differing[0]
    assert "1 differ" in out
    detail = out.split(differing[0], 1)[1].splitlines()[1:3]
    assert detail[0].split() == ["expected:", "|", "actual:"]
    assert detail[1].split("|")[0].strip().startswith("a 41-character key: 400 ")
    assert detail[1].split("|")[1].strip().startswith("200 ")


def test_contract_json_report_lists_expected_and_actual(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(limits, "LIST_LIMIT_DEFAULT", 25)
    with ServerThread(create_app(), port=0, start_timeout=START_TIMEOUT) as server:
        code = main(
            ["contract", "--url", server.url, "--key", DEFAULT_API_KEY, "--only", "list.", "--json"]
        )
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert report["ok"] is False
    (difference,) = [o for o in report["outcomes"] if o["status"] == "differ"]
    assert difference["name"] == "list.default-limit"
    assert difference["expected"] == "len(data.nodes) == 20"
    assert difference["actual"] == "len(data.nodes) == 21"
    assert all(o["name"].startswith("list.") for o in report["outcomes"])


def test_contract_cli_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["contract", "--url", "http://127.0.0.1:9"]) == 2
    assert "--key" in capsys.readouterr().err


def test_contract_cli_reports_an_unreachable_url(capsys: pytest.CaptureFixture[str]) -> None:
    with ServerThread(create_app(), port=0, start_timeout=START_TIMEOUT) as server:
        url = server.url
    code = main(["contract", "--url", url, "--key", DEFAULT_API_KEY, "--timeout", "5"])
    assert code == 1
    assert "cannot reach" in capsys.readouterr().err


def _read_ready_line(process: subprocess.Popen[str], timeout: float) -> str:
    """The server's first stdout line, or fail after ``timeout`` seconds."""
    assert process.stdout is not None
    stdout = process.stdout
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    if not lines:
        process.kill()
        pytest.fail(f"the server printed nothing within {timeout} s")
    return lines[0]


def test_contract_command_end_to_end_in_subprocesses(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(
        [sys.executable, "-m", "tracking_mock", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    ) as server:
        try:
            ready = _read_ready_line(server, START_TIMEOUT)
            url = ready.strip().rsplit(" ", 1)[-1]
            assert url.startswith("http://127.0.0.1:"), ready
            command = ["contract", "--url", url, "--key", DEFAULT_API_KEY]
            result = subprocess.run(
                [sys.executable, "-m", "tracking_mock", *command],
                capture_output=True,
                text=True,
                timeout=RUN_TIMEOUT,
                env=env,
                check=False,
            )
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=15)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 differ" in result.stdout


async def _always_ok(request: Request) -> JSONResponse:
    return JSONResponse({"success": True, "data": {"nodes": [{"id": 1}], "totalCount": "many"}})


def test_contract_reports_an_api_of_another_shape_without_crashing() -> None:
    other = Starlette(routes=[Route("/{path:path}", _always_ok, methods=["GET", "POST", "PUT"])])
    with ServerThread(other, port=0, start_timeout=START_TIMEOUT) as server:
        report = run_contract(server.url, DEFAULT_API_KEY, target="real")
    statuses = {outcome.status for outcome in report.outcomes}
    assert not report.ok
    assert statuses <= {"differ", "skip"}
    assert len(report.differences) == len([c for c in CHECKS if not c.mock_only]) - 1


@pytest.mark.parametrize(
    ("make_key", "status"),
    [
        pytest.param(lambda store: "sk_wrong_key", 401, id="unknown-key-401"),
        pytest.param(
            lambda store: store.add_account(
                AccountSpec("user-disabled", ("sk_disabled",), {}, {}, disabled=True)
            ).spec.keys[0],
            403,
            id="disabled-key-403",
        ),
    ],
)
def test_contract_stops_with_one_line_when_the_key_is_refused(
    mock_url: str,
    mock_app: Starlette,
    capsys: pytest.CaptureFixture[str],
    make_key: Callable[[Store], str],
    status: int,
) -> None:
    store = mock_state_of(mock_app).store
    key = make_key(store)
    before = dict(store.counts())
    code = main(["contract", "--url", mock_url, "--key", key])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert line.startswith(
        f"tracking-mock contract: error: {mock_url}: the key was refused ({status} "
    )
    assert line.endswith("; check --key")
    assert key not in line
    assert dict(store.counts()) == before, "no check ran"


def test_contract_against_a_mock_leaves_the_users_accounts_as_they_were(
    mock_url: str, mock_app: Starlette, capsys: pytest.CaptureFixture[str]
) -> None:
    state = mock_state_of(mock_app)
    before = {name: list(state.store.events(name)) for name in state.store.counts()}
    code = main(["contract", "--url", mock_url, "--key", DEFAULT_API_KEY])
    out = capsys.readouterr().out
    assert code == 0, out
    (worked_in,) = [line for line in out.splitlines() if "account of its own" in line]
    assert "removed at the end" in worked_in
    after = {name: list(state.store.events(name)) for name in state.store.counts()}
    assert after == before, "same accounts, same events"
    contract_calls = [
        r for r in state.journal.records() if (r.account or "").startswith("contract-")
    ]
    assert contract_calls == [], "the run's calls went with its account"
