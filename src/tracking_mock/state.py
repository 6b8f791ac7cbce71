"""What one app instance owns: its settings, seed, store, journal and the errors it hit."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from .journal import Journal
from .models import AccountSpec
from .seed import Seed
from .settings import Settings
from .store import Store, default_account


@dataclass(eq=False)
class MockState:
    """The state behind one ``create_app``; tests and the plugin read it directly."""

    settings: Settings
    seed: Seed
    store: Store
    journal: Journal
    errors: deque[BaseException] = field(default_factory=lambda: deque(maxlen=100))
    """Unexpected exceptions raised while serving (each was answered with a 500)."""

    @classmethod
    def build(cls, settings: Settings, seed: Seed) -> MockState:
        """State for ``settings``: the seed's accounts (or the default one) plus ``--api-key``s."""
        base = seed.accounts or (default_account(),)
        extra = tuple(
            AccountSpec(f"api-key-{n}", (key,), {}, {})
            for n, key in enumerate(settings.api_keys, start=1)
        )
        return cls(
            settings=settings,
            seed=seed,
            store=Store(base + extra, max_accounts=settings.max_accounts),
            journal=Journal(settings.journal_size, settings.journal_body_bytes),
        )
