"""Every example in README.md runs: Python blocks, pytest examples, and the curl line."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import httpx
import pytest

from tracking_mock import Settings, create_app
from tracking_mock.server import ServerThread

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)
BLOCKS = [(lang, body) for lang, body in BLOCK.findall(README)]
PYTHON = [body for lang, body in BLOCKS if lang == "python"]
TEST_FILES = [body for body in PYTHON if body.startswith("# file: ")]
SCRIPTS = [body for body in PYTHON if not body.startswith("# file: ")]
DATA_FILES = {
    body.splitlines()[0].removeprefix("# file: ").strip(): body
    for lang, body in BLOCKS
    if lang == "yaml" and body.startswith("# file: ")
}
"""Files the examples read (a plan, ...), written where each example runs."""
CURL = [
    line
    for lang, body in BLOCKS
    if lang == "sh"
    for line in body.splitlines()
    if line.startswith("curl ")
]


def _id(body: str) -> str:
    return body.splitlines()[0][:40]


def test_readme_opens_with_the_two_commands_ci_runs() -> None:
    first = BLOCKS[0][1].splitlines()
    assert first[0].startswith("pip install . && tracking-mock")
    assert first[1].startswith("pip install -e '.[test]' && python -m pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m pip install -e '.[test]' && python -m pytest" in ci


def _write_data_files(folder: Path) -> None:
    for name, body in DATA_FILES.items():
        folder.joinpath(name).write_text(body, encoding="utf-8")


@pytest.mark.parametrize("body", SCRIPTS, ids=[_id(b) for b in SCRIPTS])
def test_python_examples_run(body: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write_data_files(tmp_path)
    monkeypatch.chdir(tmp_path)
    exec(compile(body, "README.md", "exec"), {"__name__": "readme_example"})


@pytest.mark.parametrize("body", TEST_FILES, ids=[_id(b) for b in TEST_FILES])
def test_pytest_examples_pass(pytester: pytest.Pytester, body: str) -> None:
    name = body.splitlines()[0].removeprefix("# file: ").strip()
    pytester.path.joinpath(name).write_text(body, encoding="utf-8")
    _write_data_files(pytester.path)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=120)
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) >= 1, result.stdout.str()
    assert set(outcomes) <= {"passed", "xfailed", "seconds"}, result.stdout.str()


def _curl_as_request(line: str) -> tuple[str, str, dict[str, str]]:
    """The method, URL and headers of a README ``curl`` line (so curl need not be installed)."""
    words = shlex.split(line)
    headers: dict[str, str] = {}
    method, url = "GET", ""
    arguments = iter(words[1:])
    for word in arguments:
        if word == "-H":
            name, _, value = next(arguments).partition(":")
            headers[name.strip()] = value.strip()
        elif word == "-X":
            method = next(arguments)
        elif not word.startswith("-"):
            url = word
    return method, url, headers


@pytest.mark.parametrize("line", CURL)
def test_curl_examples_answer(line: str) -> None:
    method, url, headers = _curl_as_request(line)
    assert url.startswith("http://127.0.0.1:8080/")
    with ServerThread(create_app(Settings())) as server:
        response = httpx.request(
            method, url.replace("http://127.0.0.1:8080", server.url), headers=headers, timeout=10
        )
    assert response.status_code == 200
    assert response.json()["success"] is True
