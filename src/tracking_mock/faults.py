"""Failures on demand for one account: fail, delay or drop the next calls, or rate-limit them."""

from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any, TypeGuard

from .clock import Clock

_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def reason(status: int) -> str:
    """The usual phrase for an HTTP status, used as the injected error's message."""
    return _REASONS.get(status, f"Injected failure {status}")


@dataclass(slots=True)
class _Rule:
    kind: str  # "fail", "delay" or "drop"
    remaining: int
    method: str | None = None
    path: str | None = None
    status: int = 500
    retry_after: float | None = None
    seconds: float = 0.0

    def applies(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and (
            self.path is None or self.path == path
        )


@dataclass(frozen=True, slots=True)
class Verdict:
    """What to do with one call: wait ``delay`` seconds, then fail, drop, or go on."""

    delay: float = 0.0
    fault: str | None = None
    """``"fail"``, ``"rate-limit"`` or ``"drop"``; ``None`` lets the call through."""
    fail_status: int | None = None
    retry_after: float | None = None


PASS = Verdict()


FAULT_METHODS = ("GET", "POST", "PUT")
"""The API's methods: a fault may be aimed at one of them."""
MAX_TIMES = 1_000_000
MAX_SECONDS = 600
MAX_RETRY_AFTER = 86_400


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> TypeGuard[float]:
    return (_is_int(value) or isinstance(value, float)) and math.isfinite(value)


def _check_times(times: object) -> None:
    if not _is_int(times) or not 1 <= times <= MAX_TIMES:
        raise ValueError(f"times must be a whole number from 1 to {MAX_TIMES}")


def _check_target(path: object, method: object) -> None:
    if path is not None and (not isinstance(path, str) or not path.startswith("/")):
        raise ValueError("path must be a path starting with '/', such as /tracking/events")
    if method is not None and (not isinstance(method, str) or method.upper() not in FAULT_METHODS):
        raise ValueError(f"method must be one of {', '.join(FAULT_METHODS)}")


def _checked(rule: _Rule) -> _Rule:
    """A rule read back from saved state, refused unless ``Faults`` could have queued it."""
    fine = (
        rule.kind in ("fail", "delay", "drop")
        and isinstance(rule.remaining, int)
        and rule.remaining >= 1
        and 400 <= rule.status <= 599
        and 0 <= rule.seconds <= 600
        and all(isinstance(v, str | None) for v in (rule.method, rule.path))
    )
    if not fine:
        raise ValueError(f"not a fault rule: {rule}")
    return rule


class Faults:
    """The queued failures and the rate limit of one account, judged on its clock."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._rules: list[_Rule] = []
        self._quota: tuple[int, float] | None = None
        self._admitted: deque[float] = deque()

    @property
    def active(self) -> bool:
        return bool(self._rules) or self._quota is not None

    def fail_next(
        self,
        status: int,
        *,
        times: int = 1,
        path: str | None = None,
        method: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        """Answer the next ``times`` matching calls with ``status`` in the error envelope."""
        if not _is_int(status) or not 400 <= status <= 599:
            raise ValueError("status must be a whole number from 400 to 599")
        if retry_after is not None and (
            not _is_number(retry_after) or not 0 <= retry_after <= MAX_RETRY_AFTER
        ):
            raise ValueError(f"retryAfter must be a number of seconds from 0 to {MAX_RETRY_AFTER}")
        _check_times(times)
        _check_target(path, method)
        self._add(_Rule("fail", times, method, path, status=status, retry_after=retry_after))

    def delay_next(
        self, seconds: float, *, times: int = 1, path: str | None = None, method: str | None = None
    ) -> None:
        """Hold the next ``times`` matching calls for ``seconds`` before answering them."""
        if not _is_number(seconds) or not 0 <= seconds <= MAX_SECONDS:
            raise ValueError(f"seconds must be a number from 0 to {MAX_SECONDS}")
        _check_times(times)
        _check_target(path, method)
        self._add(_Rule("delay", times, method, path, seconds=seconds))

    def drop_next(
        self, *, times: int = 1, path: str | None = None, method: str | None = None
    ) -> None:
        """Close the connection of the next ``times`` matching calls without a full answer."""
        _check_times(times)
        _check_target(path, method)
        self._add(_Rule("drop", times, method, path))

    def rate_limit(self, requests: int, per_seconds: float) -> None:
        """Admit at most ``requests`` calls in any ``per_seconds`` window; 429 past that."""
        if not _is_int(requests) or not 1 <= requests <= MAX_TIMES:
            raise ValueError(f"requests must be a whole number from 1 to {MAX_TIMES}")
        if not _is_number(per_seconds) or not 0 < per_seconds <= MAX_RETRY_AFTER:
            raise ValueError(f"perSeconds must be a number above 0, at most {MAX_RETRY_AFTER}")
        with self._lock:
            self._quota = (requests, per_seconds)
            self._admitted.clear()

    def describe(self) -> list[str]:
        """The queued failures and the rate limit, one short line each (for the inspector)."""
        with self._lock:
            rules, quota = list(self._rules), self._quota
        lines = []
        for rule in rules:
            what = {
                "fail": f"fail with {rule.status}",
                "delay": f"delay {rule.seconds:g} s",
                "drop": "drop the connection",
            }[rule.kind]
            where = " ".join(part for part in (rule.method, rule.path) if part)
            lines.append(f"{what}, next {rule.remaining}" + (f" ({where})" if where else ""))
        if quota is not None:
            lines.append(f"rate limit {quota[0]} per {quota[1]:g} s")
        return lines

    def clear(self) -> None:
        """Forget every queued failure and the rate limit."""
        with self._lock:
            self._rules.clear()
            self._quota = None
            self._admitted.clear()

    def state(self) -> dict[str, Any]:
        """The queued rules and the rate limit as JSON-ready data (a rate window starts afresh)."""
        with self._lock:
            quota = None if self._quota is None else list(self._quota)
            return {"rules": [asdict(rule) for rule in self._rules], "rateLimit": quota}

    def restore(self, state: dict[str, Any]) -> None:
        """Replace every rule and the rate limit with those ``state()`` returned."""
        try:
            rules = [_checked(_Rule(**rule)) for rule in state.get("rules", [])]
            quota = state.get("rateLimit")
            parsed = None if quota is None else (int(quota[0]), float(quota[1]))
        except (TypeError, ValueError, IndexError) as exc:
            raise ValueError(f"bad fault state: {exc}") from None
        with self._lock:
            self._rules = rules
            self._quota = parsed
            self._admitted.clear()

    def _add(self, rule: _Rule) -> None:
        if rule.method is not None:
            rule.method = rule.method.upper()  # HTTP methods arrive upper-case
        with self._lock:
            if len(self._rules) >= 100:
                raise ValueError("at most 100 fault rules may be queued per account")
            self._rules.append(rule)

    def judge(self, method: str, path: str) -> Verdict:
        """Decide the fate of one call, using up the rules that apply to it."""
        with self._lock:
            delay = 0.0
            for kind in ("delay", "fail", "drop"):
                rule = self._take(kind, method, path)
                if rule is None:
                    continue
                if kind == "delay":
                    delay = rule.seconds
                elif kind == "fail":
                    return Verdict(delay, "fail", rule.status, rule.retry_after)
                else:
                    return Verdict(delay, "drop")
            if self._quota is not None:
                retry_after = self._over_quota(*self._quota)
                if retry_after is not None:
                    return Verdict(delay, "rate-limit", 429, retry_after)
            return Verdict(delay) if delay else PASS

    def _take(self, kind: str, method: str, path: str) -> _Rule | None:
        for index, rule in enumerate(self._rules):
            if rule.kind == kind and rule.applies(method, path):
                rule.remaining -= 1
                if rule.remaining == 0:
                    del self._rules[index]
                return rule
        return None

    def _over_quota(self, requests: int, per_seconds: float) -> float | None:
        now = self._clock.now()
        admitted = self._admitted
        while admitted and admitted[0] <= now - per_seconds:
            admitted.popleft()
        if len(admitted) < requests:
            admitted.append(now)
            return None
        return max(1.0, math.ceil(admitted[0] + per_seconds - now))
