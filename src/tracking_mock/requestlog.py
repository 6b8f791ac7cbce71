"""The request log: one line per call, as text for people or JSON for machines.

The journal middleware logs each answered API call at INFO, admin and inspector calls at
DEBUG: through a ``RequestLog`` writer when the app was given one (the CLI does), else on the
``tracking_mock.requests`` logger (where pytest's log capture finds it).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, TextIO

import orjson

from .journal import CallRecord
from .render import iso_timestamp

LOGGER_NAME = "tracking_mock.requests"
LOG_FORMATS = ("text", "json")
REASON_CHARS = 200
"""An error message is cut to this many characters in the log."""
TARGET_CHARS = 200
"""A path and query (the client's text) are cut to this many characters in the log."""

_COLOURS = {2: "\x1b[32m", 3: "\x1b[36m", 4: "\x1b[33m", 5: "\x1b[31m", 0: "\x1b[35m"}
_YELLOW, _DIM, _RESET = "\x1b[33m", "\x1b[2m", "\x1b[0m"


def safe(text: str) -> str:
    """Client text made harmless for a terminal: control and format characters escaped."""
    if text.isprintable():
        return text
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text
    )


def reason(record: CallRecord) -> str | None:
    """Why a call failed: the record's reason (a refused key) if any, else the answer's error."""
    if record.status < 400:
        return None
    if record.reason is not None:  # more precise than the answer's documented text
        return record.reason[:REASON_CHARS]
    if not record.raw_response:
        return None
    try:
        body = orjson.loads(record.raw_response)
    except orjson.JSONDecodeError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    return error[:REASON_CHARS] if isinstance(error, str) else None


class LoggedCall:
    """The message of a line on the ``tracking_mock.requests`` logger, built only if emitted."""

    __slots__ = ("admin", "record")

    def __init__(self, record: CallRecord, admin: bool = False) -> None:
        self.record = record
        self.admin = admin

    def __str__(self) -> str:
        local = time.strftime("%H:%M:%S", time.localtime(self.record.time))
        return text_line(self.record, local, admin=self.admin)


def _cut(text: str) -> str:
    return text if len(text) <= TARGET_CHARS else text[:TARGET_CHARS] + "..."


def json_fields(record: CallRecord, admin: bool = False) -> dict[str, Any]:
    """A line as data, for ``--log-format json``."""
    return {
        "time": iso_timestamp(int(record.time * 1_000_000)),
        "seq": record.seq,
        "method": record.method,
        "path": _cut(record.path),
        "query": _cut(record.query),
        "status": record.status,
        "durationMs": round(record.duration_ms, 3),
        "account": record.account,
        "warnings": [{"code": w.code, "message": w.message} for w in record.warnings],
        "fault": record.fault,
        "reason": reason(record),
        "admin": admin,
    }


def text_line(record: CallRecord, local: str, *, admin: bool = False, colour: bool = False) -> str:
    """``14:02:07.123 POST /tracking/events 200 0.8ms default warnings=metadata-number``.

    ``local`` is the call's local time to the second, ``HH:MM:SS``.
    """
    target = _cut(f"{record.path}?{record.query}" if record.query else record.path)
    status = record.status
    status_text = "drop" if record.fault == "drop" and status == 0 else str(status)
    who = "(admin)" if admin else "-" if record.account is None else safe(record.account)
    millis = int(record.time * 1000) % 1000
    if colour:
        local = f"{_DIM}{local}.{millis:03d}{_RESET}"
        status_text = f"{_COLOURS.get(status // 100, '')}{status_text}{_RESET}"
    else:
        local = f"{local}.{millis:03d}"
    line = f"{local} {record.method} {safe(target)} {status_text} {record.duration_ms:.1f}ms {who}"
    if record.fault is not None:
        line += f" fault={record.fault}"
    if record.warnings:
        codes = "warnings=" + ",".join(safe(w.code) for w in record.warnings)
        line += f" {_YELLOW}{codes}{_RESET}" if colour else f" {codes}"
    if status >= 400:
        why = reason(record)
        if why is not None:
            line += f' "{safe(why)}"'
    return line


class RequestLog:
    """The console's request log: each call's line written straight to a stream.

    Through the logging module a line costs about 20 us (a LogRecord, the handler chain, a
    lock), a tenth of a call. This writer formats one line and, inside the server's event
    loop, writes the lines of the last ``FLUSH_DELAY`` seconds at once: one write instead of
    one per call. The CLI gives one to ``create_app`` (and flushes it when it stops); without
    one the app logs on the ``tracking_mock.requests`` logger instead.
    """

    FLUSH_DELAY = 0.05

    def __init__(
        self,
        stream: TextIO,
        *,
        log_format: str = "text",
        colour: bool = False,
        admin: bool = False,
    ) -> None:
        if log_format not in LOG_FORMATS:
            raise ValueError(f"log format must be one of {', '.join(LOG_FORMATS)}")
        self._stream = stream
        self._json = log_format == "json"
        self._colour = colour
        self.admin = admin
        """Whether admin and inspector calls are logged too (at debug)."""
        self._second = -1
        self._local = ""
        self._lines: list[str] = []

    def __call__(self, record: CallRecord, admin: bool = False) -> None:
        """Log one answered call."""
        if self._json:
            fields = {"level": "debug" if admin else "info", **json_fields(record, admin)}
            line = orjson.dumps(fields).decode()
        else:
            second = int(record.time)
            if second != self._second:  # one local-time conversion a second
                self._second = second
                self._local = time.strftime("%H:%M:%S", time.localtime(second))
            line = text_line(record, self._local, admin=admin, colour=self._colour)
        lines = self._lines
        lines.append(line)
        if len(lines) == 1:
            try:
                asyncio.get_running_loop().call_later(self.FLUSH_DELAY, self.flush)
            except RuntimeError:  # not in an event loop: nothing would flush later
                self.flush()

    def flush(self) -> None:
        """Write the lines logged so far."""
        lines, self._lines = self._lines, []
        if not lines:
            return
        try:
            self._stream.write("\n".join(lines) + "\n")
            self._stream.flush()
        except (OSError, ValueError):  # the console went away: serving goes on
            pass


class LogFormatter(logging.Formatter):
    """The console's formatter for every other record: text, or one JSON object a line."""

    def __init__(self, log_format: str = "text") -> None:
        super().__init__("%(levelname)s %(name)s: %(message)s")
        if log_format not in LOG_FORMATS:
            raise ValueError(f"log format must be one of {', '.join(LOG_FORMATS)}")
        self.json = log_format == "json"

    def format(self, record: logging.LogRecord) -> str:
        if not self.json:
            return super().format(record)
        entry = {
            "time": iso_timestamp(int(record.created * 1_000_000)),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry).decode()
