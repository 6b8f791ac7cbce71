"""The behaviours the contract suite checks, one function each, in report order.

A check either returns (the target behaves as documented, or as the mock decided where the
docs are silent) or raises ``Difference``. Checks marked ``mock_only`` need ``/_mock`` or
would act on data that is not the run's own; they are skipped on the real API, with the
reason printed. Each module registers its checks when imported, in the order below.
"""

from __future__ import annotations

from .registry import CHECKS, Check, check

# Importing a module registers its checks; this order is the report's order.
# isort: off
from . import auth, create, metadata, listing, update, accounts, paths, lookups, examples  # noqa: F401
# isort: on

__all__ = ["CHECKS", "Check", "check"]
