"""Hot reload, the state file and export, on real files, real sockets and real processes."""

from __future__ import annotations

import logging
import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tracking_mock import Settings, create_app, mock_state_of
from tracking_mock.atomic import write_atomically
from tracking_mock.seed import load_seed
from tracking_mock.server import ServerThread
from tracking_mock.watch import FixtureWatcher

from .helpers import wait_for
from .live import COMMAND, Live

SHOP = {"Authorization": "Bearer sk_test_shop"}
NEW = {"Authorization": "Bearer sk_test_new"}


def _fixture(name: str, value: int, key: str = "sk_test_shop") -> str:
    return (
        f"version: 1\naccounts:\n  {name}:\n    keys: [{key}]\n    events:\n"
        f"      - {{eventName: Stock, value: {value}, createdAt: '2026-01-01T00:00:00Z'}}\n"
    )


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[tuple[str, FixtureWatcher, Path]]:
    """A served mock whose fixture folder is watched."""
    folder = tmp_path / "fixtures"
    folder.mkdir()
    (folder / "shop.yaml").write_text(_fixture("shop", 1), encoding="utf-8")
    settings = Settings(fixtures=(folder,), watch=True)
    app = create_app(settings, seed=load_seed(settings.fixtures))
    with (
        FixtureWatcher(mock_state_of(app), settings.fixtures) as watcher,
        ServerThread(app) as server,
    ):
        yield server.url, watcher, folder


def _values(url: str, auth: dict[str, str]) -> list[int]:
    answer = httpx.get(f"{url}/tracking/events", headers=auth, timeout=10)
    if answer.status_code != 200:
        return []
    return [node["value"] for node in answer.json()["data"]["nodes"]]


def test_an_edit_reloads_the_accounts_of_the_file(
    watched: tuple[str, FixtureWatcher, Path],
) -> None:
    url, _, folder = watched
    httpx.post(f"{url}/tracking/events", json={"eventName": "Hand", "value": 9}, headers=SHOP)
    (folder / "shop.yaml").write_text(_fixture("shop", 2), encoding="utf-8")
    wait_for(lambda: _values(url, SHOP) == [2], what="the edit served")


def test_a_broken_edit_keeps_the_old_data_and_logs_one_line(
    watched: tuple[str, FixtureWatcher, Path], caplog: pytest.LogCaptureFixture
) -> None:
    url, watcher, folder = watched
    caplog.set_level(logging.ERROR, logger="tracking_mock.watch")
    (folder / "shop.yaml").write_text("version: 1\naccounts:\n  shop: [oops\n", encoding="utf-8")
    wait_for(lambda: watcher.failures >= 1, what="the broken edit noticed")
    assert _values(url, SHOP) == [1]
    (message,) = {r.getMessage() for r in caplog.records}
    assert message.startswith("fixtures not reloaded, the old data stays: ")
    assert "shop.yaml:line 4: invalid YAML" in message
    assert "\n" not in message


_NEW_JSONL = (
    '{"version": 1, "account": "new", "keys": ["sk_test_new"]}\n'
    '{"eventName": "Stock", "value": 7, "createdAt": "2026-01-01T00:00:00Z"}\n'
)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        pytest.param("new.yaml", _fixture("new", 7, key="sk_test_new"), id="yaml"),
        pytest.param("new.jsonl", _NEW_JSONL, id="json-lines"),
    ],
)
def test_a_file_added_to_a_watched_folder_is_loaded(
    watched: tuple[str, FixtureWatcher, Path], name: str, text: str
) -> None:
    url, _, folder = watched
    write_atomically(folder / name, text.encode())
    wait_for(lambda: _values(url, NEW) == [7], what="the new file served")
    assert _values(url, SHOP) == [1]


def test_the_state_file_survives_sigterm_and_comes_back_on_start(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    args = ["--port", "0", "--state-file", str(state_file)]
    first = Live(args)
    try:
        auth = {"Authorization": "Bearer sk_test_default"}
        httpx.post(
            f"{first.url}/_mock/accounts/default/clock", json={"freeze": "2031-05-05T00:00:00Z"}
        )
        for value in (1, 2):
            httpx.post(
                f"{first.url}/tracking/events",
                json={"eventName": "Kept", "value": value},
                headers=auth,
            )
        httpx.post(f"{first.url}/_mock/snapshots", json={"name": "before-exit"})
        before = httpx.get(f"{first.url}/tracking/events", headers=auth).content
    finally:
        assert first.stop(signal.SIGTERM) == 0
    second = Live(args)
    try:
        assert httpx.get(f"{second.url}/tracking/events", headers=auth).content == before
        names = [
            s["name"] for s in httpx.get(f"{second.url}/_mock/snapshots").json()["data"]["nodes"]
        ]
        assert names == ["before-exit"]
    finally:
        assert second.stop(signal.SIGINT) == 0


def test_a_crash_mid_write_leaves_the_previous_state_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state.json"
    write_atomically(path, b'{"previous": true}')

    def crash(fd: int) -> None:  # the data is written, not yet on disk nor renamed
        raise OSError("disk full")

    monkeypatch.setattr("tracking_mock.atomic.os.fsync", crash)
    with pytest.raises(OSError, match="disk full"):
        write_atomically(path, b'{"next": true}' * 1000)
    assert path.read_bytes() == b'{"previous": true}'
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]  # no temporary left


def test_a_bad_state_file_stops_the_start_with_one_line(tmp_path: Path) -> None:
    import subprocess

    path = tmp_path / "state.json"
    path.write_text('{"format": "something-else"}', encoding="utf-8")
    done = subprocess.run(
        [*COMMAND, "--port", "0", "--state-file", str(path)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 1
    assert (
        done.stderr
        == f"tracking-mock: error: bad state file: {path}: not a tracking-mock-state file\n"
    )


def test_the_export_command_writes_a_fixture_that_loads_back(tmp_path: Path) -> None:
    import subprocess

    server = Live(["--port", "0"])
    try:
        output = tmp_path / "default.yaml"
        done = subprocess.run(
            [
                *COMMAND,
                "export",
                "--url",
                server.url,
                "--account",
                "default",
                "--output",
                str(output),
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        listed = httpx.get(f"{server.url}/_mock/events?account=default").json()["data"]
        missing = subprocess.run(
            [*COMMAND, "export", "--url", server.url, "--account", "nobody"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    finally:
        server.stop()
    (account,) = load_seed([output]).accounts
    assert account.keys == ()
    assert [e.id for e in reversed(account.events)] == [n["id"] for n in listed["nodes"]]
    assert (missing.returncode, missing.stderr) == (
        1,
        "tracking-mock export: error: no account named 'nobody'\n",
    )
