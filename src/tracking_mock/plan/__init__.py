"""Tracking plans: a team's own event schema, checked on every create and update.

Pure: no HTTP. ``load_plan`` compiles plan files once; ``Plan.check`` lists an event's
violations as ``ContractWarning``s whose codes start with ``plan-``. The loader (and
``jsonschema``) is imported on first use, so a server without a plan never pays for it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ..errors import PlanError
from .coverage import PLAN_MODES, Coverage, PlanSlot, coverage_report, format_report
from .rules import CODES, Plan, suggest

if TYPE_CHECKING:
    from .loader import PLAN_FORMAT, load_plan, parse_plan_document

__all__ = [
    "CODES",
    "PLAN_FORMAT",
    "PLAN_MODES",
    "Coverage",
    "Plan",
    "PlanError",
    "PlanSlot",
    "coverage_report",
    "format_report",
    "load_plan",
    "parse_plan_document",
    "suggest",
]
_LAZY = {"PLAN_FORMAT", "load_plan", "parse_plan_document"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(".loader", __name__), name)
