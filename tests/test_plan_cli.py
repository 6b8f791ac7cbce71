"""``tracking-mock --plan`` and the ``plan`` subcommands: check, report, infer."""

from __future__ import annotations

import io
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tracking_mock import DEFAULT_API_KEY, Settings, create_app
from tracking_mock.cli import build_parser, main, settings_from_args
from tracking_mock.models import EventFields
from tracking_mock.plan import load_plan
from tracking_mock.plan_command import main as plan_main
from tracking_mock.seed import default_fixtures, load_seed
from tracking_mock.server import ServerThread

PLAN = "version: 1\nevents:\n  Purchases: {fields: {userId: required}}\n  Signups:\n"
AUTH = {"Authorization": f"Bearer {DEFAULT_API_KEY}"}


@pytest.fixture
def plan_path(tmp_path: Path) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN, encoding="utf-8")
    return path


@pytest.fixture
def server_url(plan_path: Path) -> Iterator[str]:
    """A server with the bundled fixtures and ``PLAN``, reached over a real socket."""
    app = create_app(Settings(port=0, plans=(plan_path,)))
    with ServerThread(app, port=0) as server:
        yield server.url


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = plan_main(list(argv), out)
    return code, out.getvalue()


def test_the_plan_flags_reach_the_settings(plan_path: Path) -> None:
    args = build_parser().parse_args(["--plan", str(plan_path), "--plan-mode", "enforce"])
    settings = settings_from_args(args)
    assert (settings.plans, settings.plan_mode) == ((plan_path,), "enforce")


def test_a_bad_plan_stops_the_server_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nevents:\n  P: {valu: {}}\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "tracking_mock", "--port", "0", "--plan", str(bad)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr == (
        f"tracking-mock: error: bad plan: {bad}:line 3: events.P: unknown key 'valu' "
        "(did you mean 'value'?)\n"
    )


def test_plan_check_says_ok_or_names_the_error(
    plan_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run("check", str(plan_path)) == (0, f"ok: 2 planned events in {plan_path}\n")
    assert _run("check", str(tmp_path / "none.yaml"))[0] == 1
    assert capsys.readouterr().err.startswith("tracking-mock plan: error: ")


def test_plan_report_lists_counts_and_events_never_seen(server_url: str) -> None:
    httpx.post(
        f"{server_url}/tracking/events",
        json={"eventName": "Purchases", "value": 1},
        headers=AUTH,
        timeout=5,
    )
    httpx.post(
        f"{server_url}/tracking/events",
        json={"eventName": "Refund", "value": 1},
        headers=AUTH,
        timeout=5,
    )
    code, text = _run("report", "--url", server_url, "--account", "default")
    assert code == 0
    assert text == (
        "1 of 2 planned events seen\n"
        "event        valid  violating\n"
        "Purchases        0          1\n"
        "Signups          0          0  never seen\n"
        "unplanned: 'Refund' x1\n"
    )
    code, text = _run("report", "--url", server_url, "--json")
    assert code == 0
    assert '"neverSeen": [\n    "Signups"\n  ]' in text


def _nothing_listening() -> str:
    """A loopback URL nothing listens on (its port was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_plan_report_on_an_unreachable_server_is_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = _nothing_listening()
    assert _run("report", "--url", url)[0] == 1
    assert capsys.readouterr().err.startswith(f"tracking-mock plan: error: cannot reach {url}")


def test_plan_infer_from_fixtures_writes_a_plan_every_event_meets(tmp_path: Path) -> None:
    out = tmp_path / "inferred.yaml"
    assert _run("infer", "--fixtures", str(default_fixtures()), "-o", str(out))[0] == 0
    plan = load_plan([out])
    assert set(plan.event_names) == {"Purchases", "Signups"}
    for spec in load_seed([default_fixtures()]).accounts:
        for seed in spec.events:
            assert plan.check(seed.fields) == [], seed.fields
    assert plan.check(EventFields("Purchse", 1))[0].code == "plan-unplanned-event"


def test_plan_infer_from_an_account_of_a_running_server(server_url: str, tmp_path: Path) -> None:
    for plan in ("pro", "free", "pro", "free"):
        httpx.post(
            f"{server_url}/tracking/events",
            json={"eventName": "Upgrade", "value": 2, "metadata": {"plan": plan}},
            headers=AUTH,
            timeout=5,
        )
    code, text = _run("infer", "--url", server_url, "--account", "default")
    assert code == 0
    assert text.startswith("# A tracking plan inferred by `tracking-mock plan infer`")
    out = tmp_path / "p.yaml"
    out.write_text(text, encoding="utf-8")
    rule = load_plan([out]).document["events"]["Upgrade"]
    assert rule["value"] == {"type": "integer", "minimum": 0}
    assert rule["metadata"] == {"plan": {"required": True, "enum": ["free", "pro"]}}


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["infer", "--url", "http://127.0.0.1:1"], 2),
        (["infer"], 2),
        (["frobnicate"], 2),
        (["infer", "--fixtures", "no-such-folder"], 1),
    ],
)
def test_bad_plan_invocations_fail_with_one_line(
    argv: list[str], code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", *argv]) == code
    err = capsys.readouterr().err
    assert err.startswith("tracking-mock plan: error: ")
    assert err.count("\n") == 1
