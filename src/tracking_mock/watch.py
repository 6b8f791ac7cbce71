"""``--watch``: reload the fixture files when they change, atomically, keeping old data on error."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

import watchfiles

from .errors import ApiError, SeedError
from .seed import FIXTURE_SUFFIXES, default_fixtures, load_seed
from .state import MockState

logger = logging.getLogger("tracking_mock.watch")

DEBOUNCE_MS = 200
"""Changes within this long are one reload (an editor's save is several file events)."""


class FixtureWatcher:
    """Watches the fixture files and folders of ``state`` on a thread of its own."""

    def __init__(
        self, state: MockState, paths: Sequence[Path] | None, *, stop_timeout: float = 10.0
    ) -> None:
        self._state = state
        self._paths = [p.resolve() for p in (paths if paths is not None else [default_fixtures()])]
        self._stop = threading.Event()
        self._stop_timeout = stop_timeout
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self.reloads = 0
        """Reloads that replaced the data."""
        self.failures = 0
        """Reloads that kept the old data (the files did not load)."""

    def _relevant(self, path: Path) -> bool:
        # Folders are watched for the fixture files they load; a file by itself, whatever its name.
        return any(
            path == watched
            or (watched.is_dir() and path.parent == watched and path.suffix in FIXTURE_SUFFIXES)
            for watched in self._paths
        )

    def reload(self) -> None:
        """Load the files again; on success their accounts start afresh, else nothing changes."""
        try:
            seed = load_seed(self._paths, max_bytes=self._state.settings.max_fixture_bytes)
            changed = self._state.reload(seed)
        except (SeedError, ApiError, ValueError) as exc:
            self.failures += 1
            message = exc.message if isinstance(exc, ApiError) else str(exc)
            logger.error("fixtures not reloaded, the old data stays: %s", message)
            return
        self.reloads += 1
        logger.warning("fixtures reloaded: %s", ", ".join(changed))

    def _run(self) -> None:
        # A file is watched through its folder: editors often save by replacing the file.
        roots = sorted({str(p if p.is_dir() else p.parent) for p in self._paths})
        changes = watchfiles.watch(
            *roots,
            watch_filter=lambda _, path: self._relevant(Path(path)),
            debounce=DEBOUNCE_MS,
            step=20,
            stop_event=self._stop,
            rust_timeout=100,
            yield_on_timeout=True,
            recursive=False,
        )
        # With yield_on_timeout the first (maybe empty) batch comes once the watch is set up.
        for batch in changes:
            self._ready.set()
            if batch and not self._stop.is_set():
                self.reload()

    def start(self) -> None:
        """Start watching; returns once the watch is set up."""
        self._thread = threading.Thread(target=self._run, name="tracking-mock-watch", daemon=True)
        self._thread.start()
        if not self._ready.wait(self._stop_timeout):
            raise RuntimeError(f"the fixture watcher did not start within {self._stop_timeout} s")

    def stop(self) -> None:
        """Stop watching, waiting at most ``stop_timeout``."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(self._stop_timeout)

    def __enter__(self) -> FixtureWatcher:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
