"""What a test's calls look like to it: ``Call`` records and the list-like ``Calls`` view."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, overload

from tracking_mock.call_filter import CallMatch
from tracking_mock.call_json import KEPT, read_call
from tracking_mock.models import ContractWarning

if TYPE_CHECKING:
    from tracking_mock.journal import CallRecord


@dataclass(frozen=True, slots=True)
class Call:
    """One call the test's account received, as the mock's journal recorded it."""

    seq: int
    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    """Request headers, lower-cased, the key in ``Authorization`` redacted."""
    body: Any
    """The request body parsed as JSON, else its text; ``None`` when there was none."""
    status: int
    """The status answered; 0 when the connection was dropped on purpose."""
    response: Any
    warnings: tuple[ContractWarning, ...]
    fault: str | None
    """The injected fault that shaped the answer: ``fail``, ``rate-limit``, ``delay``, ``drop``."""
    duration_ms: float
    pending: bool = False
    """Still being answered (held by ``delay_next``, say); ``status`` is 0 until it is."""
    reason: str | None = None
    """Why the call was refused (a 401 or 403 answers only "Unauthorized" or "Forbidden")."""

    @property
    def url_path(self) -> str:
        """The path with its query string, as the client wrote it."""
        return f"{self.path}?{self.query}" if self.query else self.path

    @classmethod
    def from_record(cls, record: CallRecord) -> Call:
        """A call from the in-process journal."""
        return cls(**{name: getattr(record, name) for name in KEPT})

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Call:
        """A call as ``GET /_mock/calls`` renders it."""
        return cls(**read_call(data))


class Calls(Sequence[Call]):
    """A live, list-like view of a test's calls, oldest first (``len``, index, iterate).

    Like pytest's own recorders it can ``pop`` and ``clear``; both only hide calls from
    this test's views (the journal keeps them for the failure report).
    """

    def __init__(
        self,
        fetch: Callable[[], list[Call]],
        hidden: set[int],
        keep: Callable[[Call], bool] = lambda call: True,
    ) -> None:
        self._fetch = fetch
        self._hidden = hidden
        self._keep = keep

    def _current(self) -> list[Call]:
        return [c for c in self._fetch() if c.seq not in self._hidden and self._keep(c)]

    def __len__(self) -> int:
        return len(self._current())

    def __iter__(self) -> Iterator[Call]:
        return iter(self._current())

    @overload
    def __getitem__(self, index: int) -> Call: ...
    @overload
    def __getitem__(self, index: slice) -> list[Call]: ...
    def __getitem__(self, index: int | slice) -> Call | list[Call]:
        return self._current()[index]

    def __eq__(self, other: object) -> bool:
        """Equal to any sequence holding the same calls (``calls == []`` when none)."""
        if isinstance(other, Sequence) and not isinstance(other, str | bytes):
            return self._current() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # a live view: equal views may change

    def __repr__(self) -> str:
        shown = ", ".join(f"{c.method} {c.url_path} -> {c.status}" for c in self._current())
        return f"<Calls [{shown}]>"

    @property
    def called(self) -> bool:
        """Whether any call is in view."""
        return bool(self._current())

    @property
    def call_count(self) -> int:
        """How many calls are in view."""
        return len(self)

    @property
    def last(self) -> Call:
        """The newest call in view; ``IndexError`` when there is none."""
        current = self._current()
        if not current:
            raise IndexError("no calls recorded")
        return current[-1]

    def filter(
        self, method: str | None = None, path: str | None = None, status: int | None = None
    ) -> Calls:
        """A live view of the calls with this method, path (without query) and status."""
        outer, match = self._keep, CallMatch(method, path, status)
        return Calls(self._fetch, self._hidden, lambda c: outer(c) and match(c))

    def pop(self, index: int = -1) -> Call:
        """Remove a call from view (the newest by default) and return it."""
        call = self._current()[index]
        self._hidden.add(call.seq)
        return call

    def clear(self) -> None:
        """Hide every call now in view, e.g. to accept expected contract warnings."""
        self._hidden.update(c.seq for c in self._current())

    @property
    def warnings(self) -> list[ContractWarning]:
        """The contract warnings of the calls in view, in call order."""
        return [warning for call in self._current() for warning in call.warnings]
