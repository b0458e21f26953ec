from __future__ import annotations

import json
from pathlib import Path

import pytest

from performanceplatform.utils.plugins import ENV_DEPARTMENTS, DepartmentTable


@pytest.fixture(autouse=True)
def no_department_env(monkeypatch):
    monkeypatch.delenv(ENV_DEPARTMENTS, raising=False)


@pytest.fixture
def departments_file(tmp_path: Path) -> Path:
    """A user's table, whose slugs differ from the shipped ones."""
    path = tmp_path / "my-departments.json"
    path.write_text(json.dumps({"<D1>": "ago", "D2": "co", "<D9>": "dft"}), encoding="utf-8")
    return path


@pytest.fixture
def departments() -> DepartmentTable:
    """The shipped GOV.UK table."""
    return DepartmentTable()
