"""What ``pip install pp-collector`` gets: only dependencies the code imports, a licence, the
commands it documents, and type information."""

from __future__ import annotations

import ast
import importlib
import re
from importlib import metadata
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]


def distribution_name(requirement: str) -> str:
    return re.split(r"[\s<>=!~\[;]", requirement, maxsplit=1)[0].lower()


def imported_top_level_modules() -> set[str]:
    """Every top-level module the package imports, anywhere (lazy imports included)."""
    found = set()
    for path in (REPO / "performanceplatform").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return found


def test_every_dependency_is_imported_by_the_package():
    owners = metadata.packages_distributions()
    imported = {dist.lower() for module in imported_top_level_modules()
                for dist in owners.get(module, [])}
    unused = [requirement for requirement in PROJECT["dependencies"]
              if distribution_name(requirement) not in imported]
    assert not unused, f"dependencies nothing imports: {unused}"


def test_the_licence_is_spdx_mit_with_its_text():
    assert PROJECT["license"] == "MIT"
    assert PROJECT["license-files"] == ["LICENSE"]
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n\nCopyright (c) ")
    assert "pp-collector contributors" in text.splitlines()[2]


@pytest.mark.parametrize("name, target", sorted(PROJECT["scripts"].items()))
def test_every_command_is_a_function_and_documented(name, target):
    module, _, function = target.partition(":")
    assert callable(getattr(importlib.import_module(module), function))
    assert name in (REPO / "README.rst").read_text(encoding="utf-8")


def test_every_subpackage_ships_py_typed():
    package = REPO / "performanceplatform"
    subpackages = [path.parent for path in package.glob("*/__init__.py")]
    assert subpackages and all((folder / "py.typed").is_file() for folder in subpackages)
    assert "py.typed" in PYPROJECT["tool"]["setuptools"]["package-data"]["*"]


def test_the_changelog_names_this_version():
    from performanceplatform.collector import __version__

    assert f"\n{__version__} " in (REPO / "CHANGELOG.rst").read_text(encoding="utf-8")
