from __future__ import annotations

from pathlib import Path

import pytest

from performanceplatform.utils.plugins import ENV_DEPARTMENTS, DepartmentTable

FIXTURE = Path(__file__).resolve().parents[3] / "fixtures" / "departments.json"


@pytest.fixture(autouse=True)
def no_department_env(monkeypatch):
    monkeypatch.delenv(ENV_DEPARTMENTS, raising=False)


@pytest.fixture
def departments_file() -> Path:
    return FIXTURE


@pytest.fixture
def departments() -> DepartmentTable:
    return DepartmentTable(path=str(FIXTURE))
