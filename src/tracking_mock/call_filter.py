"""Which calls to show: the method, path and status filter of the admin, plugin and inspector."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")
"""Plain ASCII digits only: ``str.isdigit`` also takes '²' and '٣', which ``int`` refuses."""


class Filterable(Protocol):
    """A call as the journal (``CallRecord``) or the plugin (``Call``) holds it."""

    @property
    def method(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def status(self) -> int: ...


@dataclass(frozen=True, slots=True)
class CallMatch:
    """The method (any case), path (without query) and status a call must have; ``None``: any."""

    method: str | None = None
    path: str | None = None
    status: int | None = None

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> CallMatch:
        """From the ``method``, ``path`` and ``status`` query parameters (``ValueError``)."""
        status = params.get("status")
        if status is not None and WHOLE_NUMBER.fullmatch(status) is None:
            raise ValueError("status must be a whole number, such as 200")
        return cls(
            params.get("method"), params.get("path"), None if status is None else int(status)
        )

    def __call__(self, call: Filterable) -> bool:
        """Whether ``call`` has every given field."""
        return not self.misses(call)

    def misses(self, call: Filterable) -> list[tuple[str, object, object]]:
        """The given fields ``call`` does not have: ``(name, the call's, the wanted)`` each."""
        wanted = (
            ("method", call.method, None if self.method is None else self.method.upper()),
            ("path", call.path, self.path),
            ("status", call.status, self.status),
        )
        return [(name, got, want) for name, got, want in wanted if want is not None and got != want]
