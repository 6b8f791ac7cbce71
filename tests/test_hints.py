"""Why a key was refused: on the journal record and in the log, never in the API's answer."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tracking_mock import DEFAULT_API_KEY
from tracking_mock.models import AccountSpec
from tracking_mock.seed import Seed

from .helpers import MakeClient, state_of

ACME = Seed(accounts=(AccountSpec("acme", ("sk_acme",), {}, {}),), files=("acme.yaml",))
BLOCKED = Seed(accounts=(AccountSpec("blocked", ("sk_blocked",), {}, {}, disabled=True),), files=())


@pytest.mark.parametrize(
    ("seed", "fixtures", "header", "status", "note"),
    [
        pytest.param(
            ACME,
            (Path("acme.yaml"),),
            f"Bearer {DEFAULT_API_KEY}",
            401,
            "sk_test_default is the key of the bundled 'default' account, and the bundled "
            "accounts are replaced by --fixtures",
            id="bundled-key-after-fixtures",
        ),
        pytest.param(
            ACME,
            (Path("acme.yaml"),),
            "Bearer sk_typo_secret",
            401,
            "unknown client key",
            id="unknown-key",
        ),
        pytest.param(None, None, None, 401, "missing Authorization header", id="no-header"),
        pytest.param(
            None, None, "Token sk_x", 401, "is not 'Bearer <client key>'", id="wrong-scheme"
        ),
        pytest.param(
            BLOCKED,
            (),
            "Bearer sk_blocked",
            403,
            "account 'blocked', which is disabled",
            id="disabled-account",
        ),
    ],
)
def test_a_refused_key_is_explained_on_its_journal_record_not_in_the_answer(
    make_client: MakeClient,
    seed: Seed | None,
    fixtures: tuple[Path, ...] | None,
    header: str | None,
    status: int,
    note: str,
) -> None:
    client = make_client(**({} if seed is None else {"seed": seed}), fixtures=fixtures)
    headers = {} if header is None else {"Authorization": header}
    response = client.get("/tracking/events", headers=headers)
    assert response.status_code == status
    (record,) = state_of(client).journal.records()
    assert record.reason is not None
    assert note in record.reason
    assert record.reason not in response.text, "the answer keeps the API's own text"
    assert "sk_typo_secret" not in record.reason, "a key is never echoed"
    listed = client.get("/_mock/calls").json()["data"]["nodes"]
    assert listed[0]["reason"] == record.reason


def test_a_bundled_key_refused_after_fixtures_is_logged_as_a_warning(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client(seed=ACME, fixtures=(Path("acme.yaml"),))
    with caplog.at_level(logging.INFO, logger="tracking_mock"):
        client.get("/tracking/events", headers={"Authorization": f"Bearer {DEFAULT_API_KEY}"})
        client.get("/tracking/events", headers={"Authorization": "Bearer sk_other"})
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warned) == 1
    assert "--fixtures" in warned[0]
    # The request log gives every refused call its note, at info.
    logged = [r.getMessage() for r in caplog.records if r.name == "tracking_mock.requests"]
    assert ["--fixtures" in line for line in logged] == [True, False]
    assert all("unknown client key" in line for line in logged[1:])


def test_an_accepted_call_has_no_note(make_client: MakeClient) -> None:
    client = make_client()
    client.get("/tracking/events", headers={"Authorization": f"Bearer {DEFAULT_API_KEY}"})
    assert [record.reason for record in state_of(client).journal.records()] == [None]


def test_a_hostile_path_stays_one_short_log_line(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client()
    with caplog.at_level(logging.INFO, logger="tracking_mock"):
        response = client.get("/client/campaigns/" + "x%0Afake%20line" * 50 + "/coupons")
    assert response.status_code == 401
    (record,) = caplog.records
    message = record.getMessage()
    assert "\n" not in message
    assert len(message) < 400
