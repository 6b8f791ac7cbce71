"""Find fixture files and load them (YAML format version 1, or JSON Lines) into one ``Seed``.

Only PyYAML's safe loader is used. Timestamps and YAML 1.1 ``yes``/``no`` booleans stay
strings, explicit tags are refused, anchors and aliases are bounded, and mappings remember the
line of each key. What a document may hold is ``accounts.py``'s job. Nothing is returned unless
every file is good.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TypeVar

import yaml

from .accounts import parse_document
from .errors import SeedError
from .gcpause import gc_paused
from .linemap import LineMap
from .models import AccountSpec
from .seed_jsonl import load_jsonl

MAX_EXPANDED_NODES = 20_000_000
"""Anchors and aliases may repeat nodes, but a document may not expand past this."""
_YAML_SUFFIXES = (".yaml", ".yml")
FIXTURE_SUFFIXES = (*_YAML_SUFFIXES, ".jsonl")
"""What a fixture folder loads, in name order."""
_ALLOWED_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "merge")
}
_MERGE_TAG = "tag:yaml.org,2002:merge"
T = TypeVar("T")


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


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> Iterator[LineMap]:
    data = LineMap()
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
            found = sorted(p for p in path.iterdir() if p.suffix in FIXTURE_SUFFIXES)
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
        try:
            size = file.stat().st_size if file.is_file() else 0
        except OSError as exc:
            raise SeedError(f"{file}: cannot read: {exc.strerror or exc}") from None
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
    try:
        with gc_paused():  # a file may hold millions of objects (see gcpause)
            if file.suffix == ".jsonl" and file.is_file():
                return [load_jsonl(file)]
            return parse_fixture(file.read_bytes() if file.is_file() else b"", str(file))
    except OSError as exc:  # unreadable, or replaced by an editor while being read
        raise SeedError(f"{file}: cannot read: {exc.strerror or exc}") from None


def parse_fixture(data: bytes, source: str = "<fixture>") -> list[AccountSpec]:
    """Parse one fixture document; every error names ``source`` and, where known, the line."""
    return read_yaml(data, source, lambda document: list(parse_document(document)))


def read_yaml(data: bytes, source: str, build: Callable[[object], T]) -> T:
    """Load one YAML (or JSON) document safely and ``build`` it; ``SeedError``s name the line.

    Mappings in the document are ``LineMap``s that remember the line of each key, so ``build``
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
