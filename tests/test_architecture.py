"""The shape of the package: modules a newcomer reads in one sitting, each saying its job."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "draftctl"
MAX_LINES = 500
# Modules still over the limit while their split is under way. Each entry names who is
# splitting it; remove the entry when the split lands (the test below then guards it).
OVER_THE_LIMIT: set[str] = set()  # every module is within the limit; keep it that way


def _modules() -> dict[str, Path]:
    return {p.relative_to(PACKAGE).as_posix(): p for p in sorted(PACKAGE.rglob("*.py"))}


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_no_module_is_longer_than_a_sitting() -> None:
    too_long = {
        name: _lines(path)
        for name, path in _modules().items()
        if name not in OVER_THE_LIMIT and _lines(path) > MAX_LINES
    }
    assert not too_long, f"modules over {MAX_LINES} lines (split them by job): {too_long}"


def test_the_allow_list_names_only_modules_still_too_long() -> None:
    modules = _modules()
    stale = {n for n in OVER_THE_LIMIT if n not in modules or _lines(modules[n]) <= MAX_LINES}
    assert not stale, f"remove from OVER_THE_LIMIT, now short enough or gone: {stale}"


def test_every_module_opens_with_a_docstring_saying_its_job() -> None:
    missing = [
        name
        for name, path in _modules().items()
        if not ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert not missing, f"modules without a docstring: {missing}"


def test_every_declared_dependency_is_imported_by_the_package() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    graph = grimp.build_graph("draftctl", include_external_packages=True)
    imported = {m for m in graph.modules if not m.startswith("draftctl")}
    providers = importlib.metadata.packages_distributions()
    unused = []
    for requirement in declared:
        dist = re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower()
        names = {name for name, dists in providers.items() if dist in map(str.lower, dists)}
        if not names & imported:
            unused.append(dist)
    assert not unused, f"declared in pyproject.toml but imported nowhere in draftctl: {unused}"


def test_every_third_party_import_is_declared() -> None:
    """A package the code imports must be a declared dependency, not something another
    dependency happens to pull in (lxml arrives with python-docx, but we call it ourselves)."""
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    dists = {re.split(r"[<>=!~;\[ ]", r, maxsplit=1)[0].lower() for r in declared}
    graph = grimp.build_graph("draftctl", include_external_packages=True)
    providers = importlib.metadata.packages_distributions()
    undeclared = sorted(
        top
        for top in {m.split(".")[0] for m in graph.modules if not m.startswith("draftctl")}
        if top in providers and not {d.lower() for d in providers[top]} & dists
    )
    assert not undeclared, f"imported by draftctl but not declared in pyproject.toml: {undeclared}"


def test_every_module_imports() -> None:
    """A module that names a module that does not exist fails here, not at a user's command."""
    import importlib
    import pkgutil

    import draftctl

    for info in pkgutil.walk_packages(draftctl.__path__, "draftctl."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)
