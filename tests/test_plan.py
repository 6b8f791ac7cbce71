"""The tracking-plan core without HTTP: loading (with file:line errors), checks, suggestions."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from tracking_mock.models import ContractWarning, EventFields
from tracking_mock.plan import (
    CODES,
    Coverage,
    PlanError,
    coverage_report,
    format_report,
    load_plan,
    parse_plan_document,
    suggest,
)
from tracking_mock.plan.coverage import MAX_UNPLANNED_NAMES

PLAN = """\
version: 1
events:
  Purchase:
    value: {minimum: 0, maximum: 10000, decimals: 2}
    fields: {transactionId: required, coupon: forbidden}
    metadata:
      orderId: {required: true, pattern: '^ord-[0-9]+$'}
      plan: {enum: [free, pro, team]}
      tags: {type: "string[]", maxLength: 5}
      legacyRef: {deprecated: true}
  Seats:
    value: {type: integer}
    metadata:
      count: {type: number}
  Signup:
    schema:
      type: object
      required: [userId]
      properties:
        metadata:
          type: object
          properties: {source: {enum: [web, app]}}
          additionalProperties: false
"""
GOOD = EventFields("Purchase", 25.5, {"orderId": "ord-1", "plan": "pro"}, transaction_id="t1")


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN, encoding="utf-8")
    return path


def _codes(found: list[ContractWarning]) -> list[tuple[str, str | None]]:
    return [(w.code, w.path) for w in found]


def _with(**changes: Any) -> EventFields:
    return dataclasses.replace(GOOD, **changes)


def test_a_planned_event_that_follows_the_plan_has_no_violations(plan_file: Path) -> None:
    assert load_plan([plan_file]).check(GOOD) == []


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        pytest.param(
            _with(event_name="Purchse"), [("plan-unplanned-event", "$.eventName")], id="unplanned"
        ),
        pytest.param(
            _with(transaction_id=None),
            [("plan-required-missing", "$.transactionId")],
            id="required-field",
        ),
        pytest.param(
            _with(metadata={"plan": "pro"}),
            [("plan-required-missing", "$.metadata.orderId")],
            id="required-metadata",
        ),
        pytest.param(
            _with(coupon="SALE"), [("plan-forbidden-field", "$.coupon")], id="forbidden-field"
        ),
        pytest.param(
            _with(metadata={"orderId": "ord-1", "plan": "gold"}),
            [("plan-enum-mismatch", "$.metadata.plan")],
            id="enum",
        ),
        pytest.param(
            _with(metadata={"orderId": "182394"}),
            [("plan-pattern-mismatch", "$.metadata.orderId")],
            id="pattern",
        ),
        pytest.param(
            _with(metadata={"orderId": 182394}),
            [("plan-type-mismatch", "$.metadata.orderId")],
            id="type-number-for-string",
        ),
        pytest.param(
            _with(metadata={"orderId": "ord-1", "tags": ["a", "toolong"]}),
            [("plan-too-long", "$.metadata.tags[1]")],
            id="too-long-element",
        ),
        pytest.param(
            _with(metadata={"orderId": "ord-1", "tags": "a"}),
            [("plan-type-mismatch", "$.metadata.tags")],
            id="string-for-array",
        ),
        pytest.param(
            _with(metadata={"orderId": "ord-1", "legacyRef": "x"}),
            [("plan-deprecated-metadata", "$.metadata.legacyRef")],
            id="deprecated",
        ),
        pytest.param(
            _with(metadata={"orderId": "ord-1", "order id": "x"}),
            [("plan-additional-metadata", '$.metadata["order id"]')],
            id="additional-metadata",
        ),
        pytest.param(_with(value=-1), [("plan-out-of-range", "$.value")], id="below-minimum"),
        pytest.param(_with(value=25000), [("plan-out-of-range", "$.value")], id="above-maximum"),
        pytest.param(_with(value=2550.001), [("plan-decimals", "$.value")], id="decimals"),
        pytest.param(
            EventFields("Seats", 2.5), [("plan-type-mismatch", "$.value")], id="integer-only"
        ),
        pytest.param(
            EventFields("Seats", 3.0, {"count": "3"}),
            [("plan-type-mismatch", "$.metadata.count")],
            id="number-metadata",
        ),
        pytest.param(
            EventFields("Signup", 0, {"source": "mail"}),
            [("plan-required-missing", "$.userId"), ("plan-enum-mismatch", "$.metadata.source")],
            id="schema-required-and-enum",
        ),
        pytest.param(
            EventFields("Signup", 0, {"sorce": "web"}, user_id="u1"),
            [("plan-additional-metadata", "$.metadata.sorce")],
            id="schema-additional",
        ),
    ],
)
def test_each_violation_has_its_code_and_path(
    plan_file: Path, event: EventFields, expected: list[tuple[str, str]]
) -> None:
    found = load_plan([plan_file]).check(event)
    assert _codes(found) == expected
    assert {code for code, _ in expected} <= set(CODES)


@pytest.mark.parametrize(
    ("event", "hint"),
    [
        pytest.param(_with(event_name="Purchse"), "did you mean 'Purchase'?", id="event-name"),
        pytest.param(_with(event_name="purchase"), "did you mean 'Purchase'?", id="case"),
        pytest.param(
            _with(metadata={"orderID": "ord-1", "orderId": "ord-2"}),
            "did you mean 'orderId'?",
            id="metadata-key",
        ),
        pytest.param(
            _with(metadata={"orderId": "ord-1", "plan": "Pro"}),
            "did you mean 'pro'?",
            id="enum-value",
        ),
        pytest.param(
            EventFields("Signup", 0, {"sorce": "web"}, user_id="u1"),
            "did you mean 'source'?",
            id="schema-key",
        ),
    ],
)
def test_near_misses_get_a_suggestion(plan_file: Path, event: EventFields, hint: str) -> None:
    (violation,) = load_plan([plan_file]).check(event)
    assert violation.message.endswith(f"({hint})")


def test_far_misses_get_no_suggestion() -> None:
    assert suggest("Refund", ["Purchase", "Signup"]) is None


def test_unplanned_events_and_metadata_may_be_allowed() -> None:
    plan = parse_plan_document(
        {
            "version": 1,
            "allowUnplannedEvents": True,
            "allowUnplannedMetadata": True,
            "events": {"Purchase": {"metadata": {"orderId": {"required": True}}}},
        }
    )
    assert plan.check(EventFields("Anything", 1)) == []
    assert plan.check(EventFields("Purchase", 1, {"orderId": "1", "extra": "x"})) == []


def test_hostile_names_are_quoted_and_cut_in_messages_and_paths() -> None:
    plan = parse_plan_document({"version": 1, "events": {"Purchase": None}})
    key = 'a"\nb' + "x" * 30
    (violation,) = plan.check(EventFields("Purchase", 1, {key: "v"}))
    assert "\n" not in violation.message
    assert violation.path == "$.metadata" + f"[{json.dumps(key)}]"
    (unplanned,) = plan.check(EventFields("P" * 256, 1))
    assert len(unplanned.message) < 120


def test_a_json_plan_file_and_a_schema_file_load(tmp_path: Path) -> None:
    (tmp_path / "signup.schema.json").write_text(
        json.dumps({"type": "object", "required": ["userId"]}), encoding="utf-8"
    )
    path = tmp_path / "plan.json"
    path.write_text(
        json.dumps({"version": 1, "events": {"Signup": {"schemaFile": "signup.schema.json"}}}),
        encoding="utf-8",
    )
    plan = load_plan([path])
    assert _codes(plan.check(EventFields("Signup", 0))) == [("plan-required-missing", "$.userId")]
    assert plan.document["events"]["Signup"]["schema"] == {
        "type": "object",
        "required": ["userId"],
    }
    assert parse_plan_document(plan.document).check(EventFields("Signup", 0, user_id="u")) == []


@pytest.mark.parametrize(
    ("text", "error"),
    [
        pytest.param("", "plan.yaml: the file is empty", id="empty"),
        pytest.param(
            "version: 2\nevents: {}\n", "plan.yaml:line 1: version: 1 was expected", id="version"
        ),
        pytest.param(
            "events: {}\n", "plan.yaml:line 1: the plan: 'version' is a required", id="no-version"
        ),
        pytest.param(
            "version: 1\nevents:\n  Purchase:\n    metadata:\n      plan: {requird: true}\n",
            "plan.yaml:line 5: events.Purchase.metadata.plan: unknown key 'requird' "
            "(did you mean 'required'?)",
            id="unknown-key",
        ),
        pytest.param(
            "version: 1\nevents:\n  Purchase:\n    value: {type: float}\n",
            "plan.yaml:line 4: events.Purchase.value.type: 'float' is not one of",
            id="bad-enum",
        ),
        pytest.param(
            "version: 1\nevents:\n  Purchase:\n    fields:\n      userId: always\n",
            "plan.yaml:line 5: events.Purchase.fields.userId: 'always' is not one of",
            id="bad-field-rule",
        ),
        pytest.param(
            "version: 1\nevents:\n  Purchase:\n    metadata:\n      a: {pattern: '(('}\n",
            "plan.yaml:line 5: event 'Purchase': metadata 'a': pattern is not a regular",
            id="bad-pattern",
        ),
        pytest.param(
            "version: 1\nevents:\n  P:\n    value: {minimum: 5, maximum: 1}\n",
            "plan.yaml:line 4: event 'P': minimum is above maximum",
            id="min-above-max",
        ),
        pytest.param(
            "version: 1\nevents:\n  P:\n    schema: {type: 12}\n",
            "plan.yaml:line 4: event 'P': invalid JSON Schema",
            id="bad-schema",
        ),
        pytest.param(
            "version: 1\nevents:\n  P:\n    schemaFile: missing.json\n",
            "plan.yaml:line 4: schemaFile",
            id="missing-schema-file",
        ),
        pytest.param("version: 1\nevents: [\n", "plan.yaml:line 3: invalid YAML", id="syntax"),
        pytest.param(
            "version: 1\nevents:\n  P: !!python/object {}\n",
            "plan.yaml:line 3: the tag",
            id="tag",
        ),
    ],
)
def test_a_bad_plan_file_names_the_file_line_and_rule(
    tmp_path: Path, text: str, error: str
) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError) as raised:
        load_plan([path])
    assert str(raised.value).startswith(str(tmp_path / error)), str(raised.value)


def test_two_files_may_not_plan_the_same_event(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text("version: 1\nevents: {Purchase: }\n", encoding="utf-8")
    with pytest.raises(PlanError, match="also planned in"):
        load_plan([tmp_path / "a.yaml", tmp_path / "b.yaml"])


def test_a_missing_plan_file_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match=r"nope\.yaml: cannot read"):
        load_plan([tmp_path / "nope.yaml"])


def test_coverage_counts_valid_violating_unplanned_and_never_seen(plan_file: Path) -> None:
    plan = load_plan([plan_file])
    coverage = Coverage()
    for planned, violating, name in [
        (True, False, "Purchase"),
        (True, True, "Purchase"),
        (True, False, "Seats"),
        (False, True, "Purchse"),
    ]:
        coverage.record(name, planned, violating)
    report = coverage_report([(plan, coverage.snapshot())])
    assert report["events"] == [
        {"eventName": "Purchase", "valid": 1, "violating": 1},
        {"eventName": "Seats", "valid": 1, "violating": 0},
        {"eventName": "Signup", "valid": 0, "violating": 0},
    ]
    assert (report["planned"], report["seen"], report["neverSeen"]) == (3, 2, ["Signup"])
    assert report["unplanned"] == [{"eventName": "Purchse", "count": 1}]
    assert format_report(report).splitlines()[0] == "2 of 3 planned events seen"
    assert "never seen" in format_report(report).splitlines()[-2]


def test_coverage_of_unplanned_names_is_bounded() -> None:
    coverage = Coverage()
    for n in range(MAX_UNPLANNED_NAMES + 10):
        coverage.record(f"name-{n}", planned=False, violating=True)
    assert len(coverage.snapshot()) == MAX_UNPLANNED_NAMES
    assert coverage.other_unplanned == 10
