"""Every tunable of the mock, with its default, in one frozen dataclass."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from . import limits

DEFAULT_API_KEY = "sk_test_default"
"""The documented development key of the default account (used when no fixture defines accounts)."""

DEFAULT_ACCOUNT = "default"

PLAN_MODES = ("off", "warn", "enforce")
"""Per account: ``off`` checks nothing, ``warn`` records violations, ``enforce`` refuses them."""
ADMIN_TOKEN_ENV = "TRACKING_MOCK_ADMIN_TOKEN"
"""The environment variable the CLI and the plugin read the admin token from."""


def admin_token_headers(token: str | None) -> dict[str, str]:
    """Headers for a client's ``/_mock`` calls: the admin token, if there is one."""
    return {"X-Admin-Token": token} if token else {}


def admin_headers(environ: Mapping[str, str]) -> dict[str, str]:
    """Headers for a client's ``/_mock`` calls: the admin token from ``environ``, if set."""
    return admin_token_headers(environ.get(ADMIN_TOKEN_ENV))


TOKEN_RE = re.compile(rf"[\x21-\x7e]{{1,{limits.TOKEN_MAX_CHARS}}}")
"""A client key or admin token: 1-256 visible ASCII characters (no spaces)."""


@dataclass(frozen=True, slots=True)
class Settings:
    """How one mock server behaves. The CLI, the pytest plugin and library users each build one."""

    host: str = "127.0.0.1"
    port: int = 8080
    fixtures: tuple[Path, ...] | None = None
    """Seed files or folders; ``None`` means the bundled default fixtures."""
    api_keys: tuple[str, ...] = ()
    """Extra keys, one new empty account each."""
    strict: bool = False
    """Turn every contract warning into a 400 that names it."""
    hash_ids: bool = False
    """Return ``userId`` and ``transactionId`` as SHA-256 hex, as Oppizi says it stores them."""
    max_body_bytes: int = 1_048_576
    journal_size: int = 1000
    """How many calls the journal keeps (oldest dropped first)."""
    journal_body_bytes: int = 4096
    """Bodies, answers, paths, queries and headers longer than this are cut in the journal."""
    journal_bytes: int = 32 * 1024 * 1024
    """The journal drops its oldest calls past this many bytes, whatever their number."""
    max_events: int | None = 2_000_000
    """Events one account may hold; past it a create answers 507 (``None``: no cap)."""
    max_fixture_bytes: int = 32 * 1024 * 1024
    """Fixture files larger than this are refused before they are read."""
    admin_token: str | None = None
    """When set, ``/_mock`` needs ``Authorization: Bearer TOKEN`` or ``X-Admin-Token: TOKEN``."""
    allowed_hosts: tuple[str, ...] = ()
    """Host names ``/_mock`` answers besides the bound address and loopback ones (``*``: any)."""
    cors_origins: tuple[str, ...] = ()
    """Origins browsers may call the API from (never ``/_mock``); ``*`` allows any."""
    read_timeout: float = 5.0
    """Seconds a client has to send a request's headers, and then its body."""
    keep_alive_timeout: float = 5.0
    """Seconds an idle keep-alive connection stays open."""
    max_connections: int = 512
    """Connections (and calls) served at once; past it a request is answered 503."""
    max_query_params: int = 64
    """Query parameters per list request, filters included."""
    max_accounts: int = 100_000
    plans: tuple[Path, ...] = ()
    """Tracking-plan files (YAML or JSON) every account's events are checked against."""
    plan_mode: str = "warn"
    """What a plan violation does, unless an account says otherwise: one of ``PLAN_MODES``."""
    watch: bool = False
    """Reload the fixture files when they change (``--watch``)."""
    state_file: Path | None = None
    """Load the whole state from here on start, save it here on shutdown."""
    max_snapshots: int = 20
    max_snapshot_events: int = 200_000
    """Events one snapshot may hold (all its accounts together)."""
    upstream: str | None = None
    """Forward every API call to this base URL and answer with its answer (``--upstream``)."""
    upstream_timeout: float = 10.0
    """Seconds an upstream call may take in all before the caller gets a 504."""
    record: Path | None = None
    """Write the events the upstream accepted to this fixture file."""
    max_record_bytes: int = 10 * 1_048_576
    log_level: str = "info"
    """``info`` logs a line per API call (``tracking_mock.requests``), ``debug`` admin calls too."""
    log_format: str = "text"
    """The console log of the CLI: ``text`` for people, ``json`` for one object a line."""
    server_start_timeout: float = 10.0
    server_stop_timeout: float = 10.0

    def __post_init__(self) -> None:
        positive = (
            "max_body_bytes",
            "journal_size",
            "journal_body_bytes",
            "journal_bytes",
            "max_query_params",
            "max_fixture_bytes",
            "max_connections",
            "max_snapshots",
            "max_snapshot_events",
            "max_record_bytes",
        )
        for name in positive:
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.max_events is not None and self.max_events < 1:
            raise ValueError("max_events must be at least 1")
        for name in ("read_timeout", "keep_alive_timeout"):
            if not 0 < getattr(self, name) <= 3600:
                raise ValueError(f"{name} must be more than 0 and at most 3600 seconds")
        for number, key in enumerate(self.api_keys, start=1):
            if TOKEN_RE.fullmatch(key) is None:
                raise ValueError(
                    f"API key number {number} must be 1-256 visible ASCII characters, no spaces"
                )
            if key in self.api_keys[: number - 1]:
                raise ValueError(f"API key number {number} is given twice")
        if self.admin_token is not None and TOKEN_RE.fullmatch(self.admin_token) is None:
            raise ValueError("the admin token must be 1-256 visible ASCII characters, no spaces")
        if self.plan_mode not in PLAN_MODES:
            raise ValueError(f"plan_mode must be one of {', '.join(PLAN_MODES)}")
        if self.log_format not in ("text", "json"):
            raise ValueError("log_format must be text or json")
        if not 0 <= self.port <= 65535:
            raise ValueError("port must be between 0 and 65535")
        if not 0 < self.upstream_timeout <= 600:
            raise ValueError("upstream_timeout must be more than 0 and at most 600 seconds")
        if self.record is not None and self.upstream is None:
            raise ValueError("record needs upstream: it writes what the upstream accepted")
