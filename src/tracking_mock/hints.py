"""Why a key was refused, in words for the mock's own channels (journal, log), never the answer.

The API answers a refused key with its bare 401 or 403; a new user then needs to learn
elsewhere what went wrong, most often that ``--fixtures`` replaced the bundled accounts and
with them the documented ``sk_test_default`` key.
"""

from __future__ import annotations

import re

from .settings import DEFAULT_API_KEY, Settings

_BEARER_RE = re.compile(r"\s*bearer\s+(\S+)\s*", re.IGNORECASE)

FIXTURES_REPLACED = "the bundled accounts are replaced by --fixtures"


def refused_key_note(header: str | None, settings: Settings, disabled: str | None = None) -> str:
    """What the journal says about a call refused with 401 or 403 (never the key itself).

    ``disabled`` names the account of a known key that was refused (403).
    """
    if header is None:
        return "missing Authorization header: send 'Authorization: Bearer <client key>'"
    match = _BEARER_RE.fullmatch(header)
    if match is None:
        return "the Authorization header is not 'Bearer <client key>' (one space, one key)"
    if disabled is not None:
        return (
            f"the key belongs to account {disabled!r}, which is disabled "
            "(disabled: true in its fixture): its keys are known and refused with 403"
        )
    if match.group(1) == DEFAULT_API_KEY and settings.fixtures is not None:
        return (
            f"{DEFAULT_API_KEY} is the key of the bundled 'default' account, and "
            f"{FIXTURES_REPLACED} (Settings.fixtures): use a key from your fixtures, or list "
            "this one under an account's keys there"
        )
    return (
        "unknown client key: no account has it; keys come from the fixtures' accounts (keys: "
        "[...]), "
        "--api-key and POST /_mock/accounts"
    )
