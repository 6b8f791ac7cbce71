"""The ``Tracking-Mock-Warnings`` header: a call's contract warnings, on the answer itself.

The mock's own addition (the real API sends no such header): a client in any language sees
what the contract flagged without reading the journal. Prism's ``sl-violations`` does the same.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from .models import ContractWarning

WARNINGS_HEADER = "Tracking-Mock-Warnings"
WARNINGS_HEADER_BYTES = 4096
"""The header's size limit: clients cap the size of all headers together (Node at 16 KiB)."""
TRUNCATED_CODE = "warnings-truncated"

_NAME = WARNINGS_HEADER.lower().encode("ascii")


def _item(code: str, message: str) -> str:
    # ASCII-only JSON: a message may quote what the client sent, and a header must not carry
    # line breaks, control characters or raw non-ASCII text. JSON leaves DEL as is.
    return json.dumps({"code": code, "message": message}).replace("\x7f", "\\u007f")


def encode_warnings(warnings: Sequence[ContractWarning]) -> str:
    """A JSON array of ``{"code", "message"}``, cut to ``WARNINGS_HEADER_BYTES`` at most.

    When the warnings do not all fit, the last item has the code ``warnings-truncated`` and
    says how many more the journal holds.
    """
    items: list[str] = []
    size = 2  # the brackets
    for index, warning in enumerate(warnings):
        item = _item(warning.code, warning.message)
        left = len(warnings) - index
        # Room is kept for the note that would follow if a later item did not fit.
        reserve = 0 if left == 1 else 120
        if size + len(item) + 1 + reserve > WARNINGS_HEADER_BYTES:
            items.append(_item(TRUNCATED_CODE, f"{left} more warnings: see GET /_mock/calls"))
            break
        items.append(item)
        size += len(item) + 1
    return "[" + ",".join(items) + "]"


def warnings_header(warnings: Sequence[ContractWarning]) -> tuple[bytes, bytes]:
    """The raw ASGI header for a call's warnings."""
    return _NAME, encode_warnings(warnings).encode("ascii")
