"""Settings from the environment: every flag has TRACKING_MOCK_<NAME>, and flags win."""

from __future__ import annotations

import argparse
from pathlib import Path

import httpx
import pytest

from tracking_mock import envflags
from tracking_mock.cli import UsageError, build_parser, settings_from_args

from .live import Live

ROOT = Path(__file__).resolve().parents[1]


def _settings(argv: list[str], env: dict[str, str]) -> dict[str, object]:
    args = envflags.with_environment(build_parser, argv, env)
    return vars(args)


@pytest.mark.parametrize(
    ("argv", "env", "expected"),
    [
        ([], {"TRACKING_MOCK_PORT": "9001"}, {"port": 9001}),
        (["--port", "9002"], {"TRACKING_MOCK_PORT": "9001"}, {"port": 9002}),
        ([], {"TRACKING_MOCK_STRICT": "true"}, {"strict": True}),
        ([], {"TRACKING_MOCK_STRICT": "0"}, {"strict": False}),
        ([], {"TRACKING_MOCK_API_KEY": "k1 k2"}, {"api_key": ["k1", "k2"]}),
        (["--api-key", "k3"], {"TRACKING_MOCK_API_KEY": "k1 k2"}, {"api_key": ["k3"]}),
        (
            [],
            {"TRACKING_MOCK_FIXTURES": "'a b.yaml' c/"},
            {"fixtures": [Path("a b.yaml"), Path("c/")]},
        ),
        ([], {"TRACKING_MOCK_LOG_LEVEL": "DEBUG"}, {"log_level": "debug"}),
        ([], {"TRACKING_MOCK_PORT": ""}, {"port": 8080}),
        ([], {"TRACKING_MOCK_UPSTREAM_TIMEOUT": "2.5"}, {"upstream_timeout": 2.5}),
    ],
    ids=[
        "number",
        "flag-wins",
        "boolean-on",
        "boolean-off",
        "list",
        "list-flag-wins",
        "paths-shell-words",
        "choice",
        "empty-is-unset",
        "seconds",
    ],
)
def test_a_variable_sets_its_flag_unless_the_flag_is_given(
    argv: list[str], env: dict[str, str], expected: dict[str, object]
) -> None:
    settings = _settings(argv, env)
    assert {name: settings[name] for name in expected} == expected


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TRACKING_MOCK_PORT": "http"}, "TRACKING_MOCK_PORT: argument --port: expected a port"),
        ({"TRACKING_MOCK_WATCH": "maybe"}, "TRACKING_MOCK_WATCH: expected one of 1, true"),
        ({"TRACKING_MOCK_LOG_LEVEL": "loud"}, "TRACKING_MOCK_LOG_LEVEL: argument --log-level"),
        ({"TRACKING_MOCK_API_KEY": "'unclosed"}, "TRACKING_MOCK_API_KEY: No closing quotation"),
    ],
    ids=["bad-number", "bad-boolean", "bad-choice", "bad-quoting"],
)
def test_a_bad_variable_is_named_in_the_error(env: dict[str, str], message: str) -> None:
    with pytest.raises(envflags.BadVariable) as raised:
        _settings([], env)
    assert str(raised.value).startswith(message)


def test_a_bad_flag_is_still_a_usage_error_whatever_the_environment() -> None:
    with pytest.raises(UsageError):
        _settings(["--port", "http"], {"TRACKING_MOCK_PORT": "9000"})


def _flags() -> list[argparse.Action]:
    return [
        a for a in build_parser()._actions if a.option_strings and a.dest not in ("help", "version")
    ]


def test_every_flag_names_its_variable_in_help_and_the_readme() -> None:
    help_text = " ".join(build_parser().format_help().split())
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for action in _flags():
        name = envflags.variable(action)
        assert f"[env: {name}]" in help_text, name
        assert f"`{name}`" in readme, name


def test_a_flag_added_later_gets_its_variable_for_free() -> None:
    def build() -> argparse.ArgumentParser:
        parser = build_parser()
        parser.add_argument("--brand-new-limit", type=int, default=3)
        return envflags.document(parser)

    args = envflags.with_environment(build, [], {"TRACKING_MOCK_BRAND_NEW_LIMIT": "7"})
    assert args.brand_new_limit == 7
    assert "TRACKING_MOCK_BRAND_NEW_LIMIT" in build().format_help()


def test_settings_come_from_the_environment_alone(tmp_path: Path) -> None:
    (tmp_path / "shop.yaml").write_text(
        "version: 1\naccounts:\n  shop:\n    keys: [sk_test_shop]\n", encoding="utf-8"
    )
    env = {
        "TRACKING_MOCK_PORT": "0",
        "TRACKING_MOCK_FIXTURES": str(tmp_path),
        "TRACKING_MOCK_API_KEY": "sk_test_one sk_test_two",
        "TRACKING_MOCK_STRICT": "1",
    }
    server = Live([], env)
    try:
        health = httpx.get(f"{server.url}/_mock/health", timeout=10).json()["data"]
        assert health["strict"] is True
        assert [a["name"] for a in health["accounts"]] == ["shop", "api-key-1", "api-key-2"]
        answer = httpx.get(
            f"{server.url}/tracking/events",
            headers={"Authorization": "Bearer sk_test_two"},
            timeout=10,
        )
        assert answer.status_code == 200
    finally:
        assert server.stop() == 0


def test_the_settings_object_matches_the_parsed_environment() -> None:
    settings = settings_from_args(
        envflags.with_environment(
            build_parser, [], {"TRACKING_MOCK_MAX_SNAPSHOTS": "3", "TRACKING_MOCK_HASH_IDS": "yes"}
        )
    )
    assert (settings.max_snapshots, settings.hash_ids) == (3, True)
