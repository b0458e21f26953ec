"""Departments: codes, the table, SetDepartment, ComputeDepartmentKey (ga.md §8, #40-#44)."""

from __future__ import annotations

import json

import pytest

from performanceplatform.records.plugins import (
    ENV_DEPARTMENTS,
    ComputeDepartmentKey,
    DepartmentTable,
    SetDepartment,
    take_first_department_code,
    try_get_department,
)
from performanceplatform.utils.errors import ConfigError


def test_40_try_get_department(departments):
    assert try_get_department("<D1>", departments) == "attorney-generals-office"
    assert try_get_department("<D1><foo>", departments) == "attorney-generals-office"
    assert try_get_department("<foo>", departments) == "<foo>"


def test_41_compute_department_key(departments):
    docs = ComputeDepartmentKey("key_name", departments=departments)([{"key_name": "<D10>"}])
    assert docs[0]["department"] == "department-for-work-pensions"


def test_42_compute_department_key_missing_key(departments):
    with pytest.raises(AssertionError, match='key "key_name" not found'):
        ComputeDepartmentKey("key_name", departments=departments)([{"foo": "<D10>"}])


def test_43_unknown_code_is_kept(departments):
    docs = ComputeDepartmentKey("k", departments=departments)([{"k": "<DTHISDOESNOTEXIST>"}])
    assert docs[0]["department"] == "<DTHISDOESNOTEXIST>"


def test_44_first_code_wins(departments):
    docs = ComputeDepartmentKey("k", departments=departments)([{"k": "<D10><D9>"}])
    assert docs[0]["department"] == "department-for-work-pensions"


def test_compute_department_key_needs_a_code(departments):
    with pytest.raises(AssertionError):
        ComputeDepartmentKey("k", departments=departments)([{"k": "D10"}])


@pytest.mark.parametrize(
    ("value", "department"),
    [
        ("<D3>", "department-for-business-innovation-skills"),
        ("<D3><D4>", "department-for-business-innovation-skills"),
        ("Department for fooing", "Department for fooing"),
    ],
)
def test_set_department(departments, value, department):
    docs = SetDepartment(value, departments=departments)([{}, {"x": 1}])
    assert [doc["department"] for doc in docs] == [department, department]


def test_take_first_department_code():
    assert take_first_department_code("<D3><D4>") == "<D3>"
    assert take_first_department_code("x<D3>") is None


def test_table_from_environment(monkeypatch, departments_file):
    monkeypatch.setenv(ENV_DEPARTMENTS, str(departments_file))
    assert try_get_department("<D2>") == "co"
    assert SetDepartment("<D9>").department == "dft"
    assert ComputeDepartmentKey("k")([{"k": "<D1>"}])[0]["department"] == "ago"


def test_option_wins_over_environment(monkeypatch, tmp_path, departments_file):
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"D2": "somewhere-else"}))  # brackets are optional
    monkeypatch.setenv(ENV_DEPARTMENTS, str(departments_file))
    table = DepartmentTable.for_options({"departments-file": str(other)})
    assert table.lookup("<D2>") == "somewhere-else"


def test_a_users_table_replaces_the_shipped_one(departments_file):
    table = DepartmentTable.for_options({"departments-file": str(departments_file)})
    assert table.lookup("<D2>") == "co"
    assert table.lookup("<D10>") == "<D10>"  # not in the user's table: kept, not looked up


def test_with_no_table_named_the_shipped_table_is_used():
    assert SetDepartment("<D3>").department == "department-for-business-innovation-skills"
    docs = ComputeDepartmentKey("k")([{"k": "<EA570><D1>"}, {"k": "<D241>"}])
    assert [doc["department"] for doc in docs] == ["driver-and-vehicle-standards-agency",
                                                   "uk-export-finance"]
    assert DepartmentTable.for_options({}).lookup("<D10>") == "department-for-work-pensions"
    assert DepartmentTable.for_options({"departments-file": ""}).lookup("<D2>") == \
        "cabinet-office"


def test_unknown_codes_are_kept_with_the_shipped_table():  # ga.md §8
    assert SetDepartment("<D14>").department == "<D14>"  # absent from the original's table
    assert ComputeDepartmentKey("k")([{"k": "<ZZ9>"}])[0]["department"] == "<ZZ9>"


def test_plain_names_are_kept():
    assert SetDepartment("Some Dept").department == "Some Dept"
    assert ComputeDepartmentKey("k")([]) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [("not json", "not valid JSON"), ("[1]", "JSON object"), ('{"<D1>": 1}', "not text")],
)
def test_bad_table_files(tmp_path, content, message):
    path = tmp_path / "departments.json"
    path.write_text(content)
    with pytest.raises(ConfigError, match=message) as raised:
        DepartmentTable(path=str(path)).lookup("<D1>")
    assert str(path) in str(raised.value)


def test_missing_table_file(tmp_path):
    with pytest.raises(ConfigError, match="cannot read department table"):
        DepartmentTable(path=str(tmp_path / "nope.json")).lookup("<D1>")


def test_table_given_as_a_mapping():
    assert DepartmentTable(entries={"D1": "ago"}).lookup("<D1>") == "ago"


def test_a_key_is_taken_as_a_code_only_with_both_brackets():
    """``"D1"`` and ``"<D1>"`` name the same code; a key with one bracket gets both added."""
    table = DepartmentTable(entries={"<D1>": "ago", "D2": "dwp", "<D3": "open", "D4>": "close"})
    assert [table.lookup(code) for code in ("<D1>", "<D2>", "<<D3>", "<D4>>")] == [
        "ago", "dwp", "open", "close"]
    assert table.lookup("<D3") == "<D3" and table.lookup("D4>") == "D4>"
