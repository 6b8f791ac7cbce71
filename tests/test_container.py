"""The Dockerfile and the CI example, as far as this machine can check them without an image.

No image is built here (no registry but PyPI is reachable, so no base image can be pulled): these
tests run what the image would run, with the environment the Dockerfile sets.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

from tracking_mock import envflags
from tracking_mock.cli import build_parser

from .live import Live

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def _instructions(name: str) -> list[str]:
    joined = DOCKERFILE.replace("\\\n", " ")
    return [line.split(None, 1)[1] for line in joined.splitlines() if line.startswith(name + " ")]


def _dockerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for instruction in _instructions("ENV"):
        for word in shlex.split(instruction):
            name, _, value = word.partition("=")
            env[name] = value
    return env


def test_the_image_runs_as_a_user_and_is_configured_by_environment_only() -> None:
    assert _instructions("USER") == ["mock"]
    assert _instructions("CMD")[-1] == '["tracking-mock"]'  # no flags: the environment decides
    assert _dockerfile_env()["TRACKING_MOCK_HOST"] == "0.0.0.0"


def test_the_healthcheck_command_passes_against_a_mock_started_as_the_image_starts_it() -> None:
    env = {**_dockerfile_env(), "TRACKING_MOCK_HOST": "127.0.0.1", "TRACKING_MOCK_PORT": "0"}
    server = Live([], env)  # the image's CMD, with the image's environment
    try:
        health = re.search(r"CMD (\[.*\])", _instructions("HEALTHCHECK")[0])
        assert health is not None
        command = json.loads(health.group(1))
        assert command[0] == "python"
        port = server.url.rpartition(":")[2]
        done = subprocess.run(
            [sys.executable, *command[1:]],
            env={**os.environ, "TRACKING_MOCK_PORT": port},
            timeout=30,
            check=False,
        )
        assert done.returncode == 0
        server.stop()
        failing = subprocess.run(
            [sys.executable, *command[1:]],
            env={**os.environ, "TRACKING_MOCK_PORT": port},
            capture_output=True,
            timeout=30,
            check=False,
        )
        assert failing.returncode != 0  # a stopped server is unhealthy
    finally:
        server.kill()


def test_the_ci_example_sets_only_variables_the_mock_knows() -> None:
    workflow = yaml.safe_load((ROOT / "examples" / "github-actions.yml").read_text("utf-8"))
    known = {envflags.variable(a) for a in build_parser()._actions if a.option_strings}
    used = {
        name
        for job in workflow["jobs"].values()
        for env in [
            job.get("env", {}),
            *[s.get("env", {}) for s in job.get("services", {}).values()],
        ]
        for name in env
        if name.startswith("TRACKING_MOCK_")
    }
    assert used
    assert used <= known
