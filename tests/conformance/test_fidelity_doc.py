"""docs/fidelity.md points at tests and contract checks that exist, and names every check."""

from __future__ import annotations

import re
from pathlib import Path

from tracking_mock.contract_suite import CHECKS

HERE = Path(__file__).resolve().parent
FIDELITY = (HERE.parents[1] / "docs" / "fidelity.md").read_text(encoding="utf-8")
TEST_REFERENCE = re.compile(r"((?:tests/[a-z/]*)?test_[a-z_]+\.py)::(test_[a-z0-9_]+)")
CHECK_REFERENCE = re.compile(r"check\[([a-z.-]+)\]")


def test_every_referenced_test_exists() -> None:
    missing = []
    for file_name, test_name in set(TEST_REFERENCE.findall(FIDELITY)):
        # A bare file name is under tests/conformance/; the mutation table gives full paths.
        path = HERE.parents[1] / file_name if file_name.startswith("tests/") else HERE / file_name
        source = path.read_text(encoding="utf-8")
        if f"def {test_name}(" not in source and f"{test_name} = " not in source:
            missing.append(f"{file_name}::{test_name}")
    assert missing == []


def test_every_contract_check_is_in_the_table_and_every_reference_is_a_check() -> None:
    referenced = set(CHECK_REFERENCE.findall(FIDELITY))
    names = {check.name for check in CHECKS}
    assert referenced == names


def _table_rows() -> list[list[str]]:
    """The cells of every behaviour table row (tables whose header has a Source column)."""
    rows: list[list[str]] = []
    header: list[str] = []
    for line in FIDELITY.splitlines():
        if not line.startswith("|"):
            header = []
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if not header:
            header = cells
        elif "Source" in header and not set(line) <= set("|-"):
            rows.append(cells)
    return rows


def test_every_behaviour_is_labelled_doc_or_decision_and_names_its_page() -> None:
    rows = _table_rows()
    assert len(rows) > 60
    for cells in rows:
        behaviour, source, page = cells[0], cells[1], cells[2]
        assert source.split(" ")[0] in {"doc", "decision"}, behaviour
        if source.startswith("doc"):
            assert page.startswith("`/"), f"{behaviour}: a doc row names the page that states it"
