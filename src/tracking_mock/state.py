"""What one app instance owns: its settings, seed, store, journal and the errors it hit."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field

from .journal import Journal
from .models import AccountSpec
from .plan import Plan
from .seed import Seed
from .settings import Settings
from .snapshots import Snapshots
from .store import Store, default_account


@dataclass(frozen=True, slots=True)
class ServerFailure:
    """An unexpected exception raised while serving a call (the client got a 500)."""

    account: str | None
    """The account whose call it was, once its key was known."""
    error: BaseException


@dataclass(eq=False)
class MockState:
    """The state behind one ``create_app``; tests and the plugin read it directly."""

    settings: Settings
    seed: Seed
    store: Store
    journal: Journal
    snapshots: Snapshots
    plan: Plan | None = None
    """The plan of ``settings.plans``, compiled once; accounts may set their own."""
    errors: deque[ServerFailure] = field(default_factory=lambda: deque(maxlen=100))
    """The latest unexpected exceptions raised while serving (each was answered with a 500)."""
    _errors_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record_error(self, account: str | None, error: BaseException) -> None:
        with self._errors_lock:
            self.errors.append(ServerFailure(account, error))

    def take_errors(self, account: str) -> list[BaseException]:
        """Remove and return the exceptions raised while serving ``account``'s calls."""
        with self._errors_lock:
            mine = [f.error for f in self.errors if f.account == account]
            if mine:
                kept = [f for f in self.errors if f.account != account]
                self.errors.clear()
                self.errors.extend(kept)
        return mine

    @classmethod
    def build(cls, settings: Settings, seed: Seed) -> MockState:
        """State for ``settings``: the seed's accounts (or the default one) plus ``--api-key``s."""
        plan = None
        if settings.plans:
            from .plan import load_plan

            plan = load_plan(settings.plans)
        return cls(
            settings=settings,
            seed=seed,
            store=Store(
                configured_specs(settings, seed),
                max_accounts=settings.max_accounts,
                max_events=settings.max_events,
            ),
            journal=Journal(
                settings.journal_size, settings.journal_body_bytes, settings.journal_bytes
            ),
            snapshots=Snapshots(settings.max_snapshots, settings.max_snapshot_events),
            plan=plan,
        )

    def reload(self, seed: Seed) -> list[str]:
        """Reloaded fixtures: their accounts (and any they no longer define) start afresh.

        Same meaning as a reset of those accounts, their journal included. Returns their names.
        """
        old = {spec.name for spec in self.seed.accounts or (default_account(),)}
        new = {spec.name for spec in seed.accounts or (default_account(),)}
        changed = sorted(old | new)
        self.store.reconfigure(configured_specs(self.settings, seed), changed)
        self.seed = seed
        for name in changed:
            self.journal.clear(name)
        return changed


def configured_specs(settings: Settings, seed: Seed) -> tuple[AccountSpec, ...]:
    """The seed's accounts (or the default one) plus one account per ``--api-key``."""
    base = seed.accounts or (default_account(),)
    extra = tuple(
        AccountSpec(f"api-key-{n}", (key,), {}, {})
        for n, key in enumerate(settings.api_keys, start=1)
    )
    return base + extra
