"""The request log: one line per call, text or JSON, keys never shown, client text escaped."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from tracking_mock import Settings, create_app
from tracking_mock.journal import CallRecord
from tracking_mock.models import ContractWarning
from tracking_mock.requestlog import (
    LOG_FORMATS,
    LOGGER_NAME,
    LogFormatter,
    LoggedCall,
    RequestLog,
    json_fields,
    text_line,
)

from .helpers import AUTH, EMPTY_SEED


def _record(**changes: Any) -> CallRecord:
    record = CallRecord(
        seq=7,
        time=1_767_261_600.25,
        method="POST",
        path="/tracking/events",
        query="",
        raw_headers=((b"authorization", b"Bearer sk_test_secret"),),
        raw_body=b'{"eventName": "a"}',
        body_truncated=False,
        status=200,
        raw_response=b'{"success":true,"data":{}}',
        response_truncated=False,
        account="acme",
        warnings=(ContractWarning("metadata-number", "metadata value 'n' is a number"),),
        fault=None,
        duration_ms=1.234,
    )
    return record._replace(**changes)


def _written(record: CallRecord, **options: Any) -> str:
    stream = io.StringIO()
    log = RequestLog(stream, **options)
    log(record)
    log.flush()  # a line logged inside an event loop (Playwright's, say) is written later
    return stream.getvalue()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, " POST /tracking/events 200 1.2ms acme warnings=metadata-number"),
        (
            {
                "method": "GET",
                "query": "limit=5",
                "status": 401,
                "account": None,
                "warnings": (),
                "raw_response": b'{"success":false,"error":"Unauthorized: unknown client key"}',
            },
            ' GET /tracking/events?limit=5 401 1.2ms - "Unauthorized: unknown client key"',
        ),
        (
            {"status": 0, "fault": "drop", "warnings": ()},
            " POST /tracking/events drop 1.2ms acme fault=drop",
        ),
        (
            {"path": "/x\x1b[31m\n\u202e", "status": 404, "warnings": (), "raw_response": b""},
            " POST /x\\x1b[31m\\n\\u202e 404 1.2ms acme",
        ),
    ],
    ids=["warnings", "error-reason", "dropped", "control-characters-escaped"],
)
def test_text_line_shows_the_call_at_a_glance(changes: dict[str, Any], expected: str) -> None:
    line = text_line(_record(**changes), "12:00:00")
    assert line == "12:00:00.250" + expected


def test_a_record_note_wins_over_the_answer_text() -> None:
    record = _record(
        status=401, raw_response=b'{"error": "Unauthorized"}', reason="no account has this key"
    )
    assert text_line(record, "12:00:00").endswith('"no account has this key"')


def test_a_hostile_path_is_cut_in_the_log() -> None:
    line = text_line(_record(path="/x" * 1000, query="q=" + "y" * 1000), "12:00:00")
    assert len(line) < 400
    assert json_fields(_record(path="/x" * 1000))["path"].endswith("...")


def test_colour_only_when_asked() -> None:
    plain = _written(_record())
    coloured = _written(_record(), colour=True)
    assert "\x1b[" not in plain
    assert "\x1b[32m200\x1b[0m" in coloured
    assert plain.endswith(" POST /tracking/events 200 1.2ms acme warnings=metadata-number\n")


def test_json_lines_carry_the_fields() -> None:
    line = _written(_record(), log_format="json")
    entry = json.loads(line)
    assert entry == {
        "level": "info",
        "time": "2026-01-01T10:00:00.250Z",
        "seq": 7,
        "method": "POST",
        "path": "/tracking/events",
        "query": "",
        "status": 200,
        "durationMs": 1.234,
        "account": "acme",
        "warnings": [{"code": "metadata-number", "message": "metadata value 'n' is a number"}],
        "fault": None,
        "reason": None,
        "admin": False,
    }
    assert line.count("\n") == 1


def test_json_format_wraps_other_records_too() -> None:
    entry = logging.LogRecord("uvicorn.error", logging.ERROR, __file__, 1, "boom %d", (1,), None)
    fields = json.loads(LogFormatter("json").format(entry))
    assert fields.pop("time").endswith("Z")
    assert fields == {"level": "error", "logger": "uvicorn.error", "message": "boom 1"}


def test_the_key_never_appears(caplog: pytest.LogCaptureFixture, client: TestClient) -> None:
    with caplog.at_level(logging.INFO, logger=LOGGER_NAME):
        client.get("/tracking/events", headers=AUTH)
        client.get("/tracking/events", headers={"Authorization": "Bearer sk_test_wrong"})
    assert len(caplog.records) == 2
    for entry in caplog.records:
        call = entry.args[0]  # type: ignore[index]
        assert isinstance(call, LoggedCall)
        for log_format in LOG_FORMATS:
            assert "sk_test" not in _written(call.record, log_format=log_format)
    assert "sk_test" not in caplog.text


def test_api_calls_log_at_info_and_admin_calls_at_debug(
    caplog: pytest.LogCaptureFixture, client: TestClient
) -> None:
    with caplog.at_level(logging.DEBUG, logger=LOGGER_NAME):
        client.get("/tracking/events", headers=AUTH)
        client.get("/_mock/health")
    api, admin = caplog.records
    assert (api.levelno, admin.levelno) == (logging.INFO, logging.DEBUG)
    _, *api_fields = api.getMessage().split()
    _, *admin_fields = admin.getMessage().split()
    assert api_fields[:3] + api_fields[4:] == ["GET", "/tracking/events", "200", "default"]
    assert admin_fields[:3] + admin_fields[4:] == ["GET", "/_mock/health", "200", "(admin)"]


def test_nothing_is_logged_below_the_level(
    caplog: pytest.LogCaptureFixture, client: TestClient
) -> None:
    with caplog.at_level(logging.WARNING, logger=LOGGER_NAME):
        client.get("/tracking/events", headers=AUTH)
    assert caplog.records == []


def test_a_given_request_log_writes_api_calls_and_admin_calls_only_when_asked(
    make_client: Callable[..., TestClient],
) -> None:
    for admin in (False, True):
        stream = io.StringIO()
        log = RequestLog(stream, admin=admin)
        client = TestClient(create_app(Settings(), seed=EMPTY_SEED, request_log=log))
        client.get("/tracking/events", headers=AUTH)
        client.get("/_mock/health")
        log.flush()  # inside the server's loop, lines are written a moment later, together
        paths = [line.split()[2] for line in stream.getvalue().splitlines()]
        assert paths == (["/tracking/events", "/_mock/health"] if admin else ["/tracking/events"])
