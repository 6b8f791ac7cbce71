"""Dependencies point one way: no module imports one that imports it back, even lazily."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {
    "tracking_mock": ROOT / "src" / "tracking_mock",
    "tracking_mock_pytest": ROOT / "pytest_plugin" / "tracking_mock_pytest",
}


def _modules() -> dict[str, Path]:
    found = {}
    for package, folder in PACKAGES.items():
        for file in folder.rglob("*.py"):
            parts = file.relative_to(folder).with_suffix("").parts
            found[".".join((package, *parts)).removesuffix(".__init__")] = file
    return found


LAZY_BY_DESIGN = {
    # The package's ``__getattr__`` loads the app on first use of ``create_app``, so that
    # importing the core does not load Starlette; the core never asks it for the app.
    ("tracking_mock", "tracking_mock.app"),
    # seed.py reads a .jsonl fixture with seed_jsonl, which builds on seed.py's account rules
    # (to go when those rules leave the YAML loader).
    ("tracking_mock.seed", "tracking_mock.seed_jsonl"),
}


def _imports(name: str, file: Path, known: set[str]) -> set[str]:
    """The project's modules ``name`` imports, at load time or lazily (not for type checks)."""
    tree = ast.parse(file.read_text(encoding="utf-8"))
    package = name if file.name == "__init__.py" else name.rpartition(".")[0]
    type_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for node in ast.walk(block)
    }
    wanted: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            wanted.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([node.module] if node.module else [])])
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                wanted.add(submodule if submodule in known else base)
    return {m for m in wanted & known if m != name and (name, m) not in LAZY_BY_DESIGN}


def test_no_module_imports_one_that_imports_it_back() -> None:
    modules = _modules()
    known = set(modules)
    graph = {name: _imports(name, file, known) for name, file in modules.items()}
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as exc:
        raise AssertionError(f"import cycle: {' -> '.join(exc.args[1])}") from None
