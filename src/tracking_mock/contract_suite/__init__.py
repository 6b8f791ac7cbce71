"""The contract suite: one set of checks run against the mock or the real API, and a parity report.

``tracking-mock contract --url URL --key KEY [--target mock|real|auto]`` runs it from a shell;
``run_contract`` from Python.
"""

from __future__ import annotations

from .checks import CHECKS, Check
from .runner import Outcome, Report, run_contract

__all__ = ["CHECKS", "Check", "Outcome", "Report", "run_contract"]
