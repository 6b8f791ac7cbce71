"""The request log: one line per call, as text for people or JSON for machines.

The journal middleware logs each answered API call at INFO (admin and inspector calls at
DEBUG) on the ``tracking_mock.requests`` logger. The message is a ``LoggedCall`` whose text is
only built when a handler emits it; ``LogFormatter`` renders it in colour or as JSON.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import orjson

from .journal import CallRecord
from .render import iso_timestamp

LOGGER_NAME = "tracking_mock.requests"
LOG_FORMATS = ("text", "json")
REASON_CHARS = 200
"""An error message is cut to this many characters in the log."""

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
    """Why a call failed: the record's own reason if it keeps one, else the answer's error."""
    kept = getattr(record, "reason", None)  # a record may carry a reason more precise than its body
    if isinstance(kept, str):
        return kept[:REASON_CHARS]
    if record.status < 400 or not record.raw_response:
        return None
    try:
        body = orjson.loads(record.raw_response)
    except orjson.JSONDecodeError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    return error[:REASON_CHARS] if isinstance(error, str) else None


class LoggedCall:
    """The message of one request log line: the record, rendered only when emitted."""

    __slots__ = ("admin", "record")

    def __init__(self, record: CallRecord, admin: bool = False) -> None:
        self.record = record
        self.admin = admin

    def __str__(self) -> str:
        return text_line(self.record, admin=self.admin)

    def fields(self) -> dict[str, Any]:
        """The line as data, for ``--log-format json``."""
        record = self.record
        return {
            "time": iso_timestamp(int(record.time * 1_000_000)),
            "seq": record.seq,
            "method": record.method,
            "path": record.path,
            "query": record.query,
            "status": record.status,
            "durationMs": round(record.duration_ms, 3),
            "account": record.account,
            "warnings": [{"code": w.code, "message": w.message} for w in record.warnings],
            "fault": record.fault,
            "reason": reason(record),
            "admin": self.admin,
        }


def _status_text(record: CallRecord) -> str:
    return "drop" if record.fault == "drop" and record.status == 0 else str(record.status)


def text_line(record: CallRecord, *, admin: bool = False, colour: bool = False) -> str:
    """``14:02:07.123 POST /tracking/events 200 0.8ms default warnings=metadata-number``."""
    local = time.localtime(record.time)
    stamp = f"{local.tm_hour:02d}:{local.tm_min:02d}:{local.tm_sec:02d}"
    stamp += f".{int(record.time * 1000) % 1000:03d}"
    target = f"{record.path}?{record.query}" if record.query else record.path
    status = _status_text(record)
    parts = [stamp, record.method, safe(target), status, f"{record.duration_ms:.1f}ms"]
    if admin:
        parts.append("(admin)")
    else:
        parts.append(safe(record.account) if record.account is not None else "-")
    if record.fault is not None:
        parts.append(f"fault={record.fault}")
    codes = ",".join(safe(w.code) for w in record.warnings)
    if codes:
        parts.append(f"warnings={codes}")
    why = reason(record)
    if why is not None:
        parts.append(f'"{safe(why)}"')
    if colour:
        parts[0] = f"{_DIM}{parts[0]}{_RESET}"
        parts[3] = f"{_COLOURS.get(record.status // 100, '')}{status}{_RESET}"
        if codes:
            index = parts.index(f"warnings={codes}")
            parts[index] = f"{_YELLOW}{parts[index]}{_RESET}"
    return " ".join(parts)


class LogFormatter(logging.Formatter):
    """The console's formatter: request lines as text (coloured on a TTY) or JSON objects.

    Other records get ``LEVEL logger: message``, or in JSON ``time``, ``level``, ``logger``
    and ``message``, so a JSON log is one object a line throughout.
    """

    def __init__(self, log_format: str = "text", *, colour: bool = False) -> None:
        super().__init__("%(levelname)s %(name)s: %(message)s")
        if log_format not in LOG_FORMATS:
            raise ValueError(f"log format must be one of {', '.join(LOG_FORMATS)}")
        self.json = log_format == "json"
        self.colour = colour

    def format(self, record: logging.LogRecord) -> str:
        call = record.args[0] if isinstance(record.args, tuple) and record.args else None
        if isinstance(call, LoggedCall):
            if self.json:
                return orjson.dumps({"level": record.levelname.lower(), **call.fields()}).decode()
            return text_line(call.record, admin=call.admin, colour=self.colour)
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
