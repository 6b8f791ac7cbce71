"""The cyclic garbage collector paused around a bulk load.

Loading a million events allocates millions of objects that all stay alive, and the collector,
which runs again and again as they pile up, finds nothing to free: about a third of the load's
time. Reference counting still frees everything else while it is paused; cyclic garbage made
meanwhile (by other requests, say) waits for the collector's next run after the load.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_resume = False
"""Whether the collector was on when the outermost pause began (and is turned on after it)."""


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block with the collector off; pauses nest, from any thread."""
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _resume:
                gc.enable()
