"""``python -m tracking_mock``: the same program as ``tracking-mock``."""

from __future__ import annotations

import sys

from .cli import main

sys.exit(main())
