"""Which of ``tracking_server_settings`` a ``--tracking-url`` target can honour, and how.

In-process, the plugin builds its server from the settings. A remote target was started by
someone else: a setting the test suite changed is applied per test account where the target
allows it (``strict``, ``hash_ids``), accepted where the target already runs with that value,
and otherwise refused with the setting's name and the reason. Never ignored silently.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from tracking_mock.settings import Settings

from .backend import TrackingServerError


def default_settings() -> Settings:
    """What ``tracking_server_settings`` returns unless a suite overrides it."""
    # No seed files by default: each test's account starts empty.
    return Settings(port=0, fixtures=())


PER_ACCOUNT = {"strict": "strict", "hash_ids": "hashIds"}
"""Settings a target applies to one account (the ``POST /_mock/accounts`` field)."""

SERVER_WIDE = {
    "max_body_bytes": ("maxBodyBytes", "--max-body-bytes"),
    "journal_size": ("journalSize", "--journal-size"),
    "journal_body_bytes": ("journalBodyBytes", None),
    "max_query_params": ("maxQueryParams", None),
    "max_accounts": ("maxAccounts", None),
    "watch": ("watch", "--watch"),
    "state_file": ("stateFile", "--state-file"),
    "max_snapshots": ("maxSnapshots", "--max-snapshots"),
    "max_snapshot_events": ("maxSnapshotEvents", "--max-snapshot-events"),
    "upstream": ("upstream", "--upstream"),
    "upstream_timeout": ("upstreamTimeout", "--upstream-timeout"),
    "record": ("record", "--record"),
    "max_record_bytes": ("maxRecordBytes", "--max-record-bytes"),
    "journal_bytes": ("journalBytes", "--journal-bytes"),
    "max_events": ("maxEvents", "--max-events"),
    "max_fixture_bytes": ("maxFixtureBytes", "--max-fixture-bytes"),
    "read_timeout": ("readTimeout", "--read-timeout"),
    "keep_alive_timeout": ("keepAliveTimeout", "--keep-alive-timeout"),
    "max_connections": ("maxConnections", "--max-connections"),
    "allowed_hosts": ("allowedHosts", "--allowed-host"),
    "cors_origins": ("cors", "--cors"),
}
"""Settings only the target's own start decides: its ``/_mock/health`` field, its flag."""

NOT_REMOTE = frozenset(
    {"host", "port", "log_level", "log_format", "server_start_timeout", "server_stop_timeout"}
)
"""Settings of the server the plugin would start itself; with a target it starts none."""

CREDENTIALS = frozenset({"admin_token"})
"""Used to reach the target's ``/_mock`` (like ``--tracking-admin-token``), not applied to it."""

SEEDED = frozenset({"fixtures", "plans", "plan_mode"})
"""Seeded into every test's account through ``/_mock`` (fixtures, its plan), as in-process."""

CHECKED = frozenset({"api_keys"})
"""Accepted when the target already knows each key."""


class SettingNotApplicable(TrackingServerError):
    """A changed setting that the ``--tracking-url`` target cannot apply; names it and why."""


def _as_reported(value: Any) -> Any:
    """A setting as ``/_mock/health`` reports it (paths as text, tuples as lists)."""
    if isinstance(value, Path):
        return str(value)
    return list(value) if isinstance(value, tuple) else value


def changed(settings: Settings) -> dict[str, Any]:
    """The fields of ``settings`` that differ from the plugin's defaults."""
    default = default_settings()
    return {
        field.name: getattr(settings, field.name)
        for field in dataclasses.fields(settings)
        if getattr(settings, field.name) != getattr(default, field.name)
    }


def _refuse(url: str, problems: list[str]) -> SettingNotApplicable:
    return SettingNotApplicable(
        f"tracking_server_settings cannot be applied to --tracking-url {url}: "
        + "; ".join(problems)
    )


def account_options(
    settings: Settings,
    url: str,
    target: Callable[[], Mapping[str, Any] | None],
    knows_key: Callable[[str], bool],
) -> dict[str, Any]:
    """The per-account fields for ``POST /_mock/accounts`` that carry the changed settings.

    ``target()`` reads the target's server-wide settings (``None``: it does not report them);
    ``knows_key(key)`` says whether the target accepts a key. Both are called only when a
    setting they decide was changed. Raises ``SettingNotApplicable`` listing every setting the
    target cannot honour.
    """
    options: dict[str, Any] = {}
    problems: list[str] = []
    reported: Mapping[str, Any] | None = None
    for name, wanted in changed(settings).items():
        if name in NOT_REMOTE or name in SEEDED or name in CREDENTIALS:
            continue
        if name in PER_ACCOUNT:
            options[PER_ACCOUNT[name]] = wanted
        elif name in SERVER_WIDE:
            field, flag = SERVER_WIDE[name]
            if reported is None:
                reported = target() or {}
            actual = reported.get(field)
            if actual == _as_reported(wanted):
                continue
            if flag is None:
                how = "start it with that setting"
            elif isinstance(wanted, bool):
                how = f"start it {'with' if wanted else 'without'} {flag}"
            else:
                how = f"start it with {flag} {wanted}"
            has = "does not report it" if actual is None else f"runs with {actual}"
            problems.append(
                f"{name}={wanted!r} is server-wide and the target {has} ({how}, or drop the "
                "override)"
            )
        elif name in CHECKED:
            for index, key in enumerate(wanted):
                if not knows_key(key):  # the key itself is not repeated in the message
                    problems.append(
                        f"api_keys[{index}] is not a key the target knows (start it with "
                        "--api-key KEY, or with fixtures that list it)"
                    )
        else:
            problems.append(f"{name}={wanted!r} has no way to reach a remote target")
    if problems:
        raise _refuse(url, problems)
    return options


def refuse_with_shared_key(settings: Settings, url: str) -> None:
    """With ``--tracking-key`` nothing can be applied: refuse any changed setting that matters."""
    names = [n for n in changed(settings) if n not in NOT_REMOTE and n not in CREDENTIALS]
    if names:
        raise _refuse(
            url,
            [
                f"{', '.join(names)} cannot change the one account --tracking-key shares "
                "(drop --tracking-key to get an account per test, made with these settings)"
            ],
        )
