"""``DataParser`` hands its options to the plugins and its special fields through
``iter_data``; ``build_document_set`` takes ``idMapping`` and ``additionalFields``; a count
mismatch says so."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from performanceplatform.utils.data_parser import DataParser, build_document_set
from performanceplatform.utils.errors import ConfigError

START = dt.date(2013, 4, 1)


def item(dimensions: dict) -> dict:
    return {"start_date": START, "end_date": START + dt.timedelta(days=6),
            "dimensions": dimensions}


def test_plugins_get_the_options_so_the_departments_file_is_read(tmp_path, monkeypatch):
    monkeypatch.delenv("PP_COLLECTOR_DEPARTMENTS", raising=False)
    table = tmp_path / "departments.json"
    table.write_text(json.dumps({"<D9999>": "only-in-this-file"}), encoding="utf-8")
    options = {"departments-file": str(table),
               "plugins": ['ComputeDepartmentKey("customVarValue9")',
                           'ComputeIdFrom("department")']}
    [doc] = DataParser([item({"customVarValue9": "<D9999>"})], options, "t").get_data()
    assert doc["department"] == "only-in-this-file"


def test_iter_data_with_plugins_keeps_the_special_fields():
    options = {"plugins": ['ComputeIdFrom("visits")']}
    parser = DataParser([item({"a": "x"})], options, "t")
    [doc] = parser.iter_data([{"visits": 7}])
    assert doc["visits"] == 7 and doc["humanId"] == "7"


def test_build_document_set_uses_id_mapping_and_additional_fields():
    [doc] = build_document_set([item({"a": "x"})], "t", {}, [{"visits": 3}],
                               idMapping=["a", "extra"], additionalFields={"extra": "e"})
    assert doc["humanId"] == "xe" and doc["extra"] == "e" and doc["visits"] == 3


def test_a_count_mismatch_says_what_differs():
    with pytest.raises(ValueError, match="^There must be same number of special fields as "
                                         "results$"):
        build_document_set([item({}), item({})], "t", {}, [{}])


def test_plugins_that_are_not_a_list_and_a_missing_data_type_are_named():
    with pytest.raises(ConfigError) as failure:
        DataParser([], {"plugins": "ComputeIdFrom('a')"}, "t")
    assert str(failure.value) == "options.plugins: must be a list of plugin strings"
    with pytest.raises(ValueError, match="^Must provide a data type$"):
        build_document_set([], None, {}, None)


def test_each_id_string_is_logged_at_debug(caplog):
    import logging

    with caplog.at_level(logging.DEBUG, logger="performanceplatform.utils.data_parser"):
        DataParser([item({"a": "x"})], {"idMapping": ["a"]}, "t").get_data()
    assert "id string 'x' (str)" in caplog.messages
