"""How long the property and fuzz runs go: a bounded default profile, a full one for CI.

``python -m pytest`` loads the ``fast`` profile; ``--slow`` or ``TRACKING_MOCK_TEST_PROFILE=ci``
loads ``ci`` (what ``.ci/run`` runs after the README's command). Each test writes its full
example count once, ``examples(full)``, and the profile scales it.
"""

from __future__ import annotations

import os

from hypothesis import settings

PROFILE_ENV = "TRACKING_MOCK_TEST_PROFILE"
FULL_EXAMPLES = 100
"""Hypothesis's own default, and the ``ci`` profile's: every ``examples(full)`` runs ``full``."""
settings.register_profile("fast", max_examples=FULL_EXAMPLES // 4)
settings.register_profile("ci", max_examples=FULL_EXAMPLES)


def profile_name(slow: bool) -> str:
    """The profile to load: ``ci`` when asked for by ``--slow`` or the environment."""
    return "ci" if slow or os.environ.get(PROFILE_ENV) == "ci" else "fast"


def examples(full: int) -> int:
    """``full`` examples under the ``ci`` profile, scaled down (to at least 5) by ``fast``."""
    return max(5, full * settings().max_examples // FULL_EXAMPLES)


def full_profile() -> bool:
    """Whether the ``ci`` profile is loaded: for runs the fast profile leaves out entirely."""
    return settings().max_examples >= FULL_EXAMPLES
