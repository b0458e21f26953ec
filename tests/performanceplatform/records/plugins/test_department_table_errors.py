"""Department tables that cannot be used name where they came from; codes need both angle
brackets; a value that is not text has no department code."""

from __future__ import annotations

import json

import pytest

from performanceplatform.utils.errors import ConfigError
from performanceplatform.utils.plugins.department import ComputeDepartmentKey, DepartmentTable
from performanceplatform.utils.plugins.errors import PluginError


def test_a_table_given_as_entries_is_named_departments():
    with pytest.raises(ConfigError) as failure:
        DepartmentTable(entries=["not", "a", "mapping"])  # type: ignore[arg-type]
    assert str(failure.value) == ('departments: department table must be a JSON object '
                                  '{"<code>": "slug"}')


def test_a_table_file_that_cannot_be_read_is_named(tmp_path):
    with pytest.raises(ConfigError) as failure:
        DepartmentTable(path=str(tmp_path)).lookup("<D1>")
    assert str(failure.value) == f"{tmp_path}: cannot read department table: Is a directory"
    assert failure.value.where == str(tmp_path)


def test_a_table_file_is_read_as_utf8(tmp_path):
    path = tmp_path / "departments.json"
    path.write_bytes(json.dumps({"<D1>": "département-français"}, ensure_ascii=False)
                     .encode("utf-8"))
    assert DepartmentTable(path=str(path)).lookup("<D1>") == "département-français"


@pytest.mark.parametrize("value", ["<D1", "D1>"])
def test_a_code_has_both_angle_brackets(value):
    table = DepartmentTable(entries={"D1": "from-code"})
    assert table.lookup(value) == value


@pytest.mark.parametrize("value", [17, None, ["<D1>"]])
def test_a_value_that_is_not_text_has_no_code(value):
    plugin = ComputeDepartmentKey("dept", departments=DepartmentTable(entries={"D1": "x"}))
    with pytest.raises(PluginError) as failure:
        plugin([{"dept": value}])
    assert str(failure.value) == (f"options.plugins: ComputeDepartmentKey: dept value {value!r} "
                                  "does not start with a <code>")
