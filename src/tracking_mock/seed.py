"""Load YAML fixture files (format version 1) into account specs, or fail with one message.

Only PyYAML's safe loader is used. Timestamps and YAML 1.1 ``yes``/``no`` booleans stay
strings, explicit tags are refused, anchors and aliases are bounded, and every event passes
the same validation as a POST body. Nothing is returned unless every file is good.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml

from . import limits
from .coupons import coupons_of, generated_id, now_text
from .errors import ApiError, SeedError
from .models import AccountSpec, Coupon, SeedEvent
from .render import iso_timestamp
from .validation import validate_event

FORMAT_VERSION = 1
MAX_EXPANDED_NODES = 20_000_000
"""Anchors and aliases may repeat nodes, but a document may not expand past this."""
_NAME_RE = re.compile(r"[A-Za-z0-9_.-]{1,64}")
_TOKEN_RE = re.compile(r"[\x21-\x7e]{1,256}")
_ID_RE = re.compile(rf"(?s:.{{1,{limits.STRING_FIELD_MAX_CHARS}}})")
"""Coupon codes, event names and metric ids: the API's string-field limit."""
_YAML_SUFFIXES = (".yaml", ".yml")
_FIXTURE_SUFFIXES = (*_YAML_SUFFIXES, ".jsonl")
_ALLOWED_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "merge")
}
_MERGE_TAG = "tag:yaml.org,2002:merge"
_TOP_KEYS = {"version", "accounts"}
_ACCOUNT_KEYS = {"keys", "campaigns", "metrics", "events", "disabled", "strict", "hashIds"}
_SEED_ONLY_EVENT_KEYS = {"id", "createdAt"}
T = TypeVar("T")
_COUPON_KEYS = {"code", "id", "tag", "item_type_id", "created_at", "updated_at"}
_COUPON_TEXT_MAX = 256


class _Map(dict[Any, Any]):
    """A YAML mapping that remembers the line of each key."""

    line = 0
    key_lines: dict[Any, int]


class _Loader(yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader):  # type: ignore[misc]
    """The safe loader, minus implicit timestamps and YAML 1.1 yes/no/on/off booleans."""


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _first in "tTfF":
    _Loader.yaml_implicit_resolvers.setdefault(_first, []).append(
        ("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"))
    )


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> Iterator[_Map]:
    data = _Map()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    yield data
    own = sum(1 for key_node, _ in node.value if key_node.tag != _MERGE_TAG)
    loader.flatten_mapping(node)  # puts the merged (`<<`) pairs first, then the node's own
    inherited = len(node.value) - own
    for index, (key_node, value_node) in enumerate(node.value):
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise SeedError(f"line {line}: a mapping key must be a plain value")
        if index >= inherited and key in data.key_lines:
            raise SeedError(f"line {line}: duplicate key {key!r}")
        data[key] = loader.construct_object(value_node, deep=True)
        if index >= inherited:
            data.key_lines[key] = line


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)


@dataclass(frozen=True, slots=True)
class Seed:
    """What a set of fixture files defines, and which files those were."""

    accounts: tuple[AccountSpec, ...]
    files: tuple[str, ...]


def default_fixtures() -> Path:
    """The bundled seed folder: inside the installed package, or at the checkout's top level."""
    packaged = Path(str(resources.files("tracking_mock"))) / "_fixtures"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "fixtures"


def fixture_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into their ``*.yaml``/``*.yml``/``*.jsonl`` files, in name order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in _FIXTURE_SUFFIXES)
            if not found:
                raise SeedError(f"{path}: no .yaml, .yml or .jsonl files in this folder")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise SeedError(f"{path}: no such file or folder")
    return files


def load_seed(paths: Sequence[Path] | None = None, *, max_bytes: int | None = None) -> Seed:
    """Load fixture files or folders (default: the bundled fixtures) into one ``Seed``.

    YAML files larger than ``max_bytes`` are refused before they are read: a YAML document is
    parsed whole, at several hundred times its size. JSON Lines files are read a line at a
    time, each line within the API's body limit, their events bounded by ``--max-events``.
    """
    files = fixture_files(paths if paths is not None else [default_fixtures()])
    for file in files:
        size = file.stat().st_size if file.is_file() else 0
        if max_bytes is not None and size > max_bytes and file.suffix != ".jsonl":
            raise SeedError(
                f"{file}: {size} bytes is more than the {max_bytes} a fixture file may hold "
                "(--max-fixture-bytes)"
            )
    specs: list[AccountSpec] = []
    owners: dict[str, str] = {}
    key_owners: dict[str, str] = {}
    for file in files:
        for spec in _parse_file(file):
            if spec.name in owners:
                raise SeedError(
                    f"{file}: account {spec.name!r} is also defined in {owners[spec.name]}"
                )
            owners[spec.name] = str(file)
            for key in spec.keys:
                if key in key_owners:
                    raise SeedError(
                        f"{file}: account {spec.name!r} shares a key with account "
                        f"{key_owners[key]!r} (a key belongs to one account)"
                    )
                key_owners[key] = spec.name
            specs.append(spec)
    return Seed(accounts=tuple(specs), files=tuple(str(f) for f in files))


def _parse_file(file: Path) -> list[AccountSpec]:
    """A fixture file's accounts, by its suffix: JSON Lines, else YAML."""
    if file.suffix == ".jsonl" and file.is_file():
        from .seed_jsonl import load_jsonl  # imports this module: loaded on first use

        return [load_jsonl(file)]
    return parse_fixture(file.read_bytes() if file.is_file() else b"", str(file))


def parse_fixture(data: bytes, source: str = "<fixture>") -> list[AccountSpec]:
    """Parse one fixture document; every error names ``source`` and, where known, the line."""
    return read_yaml(data, source, lambda document: list(_accounts(document)))


def read_yaml(data: bytes, source: str, build: Callable[[object], T]) -> T:
    """Load one YAML (or JSON) document safely and ``build`` it; ``SeedError``s name the line.

    Mappings in the document remember the line of each key (see ``line_of``), so ``build``
    can raise ``SeedError("line N: ...")`` and the message gains ``source`` in front.
    """
    try:
        loader = _Loader(data)
    except Exception as exc:  # pragma: no cover - the loader only fails on odd input types
        raise SeedError(f"{source}: cannot read: {exc}") from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise SeedError("the file is empty (expected 'version: 1')")
        _check_nodes(node)
        return build(loader.construct_document(node))
    except SeedError as exc:
        raise SeedError(
            f"{source}:{exc}" if str(exc).startswith("line ") else f"{source}: {exc}"
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise SeedError(f"{source}:{where}invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise SeedError(f"{source}: invalid YAML: {exc}") from None
    except (UnicodeDecodeError, RecursionError) as exc:
        raise SeedError(f"{source}: cannot read: {type(exc).__name__}") from None
    except ValueError:  # int() past Python's 4300-digit limit, the one ValueError left
        raise SeedError(f"{source}: cannot read: a number has too many digits") from None
    finally:
        loader.dispose()


def _check_nodes(root: yaml.Node) -> None:
    """Refuse explicit tags and documents whose aliases expand past ``MAX_EXPANDED_NODES``."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        if node.tag not in _ALLOWED_TAGS:
            raise SeedError(f"line {node.start_mark.line + 1}: the tag {node.tag} is not allowed")
        if id(node) in active:
            raise SeedError(f"line {node.start_mark.line + 1}: an alias refers to itself")
        active.add(id(node))
        total = 1
        if isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total += sum(size(item) for item in node.value)
        active.discard(id(node))
        if total > MAX_EXPANDED_NODES:
            raise SeedError(
                f"line {node.start_mark.line + 1}: the document expands to more than "
                f"{MAX_EXPANDED_NODES:,} nodes (anchors and aliases?)"
            )
        sizes[id(node)] = total
        return total

    size(root)


def _line(mapping: object, key: object = None) -> str:
    line = line_of(mapping, key)
    return f"line {line}: " if line is not None else ""


def line_of(mapping: object, key: object = None) -> int | None:
    """The line of ``key`` in a mapping ``read_yaml`` loaded (of the mapping itself without one)."""
    if isinstance(mapping, _Map):
        return mapping.key_lines.get(key, mapping.line) if key is not None else mapping.line
    return None


def _mapping(value: object, where: str, allowed: set[str] | None = None) -> dict[Any, Any]:
    if not isinstance(value, dict):
        raise SeedError(f"{where} must be a mapping")
    if allowed is not None:
        for key in value:
            if key not in allowed:
                raise SeedError(
                    f"{_line(value, key)}unknown key {key!r} in {where.split(': ')[-1]} "
                    f"(allowed: {', '.join(sorted(allowed))})"
                )
    return value


def _accounts(document: object) -> Iterator[AccountSpec]:
    top = _mapping(document, "the document", _TOP_KEYS)
    if top.get("version") != FORMAT_VERSION or isinstance(top.get("version"), bool):
        raise SeedError(f"{_line(top, 'version')}'version: {FORMAT_VERSION}' is required")
    accounts = top.get("accounts") or {}
    accounts = _mapping(accounts, f"{_line(top, 'accounts')}accounts")
    ids: set[str] = set()
    for name, body in accounts.items():
        where = _line(accounts, name)
        if not isinstance(name, str) or _NAME_RE.fullmatch(name) is None:
            raise SeedError(
                f"{where}account name {name!r} must be 1-64 letters, digits, '_', '.' or '-'"
            )
        yield _account(name, _mapping(body, f"{where}account {name!r}", _ACCOUNT_KEYS), ids)


def _strings(
    value: object,
    where: str,
    pattern: re.Pattern[str] | None = None,
    rule: str = "1-256 visible ASCII characters",
) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise SeedError(f"{where} must be a list of strings")
    if pattern is not None:
        for item in value:
            if pattern.fullmatch(item) is None:
                raise SeedError(f"{where} holds a value that is not {rule}")
    return tuple(value)


def parse_account(name: str, body: object, ids: set[str] | None = None) -> AccountSpec:
    """Validate one account body as a fixture gives it (also used for JSON from the admin API)."""
    if _NAME_RE.fullmatch(name) is None:
        raise SeedError(f"account name {name!r} must be 1-64 letters, digits, '_', '.' or '-'")
    return _account(
        name, _mapping(body, f"account {name!r}", _ACCOUNT_KEYS), set() if ids is None else ids
    )


def _account(name: str, body: dict[str, Any], ids: set[str]) -> AccountSpec:
    keys = _strings(body.get("keys", []), f"{_line(body, 'keys')}keys of {name!r}", _TOKEN_RE)
    if len(set(keys)) != len(keys):
        raise SeedError(f"{_line(body, 'keys')}account {name!r} lists a key twice")
    disabled = body.get("disabled", False)
    if not isinstance(disabled, bool):
        raise SeedError(f"{_line(body, 'disabled')}disabled must be true or false")
    # Per-account overrides of --strict and --hash-ids (absent or null: the server's).
    options = {name: body.get(name) for name in ("strict", "hashIds")}
    for option, value in options.items():
        if value is not None and not isinstance(value, bool):
            raise SeedError(f"{_line(body, option)}{option} must be true, false or null")

    campaigns: dict[str, tuple[Coupon, ...]] = {}
    coupon_owner: dict[str, str] = {}
    loaded = now_text()
    raw_campaigns = _mapping(body.get("campaigns") or {}, f"{_line(body, 'campaigns')}campaigns")
    for campaign, spec in raw_campaigns.items():
        where = _line(raw_campaigns, campaign)
        if not isinstance(campaign, str) or _TOKEN_RE.fullmatch(campaign) is None:
            raise SeedError(
                f"{where}campaign id {campaign!r} must be 1-256 visible ASCII characters"
            )
        spec = _mapping(spec, f"{where}campaign {campaign!r}", {"coupons"})
        coupons = _coupons(campaign, spec.get("coupons", []), where, loaded)
        for coupon in coupons:
            if coupon.code in coupon_owner:
                raise SeedError(f"{where}coupon {coupon.code!r} belongs to two campaigns")
            coupon_owner[coupon.code] = campaign
        campaigns[campaign] = coupons

    metrics: dict[str, str] = {}
    raw_metrics = _mapping(body.get("metrics") or {}, f"{_line(body, 'metrics')}metrics")
    for event_name, metric in raw_metrics.items():
        if not isinstance(event_name, str) or not isinstance(metric, str) or not metric:
            raise SeedError(
                f"{_line(raw_metrics, event_name)}metrics map event names to metric ids (strings)"
            )
        if _ID_RE.fullmatch(metric) is None or _ID_RE.fullmatch(event_name) is None:
            raise SeedError(
                f"{_line(raw_metrics, event_name)}event names and metric ids must be 1-"
                f"{limits.STRING_FIELD_MAX_CHARS} characters"
            )
        metrics[event_name] = metric

    raw_events = body.get("events", [])
    if not isinstance(raw_events, list):
        raise SeedError(f"{_line(body, 'events')}events of {name!r} must be a list")
    events = tuple(_event(raw, name, ids, _line(body, "events")) for raw in raw_events)
    return AccountSpec(
        name,
        keys,
        campaigns,
        metrics,
        events,
        disabled,
        strict=options["strict"],
        hash_ids=options["hashIds"],
    )


def _coupons(campaign: str, raw: object, where: str, loaded: str) -> tuple[Coupon, ...]:
    """A campaign's coupons: plain codes, or mappings with the fields the API lists."""
    if not isinstance(raw, list):
        raise SeedError(f"{where}coupons of {campaign!r} must be a list")
    coupons: list[Coupon] = []
    for item in raw:
        if isinstance(item, str):
            coupons.extend(coupons_of(campaign, [_code(item, campaign, where)], created_at=loaded))
        elif isinstance(item, dict):
            coupons.append(
                _coupon(campaign, _mapping(item, f"a coupon of {campaign!r}", _COUPON_KEYS), loaded)
            )
        else:
            raise SeedError(
                f"{_line(item) or where}a coupon of {campaign!r} must be a code or a mapping"
            )
    return tuple(coupons)


def _code(code: str, campaign: str, where: str) -> str:
    """A coupon code within the API's string-field limit (an event sends it as ``coupon``)."""
    if _ID_RE.fullmatch(code) is None:
        raise SeedError(
            f"{where}coupon codes of {campaign!r} must be 1-{limits.STRING_FIELD_MAX_CHARS} "
            "characters"
        )
    return code


def _coupon(campaign: str, raw: dict[str, Any], loaded: str) -> Coupon:
    code = raw.get("code")
    if not isinstance(code, str) or not code:
        raise SeedError(f"{_line(raw)}a coupon of {campaign!r} needs a code (a string)")
    _code(code, campaign, _line(raw, "code"))
    coupon_id = raw.get("id")
    if coupon_id is None:
        coupon_id = generated_id(campaign, code)
    elif not isinstance(coupon_id, str) or _TOKEN_RE.fullmatch(coupon_id) is None:
        raise SeedError(f"{_line(raw, 'id')}coupon id must be 1-256 visible ASCII characters")
    texts: dict[str, str | None] = {}
    for name in ("tag", "item_type_id"):
        value = raw.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > _COUPON_TEXT_MAX):
            raise SeedError(
                f"{_line(raw, name)}coupon {name} must be a string of at most "
                f"{_COUPON_TEXT_MAX} characters"
            )
        texts[name] = value
    created = _coupon_time(raw, "created_at", loaded)
    return Coupon(
        code=code,
        id=coupon_id,
        created_at=created,
        updated_at=_coupon_time(raw, "updated_at", created),
        tag=texts["tag"],
        item_type_id=texts["item_type_id"],
    )


def _coupon_time(raw: dict[str, Any], name: str, default: str) -> str:
    value = raw.get(name)
    if value is None:
        return default
    seconds = _timestamp(value, _line(raw, name), name)
    return iso_timestamp(round(seconds * 1_000_000))


def _event(raw: object, account: str, ids: set[str], fallback: str) -> SeedEvent:
    where = _line(raw) or fallback
    if not isinstance(raw, dict):
        raise SeedError(f"{where}each event of {account!r} must be a mapping")
    body = {k: v for k, v in raw.items() if k not in _SEED_ONLY_EVENT_KEYS}
    try:
        fields, warnings = validate_event(body)
    except ApiError as exc:
        raise SeedError(f"{where}event of {account!r}: {exc.message}") from None
    for warning in warnings:
        if warning.code == "unknown-field":
            raise SeedError(
                f"{where}event of {account!r}: {warning.message.replace(' was ignored', '')}"
            )
    event_id = raw.get("id")
    if event_id is not None:
        if not isinstance(event_id, str) or _TOKEN_RE.fullmatch(event_id) is None:
            raise SeedError(f"{_line(raw, 'id')}event id must be 1-256 visible ASCII characters")
        if event_id in ids:
            raise SeedError(f"{_line(raw, 'id')}duplicate event id {event_id!r}")
        ids.add(event_id)
    created = raw.get("createdAt")
    return SeedEvent(
        fields, event_id, None if created is None else _timestamp(created, _line(raw, "createdAt"))
    )


def _timestamp(value: object, where: str, name: str = "createdAt") -> float:
    if not isinstance(value, str):
        raise SeedError(f"{where}{name} must be an ISO-8601 date-time string")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise SeedError(f"{where}{name} {value!r} is not an ISO-8601 date-time") from None
    if moment.tzinfo is None:
        raise SeedError(f"{where}{name} {value!r} needs a time zone, e.g. a trailing Z")
    if not 1970 <= moment.year <= 9999:
        raise SeedError(f"{where}{name} must fall between 1970 and 9999")
    return moment.timestamp()


def seed_event(raw: object, account: str, ids: set[str]) -> SeedEvent:
    """Validate one event as a fixture gives it (also used for JSON Lines fixtures)."""
    return _event(raw, account, ids, "")
