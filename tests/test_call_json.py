"""The one call JSON shape: written by the journal, described by the admin OpenAPI, read back."""

from __future__ import annotations

from dataclasses import fields

from tracking_mock import call_json
from tracking_mock.call_filter import CallMatch
from tracking_mock.journal import CallRecord
from tracking_mock.models import ContractWarning
from tracking_mock.openapi import admin_document
from tracking_mock_pytest.calls import Call

RECORD = CallRecord(
    seq=7,
    time=1_700_000_000.5,
    method="POST",
    path="/tracking/events",
    query="a=1",
    raw_headers=((b"authorization", b"Bearer sk_test_x"), (b"x-a", b"b")),
    raw_body=b'{"eventName":"a","value":1}',
    body_truncated=False,
    status=200,
    raw_response=b'{"success":true}',
    response_truncated=False,
    account="default",
    warnings=(ContractWarning("recipe-x", "a note", "$.value", note=True),),
    fault=None,
    duration_ms=1.23456,
)


def test_the_admin_document_describes_exactly_the_fields_the_journal_writes() -> None:
    schema = admin_document()["paths"]["/_mock/calls"]["get"]["responses"]["200"]
    item = schema["content"]["application/json"]["schema"]["properties"]["data"]
    nodes = item["properties"]["nodes"]["items"]
    assert list(nodes["properties"]) == list(RECORD.to_json())
    assert nodes == call_json.call_schema()


def test_the_plugin_reads_a_call_from_json_as_it_reads_it_from_the_journal() -> None:
    assert {f.name for f in fields(Call)} == set(call_json.KEPT)
    local, remote = Call.from_record(RECORD), Call.from_json(RECORD.to_json())
    assert remote == Call(
        **{**{n: getattr(local, n) for n in call_json.KEPT}, "duration_ms": 1.235}
    )
    assert remote.warnings[0].note is True


def test_one_call_filter_takes_methods_in_any_case_and_an_exact_path_and_status() -> None:
    assert CallMatch("post", "/tracking/events", 200)(RECORD)
    assert CallMatch.from_query({"method": "POST", "status": "200"})(Call.from_record(RECORD))
    assert not CallMatch(path="/tracking")(RECORD)
    assert not CallMatch(status=201)(RECORD)
