"""Fixture files: the version 1 format, the safe loader, and one clear message per bad file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tracking_mock.accounts import parse_account
from tracking_mock.errors import SeedError
from tracking_mock.seed import (
    MAX_EXPANDED_NODES,
    default_fixtures,
    load_seed,
    parse_fixture,
)
from tracking_mock.store import Store
from tracking_mock_pytest.remote import account_body

GOOD = """\
version: 1
accounts:
  acme:
    keys: [sk_test_acme]
    campaigns:
      cmp_spring: {coupons: [SALE234, CHI-9114-014]}
    metrics:
      Purchase: met_purchase
    events:
      - eventName: Purchase
        value: 250
        coupon: SALE234
        metadata: {orderId: "182394"}
        createdAt: "2026-01-01T10:00:00Z"
      - id: evt_fixed
        eventName: Purchase
        value: 1
        createdAt: 2026-01-02T10:00:00+02:00
"""


def write(tmp_path: Path, text: str, name: str = "seed.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_documented_example_loads(tmp_path: Path) -> None:
    seed = load_seed([write(tmp_path, GOOD)])
    (acme,) = seed.accounts
    assert acme.keys == ("sk_test_acme",)
    assert {cid: [c.code for c in cs] for cid, cs in acme.campaigns.items()} == {
        "cmp_spring": ["SALE234", "CHI-9114-014"]
    }
    store = Store(seed.accounts)
    newest, oldest = store.events("acme")
    assert newest.id == "evt_fixed"
    assert (oldest.campaign_id, oldest.metric_id) == ("cmp_spring", "met_purchase")
    assert seed.files == (str(tmp_path / "seed.yaml"),)


def test_folders_load_their_yaml_files_in_name_order(tmp_path: Path) -> None:
    write(tmp_path, "version: 1\naccounts: {b: {keys: [kb]}}\n", "2.yml")
    write(tmp_path, "version: 1\naccounts: {a: {keys: [ka]}}\n", "1.yaml")
    write(tmp_path, "not yaml at all: [", "notes.txt")
    assert [a.name for a in load_seed([tmp_path]).accounts] == ["a", "b"]


def test_the_bundled_fixtures_load() -> None:
    seed = load_seed()
    assert [a.name for a in seed.accounts] == ["default"]
    assert seed.files == (str(default_fixtures() / "default.yaml"),)


def test_implicit_yaml_types_stay_json_serialisable(tmp_path: Path) -> None:
    text = """\
version: 1
accounts:
  a:
    events:
      - eventName: on
        value: 1
        userId: 2026-01-01
        metadata: {country: no, day: 2026-01-01, at: 2026-01-01T10:00:00Z, flag: yes}
"""
    (account,) = load_seed([write(tmp_path, text)]).accounts
    event = account.events[0].fields
    assert event.event_name == "on"
    assert event.user_id == "2026-01-01"
    assert event.metadata == {
        "country": "no",
        "day": "2026-01-01",
        "at": "2026-01-01T10:00:00Z",
        "flag": "yes",
    }
    json.dumps(event.metadata)


BILLION_LAUGHS = "version: 1\na: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("", r"seed.yaml: the file is empty", id="empty"),
        pytest.param(
            "accounts: {}\n", r"seed.yaml:line 1: 'version: 1' is required", id="no-version"
        ),
        pytest.param("version: 2\n", r"seed.yaml:line 1: 'version: 1' is required", id="version-2"),
        pytest.param(
            "version: 1\nextra: 1\n", r"seed.yaml:line 2: unknown key 'extra'", id="top-key"
        ),
        pytest.param(
            "version: 1\naccounts:\n  a:\n    keyz: [k]\n",
            r"seed.yaml:line 4: unknown key 'keyz' in account 'a'",
            id="account-key",
        ),
        pytest.param(
            "version: 1\naccounts: [a]\n", r"line 2: accounts must be a mapping", id="list"
        ),
        pytest.param(
            "version: 1\naccounts:\n  bad name!: {}\n",
            r"line 3: account name 'bad name!'",
            id="name",
        ),
        pytest.param(
            "version: 1\naccounts:\n  a: {keys: [k, k]}\n",
            r"lists a key twice",
            id="same-key-twice",
        ),
        pytest.param(
            "version: 1\naccounts:\n  a: {keys: ['has space']}\n", r"visible ASCII", id="key-space"
        ),
        pytest.param(
            "version: 1\naccounts:\n  a: {keys: [k1]}\n  b: {keys: [k1]}\n",
            r"seed.yaml: account 'b' shares a key with account 'a'",
            id="shared-key",
        ),
        pytest.param(
            "version: 1\naccounts:\n  a:\n    events:\n      - {eventName: x}\n",
            r"seed.yaml:line 5: event of 'a': value is required",
            id="rule-broken",
        ),
        pytest.param(
            "version: 1\naccounts:\n  a:\n    events:\n"
            "      - {eventName: x, value: 1, colour: red}\n",
            r"line 5: event of 'a': unknown field 'colour'",
            id="unknown-event-field",
        ),
        pytest.param(
            "version: 1\naccounts:\n  a:\n    events:\n"
            "      - {id: e1, eventName: x, value: 1}\n      - {id: e1, eventName: x, value: 1}\n",
            r"line 6: duplicate event id 'e1'",
            id="duplicate-id",
        ),
        pytest.param(
            "version: 1\naccounts:\n  a:\n    events:\n      - {eventName: x, value: 1, "
            "createdAt: '2026-01-01T10:00:00'}\n",
            r"line 5: createdAt '2026-01-01T10:00:00' needs a time zone",
            id="naive-time",
        ),
        pytest.param(
            "version: 1\naccounts:\n  a:\n    events:\n      - {eventName: x, value: 1, "
            "createdAt: yesterday}\n",
            r"is not an ISO-8601 date-time",
            id="bad-time",
        ),
        pytest.param(
            "version: 1\naccounts:\n  a:\n    campaigns:\n      c1: {coupons: [X]}\n"
            "      c2: {coupons: [X]}\n",
            r"line 6: coupon 'X' belongs to two campaigns",
            id="coupon-twice",
        ),
        pytest.param(
            "version: 1\naccounts:\n  a:\n    campaigns:\n      c1:\n        coupons:\n"
            "          - {tag: x}\n",
            r"line 7: a coupon of 'c1' needs a code",
            id="coupon-without-code",
        ),
        pytest.param(
            "version: 1\naccounts:\n  a:\n    campaigns:\n      c1:\n        coupons:\n"
            "          - {code: X, colour: red}\n",
            r"unknown key 'colour' in a coupon of 'c1'",
            id="coupon-unknown-key",
        ),
        pytest.param(
            "version: 1\naccounts:\n  a:\n    campaigns:\n      c1:\n        coupons:\n"
            "          - {code: X, created_at: yesterday}\n",
            r"line 7: created_at 'yesterday' is not an ISO-8601 date-time",
            id="coupon-bad-time",
        ),
        pytest.param(
            "version: 1\naccounts:\n  a:\n    campaigns:\n      c1:\n        coupons:\n"
            "          - {code: X, tag: 5}\n",
            r"line 7: coupon tag must be a string",
            id="coupon-tag-number",
        ),
        pytest.param(
            "version: 1\naccounts:\n  a:\n    campaigns:\n      c1: {coupons: [[X]]}\n",
            r"a coupon of 'c1' must be a code or a mapping",
            id="coupon-list",
        ),
        pytest.param(
            "version: 1\naccounts:\n  a:\n    metrics: {Purchase: 5}\n",
            r"metrics map event names to metric ids",
            id="metric-number",
        ),
        pytest.param(
            "version: 1\naccounts: {a: {disabled: maybe}}\n",
            r"disabled must be true or false",
            id="bool",
        ),
        pytest.param("version: 1\nversion: 1\n", r"line 2: duplicate key 'version'", id="dup-key"),
        pytest.param(
            "version: 1\naccounts: !!python/object:os.system {}\n",
            r"line 2: the tag tag:yaml.org,2002:python/object:os.system is not allowed",
            id="python-tag",
        ),
        pytest.param("version: !custom 1\n", r"line 1: the tag !custom is not allowed", id="tag"),
        pytest.param("version: !!binary aGk=\n", r"the tag .*binary is not allowed", id="binary"),
        pytest.param("version: 1\n---\nversion: 1\n", r"invalid YAML", id="two-documents"),
        pytest.param("version: [1\n", r"seed.yaml:line 2: invalid YAML", id="syntax"),
        pytest.param("a: &a [*a]\n", r"invalid YAML|refers to itself", id="recursive-alias"),
        pytest.param(BILLION_LAUGHS, r"expands to more than", id="billion-laughs"),
    ],
)
def test_a_bad_fixture_stops_the_load_with_one_message(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(SeedError, match=message):
        load_seed([write(tmp_path, text)])


def test_expansion_limit_is_far_above_real_fixtures() -> None:
    assert MAX_EXPANDED_NODES >= 10_000_000


def test_aliases_within_the_limit_are_fine(tmp_path: Path) -> None:
    text = """\
version: 1
accounts:
  a:
    events:
      - &purchase {eventName: Purchase, value: 1, metadata: {plan: pro}}
      - *purchase
      - {<<: *purchase, value: 2}
"""
    (account,) = load_seed([write(tmp_path, text)]).accounts
    assert [e.fields.value for e in account.events] == [1, 1, 2]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        pytest.param("missing", r"missing.yaml: no such file or folder", id="missing-file"),
        pytest.param(
            "empty-dir", r"no .yaml, .yml or .jsonl files in this folder", id="empty-folder"
        ),
        pytest.param("binary", r"cannot read|invalid YAML", id="not-text"),
    ],
)
def test_unreadable_inputs_are_reported(tmp_path: Path, setup: str, message: str) -> None:
    if setup == "empty-dir":
        target = tmp_path / "empty"
        target.mkdir()
    elif setup == "binary":
        target = tmp_path / "seed.yaml"
        target.write_bytes(b"\xff\xfe\x00\x01version")
    else:
        target = tmp_path / "missing.yaml"
    with pytest.raises(SeedError, match=message):
        load_seed([target])


def test_an_account_may_live_in_one_file_only(tmp_path: Path) -> None:
    one = write(tmp_path, "version: 1\naccounts: {a: {keys: [k1]}}\n", "one.yaml")
    two = write(tmp_path, "version: 1\naccounts: {a: {keys: [k2]}}\n", "two.yaml")
    with pytest.raises(SeedError, match=r"two.yaml: account 'a' is also defined in .*one.yaml"):
        load_seed([one, two])


def test_nothing_is_half_loaded(tmp_path: Path) -> None:
    good = write(tmp_path, "version: 1\naccounts: {a: {keys: [k1]}}\n", "good.yaml")
    bad = write(tmp_path, "version: 1\naccounts: {b: {keys: 5}}\n", "bad.yaml")
    with pytest.raises(SeedError):
        load_seed([good, bad])


def test_parse_fixture_names_its_source() -> None:
    with pytest.raises(SeedError, match=r"^inline:line 1: "):
        parse_fixture(b"version: 3\n", "inline")


def test_coupons_survive_the_admin_seed_round_trip() -> None:
    """A remote plugin target seeds through JSON: every coupon field must come back equal."""
    fixture = (
        "version: 1\naccounts:\n  a:\n    campaigns:\n      c1:\n        coupons:\n"
        "          - {code: X, id: cpn_x, tag: t, item_type_id: i,"
        " created_at: '2020-01-01T00:00:00Z'}\n          - Y\n"
    )
    (spec,) = parse_fixture(fixture.encode())
    again = parse_account("b", json.loads(json.dumps(account_body(spec))))
    assert again.campaigns == spec.campaigns
    assert [c.tag for c in again.campaigns["c1"]] == ["t", None]


def test_the_account_rules_load_without_the_yaml_loader() -> None:
    probe = (
        "import sys, tracking_mock.accounts; "
        "print([m for m in ('yaml', 'tracking_mock.seed', 'starlette') if m in sys.modules])"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"


def test_a_file_that_cannot_be_read_is_one_seed_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fixture = tmp_path / "gone.yaml"
    fixture.write_text("version: 1\naccounts: {}\n")

    def vanished(self: Path) -> bytes:  # an editor replacing the file while it is read
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr(Path, "read_bytes", vanished)
    with pytest.raises(SeedError, match=r"gone\.yaml: cannot read: No such file or directory"):
        load_seed([fixture])
