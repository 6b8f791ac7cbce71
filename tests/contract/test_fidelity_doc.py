"""docs/fidelity.md points at tests and contract checks that exist, and names every check."""

from __future__ import annotations

import re
from pathlib import Path

from tracking_mock.contract_suite import CHECKS

HERE = Path(__file__).resolve().parent
FIDELITY = (HERE.parents[1] / "docs" / "fidelity.md").read_text(encoding="utf-8")
TEST_REFERENCE = re.compile(r"(test_[a-z_]+\.py)::(test_[a-z0-9_]+)")
CHECK_REFERENCE = re.compile(r"check\[([a-z.-]+)\]")


def test_every_referenced_test_exists() -> None:
    missing = []
    for file_name, test_name in set(TEST_REFERENCE.findall(FIDELITY)):
        source = (HERE / file_name).read_text(encoding="utf-8")
        if f"def {test_name}(" not in source and f"{test_name} = " not in source:
            missing.append(f"{file_name}::{test_name}")
    assert missing == []


def test_every_contract_check_is_in_the_table_and_every_reference_is_a_check() -> None:
    referenced = set(CHECK_REFERENCE.findall(FIDELITY))
    names = {check.name for check in CHECKS}
    assert referenced == names
