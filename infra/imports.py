"""What the Lambda handlers import, followed through the `functions` package, so the dependency
layer holds exactly the third-party distributions they need (and a handler that reaches for
something the layer lacks fails the deploy here, not at its first request on AWS).

Imports are read from the source (never executed), lazy ones inside functions included, since
those run on Lambda too; imports under `if TYPE_CHECKING:` are skipped, they never run.
"""

from __future__ import annotations

import ast
import importlib.metadata
import sys
from collections.abc import Iterable
from pathlib import Path

PACKAGE = "functions"
RUNTIME_PROVIDED = frozenset({"boto3", "botocore"})
"""Shipped with Lambda's Python runtime; bundling them would only pin an older or newer copy."""


def module_file(root: Path, module: str) -> Path | None:
    """The source of a `functions.*` module (or package `__init__`), None for a namespace folder."""
    base = root.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported_names(tree: ast.AST, module: str, is_package: bool) -> Iterable[str]:
    """Dotted names one module imports at run time (relative imports resolved)."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = module.split(".")
                anchor = parts if is_package else parts[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)
        stack.extend(ast.iter_child_nodes(node))


def import_closure(entry_modules: Iterable[str], root: Path) -> tuple[set[str], set[str]]:
    """(`functions.*` modules reached, top-level names of everything else imported) from the entries."""
    seen: set[str] = set()
    outside: set[str] = set()
    todo = list(entry_modules)
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        path = module_file(root, module)
        if path is None and not root.joinpath(*module.split(".")).is_dir():
            continue  # `from functions.x import name`: `name` is not a module
        seen.add(module)
        parents = module.split(".")
        todo.extend(".".join(parents[:i]) for i in range(1, len(parents)))
        if path is None:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for name in _imported_names(tree, module, path.name == "__init__.py"):
            top = name.split(".")[0]
            if top == PACKAGE:
                todo.append(name)
            elif top and top != "__future__":
                outside.add(top)
    return seen, outside


def third_party(names: Iterable[str]) -> set[str]:
    """Top-level import names that are neither the standard library nor provided by the runtime."""
    return {n for n in names if n not in sys.stdlib_module_names and n not in RUNTIME_PROVIDED}


def handler_modules(handlers: Iterable[str]) -> list[str]:
    """`functions.collect.handler.lambda_handler` → `functions.collect.handler`."""
    return sorted({handler.rsplit(".", 1)[0] for handler in handlers})


def pinned_requirements(import_names: Iterable[str]) -> list[str]:
    """`name==version` of the installed distribution behind each import name.

    Pinned to what is installed here, the versions the tests ran against, rather than to the
    ranges in pyproject.toml, so the layer never picks up a release nobody has tested.
    """
    providers = importlib.metadata.packages_distributions()
    missing = sorted(n for n in import_names if n not in providers)
    if missing:
        raise LookupError(f"the functions import {', '.join(missing)}, which no installed distribution provides")
    distributions = {providers[name][0] for name in import_names}
    return sorted(f"{dist}=={importlib.metadata.version(dist)}" for dist in distributions)
