"""``check_record_options``: each record-builder option's check and its wording, all found
at once, under the caller's prefix."""

from __future__ import annotations

import pytest

from performanceplatform.utils.checks import Problems
from performanceplatform.utils.errors import ConfigError
from performanceplatform.utils.options import RECORD_OPTION_KEYS, _plain, check_record_options

ID_PLUGIN = 'ComputeIdFrom("a")'


def found(options, known=None, prefix="options") -> list[tuple[str, str]]:
    problems = Problems("q.json")
    check_record_options(problems, options, known=known, prefix=prefix)
    return problems.found


@pytest.mark.parametrize("options", [
    None, {}, {"mappings": {"a": "b"}, "idMapping": "a", "additionalFields": {"x": 1},
               "dataType": "t", "plugins": [ID_PLUGIN], "chunk-size": 0,
               "empty-data-set": False},
    {"idMapping": ["a", "b"]}, {"idMapping": None}, {"plugins": None}, {"plugins": []},
])
def test_good_options(options):
    assert found(options) == []


def test_options_that_are_not_an_object():
    assert found(["x"]) == [("options", "expected a JSON object, got list")]
    assert found("x", prefix="q.options") == [("q.options", "expected a JSON object, got str")]


@pytest.mark.parametrize("mappings, message", [
    (["a"], "expected an object of field names, got ['a']"),
    ({"a": "b", "c": ""}, "the new name of 'c' must be a non-empty string, got ''"),
    ({"c": 5, "d": None}, "the new name of 'c' must be a non-empty string, got 5"),
])
def test_mappings(mappings, message):
    assert found({"mappings": mappings}) == [("options.mappings", message)]


@pytest.mark.parametrize("value", ["", [], ["a", ""], ["a", 5], 5, {"a": 1}])
def test_id_mapping(value):
    assert found({"idMapping": value}) == [
        ("options.idMapping", f"expected a key or a non-empty list of keys, got {value!r}")]


def test_additional_fields_and_data_type():
    assert found({"additionalFields": ["x" * 50], "dataType": 5}, prefix="p") == [
        ("p.additionalFields", "expected a JSON object, got ['" + "x" * 38),
        ("p.dataType", "expected a string, got 5"),
    ]


@pytest.mark.parametrize("plugins", ["ComputeIdFrom('a')", [ID_PLUGIN, 5]])
def test_plugins_must_be_a_list_of_strings(plugins):
    assert found({"plugins": plugins}) == [
        ("options.plugins", f"expected a list of plugin strings, got {plugins!r}")]


def test_each_bad_plugin_is_reported_without_its_prefix_and_the_last_must_compute_the_id():
    assert found({"plugins": ["Nope(1)", "ComputeIdFrom("]}, prefix="o") == [
        ("o.plugins", "unknown plugin 'Nope' in 'Nope(1)' (known: AggregateKey, Comment, "
                      "ComputeDepartmentKey, ComputeIdFrom, ComputeRank, RemoveKey, "
                      "SetDepartment)"),
        ("o.plugins", "cannot parse plugin 'ComputeIdFrom(': '(' was never closed"),
    ]
    assert found({"plugins": [ID_PLUGIN, 'Comment("x")']}) == [
        ("options.plugins", "the last plugin must be ComputeIdFrom(...), got 'Comment(\"x\")'")]


def test_chunk_size_and_empty_data_set_are_checked_under_the_prefix():
    assert found({"chunk-size": -1, "empty-data-set": "yes"}, prefix="p") == [
        ("p.chunk-size", "expected a whole number >= 0 (0: one POST), got -1"),
        ("p.empty-data-set", "expected true or false, got 'yes'"),
    ]


def test_every_problem_is_found_at_once_in_order():
    keys = [key for key, _ in found({"mappings": 1, "idMapping": 1, "additionalFields": 1,
                                     "dataType": 1, "plugins": 1, "chunk-size": "x",
                                     "empty-data-set": 1})]
    assert keys == ["options.mappings", "options.idMapping", "options.additionalFields",
                    "options.dataType", "options.plugins", "options.chunk-size",
                    "options.empty-data-set"]


def test_unknown_keys_only_when_the_known_keys_are_given():
    options = {"mappings": {}, "frequncy": "daily", "path_to_json_file": "q.json"}
    assert found(options) == []
    problems = found(options, known={"mappings", "frequency"})
    assert problems == [("options.frequncy", "unknown key; known keys: frequency, mappings")]
    assert "idMapping" in RECORD_OPTION_KEYS and "empty-data-set" in RECORD_OPTION_KEYS


@pytest.mark.parametrize("error, plain", [
    (ConfigError("bad  thing\nhere", where="w", key="k"), "bad thing here"),
    (ConfigError("bad", where="w"), "bad"),
    (ConfigError("bad", key="k"), "bad"),
    (ConfigError("bad"), "bad"),
])
def test_plain_drops_where_and_key(error, plain):
    assert _plain(error) == plain


def test_the_last_plugin_is_the_one_named():
    plugins = [ID_PLUGIN, 'Comment("a")', 'Comment("b")']
    assert found({"plugins": plugins}) == [
        ("options.plugins", "the last plugin must be ComputeIdFrom(...), got "
                            + repr('Comment("b")'))]


def test_plugins_are_checked_with_the_query_s_department_table(tmp_path, monkeypatch):
    import json

    monkeypatch.delenv("PP_COLLECTOR_DEPARTMENTS", raising=False)
    table = tmp_path / "departments.json"
    table.write_text(json.dumps({"<D9999>": "only-in-this-file"}), encoding="utf-8")
    options = {"departments-file": str(table), "plugins": ['SetDepartment("<D9999>")', ID_PLUGIN]}
    assert found(options) == []
    broken = {"departments-file": str(tmp_path / "none.json"),
              "plugins": ['SetDepartment("<D9999>")', ID_PLUGIN]}
    [(key, message)] = found(broken)
    assert key == "options.plugins"
    assert message == "cannot read department table: No such file or directory"
