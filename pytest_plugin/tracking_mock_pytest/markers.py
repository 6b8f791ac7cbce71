"""The plugin's markers: their names and the help ``pytest --markers`` prints."""

from __future__ import annotations

MARKER = "tracking_fixtures"
PLAN_MARKER = "tracking_plan"

HELP = (
    f"{MARKER}(*paths, account=None): seed the test's tracking_server account from these "
    "fixture files or folders (relative to the test file) before the test runs",
    f"{PLAN_MARKER}(*paths, mode=None): check the test's tracking_server events against "
    "these tracking-plan files (relative to the test file); mode: off, warn or enforce",
)
