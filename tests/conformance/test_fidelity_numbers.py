"""The numbers and field lists docs/fidelity.md states are the ones the mock enforces.

Each phrase is built from ``limits.py``, the settings' defaults and the API's description
(``apispec.py``): change a limit or a field and this test names the sentence to update.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tracking_mock import Settings, apispec, limits

FIDELITY = (Path(__file__).resolve().parents[2] / "docs" / "fidelity.md").read_text("utf-8")
SETTINGS = Settings()
TEXT = apispec.max_chars(apispec.FIELDS["eventName"])
CURSOR = apispec.max_chars(apispec.LIST_PARAMETER["startingAfter"])
LIMIT = f"{limits.LIST_LIMIT_MIN}..{limits.LIST_LIMIT_MAX}"
OPTIONAL = ", ".join(f"`{field.name}`" for field in apispec.OPTIONAL_TEXT_FIELDS)
HASHED = " and ".join(f"`{name}`" for name in reversed(apispec.HASHABLE_FIELDS))
STATED = {
    "event fields": f"Event fields `{', '.join(apispec.EVENT_FIELD_NAMES)}`",
    "optional fields": f"Optional {OPTIONAL} |",
    "optional length": f"stored and echoed (at most {TEXT} characters, decision)",
    "hashed fields": f"Oppizi hashes {HASHED}",
    "value range": "beyond +-(2^53-1)",
    "metadata entries": f"At most {limits.METADATA_MAX_ENTRIES} metadata entries",
    "metadata entries + 1": f"| {limits.METADATA_MAX_ENTRIES + 1}: 400 |",
    "metadata keys": f"Keys at most {limits.METADATA_KEY_MAX_CHARS} characters",
    "metadata keys + 1": f"| {limits.METADATA_KEY_MAX_CHARS + 1}: 400 |",
    "metadata code points": f"{limits.METADATA_KEY_MAX_CHARS} `é` is a valid key",
    "metadata values": f"Values at most {limits.METADATA_VALUE_MAX_CHARS} characters",
    "metadata values + 1": f"| {limits.METADATA_VALUE_MAX_CHARS + 1}: 400 |",
    "metadata elements": f"The {limits.METADATA_VALUE_MAX_CHARS} limit applies to each",
    "metadata elements + 1": f"{limits.METADATA_VALUE_MAX_CHARS + 1}-character element: 400",
    "body size": f"configured size ({SETTINGS.max_body_bytes // 2**20} MiB default)",
    "limit range": f"`limit` {LIMIT}, default {limits.LIST_LIMIT_DEFAULT}",
    "limit refused": f"`limit` outside {LIMIT} or not an integer",
    "cursor length": f"A cursor longer than {CURSOR} characters",
    "query parameters": f"More than {SETTINGS.max_query_params} query parameters",
    "coupons range": f"`first` {limits.COUPONS_FIRST_MIN}..{limits.COUPONS_FIRST_MAX}, `skip`",
    "coupons default": f"Coupons defaults: `first` {limits.COUPONS_FIRST_DEFAULT}, `skip` 0",
    "mutation: entries": f"metadata: at most {limits.METADATA_MAX_ENTRIES} entries",
    "mutation: keys": f"metadata keys: at most {limits.METADATA_KEY_MAX_CHARS} characters",
    "mutation: values": f"metadata values: at most {limits.METADATA_VALUE_MAX_CHARS} characters",
    "mutation: limit default": f"limit defaults to {limits.LIST_LIMIT_DEFAULT}",
    "mutation: limit max": f"limit at most {limits.LIST_LIMIT_MAX}",
    "mutation: limit min": f"limit at least {limits.LIST_LIMIT_MIN}",
    "mutation: coupons max": f"coupons: first at most {limits.COUPONS_FIRST_MAX}",
    "mutation: coupons default": f"coupons: first defaults to {limits.COUPONS_FIRST_DEFAULT}",
}


@pytest.mark.parametrize("phrase", list(STATED.values()), ids=list(STATED))
def test_fidelity_doc_states_the_enforced_number(phrase: str) -> None:
    assert phrase in FIDELITY


def test_the_error_statuses_the_doc_lists_are_described_ones() -> None:
    row = next(line for line in FIDELITY.splitlines() if "Every other error status" in line)
    listed = re.search(r"yes \(([0-9, ]+)\)", row)
    assert listed is not None
    statuses = {int(status) for status in listed.group(1).split(", ")}
    assert statuses <= {error.status for error in apispec.ERROR_STATUSES}
